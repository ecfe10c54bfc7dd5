// The host crypto provider of the Node entry (issue 15): on Node the core computes HMAC (from
// 512 bytes up), SHA-256, Ed25519 and RSA with node:crypto, and gives exactly the verdicts of
// the pure-Rust build (the web entry, loaded side by side) on honest, tampered and forged
// deliveries, the strictness rules included (they stay in the core).
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { SECRETS } from "../vectors.mjs";

// Count the host's calls: the provider looks its functions up on the module at each call.
const calls = { createHmac: 0, createHash: 0, verify: 0, createPublicKey: 0 };
for (const name of Object.keys(calls)) {
  const original = crypto[name];
  crypto[name] = function (...args) {
    calls[name]++;
    return original.apply(this, args);
  };
}
const require = createRequire(import.meta.url);
const node = require("../../pkg/dist/index.cjs");
const web = await import("../../pkg/dist/web.mjs");

const SECRET = SECRETS[0];
const ts = Math.floor(Date.now() / 1000);
const H = (sig, id = "msg_1") => ({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig });
// n bytes: a JSON object from 20 bytes up, below that not JSON (both builds say invalid_payload).
const body = (n) => (n < 20 ? "y".repeat(n) : `{"type":"x","p":"${"y".repeat(n - 20)}"}`);
const codeOf = (fn) => {
  try {
    fn();
    return "ok";
  } catch (e) {
    return e.code ?? String(e);
  }
};
const asyncCodeOf = (p) => p.then(() => "ok", (e) => e.code ?? String(e));

test("the Node entry uses node:crypto; the web entry does not", async () => {
  const b = JSON.stringify({ type: "x", pad: "z".repeat(2000) });
  const sig = new node.Webhook(SECRET).sign("msg_1", new Date(ts * 1000), b);
  const before = calls.createHmac;
  new web.Webhook(SECRET).verify(b, H(sig));
  assert.equal(calls.createHmac, before, "the web entry never calls node:crypto");
  new node.Webhook(SECRET).verify(b, H(sig));
  assert.equal(calls.createHmac, before + 1, "a 2 KiB v1 body goes to the host");
  new node.Webhook(SECRET).verify("{}", H(new node.Webhook(SECRET).sign("msg_1", new Date(ts * 1000), "{}")));
  assert.equal(calls.createHmac, before + 1, "a small body stays in wasm (below the break-even)");
});

test("v1: the same verdict as pure Rust at every size around the threshold, honest and tampered", () => {
  const hw = new node.Webhook(SECRET);
  const ww = new web.Webhook(SECRET);
  const before = calls.createHmac;
  for (const n of [0, 1, 100, 480, 490, 500, 511, 512, 513, 600, 1024, 4096, 65536]) {
    const b = body(n);
    const sig = ww.sign("msg_1", new Date(ts * 1000), b);
    const bad = b.length ? b.slice(0, -1) + (b.endsWith("!") ? "?" : "!") : "x";
    for (const [payload, headers] of [[b, H(sig)], [bad, H(sig)], [b, H(sig, "msg_2")], [b, H("v1," + Buffer.alloc(32).toString("base64"))]]) {
      assert.equal(codeOf(() => hw.verify(payload, headers)), codeOf(() => ww.verify(payload, headers)), `v1 ${n} B`);
    }
    assert.equal(codeOf(() => hw.verify(b, H(sig))), n > 0 && n < 20 ? "invalid_payload" : "ok", `v1 ${n} B`);
  }
  assert.ok(calls.createHmac > before);
});

test("v1a and RS256: same verdicts as pure Rust, forgeries and strictness rules included", async () => {
  const ed = crypto.generateKeyPairSync("ed25519");
  const edJwk = { ...ed.publicKey.export({ format: "jwk" }), kid: "ed" };
  const rs = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const rsJwk = { ...(await exportJWK(rs.publicKey)), kid: "rs" };
  const options = { jwks: { keys: [edJwk, rsJwk] }, anyTenant: true };
  const hv = new node.JwksVerifier(options);
  const wv = new web.JwksVerifier(options);
  const b = JSON.stringify({ type: "batch.succeeded", data: { id: "b1" } });
  const msg = Buffer.from(`msg_1.${ts}.${b}`);
  const sig = crypto.sign(null, msg, ed.privateKey);
  const L = Buffer.from("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", "hex");
  const addL = (s) => {
    // S + L: the same point equation, a non-canonical S (refused by the core).
    const out = Buffer.from(s);
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const v = out[32 + i] + L[i] + carry;
      out[32 + i] = v & 0xff;
      carry = v >> 8;
    }
    return out;
  };
  const identityR = Buffer.concat([Buffer.from([1]), Buffer.alloc(31), sig.subarray(32)]);
  const edCases = [sig, addL(sig), identityR, Buffer.from(sig.map((x, i) => (i === 3 ? x ^ 1 : x))), sig.subarray(0, 63)];
  const jwt = await new SignJWT({ ...JSON.parse(b) }).setProtectedHeader({ alg: "RS256", kid: "rs" }).setIssuedAt(ts).sign(rs.privateKey);
  const [h, p, s] = jwt.split(".");
  const raw = Buffer.from(s, "base64url");
  const n = Buffer.from(rsJwk.n, "base64url");
  const rsCases = [raw, Buffer.concat([Buffer.alloc(1), raw]), raw.subarray(1), n, Buffer.from(raw.map((x, i) => (i === 7 ? x ^ 1 : x)))];
  const before = { ...calls };
  const results = [];
  for (const e of edCases) {
    const headers = H("v1a," + e.toString("base64"));
    const got = await asyncCodeOf(hv.verify(b, headers));
    assert.equal(got, await asyncCodeOf(wv.verify(b, headers)));
    results.push(got);
  }
  for (const r of rsCases) {
    const headers = H(`${h}.${p}.${r.toString("base64url")}`);
    const got = await asyncCodeOf(hv.verify(b, headers));
    assert.equal(got, await asyncCodeOf(wv.verify(b, headers)));
    results.push(got);
  }
  assert.deepEqual(results, [
    "ok", "no_matching_signature", "no_matching_signature", "no_matching_signature", "malformed_signature",
    "ok", "jwt_signature_invalid", "jwt_signature_invalid", "jwt_signature_invalid", "jwt_signature_invalid",
  ]);
  assert.ok(calls.verify >= before.verify + 4, "Ed25519 and RSA verified by the host");
  assert.ok(calls.createPublicKey >= before.createPublicKey + 2, "each key imported");
  assert.ok(calls.createPublicKey <= before.createPublicKey + 2, "and only once");
});
