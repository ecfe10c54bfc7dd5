// Forwarded exactly once (issue 12), end to end in workerd with a real local origin that counts
// and verifies the hop: no delivery can squat another's id, concurrent copies make one hop (in
// one isolate by default; across worker instances with DEDUPE = "durable-object"), and a failed
// hop leaves nothing remembered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertConfigInvalid, SECRETS, deliveryHeaders, eventBody, jwksDoc, newId, nowSeconds, rsaKey, signJwt, signV1, sleep, startEdge } from "./harness.mjs";

const N = 10;

test("id squatting: a captured JWT delivery re-sent under a pending delivery's id does not make the genuine one a duplicate", async () => {
  const rsa = await rsaKey("rsa-1");
  const edge = await startEdge({ jwks: jwksDoc(rsa.jwk), vars: { WEBHOOK_SECRETS: undefined } });
  try {
    const genuineBody = eventBody("batch.succeeded", { id: "batch_victim" });
    const genuine = { body: genuineBody, headers: deliveryHeaders("msg_X", nowSeconds(), await signJwt(rsa, genuineBody)) };
    edge.origin.mode = "fail";
    const first = await edge.post(genuine);
    assert.equal(first.status, 502, first.text); // the sender will retry msg_X
    edge.origin.mode = "ok";
    // The attacker holds another valid delivery (its token binds its own body) and sends it as msg_X.
    const capturedBody = eventBody("batch.succeeded", { id: "batch_other" });
    const squat = await edge.post({ body: capturedBody, headers: deliveryHeaders("msg_X", nowSeconds(), await signJwt(rsa, capturedBody)) });
    assert.equal(squat.status, 200, squat.text);
    const retry = await edge.post(genuine);
    assert.deepEqual([retry.status, retry.json.status], [200, "forwarded"], retry.text);
    const genuineAtOrigin = edge.origin.received.filter((e) => e.id === "msg_X" && e.body === genuineBody);
    assert.equal(genuineAtOrigin.length, 1, "the genuine delivery reached the origin exactly once");
    assert.equal(edge.origin.badSignatures, 0);
  } finally {
    await edge.close();
  }
});

/** N copies of one v1 delivery, all POSTed at once (spread over `instances`). */
async function copies(edge, instances = 1) {
  const id = newId();
  const ts = nowSeconds();
  const body = eventBody();
  const headers = deliveryHeaders(id, ts, signV1(SECRETS[0], id, ts, body));
  const answers = await Promise.all(Array.from({ length: N }, (_, i) => edge.post({ body, headers, instance: i % instances })));
  return { id, body, headers, answers };
}

test(`${N} concurrent copies of one delivery: exactly one reaches the origin (default KV mode, one isolate)`, async () => {
  const edge = await startEdge();
  try {
    edge.origin.mode = "slow"; // the hop is still running when the copies arrive
    edge.origin.slowMs = 300;
    const { id, answers } = await copies(edge);
    assert.deepEqual(answers.map((r) => r.status), Array(N).fill(200), answers.map((r) => r.text).join("\n"));
    assert.equal(answers.filter((r) => r.json.status === "forwarded").length, 1);
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});

test(`DEDUPE = "durable-object": ${N} concurrent copies through two worker instances reach the origin once`, async () => {
  const edge = await startEdge({ dedupe: "durable-object", instances: 2 });
  try {
    edge.origin.mode = "slow";
    edge.origin.slowMs = 300;
    const { id, body, headers, answers } = await copies(edge, 2);
    for (const r of answers) {
      assert.ok(r.status === 200 || (r.status === 503 && r.json.error === "delivery_in_flight"), r.text);
    }
    // Copies answered "in flight" are retried by the sender: they are duplicates now.
    for (const [i, r] of answers.entries()) {
      if (r.status !== 503) continue;
      await sleep(Number(r.headers.get("retry-after")) * 1000);
      const again = await edge.post({ body, headers, instance: i % 2 });
      assert.deepEqual([again.status, again.json.status], [200, "duplicate"], again.text);
      break; // one retry shows it; the lease has lapsed for all
    }
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
    assert.equal(edge.origin.badSignatures, 0);
  } finally {
    await edge.close();
  }
});

test(`DEDUPE = "durable-object": an origin failure leaves nothing claimed; the retry is forwarded once`, async () => {
  const edge = await startEdge({ dedupe: "durable-object", instances: 2 });
  try {
    edge.origin.mode = "fail";
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const headers = deliveryHeaders(id, ts, signV1(SECRETS[0], id, ts, body));
    const first = await edge.post({ body, headers });
    assert.equal(first.status, 502, first.text);
    edge.origin.mode = "ok";
    const retry = await edge.post({ body, headers, instance: 1 });
    assert.deepEqual([retry.status, retry.json.status], [200, "forwarded"], retry.text);
    const again = await edge.post({ body, headers });
    assert.deepEqual([again.status, again.json.status], [200, "duplicate"], again.text);
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});

test(`DEDUPE = "durable-object" without its binding, or an unknown mode: 500 config_invalid naming it`, async () => {
  await assertConfigInvalid(assert, [[{ DEDUPE: "durable-object" }, /DEDUPE_CLAIMS/], [{ DEDUPE: "postgres" }, /DEDUPE/]]);
});
