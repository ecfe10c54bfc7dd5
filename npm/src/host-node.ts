// The host's native crypto for the core (Node and Bun: OpenSSL/BoringSSL through the crypto
// module), handed to the wasm with setHostCrypto. Only the Node entry (entry-cjs.ts) imports
// this file: the web and workerd entries keep the pure-Rust provider.
//
// The crypto module is reached with process.getBuiltinModule (Node >= 20.16, Bun), a run-time
// call no bundler follows; where it is missing (older Node) nothing is installed. Every rule
// (key sizes, Ed25519 strictness, signature lengths, constant-time comparisons) stays in the
// core, which falls back to pure Rust whenever a call here throws or a key is refused.
import { setHostCrypto } from "./glue/hookwall_js.js";

/** HMAC and SHA-256 go to the host from this many input bytes up (measured break-even). */
export const HOST_HASH_MIN_BYTES = 512;
/** Whether Ed25519 goes to the host (measured faster in Node; see npm/README.md). */
export const HOST_ED25519 = true;

type Bytes = Uint8Array;
interface Hash {
  update(data: Bytes): Hash;
  digest(): Bytes;
}
interface NodeCrypto {
  createHmac(alg: string, key: unknown): Hash;
  createHash(alg: string): Hash;
  createSecretKey(key: Bytes): unknown;
  createPublicKey(input: { key: Record<string, string>; format: "jwk" }): unknown;
  verify(alg: string | null, data: Bytes, key: unknown, signature: Bytes): boolean;
}
interface BufferLike {
  from(data: Bytes): Bytes & { toString(encoding: string): string };
}

function nodeCrypto(): { crypto: NodeCrypto; buffer: BufferLike } | undefined {
  const g = globalThis as {
    process?: { versions?: { node?: string }; getBuiltinModule?: (name: string) => unknown };
    Buffer?: BufferLike;
  };
  const get = g.process?.getBuiltinModule;
  if (typeof get !== "function" || !g.process?.versions?.node || !g.Buffer) return undefined;
  try {
    const crypto = get.call(g.process, "crypto") as NodeCrypto | undefined;
    if (!crypto || typeof crypto.createHmac !== "function" || typeof crypto.verify !== "function") return undefined;
    if (typeof crypto.createPublicKey !== "function" || typeof crypto.createSecretKey !== "function") return undefined;
    return { crypto, buffer: g.Buffer };
  } catch {
    return undefined;
  }
}

/** Installs the host provider when the runtime has the crypto module; returns whether it did. */
export function installHostCrypto(): boolean {
  const found = nodeCrypto();
  if (!found) return false;
  const { crypto, buffer } = found;
  // Keys by handle: the core looks handles up by key material and imports each key once.
  let keys: unknown[] = [];
  // Copies out of wasm memory (the views the core passes are only valid during the call).
  const b64url = (b: Bytes) => buffer.from(b).toString("base64url");
  const host = {
    hmac(handle: number, prefix: Bytes, body: Bytes): Bytes {
      return crypto.createHmac("sha256", keys[handle]).update(prefix).update(body).digest();
    },
    sha256(data: Bytes): Bytes {
      return crypto.createHash("sha256").update(data).digest();
    },
    importKey(kind: number, a: Bytes, b: Bytes): number {
      let key: unknown;
      try {
        if (kind === 0) key = crypto.createSecretKey(buffer.from(a));
        else if (kind === 1) key = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(a) }, format: "jwk" });
        else if (kind === 2) key = crypto.createPublicKey({ key: { kty: "RSA", n: b64url(a), e: b64url(b) }, format: "jwk" });
        else return -1;
      } catch {
        return -1;
      }
      keys.push(key);
      return keys.length - 1;
    },
    verify(handle: number, message: Bytes, signature: Bytes): boolean {
      const key = keys[handle] as { asymmetricKeyType?: string };
      return crypto.verify(key.asymmetricKeyType === "rsa" ? "sha256" : null, message, key, signature);
    },
    clear(): void {
      keys = [];
    },
  };
  (setHostCrypto as (host: unknown, minBytes: number, ed25519: boolean) => void)(host, HOST_HASH_MIN_BYTES, HOST_ED25519);
  return true;
}
