// Durable delivery (DELIVERY = "queue", issue 13), end to end in workerd with Miniflare's local
// queues: 202 once the queue holds the event, the consumer forwards with a fresh hop signature,
// retries with backoff while the origin is down, parks what it refuses in the dead-letter
// namespace, and the admin replay delivers it. Forged deliveries are never queued.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertConfigInvalid, SECRETS, deliveryHeaders, eventBody, newId, nowSeconds, signV1, sleep, startEdge } from "./harness.mjs";

const ADMIN_TOKEN = "t".repeat(40);

async function until(what, check, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function signed(body = eventBody()) {
  const id = newId();
  const ts = nowSeconds();
  return { id, body, headers: deliveryHeaders(id, ts, signV1(SECRETS[0], id, ts, body)) };
}

test("origin down then up: 202 at once, delivered exactly once with a valid hop signature after recovery; the sender's retry is a duplicate", async () => {
  const edge = await startEdge({ delivery: "queue" });
  try {
    edge.origin.mode = "fail";
    const d = signed();
    const r = await edge.post(d);
    assert.deepEqual([r.status, r.json.status], [202, "accepted"], r.text);
    await until("a failed attempt", () => edge.origin.attempts >= 1);
    edge.origin.mode = "ok";
    const recovered = Date.now();
    await until("the delivery", () => edge.origin.received.some((e) => e.id === d.id));
    const after = Date.now() - recovered;
    assert.ok(after < 10_000, `delivered ${after} ms after recovery`);
    const again = await edge.post(d);
    assert.deepEqual([again.status, again.json.status], [200, "duplicate"], again.text);
    await sleep(2500);
    assert.equal(edge.origin.received.filter((e) => e.id === d.id).length, 1);
    assert.equal(edge.origin.badSignatures, 0);
    const lines = edge.logs.filter((l) => l.stage === "queue" && l.webhook_id === d.id).map((l) => l.outcome);
    assert.ok(lines.includes("retry") && lines.at(-1) === "delivered", lines.join(","));
  } finally {
    await edge.close();
  }
});

test("429 with retry-after is honoured, then delivered once", async () => {
  const edge = await startEdge({ delivery: "queue" });
  try {
    edge.origin.mode = "busy";
    const d = signed();
    assert.equal((await edge.post(d)).status, 202);
    await until("a refused attempt", () => edge.origin.attempts >= 1);
    edge.origin.mode = "ok";
    await until("the delivery", () => edge.origin.received.some((e) => e.id === d.id));
    assert.equal(edge.origin.received.filter((e) => e.id === d.id).length, 1);
  } finally {
    await edge.close();
  }
});

test("a refused event is dead-lettered, listed to the admin only, and delivered after a replay", async () => {
  const edge = await startEdge({ delivery: "queue", vars: { ADMIN_TOKEN } });
  try {
    edge.origin.mode = "reject"; // 422: retrying will not help
    const d = signed();
    assert.equal((await edge.post(d)).status, 202);
    await until("the dead letter", () => edge.logs.some((l) => l.stage === "queue" && l.outcome === "dead_letter" && l.webhook_id === d.id));
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const noToken = await edge.post({ path: "/admin/dead-letters", method: "GET" });
    assert.deepEqual([noToken.status, noToken.json.error], [401, "unauthorized"]);
    const wrong = await edge.post({ path: "/admin/dead-letters", method: "GET", headers: { authorization: `Bearer ${"x".repeat(40)}` } });
    assert.equal(wrong.status, 401);
    const listed = await edge.post({ path: "/admin/dead-letters", method: "GET", headers: bearer });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.dead_letters.map((x) => [x.webhook_id, x.reason]), [[d.id, "the origin refused it with 422"]]);
    assert.ok(!listed.text.includes("batch_123456"), "no body in the listing");
    edge.origin.mode = "ok";
    const replay = await edge.post({ path: "/admin/replay", headers: bearer, body: "" });
    assert.equal(replay.json.replayed.length, 1, replay.text);
    await until("the replayed delivery", () => edge.origin.received.some((e) => e.id === d.id));
    const empty = await edge.post({ path: "/admin/dead-letters", method: "GET", headers: bearer });
    assert.deepEqual(empty.json.dead_letters, []);
    assert.equal(edge.origin.received.filter((e) => e.id === d.id).length, 1);
  } finally {
    await edge.close();
  }
});

test("forged deliveries are never queued; without ADMIN_TOKEN the admin paths do not exist", async () => {
  const edge = await startEdge({ delivery: "queue" });
  try {
    const d = signed();
    const forged = await edge.post({ body: d.body.replace("batch_123456", "batch_666"), headers: d.headers });
    assert.equal(forged.status, 401);
    await sleep(2500);
    assert.equal(edge.origin.attempts, 0);
    assert.equal(edge.logs.filter((l) => l.stage === "queue").length, 0, "nothing reached the consumer");
    const admin = await edge.post({ path: "/admin/dead-letters", method: "GET", headers: { authorization: "Bearer x" } });
    assert.equal(admin.status, 404);
  } finally {
    await edge.close();
  }
});

test("a body too large for a queue message is forwarded synchronously, never dropped", async () => {
  const edge = await startEdge({ delivery: "queue" });
  try {
    const d = signed(eventBody("batch.succeeded", { id: "big", pad: "x".repeat(100 * 1024) }));
    const r = await edge.post(d);
    assert.deepEqual([r.status, r.json.status], [200, "forwarded"], r.text);
    assert.equal(edge.origin.received.filter((e) => e.id === d.id).length, 1);
  } finally {
    await edge.close();
  }
});

test("DELIVERY = queue without its bindings, or an invalid mode: 500 config_invalid naming it", async () => {
  await assertConfigInvalid(assert, [[{ DELIVERY: "queue" }, /DELIVERIES/], [{ DELIVERY: "carrier-pigeon" }, /DELIVERY/], [{ ADMIN_TOKEN: "short" }, /ADMIN_TOKEN/]]);
});
