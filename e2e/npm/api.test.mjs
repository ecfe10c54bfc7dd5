// The npm package's API (issue 4): the standardwebhooks-compatible Webhook, coded errors,
// rotation, interop with standardwebhooks, svix, Node's crypto and jose, JwksVerifier against
// a real local JWKS server, and the Express/Fastify helpers.
import { test, describe, before, after, mock } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import { Webhook as RefWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import express from "express";
import Fastify from "fastify";
import { SECRETS, REFERENCE, GEMINI, RFC8032 } from "../vectors.mjs";

const require = createRequire(import.meta.url);
const hookwall = require("../../pkg/dist/index.cjs");
const { Webhook, WebhookVerificationError, JwksVerifier, webhookMiddleware, fastifyRawJson, fastifyWebhookHook, REJECTION_CODES } = hookwall;

const [S1, S2] = SECRETS;
const now = () => Math.floor(Date.now() / 1000);
const H = (id, ts, sig) => ({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig });
const EVENT = JSON.stringify({ type: "batch.succeeded", version: "v1", timestamp: "2026-01-22T12:00:00Z", data: { id: "batch_123456", output_file_uri: "gs://my-bucket/results.jsonl" } });

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WebhookVerificationError, `not a WebhookVerificationError: ${e}`);
    assert.ok(e instanceof Error);
    return e.code;
  }
  return "ok";
}

describe("Webhook (standardwebhooks drop-in)", () => {
  test("reference vector verifies at its own time, and not 301 s later", (t) => {
    const ref = REFERENCE[0];
    t.mock.timers.enable({ apis: ["Date"], now: ref.timestamp * 1000 });
    const wh = new Webhook(SECRETS[ref.secret]);
    const headers = H(ref.id, ref.timestamp, ref.signature);
    assert.deepEqual(wh.verify(ref.body, headers), JSON.parse(ref.body));
    assert.equal(wh.sign(ref.id, new Date(ref.timestamp * 1000), ref.body), headers["webhook-signature"]);
    t.mock.timers.setTime((ref.timestamp + 301) * 1000);
    assert.equal(codeOf(() => wh.verify(ref.body, headers)), "timestamp_too_old");
  });

  test("negative cases carry the core's codes and statuses", () => {
    const wh = new Webhook(S1);
    const id = "msg_1";
    const ts = now();
    const good = wh.sign(id, new Date(ts * 1000), EVENT);
    assert.equal(codeOf(() => wh.verify(EVENT, { "webhook-id": id, "webhook-timestamp": String(ts) })), "missing_header");
    assert.equal(codeOf(() => wh.verify(EVENT, H(id, "hello", good))), "invalid_timestamp");
    assert.equal(codeOf(() => wh.verify(EVENT, H(id, ts + 301, good))), "timestamp_too_new");
    assert.equal(codeOf(() => wh.verify(EVENT, H(id, ts, "v1,dawfeoifkpqwoekfpqoekf"))), "malformed_signature");
    assert.equal(codeOf(() => wh.verify(EVENT, H(id, ts, "v1,"))), "malformed_signature");
    assert.equal(codeOf(() => wh.verify(EVENT.replace('"v1",', '"v1", '), H(id, ts, good))), "no_matching_signature");
    assert.equal(codeOf(() => wh.verify(EVENT, H(id, ts, `v1,${"A".repeat(43)}= v2,x ${good} v1,${"B".repeat(43)}=`))), "ok");
    try {
      wh.verify(EVENT, H(id, ts, `v1,${"A".repeat(43)}=`));
      assert.fail("should throw");
    } catch (e) {
      assert.equal(e.status, 401);
      assert.equal(e.name, "WebhookVerificationError");
      assert.ok(REJECTION_CODES.includes(e.code));
    }
    assert.throws(() => new Webhook(""), (e) => e.code === "empty_secret");
    assert.throws(() => new Webhook("whsec_!!!"), (e) => e.code === "invalid_secret");
  });

  test("rotation: several secrets at once", () => {
    const ts = now();
    const sig2 = new RefWebhook(S2).sign("m", new Date(ts * 1000), EVENT);
    assert.deepEqual(new Webhook([S1, S2]).verify(EVENT, H("m", ts, sig2)), JSON.parse(EVENT));
    assert.equal(codeOf(() => new Webhook(S1).verify(EVENT, H("m", ts, sig2))), "no_matching_signature");
  });

  test("headers: Headers objects, any case, arrays, Uint8Array and Buffer payloads", () => {
    const wh = new Webhook(S1);
    const ts = now();
    const sig = wh.sign("m", new Date(ts * 1000), EVENT);
    assert.ok(wh.verify(EVENT, new Headers(H("m", ts, sig))));
    assert.ok(wh.verify(Buffer.from(EVENT), { "Webhook-Id": "m", "WEBHOOK-TIMESTAMP": String(ts), "webhook-signature": [sig] }));
    assert.ok(wh.verify(new TextEncoder().encode(EVENT), Object.entries(H("m", ts, sig))));
    assert.equal(codeOf(() => wh.verify(EVENT, { ...H("m", ts, sig), "webhook-id": ["m", "other"] })), "duplicate_header");
  });

  test("headers cross to the core exactly, even with NUL inside a value", () => {
    const wh = new Webhook(S1);
    const ts = now();
    const headers = H("m", ts, wh.sign("m", new Date(ts * 1000), EVENT));
    // Joined naively, this value would become a second webhook-id (duplicate_header).
    assert.deepEqual(wh.verify(EVENT, { ...headers, "webhook-note": "a\0webhook-id\0other" }), JSON.parse(EVENT));
    assert.equal(codeOf(() => wh.verify(EVENT, { ...headers, "webhook-id": "m\0" })), "invalid_header");
    // Only webhook-* names reach the core, in any case; everything else is ignored.
    assert.ok(wh.verify(EVENT, { ...headers, "content-type": "application/json", "x-webhook-id": "other", webhook: "x" }));
  });

  test("protocol vectors: Gemini-shaped v1 and rotation", (t) => {
    const { id, timestamp: ts, body, v1: [sig1, sig2] } = GEMINI;
    t.mock.timers.enable({ apis: ["Date"], now: ts * 1000 });
    assert.equal(new Webhook(S1).sign(id, new Date(ts * 1000), body), sig1);
    assert.equal(new Webhook(S2).sign(id, new Date(ts * 1000), body), sig2);
    for (const secret of [S1, S2]) assert.equal(new Webhook(secret).verify(body, H(id, ts, `${sig1} ${sig2}`)).data.id, "batch_123456");
    assert.equal(codeOf(() => new Webhook(S1).verify(body.replace(GEMINI.tamper.find, GEMINI.tamper.replace), H(id, ts, sig1))), "no_matching_signature");
    // The secret without its prefix, like standardwebhooks accepts it.
    assert.ok(new Webhook(S1.slice(6)).verify(body, H(id, ts, sig1)));
  });

  test("protocol vector: v1a with the RFC 8032 test-1 key from a JWKS", async (t) => {
    const { id, timestamp: ts, body, v1a: sig } = GEMINI;
    t.mock.timers.enable({ apis: ["Date"], now: ts * 1000 });
    const jwk = { ...RFC8032.jwk };
    const jv = new JwksVerifier({ anyTenant: true, jwks: { keys: [jwk] } });
    assert.equal((await jv.verify(body, H(id, ts, sig))).type, "batch.succeeded");
    await assert.rejects(jv.verify(body.replace("123456", "123457"), H(id, ts, sig)), (e) => e.code === "no_matching_signature");
    const detailed = await jv.verifyDetailed(body, H(id, ts, sig));
    assert.equal(detailed.verdict.ok, true);
    assert.deepEqual(detailed.verdict.delivery.key, { kind: "jwk", kid: "test-key-1" });
    assert.equal(detailed.verdict.delivery.scheme, "v1a");
  });

  test("format: raw secrets, like standardwebhooks", () => {
    const raw = "a raw secret of more than 16 bytes";
    const ts = now();
    const ref = new RefWebhook(raw, { format: "raw" });
    const sig = ref.sign("m", new Date(ts * 1000), EVENT);
    assert.ok(new Webhook(raw, { format: "raw" }).verify(EVENT, H("m", ts, sig)));
  });

  test("interop with standardwebhooks in both directions", () => {
    const ours = new Webhook(S1);
    const ref = new RefWebhook(S1);
    for (let i = 0; i < 20; i++) {
      const body = JSON.stringify({ type: "video.generated", data: { id: `v${i}`, n: crypto.randomBytes(8).toString("hex") } });
      const ts = now() - i;
      const id = `msg_${i}`;
      assert.deepEqual(ours.verify(body, H(id, ts, ref.sign(id, new Date(ts * 1000), body))), JSON.parse(body));
      assert.deepEqual(ref.verify(body, H(id, ts, ours.sign(id, new Date(ts * 1000), body))), JSON.parse(body));
    }
  });

  test("interop with svix in both directions", () => {
    const ours = new Webhook(S2);
    const svix = new SvixWebhook(S2);
    const ts = now();
    const sig = svix.sign("msg_svix", new Date(ts * 1000), EVENT);
    assert.ok(ours.verify(EVENT, H("msg_svix", ts, sig)));
    const back = ours.sign("msg_svix", new Date(ts * 1000), EVENT);
    const svixHeaders = { "svix-id": "msg_svix", "svix-timestamp": String(ts), "svix-signature": back };
    assert.doesNotThrow(() => svix.verify(EVENT, svixHeaders));
    assert.throws(() => svix.verify(EVENT.replace("123456", "123457"), svixHeaders), "svix does check");
  });

  test("verifyDetailed lists every step with the failing one red", () => {
    const wh = new Webhook(S1);
    const ts = now();
    const headers = H("m", ts, wh.sign("m", new Date(ts * 1000), EVENT));
    const good = wh.verifyDetailed(EVENT, headers, new Date(ts * 1000));
    assert.equal(good.verdict.ok, true);
    assert.deepEqual(good.verdict.delivery.key, { kind: "secret", index: 0 });
    assert.ok(good.steps.every((s) => s.ok));
    const report = wh.verifyDetailed(EVENT, headers, new Date((ts + 400) * 1000));
    assert.equal(report.verdict.ok, false);
    assert.equal(report.verdict.code, "timestamp_too_old");
    const steps = Object.fromEntries(report.steps.map((s) => [s.name, s]));
    assert.equal(steps.timestamp.ok, false);
    assert.equal(steps.signature.ok, true);
  });

  test("no oracle: verifyDetailed reveals the expected signature only when asked", () => {
    const wh = new Webhook(S1);
    const ts = now();
    // An attacker's delivery: chosen id, timestamp and body, any signature.
    const forged = H("attacker", ts, "v1," + Buffer.alloc(32).toString("base64"));
    const body = EVENT.replace("batch_123456", "batch_666");
    const report = wh.verifyDetailed(body, forged, new Date(ts * 1000));
    const mac = wh.sign("attacker", new Date(ts * 1000), body).slice(3);
    assert.equal(report.verdict.code, "no_matching_signature");
    assert.ok(!JSON.stringify(report).includes(mac), "the default report holds no valid signature");
    const shown = wh.verifyDetailed(body, forged, new Date(ts * 1000), { revealExpectedSignatures: true });
    assert.ok(JSON.stringify(shown).includes(mac), "revealed on request (the playground's case)");
    assert.equal(typeof shown.verdict.ok, "boolean");
  });
});

// A real local JWKS server counting hits.
function jwksServer() {
  const server = { doc: JSON.stringify({ keys: [] }), hits: 0, mode: "ok", delayMs: 0 };
  const s = http.createServer((req, res) => {
    server.hits++;
    if (server.mode === "down") return res.writeHead(503).end();
    if (server.mode === "huge") {
      // Chunked, no Content-Length: the cap must hold while streaming.
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = " ".repeat(16 * 1024);
      for (let i = 0; i < 8; i++) res.write(chunk);
      return res.end(server.doc);
    }
    setTimeout(() => res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=3600" }).end(server.doc), server.delayMs);
  });
  return new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () => {
      server.url = `http://127.0.0.1:${s.address().port}/.well-known/jwks.json`;
      server.close = () => new Promise((r) => { s.closeAllConnections(); s.close(r); });
      resolve(server);
    }),
  );
}

function edKey(kid) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  return { privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "EdDSA" } };
}
const v1a = (key, id, ts, body) => "v1a," + crypto.sign(null, Buffer.from(`${id}.${ts}.${body}`), key.privateKey).toString("base64");

describe("JwksVerifier", () => {
  let server, ed, rsa;
  before(async () => {
    server = await jwksServer();
    ed = edKey("ed-1");
    const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    rsa = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "rsa-1", alg: "RS256" } };
    server.doc = JSON.stringify({ keys: [ed.jwk, rsa.jwk] });
  });
  after(() => server.close());

  test("v1a signed with Node's crypto verifies; the JWKS is fetched once, concurrent calls share it", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
    server.delayMs = 100;
    const ts = now();
    const calls = Array.from({ length: 10 }, (_, i) => jv.verify(EVENT, H(`m${i}`, ts, v1a(ed, `m${i}`, ts, EVENT))));
    const results = await Promise.all(calls);
    server.delayMs = 0;
    assert.equal(results.length, 10);
    assert.deepEqual(results[0], JSON.parse(EVENT));
    assert.equal(server.hits, 1);
    for (let i = 0; i < 20; i++) await jv.verify(EVENT, H(`s${i}`, ts, v1a(ed, `s${i}`, ts, EVENT)));
    assert.equal(server.hits, 1, "fetched once for many verifications");
    assert.equal(jv.fetches, 1);
  });

  test("RS256 JWT signed with jose verifies; a body it does not bind is refused", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwks: JSON.parse(server.doc) });
    const ts = now();
    const jwt = await new SignJWT(JSON.parse(EVENT)).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).setIssuedAt(ts).setExpirationTime(ts + 300).sign(rsa.privateKey);
    assert.deepEqual(await jv.verify(EVENT, H("j", ts, jwt)), JSON.parse(EVENT));
    await assert.rejects(jv.verify(EVENT.replace("123456", "654321"), H("j", ts, jwt)), (e) => e.code === "jwt_body_not_bound" && e.status === 401);
    const hs = await new SignJWT(JSON.parse(EVENT)).setProtectedHeader({ alg: "HS256", kid: "rsa-1" }).sign(new TextEncoder().encode("k".repeat(32)));
    await assert.rejects(jv.verify(EVENT, H("j", ts, hs)), (e) => e.code === "jwt_alg_not_allowed");
  });

  test("unknown kid: one refetch per cooldown (retryable inside it); a rotated key is picked up", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url, refetchCooldownSeconds: 1 });
    const rotated = edKey("ed-2");
    const ts = now();
    const send = (id) => jv.verify(EVENT, H(id, ts, v1a(rotated, id, ts, EVENT)));
    // The cooldown counts whole seconds: start just after a second begins, so that "b" cannot
    // land in the next second (and legitimately refetch).
    await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
    await assert.rejects(send("a"), (e) => e.code === "no_matching_signature");
    const hits = server.hits;
    // Inside the cooldown only a fresher set could decide: retryable, no fetch.
    await assert.rejects(send("b"), (e) => e.code === "jwks_unavailable" && e.status === 503 && e.retryAfterSeconds === 1);
    assert.equal(server.hits, hits, "no refetch inside the cooldown");
    server.doc = JSON.stringify({ keys: [ed.jwk, rsa.jwk, rotated.jwk] });
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual(await send("c"), JSON.parse(EVENT));
    assert.equal(server.hits, hits + 1);
  });

  test("stale-if-error: past the TTL with the server down the cached set verifies, one attempt per cooldown, until max stale", async (t) => {
    const t0 = now();
    t.mock.timers.enable({ apis: ["Date"], now: t0 * 1000 });
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
    const at = (ts, id) => jv.verify(EVENT, H(id, ts, v1a(ed, id, ts, EVENT)));
    const hits0 = server.hits;
    await at(t0, "a");
    assert.equal(server.hits, hits0 + 1);
    server.mode = "down";
    try {
      const t1 = t0 + 3600 + 10; // past max-age=3600
      t.mock.timers.setTime(t1 * 1000);
      assert.ok(await at(t1, "b"));
      assert.equal(server.hits, hits0 + 2, "a refetch was attempted");
      assert.ok(await at(t1 + 30, "c"));
      assert.equal(server.hits, hits0 + 2, "no second attempt inside the cooldown");
      const t2 = t0 + 3600 + 86400 + 120; // past the maximum stale age
      t.mock.timers.setTime(t2 * 1000);
      await assert.rejects(at(t2, "d"), (e) => e.code === "jwks_unavailable" && e.status === 503);
      server.mode = "ok";
      t.mock.timers.setTime((t2 + 61) * 1000);
      assert.ok(await at(t2 + 61, "e"), "recovers after the cooldown");
    } finally {
      server.mode = "ok";
    }
  });

  test("20 concurrent deliveries: one fetch cold, one refetch for unknown keys, one attempt when the server is down", async () => {
    const N = 20;
    const burst = (jv, key, prefix) => {
      const ts = now();
      return Promise.allSettled(Array.from({ length: N }, (_, i) => jv.verify(EVENT, H(`${prefix}${i}`, ts, v1a(key, `${prefix}${i}`, ts, EVENT)))));
    };
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url, refetchCooldownSeconds: 1 });
    const hits0 = server.hits;
    server.delayMs = 200;
    try {
      const cold = await burst(jv, ed, "c");
      assert.deepEqual(cold.map((r) => r.status), Array(N).fill("fulfilled"));
      assert.equal(server.hits - hits0, 1);
      await new Promise((r) => setTimeout(r, 1100));
      const forged = await burst(jv, edKey("never-published"), "f");
      assert.equal(server.hits - hits0, 2, "one refetch shared by every unknown key");
      assert.deepEqual(forged.map((r) => r.reason?.code), Array(N).fill("no_matching_signature"));
      const down = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
      server.mode = "down";
      const failed = await burst(down, ed, "d");
      assert.equal(server.hits - hits0, 3, "one attempt for all");
      assert.deepEqual(failed.map((r) => [r.reason?.code, r.reason?.status]), Array(N).fill(["jwks_unavailable", 503]));
      assert.ok(failed.every((r) => r.reason.retryAfterSeconds >= 1 && r.reason.retryAfterSeconds <= 60));
    } finally {
      server.delayMs = 0;
      server.mode = "ok";
    }
  });

  test("a delivery signed with a newly published key is retryable during the cooldown and verifies after it", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url, refetchCooldownSeconds: 2 });
    const rotated = edKey("ed-rotated");
    const ts = now();
    await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
    assert.ok(await jv.verify(EVENT, H("warm", ts, v1a(ed, "warm", ts, EVENT))));
    const hits = server.hits;
    const keys = JSON.parse(server.doc).keys;
    server.doc = JSON.stringify({ keys: [...keys, rotated.jwk] });
    try {
      const send = () => jv.verify(EVENT, H("new", ts, v1a(rotated, "new", ts, EVENT)));
      let wait;
      await assert.rejects(send(), (e) => e.code === "jwks_unavailable" && (wait = e.retryAfterSeconds) >= 1 && wait <= 2);
      assert.equal(server.hits, hits);
      await new Promise((r) => setTimeout(r, wait * 1000 + 50));
      assert.deepEqual(await send(), JSON.parse(EVENT));
      assert.equal(server.hits, hits + 1);
    } finally {
      server.doc = JSON.stringify({ keys });
    }
  });

  test("a JWKS larger than 64 KiB is refused while streaming", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
    server.mode = "huge";
    try {
      const ts = now();
      await assert.rejects(jv.verify(EVENT, H("h", ts, v1a(ed, "h", ts, EVENT))), (e) => e.code === "jwks_unavailable" && /larger than 65536/.test(e.message));
    } finally {
      server.mode = "ok";
    }
  });

  test("JWKS server down: a cached set still verifies; no set at all gives jwks_unavailable", async () => {
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
    const ts = now();
    await jv.verify(EVENT, H("x", ts, v1a(ed, "x", ts, EVENT)));
    server.mode = "down";
    try {
      assert.ok(await jv.verify(EVENT, H("y", ts, v1a(ed, "y", ts, EVENT))));
      const cold = new JwksVerifier({ anyTenant: true, jwksUrl: server.url });
      await assert.rejects(cold.verify(EVENT, H("z", ts, v1a(ed, "z", ts, EVENT))), (e) => e.code === "jwks_unavailable" && e.status === 503);
    } finally {
      server.mode = "ok";
    }
  });

  test("with secrets: v1 deliveries and rejections no key can change never wait for (or fail with) the JWKS", async () => {
    let fetched = 0;
    const failing = async () => {
      fetched++;
      throw new Error("network down");
    };
    const jv = new JwksVerifier({ anyTenant: true, jwksUrl: server.url, secrets: [S1], fetch: failing });
    const wh = new Webhook(S1);
    const ts = now();
    assert.deepEqual(await jv.verify(EVENT, H("v", ts, wh.sign("v", new Date(ts * 1000), EVENT))), JSON.parse(EVENT));
    // A valid v1 entry beside a v1a entry: verified by the secret, no fetch.
    const both = `${v1a(ed, "w", ts, EVENT)} ${wh.sign("w", new Date(ts * 1000), EVENT)}`;
    assert.deepEqual(await jv.verify(EVENT, H("w", ts, both)), JSON.parse(EVENT));
    // A stale v1a delivery: the timestamp settles it, whatever the keys.
    await assert.rejects(jv.verify(EVENT, H("o", ts - 400, v1a(ed, "o", ts - 400, EVENT))), (e) => e.code === "timestamp_too_old");
    const report = await jv.verifyDetailed(EVENT, H("v", ts, wh.sign("v", new Date(ts * 1000), EVENT)));
    assert.equal(report.verdict.ok, true);
    assert.equal(fetched, 0, "none of these needed the JWKS");
    // A v1a delivery does need it: the fetch is tried and its failure is a 503.
    await assert.rejects(jv.verify(EVENT, H("x", ts, v1a(ed, "x", ts, EVENT))), (e) => e.code === "jwks_unavailable" && e.status === 503);
    assert.equal(fetched, 1);
  });

  test("tenant binding: JWKS-signed deliveries are refused until bound; tenantField and audience bind them", async () => {
    const ts = now();
    const body = JSON.stringify({ type: "batch.succeeded", data: { id: "b", user_metadata: { tenant: "acme" } } });
    const other = JSON.stringify({ type: "batch.succeeded", data: { id: "b", user_metadata: { tenant: "mallory" } } });
    const jwks = JSON.parse(server.doc);
    const unbound = new JwksVerifier({ jwks });
    await assert.rejects(unbound.verify(body, H("t1", ts, v1a(ed, "t1", ts, body))), (e) => e.code === "tenant_unbound" && e.status === 403 && /tenant_field/.test(e.message));
    const bound = new JwksVerifier({ jwks, tenantField: { path: "data.user_metadata.tenant", value: "acme" } });
    assert.deepEqual(await bound.verify(body, H("t2", ts, v1a(ed, "t2", ts, body))), JSON.parse(body));
    await assert.rejects(bound.verify(other, H("t3", ts, v1a(ed, "t3", ts, other))), (e) => e.code === "tenant_mismatch" && e.status === 403);
    const byAudience = new JwksVerifier({ jwks, audience: "https://edge.example/acme" });
    const jwt = await new SignJWT(JSON.parse(EVENT)).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).setIssuedAt(ts).setExpirationTime(ts + 300).setAudience("https://other.example/").sign(rsa.privateKey);
    await assert.rejects(byAudience.verify(EVENT, H("t4", ts, jwt)), (e) => e.code === "jwt_audience_mismatch");
  });

  test("http:// URLs other than localhost are refused", () => {
    assert.throws(() => new JwksVerifier({ anyTenant: true, jwksUrl: "http://example.com/jwks.json" }), (e) => e.code === "invalid_jwks_url");
    assert.throws(() => new JwksVerifier({ anyTenant: true, jwksUrl: "http://127.0.0.1:1@example.com/jwks.json" }), (e) => e.code === "invalid_jwks_url");
  });
});

async function postTo(url, body, headers) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, json: await res.json() };
}

describe("framework helpers", () => {
  test("Express middleware on the raw body, and the parsed-body pitfall explained", async () => {
    const app = express();
    const wh = new Webhook(S1);
    app.post("/hook", webhookMiddleware(wh), (req, res) => res.json({ got: req.webhook.type }));
    app.post("/wrong", express.json(), webhookMiddleware(wh), (req, res) => res.json({ got: req.webhook.type }));
    const server = await new Promise((r) => { const s = app.listen(0, "127.0.0.1", () => r(s)); });
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      const ts = now();
      const headers = H("m", ts, wh.sign("m", new Date(ts * 1000), EVENT));
      assert.deepEqual(await postTo(`${base}/hook`, EVENT, headers), { status: 200, json: { got: "batch.succeeded" } });
      const bad = await postTo(`${base}/hook`, EVENT.replace("123456", "000000"), headers);
      assert.equal(bad.status, 401);
      assert.equal(bad.json.error, "no_matching_signature");
      const wrong = await postTo(`${base}/wrong`, EVENT, headers);
      assert.equal(wrong.status, 500);
      assert.equal(wrong.json.error, "body_already_parsed");
    } finally {
      server.close();
    }
  });

  test("Express middleware reads up to the verifier's maxBodyBytes, no more", async () => {
    const app = express();
    const big = new Webhook(S1, { maxBodyBytes: 1 << 20 });
    const small = new Webhook(S1, { maxBodyBytes: 1024 });
    assert.equal(big.maxBodyBytes, 1 << 20);
    assert.equal(new Webhook(S1).maxBodyBytes, 256 * 1024);
    app.post("/big", webhookMiddleware(big), (req, res) => res.json({ got: req.webhook.type }));
    app.post("/small", webhookMiddleware(small), (req, res) => res.json({ got: req.webhook.type }));
    const server = await new Promise((r) => { const s = app.listen(0, "127.0.0.1", () => r(s)); });
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      const body = JSON.stringify({ type: "batch.succeeded", data: { id: "b", pad: "x".repeat(300 * 1024) } });
      const ts = now();
      const headers = H("m", ts, big.sign("m", new Date(ts * 1000), body));
      assert.deepEqual(await postTo(`${base}/big`, body, headers), { status: 200, json: { got: "batch.succeeded" } });
      const refused = await postTo(`${base}/small`, body, headers);
      assert.equal(refused.status, 413);
      assert.equal(refused.json.error, "body_too_large");
    } finally {
      server.close();
    }
  });

  test("Fastify hook with the raw JSON parser", async () => {
    const app = Fastify();
    const wh = new Webhook(S1);
    fastifyRawJson(app);
    app.post("/hook", { preHandler: fastifyWebhookHook(wh) }, async (req) => ({ got: req.webhook.type }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${app.server.address().port}`;
    try {
      const ts = now();
      const headers = H("m", ts, wh.sign("m", new Date(ts * 1000), EVENT));
      assert.deepEqual(await postTo(`${base}/hook`, EVENT, headers), { status: 200, json: { got: "batch.succeeded" } });
      const stale = await postTo(`${base}/hook`, EVENT, H("m", ts - 1000, wh.sign("m", new Date((ts - 1000) * 1000), EVENT)));
      assert.equal(stale.status, 401);
      assert.equal(stale.json.error, "timestamp_too_old");
    } finally {
      await app.close();
    }
  });
});
