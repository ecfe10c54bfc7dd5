// The edge worker end to end in workerd (issue 3): every verdict, the origin hop, the JWKS
// cache, dedupe, and "nothing lost": a verified delivery is forwarded or answered 5xx.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startEdge, eventBody, newId, nowSeconds, signV1, ed25519Key, signV1a, rsaKey, signJwt, jwksDoc,
  deliveryHeaders, sleep, SECRETS, ORIGIN_SECRET,
} from "./harness.mjs";

describe("static webhooks (v1)", () => {
  let edge;
  before(async () => (edge = await startEdge()));
  after(() => edge.close());

  test("a valid v1 delivery is forwarded with a fresh hop signature", async () => {
    const body = eventBody();
    const r = await edge.postV1(body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "forwarded");
    const got = edge.origin.received.find((e) => e.id === r.id);
    assert.ok(got, "origin received the event");
    assert.equal(got.body, body, "body bytes unchanged");
    assert.equal(got.scheme, "v1");
    assert.equal(got.type, "batch.succeeded");
    assert.equal(edge.origin.badSignatures, 0, "the origin verified the hop with ORIGIN_SECRET");
  });

  test("the second of two secrets (rotation) verifies", async () => {
    const r = await edge.postV1(eventBody("batch.failed", { id: "b", error_code: 3, error_message: "x" }), { secret: SECRETS[1] });
    assert.equal(r.status, 200, r.text);
    assert.ok(edge.origin.received.some((e) => e.id === r.id && e.type === "batch.failed"));
  });

  test("a duplicate is answered 200 and not forwarded again", async () => {
    const id = newId();
    const first = await edge.postV1(eventBody(), { id });
    const again = await edge.postV1(eventBody(), { id, ts: nowSeconds() + 1 }); // a retry: same id, new timestamp
    assert.equal(first.json.status, "forwarded");
    assert.equal(again.status, 200);
    assert.equal(again.json.status, "duplicate");
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  });

  test("an unknown event type with unknown fields passes through untouched", async () => {
    const body = JSON.stringify({ type: "batch.completed", surprise: { nested: [1, 2] }, data: { id: "z", extra: true } });
    const r = await edge.postV1(body);
    assert.equal(r.status, 200, r.text);
    assert.equal(edge.origin.received.find((e) => e.id === r.id).body, body);
  });

  test("an event type no header can hold is still forwarded (percent-encoded, or left out when long)", async () => {
    const odd = JSON.stringify({ type: "batch.\u0001 ü%", data: { id: "odd" } });
    const r = await edge.postV1(odd);
    assert.equal(r.status, 200, r.text);
    const got = edge.origin.received.find((e) => e.id === r.id);
    assert.equal(got.body, odd);
    assert.equal(got.type, "batch.%01%20%C3%BC%25");
    const long = JSON.stringify({ type: "t".repeat(300), data: { id: "long" } });
    const r2 = await edge.postV1(long);
    assert.equal(r2.status, 200, r2.text);
    const got2 = edge.origin.received.find((e) => e.id === r2.id);
    assert.equal(got2.body, long);
    assert.equal(got2.type, undefined);
  });

  const rejections = [
    ["missing webhook-signature", (id, ts, body) => ({ "webhook-id": id, "webhook-timestamp": String(ts) }), 400, "missing_header"],
    ["timestamp not canonical", (id, ts, body) => deliveryHeaders(id, `0${ts}`, signV1(SECRETS[0], id, ts, body)), 400, "invalid_timestamp"],
    ["timestamp too old", (id, ts, body) => deliveryHeaders(id, ts - 301, signV1(SECRETS[0], id, ts - 301, body)), 401, "timestamp_too_old"],
    ["timestamp too new", (id, ts, body) => deliveryHeaders(id, ts + 301, signV1(SECRETS[0], id, ts + 301, body)), 401, "timestamp_too_new"],
    ["wrong secret", (id, ts, body) => deliveryHeaders(id, ts, signV1("whsec_" + Buffer.alloc(32, 7).toString("base64"), id, ts, body)), 401, "no_matching_signature"],
    ["bad base64", (id, ts) => deliveryHeaders(id, ts, "v1,dawfeoifkpqwoekfpqoekf"), 400, "malformed_signature"],
    ["only unknown versions", (id, ts) => deliveryHeaders(id, ts, "v2,abc v3,def"), 401, "no_supported_signature"],
  ];
  for (const [name, headers, status, code] of rejections) {
    test(`rejects: ${name} -> ${status} ${code}, origin gets nothing`, async () => {
      const id = newId();
      const ts = nowSeconds();
      const body = eventBody();
      const r = await edge.post({ body, headers: headers(id, ts, body) });
      assert.equal(r.status, status, r.text);
      assert.equal(r.json.error, code);
      assert.ok(r.json.message.length > 10);
      assert.equal(edge.origin.received.filter((e) => e.id === id).length, 0);
    });
  }

  test("a tampered body is rejected (one byte)", async () => {
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const sig = signV1(SECRETS[0], id, ts, body);
    const r = await edge.post({ body: body.replace('"v1",', '"v1", '), headers: deliveryHeaders(id, ts, sig) });
    assert.equal(r.status, 401);
    assert.equal(r.json.error, "no_matching_signature");
  });

  test("a signed body that is not an event is rejected as invalid_payload", async () => {
    const r = await edge.postV1('{"test": 2432232314}');
    assert.equal(r.status, 400);
    assert.equal(r.json.error, "invalid_payload");
  });

  test("405 for other methods, 404 for other paths, /healthz answers", async () => {
    const get = await edge.post({ method: "GET" });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    assert.equal((await edge.post({ method: "PUT", body: "x" })).status, 405);
    assert.equal((await edge.post({ path: "/other", body: "x" })).status, 404);
    const health = await edge.post({ method: "GET", path: "/healthz" });
    assert.equal(health.status, 200);
    assert.match(health.json.version, /^\d+\.\d+\.\d+/);
  });

  test("413 from content-length, before reading", async () => {
    const body = "x".repeat(262_145);
    const r = await edge.post({ body, headers: deliveryHeaders(newId(), nowSeconds(), "v1,AAAA") });
    assert.equal(r.status, 413);
    assert.equal(r.json.error, "body_too_large");
  });

  test("413 while streaming a body without content-length: refused mid-upload, never buffered or forwarded", async () => {
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent >= 400_000) return controller.close();
        sent += 16_384;
        controller.enqueue(new Uint8Array(16_384).fill(120));
      },
    });
    const id = newId();
    const attempts = edge.origin.attempts;
    // The worker answers as soon as the cap is passed; the client may see the 413, or a broken
    // pipe if it is still uploading when the answer closes the exchange. Both are a refusal.
    let status;
    try {
      const r = await edge.post({ body: stream, headers: deliveryHeaders(id, nowSeconds(), "v1,AAAA"), init: { duplex: "half" } });
      status = r.status;
      assert.equal(r.json.error, "body_too_large");
    } catch (e) {
      status = "connection closed";
      assert.match(String(e.cause?.code ?? e.cause ?? e), /EPIPE|ECONNRESET|closed|terminated|other side/i);
    }
    assert.ok(status === 413 || status === "connection closed", String(status));
    await sleep(300);
    assert.ok(edge.logs.some((l) => l.code === "body_too_large"), "the refusal is logged");
    assert.equal(edge.origin.attempts, attempts);
  });

  test("one JSON log line per request, with no secret, signature or body in it", async () => {
    const body = eventBody("video.generated", { id: "v_secretive_marker", output_file_uri: "gs://x/y.mp4" });
    const r = await edge.postV1(body);
    assert.equal(r.status, 200);
    await sleep(300);
    const lines = edge.logs.filter((l) => l.webhook_id === r.id);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const line = lines[0];
    assert.equal(line.verdict, "forwarded");
    assert.equal(line.scheme, "v1");
    assert.equal(line.event_type, "video.generated");
    assert.equal(line.webhook_id, r.id);
    assert.equal(line.origin_status, 200);
    assert.equal(typeof line.latency_ms, "number");
    const all = JSON.stringify(edge.logs);
    for (const secret of [...SECRETS, ORIGIN_SECRET]) assert.ok(!all.includes(secret.slice(6, 20)), "no secret in logs");
    assert.ok(!all.includes("v_secretive_marker"), "no body in logs");
    assert.ok(!all.includes("v1,"), "no signature in logs");
  });

  test("no delivery reached the origin with a bad hop signature", () => {
    assert.equal(edge.origin.badSignatures, 0);
  });
});

describe("dynamic webhooks (v1a and RS256 JWT via JWKS)", () => {
  let edge, ed, rsa;
  before(async () => {
    ed = ed25519Key("ed-1");
    rsa = await rsaKey("rsa-1");
    edge = await startEdge({ jwks: jwksDoc(ed.jwk, rsa.jwk), vars: { WEBHOOK_SECRETS: undefined, JWKS_REFETCH_COOLDOWN_SECONDS: "1" } });
  });
  after(() => edge.close());

  test("v1a verifies with a JWKS key; the JWKS is fetched once for many requests", async () => {
    const hitsBefore = edge.jwksServer.jwksHits;
    for (let i = 0; i < 5; i++) {
      const id = newId();
      const ts = nowSeconds();
      const body = eventBody("interaction.completed", { id: `int_${i}` });
      const r = await edge.post({ body, headers: deliveryHeaders(id, ts, signV1a(ed.privateKey, id, ts, body)) });
      assert.equal(r.status, 200, r.text);
      assert.equal(edge.origin.received.find((e) => e.id === id).scheme, "v1a");
    }
    assert.equal(edge.jwksServer.jwksHits - hitsBefore, 1);
  });

  test("an RS256 JWT whose claims carry the event verifies", async () => {
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const jwt = await signJwt(rsa, body);
    const r = await edge.post({ body, headers: deliveryHeaders(id, ts, jwt) });
    assert.equal(r.status, 200, r.text);
    assert.equal(edge.origin.received.find((e) => e.id === id).scheme, "jwt");
  });

  test("a JWT that does not bind the body is rejected", async () => {
    const id = newId();
    const ts = nowSeconds();
    const jwt = await signJwt(rsa, eventBody("batch.cancelled", { id: "a" }));
    const r = await edge.post({ body: eventBody("batch.cancelled", { id: "b" }), headers: deliveryHeaders(id, ts, jwt) });
    assert.equal(r.status, 401);
    assert.equal(r.json.error, "jwt_body_not_bound");
  });

  test("a v1 delivery is refused when no secret is configured", async () => {
    const r = await edge.postV1();
    assert.equal(r.status, 401);
    assert.equal(r.json.error, "no_key_for_scheme");
  });

  test("unknown kid: one refetch per cooldown (retryable inside it), and a rotated key is picked up", async () => {
    const rotated = await rsaKey("rsa-2");
    const body = eventBody();
    const send = async () => {
      const id = newId();
      const r = await edge.post({ body, headers: deliveryHeaders(id, nowSeconds(), await signJwt(rotated, body)) });
      return { ...r, id };
    };
    await sleep(1100); // past the cooldown of the first fetch
    // The cooldown counts whole seconds: start both misses just after a second begins, so that
    // the second one cannot land in the next second (and legitimately refetch).
    await sleep(1010 - (Date.now() % 1000));
    const hits0 = edge.jwksServer.jwksHits;
    const a = await send();
    const b = await send();
    assert.equal(a.json.error, "unknown_kid", "refetched for this delivery: the miss is final");
    // Inside the cooldown only a fresher set could decide: retryable, no fetch.
    assert.deepEqual([b.status, b.json.error, b.headers.get("retry-after")], [503, "jwks_unavailable", "1"]);
    assert.equal(edge.jwksServer.jwksHits - hits0, 1, "the second miss inside the cooldown fetched nothing");
    edge.jwksServer.jwks = jwksDoc(ed.jwk, rsa.jwk, rotated.jwk); // the sender rotates
    await sleep(1100);
    const c = await send();
    assert.equal(c.status, 200, c.text);
    assert.equal(edge.jwksServer.jwksHits - hits0, 2);
    assert.ok(edge.origin.received.some((e) => e.id === c.id));
  });

  test("with the JWKS server down, the cached set still verifies", async () => {
    edge.jwksServer.jwksMode = "down";
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const r = await edge.post({ body, headers: deliveryHeaders(id, ts, signV1a(ed.privateKey, id, ts, body)) });
    assert.equal(r.status, 200, r.text);
    edge.jwksServer.jwksMode = "ok";
  });
});

describe("stale-if-error from KV", () => {
  test("an expired cached set is served when the refetch fails; too old a set gives 503", async () => {
    const ed = ed25519Key("ed-stale");
    const edge = await startEdge({ jwks: null, vars: { WEBHOOK_SECRETS: undefined } });
    try {
      edge.jwksServer.jwksMode = "down";
      const kv = await edge.mf.getKVNamespace("JWKS_CACHE");
      const now = nowSeconds();
      // Fetched 2 h ago with a 1 h TTL: stale, but within the 24 h stale horizon.
      await kv.put("jwks", JSON.stringify({ state: { fetched_at: now - 7200, ttl: 3600, last_attempt: now - 7200 }, doc: jwksDoc(ed.jwk) }));
      const id = newId();
      const body = eventBody();
      const r = await edge.post({ body, headers: deliveryHeaders(id, now, signV1a(ed.privateKey, id, now, body)) });
      assert.equal(r.status, 200, r.text);
      assert.equal(edge.jwksServer.jwksHits, 1, "a refetch was attempted");
      await sleep(300);
      assert.equal(edge.logs.find((l) => l.webhook_id === id)?.jwks, "stale");
    } finally {
      await edge.close();
    }
    const edge2 = await startEdge({ jwks: null, vars: { WEBHOOK_SECRETS: undefined } });
    try {
      const kv = await edge2.mf.getKVNamespace("JWKS_CACHE");
      const now = nowSeconds();
      await kv.put("jwks", JSON.stringify({ state: { fetched_at: now - 200_000, ttl: 3600, last_attempt: now - 200_000 }, doc: jwksDoc(ed.jwk) }));
      const id = newId();
      const body = eventBody();
      const r = await edge2.post({ body, headers: deliveryHeaders(id, now, signV1a(ed.privateKey, id, now, body)) });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error, "jwks_unavailable");
      assert.ok(r.headers.get("retry-after"));
      assert.equal(edge2.origin.attempts, 0);
    } finally {
      await edge2.close();
    }
  });
});

describe("nothing lost: origin failures become 5xx and the retry is forwarded once", () => {
  let edge;
  before(async () => (edge = await startEdge({ vars: { ORIGIN_TIMEOUT_MS: "500" } })));
  after(() => edge.close());

  test("origin 500 -> 502, id not remembered; origin back -> forwarded exactly once", async () => {
    const id = newId();
    const body = eventBody();
    edge.origin.mode = "fail";
    const first = await edge.postV1(body, { id });
    assert.equal(first.status, 502, first.text);
    assert.equal(first.json.error, "origin_failed");
    assert.ok(first.headers.get("retry-after"));
    edge.origin.mode = "ok";
    const retry = await edge.postV1(body, { id, ts: nowSeconds() });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.json.status, "forwarded");
    const third = await edge.postV1(body, { id, ts: nowSeconds() });
    assert.equal(third.json.status, "duplicate");
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  });

  test("origin 4xx -> 502 with the origin's reason", async () => {
    edge.origin.mode = "reject";
    const r = await edge.postV1();
    edge.origin.mode = "ok";
    assert.equal(r.status, 502);
    assert.equal(r.json.error, "origin_rejected");
    assert.match(r.json.message, /422.*unknown batch id/);
  });

  test("origin hanging -> 504 after ORIGIN_TIMEOUT_MS", async () => {
    edge.origin.mode = "hang";
    const t = Date.now();
    const r = await edge.postV1();
    edge.origin.mode = "ok";
    assert.equal(r.status, 504);
    assert.equal(r.json.error, "origin_timeout");
    assert.ok(Date.now() - t < 5000);
  });
});

describe("origin unreachable and configuration errors", () => {
  test("origin unreachable -> 503 with retry-after", async () => {
    const edge = await startEdge({ vars: { ORIGIN_URL: "http://127.0.0.1:9/" } });
    try {
      const r = await edge.postV1();
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error, "origin_unreachable");
      assert.ok(r.headers.get("retry-after"));
    } finally {
      await edge.close();
    }
  });

  for (const [vars, variable] of [
    [{ ORIGIN_URL: undefined }, "ORIGIN_URL"],
    [{ ORIGIN_SECRET: undefined }, "ORIGIN_SECRET"],
    [{ WEBHOOK_SECRETS: "whsec_!!!" }, "WEBHOOK_SECRETS"],
    [{ ORIGIN_URL: "http://origin.example.com/" }, "ORIGIN_URL"],
    [{ ORIGIN_URL: "http://127.0.0.1:1@origin.example.com/" }, "ORIGIN_URL"],
    [{ ROUTES: "{not json" }, "ROUTES"],
    [{ ROUTES: JSON.stringify({ "batch.*": "http://origin.example.com/" }) }, "ROUTES"],
    [{ TOLERANCE_SECONDS: "five" }, "TOLERANCE_SECONDS"],
    [{ ORIGIN_TIMEOUT_MS: "0" }, "ORIGIN_TIMEOUT_MS"],
  ]) {
    test(`invalid configuration fails loudly: ${variable} ${JSON.stringify(vars[variable] ?? null)}`, async () => {
      const edge = await startEdge({ vars });
      try {
        const r = await edge.postV1();
        assert.equal(r.status, 500, r.text);
        assert.equal(r.json.error, "config_invalid");
        assert.match(r.json.message, new RegExp(variable));
        assert.equal(edge.origin.attempts, 0);
      } finally {
        await edge.close();
      }
    });
  }
});

describe("routing by event type", () => {
  test("ROUTES sends batch.* to another origin, the rest to ORIGIN_URL", async () => {
    const { startOrigin } = await import("../../demo/origin.mjs");
    const batches = await startOrigin({ secret: ORIGIN_SECRET });
    const edge = await startEdge({ vars: { ROUTES: JSON.stringify({ "batch.*": batches.url }) } });
    try {
      const a = await edge.postV1(eventBody("batch.expired", { id: "b1" }));
      const b = await edge.postV1(eventBody("video.generated", { id: "v1" }));
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.ok(batches.received.some((e) => e.id === a.id));
      assert.ok(edge.origin.received.some((e) => e.id === b.id));
      assert.ok(!edge.origin.received.some((e) => e.id === a.id));
    } finally {
      await edge.close();
      await batches.close();
    }
  });
});

describe("the playground, served by the worker ([assets])", () => {
  test("GET /playground/ serves the built page and its wasm; deliveries and /healthz still reach the worker", async () => {
    const { readFileSync } = await import("node:fs");
    const edge = await startEdge({ assets: true });
    try {
      const page = await edge.post({ path: "/playground/", method: "GET" });
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type"), /text\/html/);
      assert.equal(page.text, readFileSync(new URL("../../www/dist/index.html", import.meta.url), "utf8"));
      assert.match(page.text, /Content-Security-Policy/);
      const wasm = await edge.mf.dispatchFetch("http://hookwall.test/playground/pkg/hookwall_js_bg.wasm");
      assert.equal(wasm.headers.get("content-type"), "application/wasm");
      const bytes = Buffer.from(await wasm.arrayBuffer());
      assert.ok(bytes.equals(readFileSync(new URL("../../www/dist/pkg/hookwall_js_bg.wasm", import.meta.url))));
      // Everything else is the worker's, as without assets.
      const r = await edge.postV1();
      assert.equal(r.status, 200, r.text);
      assert.ok(edge.origin.received.some((e) => e.id === r.id));
      assert.equal((await edge.post({ path: "/", method: "GET" })).status, 405);
      assert.equal((await edge.post({ path: "/healthz", method: "GET" })).json.status, "ok");
      const forged = await edge.post({ body: eventBody(), headers: deliveryHeaders(newId(), nowSeconds(), "v1,AAAA") });
      assert.equal(forged.status, 400);
      assert.equal(edge.origin.received.length, 1);
    } finally {
      await edge.close();
    }
  });
});

test("svix-* header names are accepted as Svix's libraries send them", async () => {
  const edge = await startEdge();
  try {
    const id = newId();
    const ts = nowSeconds();
    const body = eventBody();
    const sig = signV1(SECRETS[0], id, ts, body);
    const r = await edge.post({ body, headers: { "svix-id": id, "svix-timestamp": String(ts), "svix-signature": sig } });
    assert.deepEqual([r.status, r.json.status], [200, "forwarded"], r.text);
    assert.equal(edge.origin.received.filter((e) => e.id === id).length, 1);
  } finally {
    await edge.close();
  }
});
