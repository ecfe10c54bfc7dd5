// Fault injection end to end (issue 6). The promise in every case: a verified delivery is either
// forwarded or answered 5xx (so the sender retries): never silently dropped; an unverified one is
// never forwarded. The JWKS endpoint and the origin are real local servers driven into each fault.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { Webhook } from "standardwebhooks";
import {
  startEdge, eventBody, newId, nowSeconds, signV1, ed25519Key, signV1a, jwksDoc, deliveryHeaders, sleep, SECRETS, ORIGIN_SECRET,
} from "./harness.mjs";
import { startOrigin } from "../../demo/origin.mjs";

/** A free port on 127.0.0.1 that nothing listens on (yet). */
async function freePort() {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Sends a v1a delivery signed with `key`. */
async function postV1a(edge, key, { id = newId(), body = eventBody() } = {}) {
  const ts = nowSeconds();
  const r = await edge.post({ body, headers: deliveryHeaders(id, ts, signV1a(key.privateKey, id, ts, body)) });
  return { ...r, id };
}

/** A sender that retries until 2xx, as the Gemini API does (bounded here). */
async function deliverWithRetries(send, attempts = 8) {
  const statuses = [];
  for (let i = 0; i < attempts; i++) {
    const r = await send();
    statuses.push(r.status);
    if (r.status >= 200 && r.status < 300) return statuses;
    assert.ok(r.status >= 500, `a verified delivery got ${r.status}: the sender would give up on it`);
    await sleep(50);
  }
  return statuses;
}

test("JWKS endpoint slow (past the 5 s fetch deadline), nothing cached: 503, then forwarded once it answers", async () => {
  const key = ed25519Key();
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined, JWKS_REFETCH_COOLDOWN_SECONDS: "1" } });
  try {
    edge.jwksServer.jwksMode = "slow";
    const id = newId();
    const first = await postV1a(edge, key, { id });
    assert.deepEqual([first.status, first.json.error], [503, "jwks_unavailable"]);
    assert.equal(edge.origin.attempts, 0);
    edge.jwksServer.jwksMode = "ok";
    await sleep(1100);
    const retry = await postV1a(edge, key, { id });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});

test("JWKS endpoint slow with a stale set cached: the stale set serves after at most 1.5 s, then without waiting", async () => {
  const key = ed25519Key();
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined } });
  try {
    edge.jwksServer.jwksMode = "slow"; // answers after 8 s
    const kv = await edge.mf.getKVNamespace("JWKS_CACHE");
    const now = nowSeconds();
    // Fetched 2 h ago with a 1 h TTL: stale, within the 24 h stale horizon.
    await kv.put("jwks", JSON.stringify({ state: { fetched_at: now - 7200, ttl: 3600, last_attempt: now - 7200 }, doc: jwksDoc(key.jwk) }));
    const started = Date.now();
    const first = await postV1a(edge, key);
    const firstMs = Date.now() - started;
    assert.equal(first.status, 200, first.text);
    assert.ok(firstMs >= 1400 && firstMs < 4000, `answered after ${firstMs} ms: the refresh had a 1.5 s deadline`);
    assert.equal(edge.jwksServer.jwksHits, 1);
    const t2 = Date.now();
    const second = await postV1a(edge, key);
    assert.equal(second.status, 200, second.text);
    assert.ok(Date.now() - t2 < 1000, "inside the cooldown the stale set serves at once");
    assert.equal(edge.jwksServer.jwksHits, 1, "one attempt per cooldown");
    assert.equal(edge.origin.received.length, 2);
    await sleep(200);
    assert.equal(edge.logs.find((l) => l.webhook_id === first.id)?.jwks, "stale");
  } finally {
    await edge.close();
  }
});

test("JWKS endpoint down or returning garbage, nothing cached: 503 with retry-after, never accepted", async () => {
  const key = ed25519Key();
  for (const mode of ["down", "garbage"]) {
    const edge = await startEdge({ jwks: jwksDoc(key.jwk) }); // v1 secrets configured too
    try {
      edge.jwksServer.jwksMode = mode;
      const r = await postV1a(edge, key);
      assert.deepEqual([r.status, r.json.error], [503, "jwks_unavailable"], mode);
      assert.ok(r.headers.get("retry-after"));
      assert.equal(edge.origin.attempts, 0);
      const hits = edge.jwksServer.jwksHits;
      // A v1 delivery needs no JWKS: it goes through, even with a v1a entry beside its v1 entry.
      const v1 = await edge.postV1();
      assert.equal(v1.status, 200, `${mode}: ${v1.text}`);
      const id = newId();
      const ts = nowSeconds();
      const body = eventBody();
      const both = `${signV1a(key.privateKey, id, ts, body)} ${signV1(SECRETS[0], id, ts, body)}`;
      const mixed = await edge.post({ body, headers: deliveryHeaders(id, ts, both) });
      assert.equal(mixed.status, 200, `${mode}: ${mixed.text}`);
      // A rejection no key could change is answered as such (401), not "retry later".
      const old = ts - 301;
      const stale = await edge.post({ body, headers: deliveryHeaders(id, old, signV1a(key.privateKey, id, old, body)) });
      assert.deepEqual([stale.status, stale.json.error], [401, "timestamp_too_old"], `${mode}: ${stale.text}`);
      assert.equal(edge.jwksServer.jwksHits, hits, "none of these three asked the JWKS endpoint");
      assert.deepEqual(edge.origin.received.map((e) => e.id).sort(), [v1.id, id].sort());
    } finally {
      await edge.close();
    }
  }
});

test("JWKS endpoint answering 16 MB (declared or chunked): reading stops at 64 KiB, 503, never accepted", async () => {
  const key = ed25519Key();
  for (const mode of ["huge", "huge-chunked"]) {
    const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined } });
    try {
      edge.jwksServer.jwksMode = mode;
      const r = await postV1a(edge, key);
      assert.deepEqual([r.status, r.json.error], [503, "jwks_unavailable"], `${mode}: ${r.text}`);
      assert.equal(edge.origin.attempts, 0);
      await sleep(300);
      // Why is in the log, not in the answer to the sender.
      assert.match(edge.logs.find((l) => l.code === "jwks_unavailable")?.notes?.join(" ") ?? "", /larger than 65536 bytes/, mode);
      assert.equal(edge.jwksServer.jwksBodiesFinished, 0, "the worker stopped reading at its cap");
    } finally {
      await edge.close();
    }
  }
});

test("JWKS rotated: the new key is picked up on the first miss; the removed key stops verifying (retryable inside the cooldown)", async () => {
  const old = ed25519Key("old");
  const fresh = ed25519Key("new");
  const edge = await startEdge({ jwks: jwksDoc(old.jwk), vars: { WEBHOOK_SECRETS: undefined, JWKS_REFETCH_COOLDOWN_SECONDS: "2" } });
  try {
    assert.equal((await postV1a(edge, old)).status, 200);
    edge.jwksServer.jwks = jwksDoc(fresh.jwk);
    await sleep(2100);
    const withNew = await postV1a(edge, fresh);
    assert.equal(withNew.status, 200, withNew.text);
    // Inside the cooldown of that refetch (2 s, counted in whole seconds: the next request,
    // a few ms later, is at most one second boundary away) the removed key's delivery is retryable, never
    // accepted; past it, the refetch confirms the key is gone and the answer is final.
    const withOld = await postV1a(edge, old);
    assert.deepEqual([withOld.status, withOld.json.error], [503, "jwks_unavailable"]);
    await sleep(2100);
    const again = await postV1a(edge, old);
    assert.deepEqual([again.status, again.json.error], [401, "no_matching_signature"]);
    assert.ok(!edge.origin.received.some((e) => e.id === withOld.id || e.id === again.id));
  } finally {
    await edge.close();
  }
});

test("a garbage JWKS cache entry in KV is ignored and refetched", async () => {
  const key = ed25519Key();
  const edge = await startEdge({ jwks: jwksDoc(key.jwk), vars: { WEBHOOK_SECRETS: undefined } });
  try {
    const kv = await edge.mf.getKVNamespace("JWKS_CACHE");
    await kv.put("jwks", "{this is not json");
    const r = await postV1a(edge, key);
    assert.equal(r.status, 200, r.text);
    assert.equal(edge.jwksServer.jwksHits, 1);
  } finally {
    await edge.close();
  }
});

test("origin slow but within ORIGIN_TIMEOUT_MS: forwarded", async () => {
  const edge = await startEdge({ vars: { ORIGIN_TIMEOUT_MS: "3000" } });
  try {
    edge.origin.mode = "slow";
    edge.origin.slowMs = 500;
    const r = await edge.postV1();
    assert.equal(r.status, 200, r.text);
    assert.ok(edge.origin.received.some((e) => e.id === r.id));
  } finally {
    await edge.close();
  }
});

test("origin slower than ORIGIN_TIMEOUT_MS: 504, and the retry is forwarded (at least once, same webhook-id)", async () => {
  const edge = await startEdge({ vars: { ORIGIN_TIMEOUT_MS: "300" } });
  try {
    edge.origin.mode = "slow";
    edge.origin.slowMs = 800;
    const id = newId();
    const body = eventBody();
    const first = await edge.postV1(body, { id });
    assert.deepEqual([first.status, first.json.error], [504, "origin_timeout"]);
    edge.origin.mode = "ok";
    const retry = await edge.postV1(body, { id });
    assert.equal(retry.status, 200);
    await sleep(900); // the slow first attempt may still land: the origin dedupes on webhook-id
    const copies = edge.origin.received.filter((e) => e.id === id);
    assert.ok(copies.length >= 1 && copies.length <= 2, `${copies.length} copies`);
    assert.ok(copies.every((e) => e.body === body));
  } finally {
    await edge.close();
  }
});

test("origin flapping, with a sender that retries: every verified delivery arrives exactly once; invalid ones never", async () => {
  const edge = await startEdge();
  try {
    edge.origin.mode = "flap";
    const valid = [];
    for (let i = 0; i < 15; i++) {
      const id = newId();
      const body = eventBody("batch.succeeded", { id: `batch_${i}` });
      const statuses = await deliverWithRetries(() => edge.postV1(body, { id }));
      assert.equal(statuses.at(-1), 200, JSON.stringify(statuses));
      valid.push(id);
    }
    for (let i = 0; i < 10; i++) {
      const id = newId();
      const ts = nowSeconds();
      const r = await edge.post({ body: eventBody(), headers: deliveryHeaders(id, ts, signV1("whsec_" + Buffer.alloc(32, 9).toString("base64"), id, ts, eventBody())) });
      assert.equal(r.status, 401);
    }
    for (const id of valid) assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1, id);
    assert.equal(edge.origin.received.length, valid.length, "nothing else reached the origin");
    assert.equal(edge.origin.badSignatures, 0);
  } finally {
    await edge.close();
  }
});

test("origin answering 4xx then 5xx then 2xx: 502, 502, forwarded once", async () => {
  const edge = await startEdge();
  try {
    const id = newId();
    const body = eventBody();
    edge.origin.mode = "reject";
    assert.equal((await edge.postV1(body, { id })).status, 502);
    edge.origin.mode = "fail";
    assert.equal((await edge.postV1(body, { id })).status, 502);
    edge.origin.mode = "ok";
    assert.equal((await edge.postV1(body, { id })).json.status, "forwarded");
    assert.equal((await edge.postV1(body, { id })).json.status, "duplicate");
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});

test("origin down (connection refused), then back on the same address: 503 while down, nothing remembered, the retry forwarded once", async () => {
  const port = await freePort();
  const edge = await startEdge({ vars: { ORIGIN_URL: `http://127.0.0.1:${port}/` } });
  let origin;
  try {
    const id = newId();
    const body = eventBody();
    for (let i = 0; i < 2; i++) {
      const r = await edge.postV1(body, { id });
      assert.deepEqual([r.status, r.json.error], [503, "origin_unreachable"], r.text);
      assert.ok(r.headers.get("retry-after"));
    }
    assert.equal(await edge.mf.getKVNamespace("SEEN_IDS").then((kv) => kv.get(`id:${id}`)), null, "an id not delivered must not be remembered");
    origin = await startOrigin({ secret: ORIGIN_SECRET, port });
    const forged = await edge.postV1(body, { secret: "whsec_" + Buffer.alloc(32, 5).toString("base64") });
    assert.equal(forged.status, 401);
    const retry = await edge.postV1(body, { id });
    assert.equal(retry.json?.status, "forwarded", retry.text);
    assert.equal((await edge.postV1(body, { id })).json.status, "duplicate");
    assert.deepEqual(origin.received.map((e) => e.id), [id], "the retry arrived once, and nothing else");
    assert.equal(origin.badSignatures, 0);
  } finally {
    await edge.close();
    await origin?.close();
  }
});

test("origin drops the connection without answering: 503 origin_unreachable, never 2xx; the retry is forwarded once it answers", async () => {
  // A raw origin that, in "reset" mode, reads the request and destroys the socket.
  const wh = new Webhook(ORIGIN_SECRET);
  const state = { mode: "reset", received: [], resets: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (state.mode === "reset") {
        state.resets++;
        req.socket.destroy();
        return;
      }
      wh.verify(Buffer.concat(chunks).toString("utf8"), req.headers); // throws on a bad hop
      state.received.push(req.headers["webhook-id"]);
      res.writeHead(200).end("{}");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const edge = await startEdge({ vars: { ORIGIN_URL: `http://127.0.0.1:${server.address().port}/` } });
  try {
    const id = newId();
    const body = eventBody();
    const first = await edge.postV1(body, { id });
    assert.deepEqual([first.status, first.json?.error], [503, "origin_unreachable"], first.text);
    assert.ok(state.resets >= 1, "the origin saw the request and dropped it");
    state.mode = "ok";
    const retry = await edge.postV1(body, { id });
    assert.equal(retry.json?.status, "forwarded", retry.text);
    assert.deepEqual(state.received, [id]);
  } finally {
    await edge.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test("SEEN_IDS failing at runtime: verified deliveries are still forwarded (at-least-once), invalid ones never", async () => {
  // The SEEN_IDS name is bound to a service, not a KV namespace: inside workerd every KV call on
  // it throws, as an outage would. Reads fail -> forward anyway; writes fail -> still 200.
  const edge = await startEdge({ kv: ["JWKS_CACHE"], serviceBindings: { SEEN_IDS: async () => new Response("kv down", { status: 503 }) } });
  try {
    const id = newId();
    const body = eventBody();
    const r = await edge.postV1(body, { id });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "forwarded");
    const again = await edge.postV1(body, { id });
    assert.equal(again.json.status, "forwarded", "without dedupe state a retry is forwarded again: duplicates, never loss");
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 2);
    const forged = await edge.postV1(body, { secret: "whsec_" + Buffer.alloc(32, 3).toString("base64") });
    assert.equal(forged.status, 401);
    assert.ok(!edge.origin.received.some((e) => e.id === forged.id));
    await sleep(200);
    const notes = edge.logs.filter((l) => l.webhook_id === id).flatMap((l) => l.notes);
    assert.ok(notes.some((n) => /SEEN_IDS claim failed, forwarding anyway/.test(n)), JSON.stringify(notes));
    assert.ok(notes.some((n) => /forwarded record failed/.test(n)), JSON.stringify(notes));
  } finally {
    await edge.close();
  }
});

test("SEEN_IDS binding missing: fails loudly (500 naming it), forwards nothing", async () => {
  const edge = await startEdge({ kv: ["JWKS_CACHE"] });
  try {
    const r = await edge.postV1();
    assert.equal(r.status, 500, r.text);
    assert.equal(r.json.error, "config_invalid");
    assert.match(r.json.message, /SEEN_IDS/);
    assert.equal(edge.origin.attempts, 0);
  } finally {
    await edge.close();
  }
});

test("JWKS_CACHE failing at runtime: keys still come from the endpoint, held in the isolate (one fetch)", async () => {
  const key = ed25519Key();
  const edge = await startEdge({
    jwks: jwksDoc(key.jwk), kv: ["SEEN_IDS"], vars: { WEBHOOK_SECRETS: undefined },
    serviceBindings: { JWKS_CACHE: async () => new Response("kv down", { status: 503 }) },
  });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await postV1a(edge, key)).status, 200);
    assert.equal(edge.jwksServer.jwksHits, 1);
  } finally {
    await edge.close();
  }
});
