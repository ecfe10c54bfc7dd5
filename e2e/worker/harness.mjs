// End-to-end harness: the built worker (crates/worker/build) in real workerd through Miniflare,
// with local KV, a real local origin (demo/origin.mjs) and a real local JWKS server, all on
// 127.0.0.1. Deliveries are signed with the reference libraries, not with hookwall:
// `standardwebhooks` for v1, Node's crypto for v1a, `jose` for RS256 JWTs.
import crypto from "node:crypto";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { Webhook } from "standardwebhooks";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { startOrigin } from "../../demo/origin.mjs";
import { SECRETS as VECTOR_SECRETS } from "../vectors.mjs";

const BUILD = new URL("../../crates/worker/build/", import.meta.url).pathname;

/** The protocol vectors' two secrets (tests/vectors.json). */
export const SECRETS = VECTOR_SECRETS;
export const ORIGIN_SECRET = "whsec_aG9va3dhbGwtZGVtby1vcmlnaW4tc2VjcmV0IQ==";

/** A Gemini-shaped thin event body. */
export function eventBody(type = "batch.succeeded", data = { id: "batch_123456", output_file_uri: "gs://my-bucket/results.jsonl" }) {
  return JSON.stringify({ type, version: "v1", timestamp: "2026-01-22T12:00:00Z", data });
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const newId = () => `msg_${crypto.randomUUID().replaceAll("-", "")}`;

/** `v1,...` with the reference standardwebhooks library. */
export function signV1(secret, id, ts, body) {
  return new Webhook(secret).sign(id, new Date(ts * 1000), body);
}

/** An Ed25519 key pair with Node's crypto; `jwk` is the public OKP JWK. */
export function ed25519Key(kid = "ed-1") {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "EdDSA", use: "sig" };
  return { privateKey, jwk, kid };
}

export function signV1a(privateKey, id, ts, body) {
  return "v1a," + crypto.sign(null, Buffer.from(`${id}.${ts}.${body}`), privateKey).toString("base64");
}

/** An RS256 key pair with jose; `jwk` is the public RSA JWK. */
export async function rsaKey(kid = "rsa-1", modulusLength = 2048) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength, extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { privateKey, jwk, kid };
}

/** An RS256 JWT whose claims carry the event (the body binding hookwall requires). */
export async function signJwt({ privateKey, kid }, body, { ts = nowSeconds(), alg = "RS256", extra = {} } = {}) {
  return new SignJWT({ ...JSON.parse(body), ...extra })
    .setProtectedHeader({ alg, kid, typ: "JWT" })
    .setIssuedAt(ts)
    .setExpirationTime(ts + 300)
    .sign(privateKey);
}

export const jwksDoc = (...jwks) => JSON.stringify({ keys: jwks });

/**
 * Starts the worker with an origin and a JWKS server. `vars` override the bindings; `assets`
 * serves the built playground as wrangler.toml's [assets] does; `dedupe` sets DEDUPE (and
 * binds the claims Durable Object for "durable-object"); `instances` runs that many copies of
 * the worker sharing KV and the Durable Object (`post({ instance })` picks one); `delivery:
 * "queue"` adds the queue, its consumer and the dead-letter namespace; `workers(origin)` returns
 * more workers to run beside it (targets of service bindings).
 * Returns { mf, origin, jwksServer, post, logs, close }.
 */
export async function startEdge({ vars = {}, jwks = null, origin: originOpts = {}, kv = ["JWKS_CACHE", "SEEN_IDS"], serviceBindings, assets = false, dedupe, instances = 1, delivery, workers = () => [] } = {}) {
  const origin = await startOrigin({ secret: ORIGIN_SECRET, ...originOpts });
  // A second instance of the same small server acts as the JWKS endpoint (it counts hits and
  // can go down, slow or return garbage).
  const jwksServer = await startOrigin({ secret: ORIGIN_SECRET, jwks });
  const logs = [];
  const bindings = {
    ORIGIN_URL: origin.url,
    ORIGIN_SECRET,
    WEBHOOK_SECRETS: SECRETS.join(" "),
    JWKS_URL: `${jwksServer.url}.well-known/jwks.json`,
    // The tests of other promises take dynamic deliveries from any tenant; tenants.test.mjs
    // checks the binding itself (and the default, which refuses them).
    TENANT_BINDING: "any",
    ...vars,
  };
  if (dedupe) bindings.DEDUPE = dedupe;
  // DELIVERY = "queue": the producer binding, the consumer (this worker) with the queue's own
  // retries and dead-letter queue, the dead-letter namespace, and a short backoff for tests.
  const queue = delivery === "queue";
  if (queue) Object.assign(bindings, { DELIVERY: "queue", RETRY_BASE_SECONDS: "1", RETRY_MAX_SECONDS: "2", DEAD_LETTER_QUEUE: "hookwall-dead-letters", ...vars });
  for (const [k, v] of Object.entries(bindings)) if (v === undefined) delete bindings[k];
  const queueOptions = queue
    ? {
        queueProducers: { DELIVERIES: "hookwall-deliveries" },
        queueConsumers: {
          "hookwall-deliveries": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 3, deadLetterQueue: "hookwall-dead-letters" },
          "hookwall-dead-letters": { maxBatchSize: 10, maxBatchTimeout: 1 },
        },
      }
    : {};
  // One worker, or several copies of it (separate isolates) sharing the KV namespaces and the
  // claims Durable Object, as separate locations of one deployment would.
  const workerOptions = (i) => ({
    name: `hookwall-${i}`,
    modulesRoot: BUILD,
    modules: [
      { type: "ESModule", path: `${BUILD}index.js` },
      { type: "CompiledWasm", path: `${BUILD}index_bg.wasm` },
    ],
    compatibilityDate: "2025-09-01",
    kvNamespaces: queue ? [...kv, "DEAD_LETTERS"] : kv,
    bindings,
    ...(dedupe === "durable-object"
      ? { durableObjects: { DEDUPE_CLAIMS: i === 0 ? "DedupeClaims" : { className: "DedupeClaims", scriptName: "hookwall-0" } } }
      : {}),
    ...(serviceBindings ? { serviceBindings } : {}),
    ...(i === 0 ? queueOptions : {}),
    // wrangler.toml's [assets]: the playground at /playground/, every other path to the worker.
    ...(assets ? { assets: { directory: `${BUILD}assets`, routerConfig: { has_user_worker: true } } } : {}),
  });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // `workers(origin)` adds workers of the test's own (an origin behind a service binding).
      workers: [...Array.from({ length: instances }, (_, i) => workerOptions(i)), ...workers(origin)],
      cf: false,
      // The worker's console output arrives as structured logs; keep hookwall's JSON lines.
      handleStructuredLogs({ message }) {
        for (const line of String(message).split("\n")) {
          const start = line.indexOf('{"');
          if (start < 0 || !line.includes('"service":"hookwall"')) continue;
          try {
            logs.push(JSON.parse(line.slice(start)));
          } catch {
            logs.push({ unparsed: line });
          }
        }
      },
    }),
  );
  await mf.ready;

  /** POSTs a delivery; returns { status, json, headers }. */
  async function post({ body, headers = {}, path = "/", method = "POST", init = {}, instance = 0 }) {
    const h = new Headers(headers); // a plain object, pairs or a Headers
    if (!h.has("content-type")) h.set("content-type", "application/json");
    const target = instance === 0 ? mf : await mf.getWorker(`hookwall-${instance}`);
    const res = await (instance === 0 ? mf.dispatchFetch.bind(mf) : target.fetch.bind(target))(`http://hookwall.test${path}`, {
      method,
      headers: h,
      body: method === "GET" || method === "HEAD" ? undefined : body,
      ...init,
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json, text, headers: res.headers };
  }

  /** Signs `body` with v1 (first secret by default) and POSTs it. */
  async function postV1(body = eventBody(), { id = newId(), ts = nowSeconds(), secret = SECRETS[0] } = {}) {
    const sig = signV1(secret, id, ts, body);
    const r = await post({ body, headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig } });
    return { ...r, id };
  }

  async function close() {
    await mf.dispose();
    await origin.close();
    await jwksServer.close();
  }
  return { mf, origin, jwksServer, post, postV1, logs, close };
}

/** Headers for a delivery with the given signature. */
export const deliveryHeaders = (id, ts, sig) => ({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the worker with each `[vars, pattern]` and checks a v1 delivery gets 500
 * config_invalid with a message matching `pattern`, and that nothing reached the origin.
 */
export async function assertConfigInvalid(assert, cases) {
  for (const [vars, pattern] of cases) {
    const edge = await startEdge({ vars });
    try {
      const r = await edge.postV1();
      assert.deepEqual([r.status, r.json.error], [500, "config_invalid"], JSON.stringify(vars));
      assert.match(r.json.message, pattern);
      assert.equal(edge.origin.attempts, 0);
    } finally {
      await edge.close();
    }
  }
}
