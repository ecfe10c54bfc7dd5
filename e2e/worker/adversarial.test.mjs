// The adversarial table (e2e/adversarial-cases.json, shared with the core's tests/adversarial.rs)
// end to end: each bad delivery is posted to the worker in workerd and must get its specific
// status and code, and the origin must receive nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { startEdge, signV1, ed25519Key, signV1a, nowSeconds, eventBody, newId, deliveryHeaders } from "./harness.mjs";
import { SECRETS, GEMINI, RFC8032 } from "../vectors.mjs";

const doc = JSON.parse(readFileSync(new URL("../adversarial-cases.json", import.meta.url), "utf8"));
// The base delivery comes from the protocol vectors (tests/vectors.json), as in the Rust runner.
const BASE = { secret: SECRETS[0], event: GEMINI.body, jwks: JSON.stringify({ keys: [RFC8032.jwk] }) };
/** Same placeholder rules as the Rust runner (see the table's "about"). `now` is taken per request. */
function expand(text, v1, NOW = nowSeconds()) {
  return text.replace(/\{(now(?:[+-]\d+)?|repeatjoin:.*?:\d+|repeat:.*?:\d+|v1|v1:raw)\}/gs, (_, p) => {
    if (p === "now") return String(NOW);
    let m;
    if ((m = /^now([+-])(\d+)$/.exec(p))) return String(m[1] === "+" ? NOW + Number(m[2]) : NOW - Number(m[2]));
    if ((m = /^repeatjoin:(.*):(\d+)$/s.exec(p))) return Array(Number(m[2])).fill(m[1]).join(" ");
    if ((m = /^repeat:(.*):(\d+)$/s.exec(p))) return m[1].repeat(Number(m[2]));
    if (p === "v1") return v1;
    if (p === "v1:raw") return v1.slice(3);
    throw new Error(`placeholder ${p}`);
  });
}

/** v1 over raw bytes (the reference library takes strings, and some bodies are not UTF-8). */
function v1Raw(id, ts, body) {
  const key = Buffer.from(BASE.secret.slice("whsec_".length), "base64");
  return "v1," + createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64");
}

function request(c) {
  const now = nowSeconds();
  const id = expand(c.id ?? "msg_adv", undefined, now);
  const ts = expand(c.ts ?? "{now}", undefined, now);
  const body = c.body_hex !== undefined ? Buffer.from(c.body_hex, "hex") : Buffer.from(c.body !== undefined ? expand(c.body, undefined, now) : BASE.event);
  const signTs = c.sign_ts ?? ts;
  const v1 = /^\d+$/.test(signTs) ? v1Raw(c.sign_id ?? id, signTs, c.sign_body !== undefined ? Buffer.from(c.sign_body) : body) : "v1,AAAA";
  // The reference library agrees with v1Raw wherever it applies (guards the helper itself).
  if (c.sign_body === undefined && /^[1-9]\d{0,14}$/.test(signTs) && body.toString("utf8") === body.toString("latin1")) {
    assert.equal(v1, signV1(BASE.secret, c.sign_id ?? id, Number(signTs), body.toString("utf8")));
  }
  const headers = c.headers
    ? c.headers.map(([k, v]) => [k, expand(v, v1, now)])
    : [["webhook-id", id], ["webhook-timestamp", ts], ["webhook-signature", expand(c.sig ?? "{v1}", v1, now)]];
  return { body, headers };
}

/**
 * POSTs, retrying once only when the connection itself failed before any answer (never on a
 * status): after a 413 answered from content-length, workerd closes the keep-alive connection
 * without reading the body, and the client may already have reused it for the next request
 * ("other side closed"). A sender would retry the same way; the answer asserted is the worker's.
 */
async function postOnce(target, req, t) {
  try {
    return await target.post(req);
  } catch (e) {
    const why = String(e.cause?.code ?? e.cause?.message ?? e.message);
    if (!/ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed|socket/i.test(why)) throw e;
    t.diagnostic(`connection failed before an answer (${why}); sent again`);
    return await target.post(req);
  }
}

let edge;
// No refetch cooldown on this edge: every key miss refetches, so each case gets the core's final
// verdict (with a cooldown, misses inside it are answered 503 jwks_unavailable: keys.test.mjs).
before(async () => (edge = await startEdge({ jwks: BASE.jwks, vars: { WEBHOOK_SECRETS: BASE.secret, JWKS_REFETCH_COOLDOWN_SECONDS: "0" } })));
after(() => edge?.close());

const cases = doc.deliveries;
test(`the table has at least 60 distinct bad deliveries (${cases.length})`, () => {
  assert.ok(cases.length >= 60);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  const skip = c.worker?.skip;
  test(`rejects: ${c.name}`, { skip }, async (t) => {
    const want = { code: c.worker?.expect ?? c.expect, status: c.worker?.status ?? c.status };
    let target = edge;
    if (c.jwks) target = await startEdge({ jwks: c.jwks, vars: { WEBHOOK_SECRETS: BASE.secret, JWKS_REFETCH_COOLDOWN_SECONDS: "0" } });
    try {
      const { body, headers } = request(c);
      const before = target.origin.attempts;
      const r = await postOnce(target, { body, headers: new Headers(headers) }, t);
      assert.deepEqual({ code: r.json?.error, status: r.status }, want, r.text.slice(0, 300));
      assert.equal(target.origin.attempts, before, "the origin received nothing");
    } finally {
      if (target !== edge) await target.close();
    }
  });
}

test("a valid delivery still passes after all that (the base case of the table is sound)", async () => {
  const r = await edge.postV1(BASE.event, { secret: BASE.secret });
  assert.equal(r.status, 200, r.text);
  assert.equal(edge.origin.received.length, 1);
  assert.equal(edge.origin.badSignatures, 0);
});

// Keys and JWKS: a bad secret fails the configuration loudly; a bad JWKS served by the JWKS
// endpoint makes v1a deliveries retryable (503), never accepted.
for (const c of doc.config) {
  if (c.public_key !== undefined) continue; // the worker takes keys from WEBHOOK_SECRETS and the JWKS only
  test(`refuses: ${c.name}`, async () => {
    if (c.secret !== undefined) {
      const e = await startEdge({ vars: { WEBHOOK_SECRETS: c.secret || " " } });
      try {
        const r = await e.postV1();
        if (c.secret === "") {
          // An empty WEBHOOK_SECRETS means "no static secret": v1 deliveries cannot verify.
          assert.deepEqual([r.status, r.json.error], [401, "no_key_for_scheme"]);
        } else {
          assert.deepEqual([r.status, r.json.error], [500, "config_invalid"]);
          assert.match(r.json.message, /WEBHOOK_SECRETS/);
        }
        assert.equal(e.origin.attempts, 0);
      } finally {
        await e.close();
      }
    } else {
      const e = await startEdge({ jwks: c.jwks, vars: { WEBHOOK_SECRETS: undefined } });
      try {
        const key = ed25519Key();
        const id = newId();
        const body = eventBody();
        const now = nowSeconds();
        const r = await e.post({ body, headers: deliveryHeaders(id, now, signV1a(key.privateKey, id, now, body)) });
        assert.deepEqual([r.status, r.json.error], [503, "jwks_unavailable"]);
        assert.equal(e.origin.attempts, 0);
      } finally {
        await e.close();
      }
    }
  });
}
