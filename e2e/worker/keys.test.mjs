// The key flow under concurrency, end to end in workerd against a real local JWKS server that
// counts requests (issue 11): one fetch per isolate however many deliveries need it, retryable
// answers when only a fresher key set could decide, and the retry forwarded once it can.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deliveryHeaders, ed25519Key, eventBody, jwksDoc, newId, nowSeconds, rsaKey, signJwt, signV1a, sleep, startEdge } from "./harness.mjs";

const N = 20;

/** N deliveries signed by `sign` (a function of id, ts, body), all POSTed at once. */
async function burst(edge, sign, n = N) {
  const ts = nowSeconds();
  const sent = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const id = newId();
      const body = eventBody("batch.succeeded", { id: `batch_${i}` });
      return { id, body, signature: await sign(id, ts, body) };
    }),
  );
  return Promise.all(sent.map(async (d) => ({ ...(await edge.post({ body: d.body, headers: deliveryHeaders(d.id, ts, d.signature) })), id: d.id })));
}

/** Waits until the next whole second has just begun (the cooldown counts whole seconds). */
const secondStart = () => sleep(1010 - (Date.now() % 1000));

test(`${N} concurrent cold v1a deliveries cause exactly one JWKS fetch and are all forwarded`, async () => {
  const key = ed25519Key("ed-1");
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined } });
  try {
    edge.jwksServer.jwksDelayMs = 300; // the fetch is still running when the others arrive
    const answers = await burst(edge, (id, ts, body) => signV1a(key.privateKey, id, ts, body));
    assert.deepEqual(answers.map((r) => r.status), Array(N).fill(200), answers.find((r) => r.status !== 200)?.text);
    assert.equal(edge.jwksServer.jwksHits, 1);
    assert.equal(edge.origin.received.length, N);
  } finally {
    await edge.close();
  }
});

test(`${N} concurrent JWTs with unknown kids after the cooldown cause exactly one refetch`, async () => {
  const known = await rsaKey("rsa-1");
  const edge = await startEdge({ jwks: jwksDoc(known.jwk), vars: { WEBHOOK_SECRETS: undefined, JWKS_REFETCH_COOLDOWN_SECONDS: "2" } });
  try {
    const body = eventBody();
    const strangers = await Promise.all(Array.from({ length: N }, (_, i) => rsaKey(`unknown-${i}`)));
    const first = await edge.post({ body, headers: deliveryHeaders(newId(), nowSeconds(), await signJwt(known, body)) });
    assert.equal(first.status, 200, first.text);
    await sleep(2100);
    await secondStart();
    edge.jwksServer.jwksDelayMs = 300;
    let i = 0;
    const answers = await burst(edge, (_id, _ts, b) => signJwt(strangers[i++], b));
    assert.equal(edge.jwksServer.jwksHits, 2, "one fetch at start, one refetch for all the unknown kids");
    // The refetch these deliveries shared is the newest set there is: their miss is final.
    assert.deepEqual(answers.map((r) => [r.status, r.json?.error]), Array(N).fill([401, "unknown_kid"]));
    assert.equal(edge.origin.received.length, 1);
  } finally {
    await edge.close();
  }
});

test(`JWKS endpoint down: ${N} concurrent deliveries cause one attempt and all get 503 with retry-after`, async () => {
  const key = ed25519Key("ed-1");
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined } });
  try {
    edge.jwksServer.jwksMode = "down";
    edge.jwksServer.jwksDelayMs = 300;
    const answers = await burst(edge, (id, ts, body) => signV1a(key.privateKey, id, ts, body));
    assert.deepEqual(answers.map((r) => [r.status, r.json?.error]), Array(N).fill([503, "jwks_unavailable"]));
    for (const r of answers) assert.ok(Number(r.headers.get("retry-after")) >= 1 && Number(r.headers.get("retry-after")) <= 60, r.headers.get("retry-after"));
    assert.equal(edge.jwksServer.jwksHits, 1);
    assert.equal(edge.origin.attempts, 0);
  } finally {
    await edge.close();
  }
});

test("a genuine delivery signed with a newly published key is retryable during the cooldown, forwarded on the retry", async () => {
  const old = ed25519Key("ed-old");
  const rotated = ed25519Key("ed-new");
  const edge = await startEdge({ jwks: jwksDoc(old.jwk), vars: { WEBHOOK_SECRETS: undefined, JWKS_REFETCH_COOLDOWN_SECONDS: "3" } });
  try {
    await secondStart();
    const warm = await burst(edge, (id, ts, body) => signV1a(old.privateKey, id, ts, body), 1);
    assert.equal(warm[0].status, 200, warm[0].text);
    edge.jwksServer.jwks = jwksDoc(old.jwk, rotated.jwk); // the sender publishes its new key and uses it
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const headers = deliveryHeaders(id, ts, signV1a(rotated.privateKey, id, ts, body));
    const during = await edge.post({ body, headers });
    assert.deepEqual([during.status, during.json?.error], [503, "jwks_unavailable"], during.text);
    const wait = Number(during.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 3, `retry-after ${wait} is within the cooldown`);
    assert.equal(edge.jwksServer.jwksHits, 1, "no fetch inside the cooldown");
    await sleep(wait * 1000 + 100);
    const retry = await edge.post({ body, headers });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(edge.jwksServer.jwksHits, 2);
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});
