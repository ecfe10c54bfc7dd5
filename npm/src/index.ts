// hookwall for every JavaScript runtime: the same Rust core the edge worker runs, through
// wasm-bindgen (`--target web` glue, instantiated by the entry of each runtime before this
// module runs: see entry-*.ts).
//
// A thin adapter: header finding, timestamp and signature checks, JWKS parsing and the JWKS
// cache policy are all decided by the core. This file turns JS values into bytes and header
// pairs, fetches the JWKS when the core's policy says so, and maps verdicts to errors. It uses
// no Node API: Node's Buffer only as a faster path when the runtime has one.

import type { WebhookErrorCode } from "./codes.js";
import * as glue from "./glue/hookwall_js.js";

interface WasmVerifierInstance {
  authenticate(body: Uint8Array, headers: string[], now: number): string;
  rejection(body: Uint8Array, headers: string[], now: number): string | undefined;
  rejectionJoined(body: Uint8Array, headers: string, now: number): string | undefined;
  verify(body: Uint8Array, headers: string[], now: number): string;
  verifyDetailed(body: Uint8Array, headers: string[], now: number, reveal?: boolean): string;
  readonly maxBodyBytes: number;
  free(): void;
}
/** The core's key flow for one `JwksVerifier`: it decides; this file only fetches. */
interface WasmKeyCacheInstance {
  next(body: Uint8Array, headers: string[], now: number, flow: { free(): void }): string;
  fetched(document: Uint8Array, cacheControl: string | undefined, now: number): void;
  fetchFailed(now: number): void;
  verifyDetailed(body: Uint8Array, headers: string[], now: number): string;
}
interface WasmModule {
  WasmVerifier: new (config: string) => WasmVerifierInstance;
  signV1(secret: string, id: string, timestamp: number, body: Uint8Array): string;
  signV1a(signingKey: string, id: string, timestamp: number, body: Uint8Array): string;
  isAllowedEndpoint(url: string): boolean;
  WasmKeyCache: new (config: string, policy?: string) => WasmKeyCacheInstance;
  WasmKeyFlow: new () => { free(): void };
  maxJwksBytes(): number;
  rejectionCodes(): string;
  version(): string;
}
const wasm: WasmModule = glue as unknown as WasmModule;

/** Google's JWKS for Gemini API dynamic webhooks. */
export const GEMINI_JWKS_URL = "https://generativelanguage.googleapis.com/.well-known/jwks.json";
/** Largest JWKS document fetched: the core's cap. */
const MAX_JWKS_BYTES = wasm.maxJwksBytes();

/** The three headers of a Standard Webhooks delivery (the `standardwebhooks` and `svix` type). */
export interface WebhookUnbrandedRequiredHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}
/** The same three headers under Svix's names (the `svix` type); accepted as well. */
export interface WebhookRequiredHeaders {
  "svix-id": string;
  "svix-timestamp": string;
  "svix-signature": string;
}

/**
 * Header input: a plain object (Node's `req.headers`, or the header types of `standardwebhooks`
 * and `svix`), a WHATWG `Headers`, or pairs. Names in any case; `svix-*` names are accepted.
 */
export type WebhookHeaders =
  | WebhookUnbrandedRequiredHeaders
  | WebhookRequiredHeaders
  | Record<string, string | string[] | undefined>
  | Headers
  | Iterable<readonly [string, string]>;

export type { WebhookErrorCode };

/** Thrown for every rejected delivery; `code` is the core's stable snake_case code. */
export class WebhookVerificationError extends Error {
  readonly code: WebhookErrorCode;
  /** The HTTP status a receiver should answer with (400, 401, 413, 503). */
  readonly status: number;
  /** For a retryable rejection (503 `jwks_unavailable`): seconds for a `retry-after` header. */
  readonly retryAfterSeconds?: number;
  /**
   * `(code, message, status = 400, retryAfterSeconds?)`; or `(message)` alone as in
   * `standardwebhooks` (then the code is `unknown`).
   */
  constructor(codeOrMessage: WebhookErrorCode | (string & {}), message?: string, status = 400, retryAfterSeconds?: number) {
    super(message ?? codeOrMessage);
    this.name = "WebhookVerificationError";
    this.code = message === undefined ? "unknown" : (codeOrMessage as WebhookErrorCode);
    this.status = status;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Node's (and Bun's) Buffer when the runtime has one: faster UTF-8 and base64 than the web APIs.
 * Typed here, so the package's declarations need no `@types/node`. */
interface NodeBufferLike extends Uint8Array {
  toString(encoding?: string): string;
}
interface NodeBufferStatic {
  from(text: string, encoding: string): NodeBufferLike;
  from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): NodeBufferLike;
}
const NodeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const view = (b: Uint8Array) => NodeBuffer!.from(b.buffer, b.byteOffset, b.byteLength);

function bytes(payload: string | Uint8Array): Uint8Array {
  // Buffer.from is the UTF-8 encoding, like TextEncoder, and several times faster for large bodies.
  if (typeof payload === "string") return NodeBuffer ? NodeBuffer.from(payload, "utf8") : encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  throw new TypeError("payload must be a string or a Uint8Array (the raw request body)");
}
/**
 * `bytes`, for a body the wasm copies at once and nothing keeps: a string is encoded into one
 * reused buffer (encodeInto, several times faster than allocating for large bodies). Only for
 * synchronous calls: the next call overwrites it.
 */
let scratch = new Uint8Array(0);
function transientBytes(payload: string | Uint8Array): Uint8Array {
  if (typeof payload !== "string") return bytes(payload);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (scratch.length < payload.length * 3) scratch = new Uint8Array(Math.max(payload.length * 3, 1024));
  const { written } = encoder.encodeInto(payload, scratch);
  return scratch.subarray(0, written);
}
/** UTF-8 decoding, invalid sequences replaced by U+FFFD (like Buffer's `toString()`). */
function text(payload: string | Uint8Array): string {
  if (typeof payload === "string") return payload;
  return NodeBuffer ? view(payload).toString("utf8") : decoder.decode(payload);
}
function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
function base64(b: Uint8Array): string {
  if (NodeBuffer) return view(b).toString("base64");
  let binary = "";
  for (let i = 0; i < b.length; i += 0x8000) binary += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Whether a header name starts with `webhook-` or `svix-` in any case (a cheap pre-filter; the
 * core decides the rest).
 */
function isWebhookHeader(name: string): boolean {
  const first = name.charCodeAt(0) | 0x20;
  if (first === 0x77) return name.length > 8 && name.slice(0, 8).toLowerCase() === "webhook-";
  return first === 0x73 && name.length > 5 && name.slice(0, 5).toLowerCase() === "svix-";
}

/** Flattens headers into `[name, value, ...]`, keeping only `webhook-*`/`svix-*` names (the core decides the rest). */
function headerPairs(headers: WebhookHeaders): string[] {
  const out: string[] = [];
  const add = (name: string, value: unknown) => {
    if (typeof name !== "string" || !isWebhookHeader(name)) return;
    if (Array.isArray(value)) for (const v of value) out.push(name, String(v));
    else if (value !== undefined && value !== null) out.push(name, String(value));
  };
  if (headers == null) throw new TypeError("headers are required");
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, name) => add(name, value));
  } else if (typeof (headers as Iterable<readonly [string, string]>)[Symbol.iterator] === "function") {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) add(name, value);
  } else {
    const record = headers as Record<string, unknown>;
    for (const name of Object.keys(record)) add(name, record[name]);
  }
  return out;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The core's rejection JSON, or undefined when the delivery authenticates. The headers cross
 * the boundary as one `name\0value\0...` string (one conversion instead of one per string);
 * a name or value containing NUL would split wrongly, so then the list form is used.
 */
function rejectionOf(v: WasmVerifierInstance, body: Uint8Array, pairs: string[], now: number): string | undefined {
  for (let i = 0; i < pairs.length; i++) if (pairs[i].includes("\0")) return v.rejection(body, pairs, now);
  return v.rejectionJoined(body, pairs.join("\0"), now);
}

interface Verdict {
  ok: boolean;
  code?: string;
  message?: string;
  status?: number;
  retryAfterSeconds?: number;
  id?: string;
  timestamp?: number;
  scheme?: "v1" | "v1a" | "jwt";
  key?: unknown;
  event?: unknown;
}

function fail(v: Verdict): never {
  throw new WebhookVerificationError(v.code ?? "unknown", v.message ?? "verification failed", v.status ?? 400, v.retryAfterSeconds ?? undefined);
}

function configError(e: unknown): never {
  if (typeof e === "string") {
    try {
      const { code, message } = JSON.parse(e);
      throw new WebhookVerificationError(code, message, 500);
    } catch (inner) {
      if (inner instanceof WebhookVerificationError) throw inner;
    }
  }
  throw e;
}

function newVerifier(config: object): WasmVerifierInstance {
  try {
    return new wasm.WasmVerifier(JSON.stringify(config));
  } catch (e) {
    configError(e);
  }
}

function parseJson(payload: string | Uint8Array): unknown {
  try {
    return JSON.parse(text(payload));
  } catch {
    throw new WebhookVerificationError("invalid_payload", "the body verified but is not JSON", 400);
  }
}

export interface WebhookOptions {
  /** Allowed age and future skew of `webhook-timestamp`, in seconds (default 300). */
  toleranceSeconds?: number;
  /** `"raw"`: the secret is the raw key, not base64 (as in `standardwebhooks`). */
  format?: "raw";
  /** Largest body accepted, in bytes (default 256 KiB). */
  maxBodyBytes?: number;
}

/** The third argument of `Webhook.verify` (as in `standardwebhooks`). */
export interface VerifyOptions {
  /** `false`: verify only, return `undefined` without parsing the body (default `true`). */
  jsonParse?: boolean;
}

/** One step of a detailed verification, as the playground shows it. */
export interface VerificationStep {
  name: "body" | "headers" | "timestamp" | "signature" | "payload";
  ok: boolean;
  code?: string;
  message: string;
  facts: { label: string; value: string }[];
}
/** The key that verified a delivery. */
export type MatchedKey =
  | { kind: "secret"; index: number }
  | { kind: "public_key"; index: number }
  | { kind: "jwk"; kid: string | null };
/** Every step plus the verdict (`ok` is a boolean; the core's JSON has `"true"`/`"false"`). */
export interface VerificationReport {
  steps: VerificationStep[];
  verdict:
    | { ok: true; delivery: { id: string; timestamp: number; scheme: "v1" | "v1a" | "jwt"; key: MatchedKey; event: unknown } }
    | { ok: false; code: string; message: string; status: number };
}

function report(json: string): VerificationReport {
  const r = JSON.parse(json);
  r.verdict.ok = r.verdict.ok === "true" || r.verdict.ok === true;
  return r as VerificationReport;
}

function normalizeSecret(secret: string | Uint8Array, format?: "raw"): string {
  if (secret instanceof Uint8Array) return "whsec_" + base64(secret);
  // A raw string key is its char codes, one byte each, as `standardwebhooks` reads it.
  if (format === "raw" && typeof secret === "string") return "whsec_" + base64(Uint8Array.from(secret, (c) => c.charCodeAt(0)));
  return secret;
}

/**
 * Verifies `v1` (HMAC-SHA256) deliveries. A drop-in for `standardwebhooks`' `Webhook`, plus
 * several secrets at once (rotation) and errors with stable codes.
 */
export class Webhook {
  private readonly verifier: WasmVerifierInstance;
  private readonly signingSecret: string;

  constructor(secret: string | Uint8Array | (string | Uint8Array)[], options: WebhookOptions = {}) {
    const list = (Array.isArray(secret) ? secret : [secret]).map((s) => normalizeSecret(s, options.format));
    if (list.length === 0) throw new WebhookVerificationError("empty_secret", "at least one secret is required", 500);
    this.signingSecret = list[0];
    this.verifier = newVerifier({
      secrets: list,
      toleranceSeconds: options.toleranceSeconds,
      maxBodyBytes: options.maxBodyBytes,
      payload: "any",
    });
  }

  /** The largest body accepted, in bytes (the framework helpers read no more). */
  get maxBodyBytes(): number {
    return this.verifier.maxBodyBytes;
  }

  /**
   * Verifies and returns the parsed JSON body (`undefined` for an empty body, or with
   * `{ jsonParse: false }`, as `standardwebhooks` does); throws `WebhookVerificationError`.
   */
  verify(payload: string | Uint8Array, headers: WebhookHeaders, options?: VerifyOptions): unknown {
    const body = transientBytes(payload);
    const rejection = rejectionOf(this.verifier, body, headerPairs(headers), nowSeconds());
    if (rejection !== undefined) fail(JSON.parse(rejection));
    if (body.byteLength === 0 || options?.jsonParse === false) return undefined;
    return parseJson(payload);
  }

  /**
   * Every check with pass/fail and why (what the playground shows). Never throws for a bad
   * delivery. The signature each secret expects is left out unless
   * `revealExpectedSignatures` is set: for a delivery someone else chose, an expected signature
   * is a valid forgery, so never return or log a revealing report from a request handler.
   */
  verifyDetailed(
    payload: string | Uint8Array,
    headers: WebhookHeaders,
    now: Date = new Date(),
    options: { revealExpectedSignatures?: boolean } = {},
  ): VerificationReport {
    const seconds = Math.floor(now.getTime() / 1000);
    return report(this.verifier.verifyDetailed(bytes(payload), headerPairs(headers), seconds, options.revealExpectedSignatures === true));
  }

  /** Signs like the sender: returns `v1,<base64>` with the first secret. */
  sign(msgId: string, timestamp: Date, payload: string | Uint8Array): string {
    const seconds = Math.floor(timestamp.getTime() / 1000);
    if (!Number.isFinite(seconds) || seconds < 0) throw new WebhookVerificationError("invalid_timestamp", "invalid timestamp", 400);
    try {
      return wasm.signV1(this.signingSecret, msgId, seconds, bytes(payload));
    } catch (e) {
      configError(e);
    }
  }
}

/** Reads a response body, refusing more than `limit` bytes without buffering the excess. */
async function readCapped(res: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`the JWKS is larger than ${limit} bytes`);
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the JWKS is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

export interface JwksVerifierOptions {
  /** Where to fetch the JWKS (https; http only for localhost). Default: Google's. */
  jwksUrl?: string;
  /** A JWKS document to use as is (no fetching). */
  jwks?: object | string;
  /** Required `aud` of RS256 JWTs; binds JWTs to this receiver. */
  audience?: string;
  /** Required `iss` of RS256 JWTs. */
  issuer?: string;
  /**
   * Binds JWKS-signed deliveries to this receiver by a signed body field, e.g.
   * `{ path: "data.user_metadata.tenant", value: "acme" }` (`tenant_mismatch`, 403, otherwise).
   */
  tenantField?: { path: string; value: string };
  /** Deliveries reach this verifier only through a URL with a secret path of at least 128 bits. */
  secretPathAsserted?: boolean;
  /**
   * Accept JWKS-signed deliveries of any tenant. The JWKS signs every project's dynamic
   * webhooks, so without `audience`, `tenantField`, `secretPathAsserted` or this, `v1a` and JWT
   * deliveries are refused with `tenant_unbound` (403).
   */
  anyTenant?: boolean;
  /** Allowed clock skew in seconds (default 300). */
  toleranceSeconds?: number;
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Also accept `v1` deliveries signed with these secrets. */
  secrets?: string[];
  /** Seconds between two JWKS fetches forced by unknown keys (default 60). */
  refetchCooldownSeconds?: number;
  /** Fetch deadline in milliseconds (default 5000). */
  fetchTimeoutMs?: number;
  /** Largest body accepted, in bytes (default 256 KiB). */
  maxBodyBytes?: number;
}

/**
 * Verifies dynamic-webhook deliveries (`v1a` Ed25519 and RS256 JWTs) with keys from a JWKS it
 * fetches and caches in memory. The core's key flow decides everything (TTL from
 * `Cache-Control`, the stale set kept when a refetch fails, at most one fetch per cooldown,
 * counted from when it starts); this class only performs the fetch it is told to, once for
 * all concurrent verifications. A delivery only a fresher key set could decide, while no fetch
 * is allowed or after one failed, is rejected with `jwks_unavailable` (status 503,
 * `retryAfterSeconds`): answer it retryably.
 */
export class JwksVerifier {
  private readonly options: JwksVerifierOptions;
  private readonly url?: string;
  /** The verifier of a `jwks` given as an option (no fetching). */
  private readonly fixed?: WasmVerifierInstance;
  /** The key flow of a fetched JWKS. */
  private readonly cache?: WasmKeyCacheInstance;
  private inflight?: Promise<void>;
  /** Why the last fetch failed, for the message of a `jwks_unavailable` rejection. */
  private lastFetchError?: string;
  /** How many JWKS fetches were attempted (for monitoring). */
  fetches = 0;

  constructor(options: JwksVerifierOptions = {}) {
    this.options = options;
    const config = {
      secrets: options.secrets ?? [],
      audience: options.audience,
      issuer: options.issuer,
      tenantField: options.tenantField ? [options.tenantField.path, options.tenantField.value] : undefined,
      secretPathAsserted: options.secretPathAsserted === true,
      anyTenant: options.anyTenant === true,
      toleranceSeconds: options.toleranceSeconds,
      maxBodyBytes: options.maxBodyBytes,
      payload: "any",
    };
    if (options.jwks !== undefined) {
      const jwks = typeof options.jwks === "string" ? options.jwks : JSON.stringify(options.jwks);
      this.fixed = newVerifier({ ...config, jwks });
      return;
    }
    const url = options.jwksUrl ?? GEMINI_JWKS_URL;
    if (!wasm.isAllowedEndpoint(url)) {
      throw new WebhookVerificationError("invalid_jwks_url", "jwksUrl must be https:// (http:// only for localhost)", 500);
    }
    this.url = url;
    // Only the override; every other value of the policy is the core's default.
    const policy = options.refetchCooldownSeconds === undefined ? undefined : JSON.stringify({ refetch_cooldown: options.refetchCooldownSeconds });
    try {
      this.cache = new wasm.WasmKeyCache(JSON.stringify(config), policy);
    } catch (e) {
      configError(e);
    }
  }

  /** The largest body accepted, in bytes (the framework helpers read no more). */
  get maxBodyBytes(): number {
    return this.options.maxBodyBytes ?? DEFAULT_BODY_LIMIT;
  }

  /** Performs the fetch the key flow asked for and hands the outcome back to it. */
  private fetchKeys(cache: WasmKeyCacheInstance, timeoutMs: number): Promise<void> {
    this.fetches++;
    this.inflight = (async () => {
      try {
        const doFetch = this.options.fetch ?? fetch;
        const res = await doFetch(this.url!, {
          headers: { accept: "application/json" },
          redirect: "error",
          signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? timeoutMs),
        });
        if (res.status !== 200) {
          await res.body?.cancel().catch(() => undefined);
          throw new Error(`the JWKS endpoint answered ${res.status}`);
        }
        const body = await readCapped(res, MAX_JWKS_BYTES);
        try {
          cache.fetched(body, res.headers.get("cache-control") ?? undefined, nowSeconds());
        } catch (refused) {
          // The core refused the document and counted the attempt as failed.
          throw new Error(typeof refused === "string" ? JSON.parse(refused).message : String(refused));
        }
        this.lastFetchError = undefined;
      } catch (e) {
        this.lastFetchError = e instanceof Error ? e.message : String(e);
        cache.fetchFailed(nowSeconds());
      }
    })().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async run(payload: string | Uint8Array, headers: WebhookHeaders, detailed: boolean) {
    const body = bytes(payload);
    const pairs = headerPairs(headers);
    const cache = this.cache;
    if (cache === undefined) {
      const v = this.fixed!;
      if (detailed) return report(v.verifyDetailed(body, pairs, nowSeconds()));
      const rejection = rejectionOf(v, body, pairs, nowSeconds());
      if (rejection !== undefined) fail(JSON.parse(rejection));
      return parseJson(payload);
    }
    const flow = new wasm.WasmKeyFlow();
    let verdict: Verdict;
    try {
      for (;;) {
        const step = JSON.parse(cache.next(body, pairs, nowSeconds(), flow)) as { next: string; timeoutMs?: number; verdict?: Verdict };
        if (step.next === "done") {
          verdict = step.verdict!;
          break;
        }
        await (step.next === "fetch" ? this.fetchKeys(cache, step.timeoutMs!) : this.inflight);
      }
    } finally {
      flow.free();
    }
    if (verdict.code === "jwks_unavailable" && this.lastFetchError !== undefined) {
      verdict.message += ` (the last JWKS fetch failed: ${this.lastFetchError})`;
    }
    if (detailed) {
      if (!verdict.ok && verdict.status === 503) fail(verdict); // a report needs the keys
      return report(cache.verifyDetailed(body, pairs, nowSeconds()));
    }
    if (!verdict.ok) fail(verdict);
    return parseJson(payload);
  }

  /** Verifies `v1a`/JWT (and `v1` when `secrets` are given); resolves to the parsed JSON body. */
  verify(payload: string | Uint8Array, headers: WebhookHeaders): Promise<unknown> {
    return this.run(payload, headers, false);
  }

  /**
   * Every check with pass/fail and why. Rejects (with `jwks_unavailable`, 503) only when the
   * delivery needs JWKS keys that cannot be fetched; a bad delivery is a report, not an error.
   */
  verifyDetailed(payload: string | Uint8Array, headers: WebhookHeaders): Promise<VerificationReport> {
    return this.run(payload, headers, true) as Promise<VerificationReport>;
  }
}

/** Signs a `v1a` entry with a `whsk_` key (or hex seed): for tests and demo senders. */
export function signV1a(signingKey: string, msgId: string, timestamp: Date, payload: string | Uint8Array): string {
  try {
    return wasm.signV1a(signingKey, msgId, Math.floor(timestamp.getTime() / 1000), bytes(payload));
  } catch (e) {
    configError(e);
  }
}

/** Every rejection code of the core. */
export const REJECTION_CODES: readonly string[] = JSON.parse(wasm.rejectionCodes());
/** The core's version. */
export const VERSION: string = wasm.version();

// ---------------------------------------------------------------------------------------------
// Framework helpers. The one pitfall: the signature covers the raw bytes, so the body must not
// be parsed (and re-serialised) before verification.

/** Anything with `verify(payload, headers)`: a `Webhook` or a `JwksVerifier`. */
export type Verifies = {
  verify(payload: string | Uint8Array, headers: WebhookHeaders): unknown;
  /** When present, the helpers read no more body than this (default 256 KiB). */
  readonly maxBodyBytes?: number;
};

const DEFAULT_BODY_LIMIT = 256 * 1024;

/** The parts of a Node `IncomingMessage` (Express, Connect, plain `http`) the helpers use. */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  readable?: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
}
/** The parts of a Node `ServerResponse` the helpers use. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
  /** Express: the verified event is also put here, typed `any` by Express. */
  locals?: Record<string, any>;
}

function readStream(req: NodeRequestLike, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on("data", (c: Uint8Array) => {
      size += c.length;
      if (size > limit) reject(new WebhookVerificationError("body_too_large", `the body is larger than ${limit} bytes`, 413));
      else chunks.push(c);
    });
    req.on("end", () => resolve(concatBytes(chunks)));
    req.on("error", reject);
  });
}

/**
 * The raw body of a Node request: the Buffer/string left by `express.raw()`/`express.text()`,
 * or the unread stream (read up to `limit` bytes). Throws `body_already_parsed` (500) when a
 * JSON parser already consumed it, since a re-serialised body no longer matches the signature.
 */
export async function rawBody(req: NodeRequestLike, limit = DEFAULT_BODY_LIMIT): Promise<Uint8Array | string> {
  const body = req.body;
  if (body instanceof Uint8Array || typeof body === "string") return body;
  // Express 5 leaves `req.body` undefined when no parser ran; some stacks leave `{}` on an unread stream.
  const unread = body === undefined || body === null || (typeof body === "object" && Object.keys(body).length === 0 && req.readable);
  if (!unread) {
    throw new WebhookVerificationError(
      "body_already_parsed",
      "the request body was already parsed as JSON; mount hookwall before express.json() or use express.raw({ type: 'application/json' })",
      500,
    );
  }
  return readStream(req, limit);
}

/**
 * Express (or Connect, or plain `http` with a `next`) middleware: verifies the raw body, then
 * sets `req.webhook` (and `res.locals.webhook` in Express) to the parsed event and calls
 * `next()`; otherwise answers the error's status with JSON `{error, message}`.
 */
export function webhookMiddleware(verifier: Verifies) {
  return async (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void): Promise<void> => {
    try {
      const body = await rawBody(req, verifier.maxBodyBytes ?? DEFAULT_BODY_LIMIT);
      const event = await verifier.verify(body, req.headers);
      Object.assign(req, { webhook: event, rawBody: body });
      if (res.locals) res.locals.webhook = event;
      next();
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) return next(e);
      res.statusCode = e.status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: e.code, message: e.message }));
    }
  };
}

/** The part of a Fastify instance `fastifyRawJson` uses. */
export interface FastifyLike {
  addContentTypeParser(
    type: string,
    opts: { parseAs: "buffer" },
    parser: (req: any, body: Uint8Array, done: (err: Error | null, body?: unknown) => void) => void,
  ): unknown;
}
/** The parts of a Fastify request the hook uses. */
export interface FastifyRequestLike {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}
/** The parts of a Fastify reply the hook uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  send(payload?: unknown): unknown;
}

/**
 * Fastify: keeps `application/json` bodies as raw Buffers (call once on the instance, or in a
 * plugin to scope it to the webhook routes) so that the hook below can verify the exact bytes.
 */
export function fastifyRawJson(fastify: FastifyLike): void {
  fastify.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
}

/**
 * Fastify `preHandler` hook: verifies the raw body and sets `request.webhook` to the parsed
 * event, or replies with the error's status and JSON `{error, message}`.
 */
export function fastifyWebhookHook(verifier: Verifies) {
  // Replying early from an async hook: send, then return the reply (Fastify's rule).
  return async (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<unknown> => {
    const body = request.body;
    if (!(body instanceof Uint8Array) && typeof body !== "string") {
      return reply.code(500).send({ error: "body_already_parsed", message: "register fastifyRawJson(fastify) so the raw body reaches the hook" });
    }
    try {
      (request as { webhook?: unknown }).webhook = await verifier.verify(body, request.headers);
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      return reply.code(e.status).send({ error: e.code, message: e.message });
    }
    return undefined;
  };
}
