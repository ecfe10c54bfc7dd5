// Dynamic webhooks bound to this receiver (issue 14), end to end in workerd: Google's JWKS signs
// every project's dynamic webhooks, so a genuine v1a or JWT delivery made for another project
// must not reach this origin. The default refuses JWKS-signed deliveries until a binding is
// configured; each binding lets this receiver's deliveries through and refuses the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertConfigInvalid, deliveryHeaders, ed25519Key, eventBody, jwksDoc, newId, nowSeconds, rsaKey, signJwt, signV1a, startEdge } from "./harness.mjs";

const SECRET_PATH = "/hooks/9f86d081884c7d659a2feaa0c55ad015"; // 128 bits of hex

async function postV1a(edge, key, body = eventBody(), path = "/") {
  const id = newId();
  const ts = nowSeconds();
  const r = await edge.post({ body, path, headers: deliveryHeaders(id, ts, signV1a(key.privateKey, id, ts, body)) });
  return { ...r, id };
}

test("default: a genuine JWKS-signed delivery is refused (403 tenant_unbound, naming the options); v1 is unaffected", async () => {
  const key = ed25519Key("google-1");
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { TENANT_BINDING: undefined } });
  try {
    const r = await postV1a(edge, key);
    assert.deepEqual([r.status, r.json.error], [403, "tenant_unbound"], r.text);
    assert.match(r.json.message, /TENANT_BINDING/);
    assert.equal((await edge.postV1()).status, 200, "v1 secrets are bound by nature");
    assert.equal(edge.origin.received.filter((e) => e.scheme === "v1a").length, 0);
  } finally {
    await edge.close();
  }
});

test("TENANT_FIELD: this receiver's deliveries pass, another project's genuine ones get 403 tenant_mismatch", async () => {
  const key = ed25519Key("google-1");
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { TENANT_BINDING: undefined, TENANT_FIELD: "data.user_metadata.tenant=acme" } });
  try {
    const ours = await postV1a(edge, key, eventBody("batch.succeeded", { id: "b1", user_metadata: { tenant: "acme" } }));
    assert.equal(ours.status, 200, ours.text);
    const theirs = await postV1a(edge, key, eventBody("batch.succeeded", { id: "b2", user_metadata: { tenant: "mallory" } }));
    assert.deepEqual([theirs.status, theirs.json.error], [403, "tenant_mismatch"], theirs.text);
    const none = await postV1a(edge, key, eventBody("batch.succeeded", { id: "b3" }));
    assert.deepEqual([none.status, none.json.error], [403, "tenant_mismatch"], none.text);
    assert.deepEqual(edge.origin.received.map((e) => e.id), [ours.id]);
  } finally {
    await edge.close();
  }
});

test("JWT_AUDIENCE binds RS256 JWTs: another audience is refused", async () => {
  const rsa = await rsaKey("rsa-1");
  const edge = await startEdge({ jwks: jwksDoc(rsa.jwk), vars: { TENANT_BINDING: undefined, JWT_AUDIENCE: "https://edge.example/acme" } });
  try {
    const body = eventBody();
    const ours = await edge.post({ body, headers: deliveryHeaders(newId(), nowSeconds(), await signJwt(rsa, body, { extra: { aud: "https://edge.example/acme" } })) });
    assert.equal(ours.status, 200, ours.text);
    const theirs = await edge.post({ body, headers: deliveryHeaders(newId(), nowSeconds(), await signJwt(rsa, body, { extra: { aud: "https://other.example/" } })) });
    assert.deepEqual([theirs.status, theirs.json.error], [401, "jwt_audience_mismatch"], theirs.text);
    assert.equal(edge.origin.received.length, 1);
  } finally {
    await edge.close();
  }
});

test("TENANT_BINDING=path: accepted on a 128-bit secret WEBHOOK_PATH; refused at configuration on a guessable one", async () => {
  const key = ed25519Key("google-1");
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { TENANT_BINDING: "path", WEBHOOK_PATH: SECRET_PATH } });
  try {
    const r = await postV1a(edge, key, eventBody(), SECRET_PATH);
    assert.equal(r.status, 200, r.text);
    const elsewhere = await postV1a(edge, key, eventBody(), "/");
    assert.equal(elsewhere.status, 404);
  } finally {
    await edge.close();
  }
  await assertConfigInvalid(assert, [
    [{ TENANT_BINDING: "path", WEBHOOK_PATH: "/webhooks/gemini" }, /TENANT_BINDING/],
    [{ TENANT_BINDING: "everyone" }, /TENANT_BINDING/],
    [{ TENANT_FIELD: "no-equals-sign" }, /TENANT_FIELD/],
  ]);
});
