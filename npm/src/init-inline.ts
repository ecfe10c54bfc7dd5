// Instantiates the core from the wasm bytes embedded in the bundle (base64): no file system,
// no fetch, no bundler configuration. For Node, Bun, Deno, browsers and generic bundlers.
// Synchronous, so the API is ready when the import returns (and `require()` works).
import { initSync } from "./glue/hookwall_js.js";
import { WASM_BASE64 } from "./glue/wasm-base64.js";

function decode(b64: string): Uint8Array {
  const g = globalThis as {
    Buffer?: { from(s: string, enc: string): Uint8Array };
    Uint8Array: { fromBase64?: (s: string) => Uint8Array };
  };
  if (g.Buffer) return g.Buffer.from(b64, "base64");
  if (typeof g.Uint8Array.fromBase64 === "function") return g.Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

initSync({ module: new WebAssembly.Module(decode(WASM_BASE64) as Uint8Array<ArrayBuffer>) });
