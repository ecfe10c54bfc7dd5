// Private transports (issue 13): the origin behind a service binding (a second local Worker
// acting as the origin's front), routes to `service:NAME`, and Cloudflare Access service-token
// headers for an origin that refuses hops without them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertConfigInvalid, eventBody, startEdge } from "./harness.mjs";

/** A Worker in front of the demo origin: forwards the hop, marking that it came through it. */
const frontWorker = (name, mark) => (origin) => [
  {
    name,
    modules: true,
    script: `export default { async fetch(req, env) {
      const headers = new Headers(req.headers);
      headers.set("x-hookwall-via", ${JSON.stringify(mark)});
      return fetch(env.REAL_ORIGIN, { method: req.method, headers, body: await req.arrayBuffer() });
    } }`,
    bindings: { REAL_ORIGIN: origin.url },
  },
];

test("ORIGIN_SERVICE: the hop goes through a service binding to another Worker", async () => {
  const edge = await startEdge({
    vars: { ORIGIN_URL: undefined, ORIGIN_SERVICE: "ORIGIN" },
    serviceBindings: { ORIGIN: "origin-front" },
    workers: frontWorker("origin-front", "service-binding"),
  });
  try {
    const r = await edge.postV1();
    assert.deepEqual([r.status, r.json.status], [200, "forwarded"], r.text);
    const got = edge.origin.received.find((e) => e.id === r.id);
    assert.equal(got?.headers["x-hookwall-via"], "service-binding");
    assert.equal(edge.origin.badSignatures, 0);
  } finally {
    await edge.close();
  }
});

test("ROUTES to service:NAME: one event type through a binding, the rest to ORIGIN_URL", async () => {
  const edge = await startEdge({
    vars: { ROUTES: JSON.stringify({ "video.*": "service:VIDEO" }) },
    serviceBindings: { VIDEO: "video-front" },
    workers: frontWorker("video-front", "video-binding"),
  });
  try {
    const video = await edge.postV1(eventBody("video.generated", { id: "v1" }));
    const batch = await edge.postV1(eventBody("batch.succeeded", { id: "b1" }));
    assert.equal(video.status, 200, video.text);
    assert.equal(batch.status, 200, batch.text);
    assert.equal(edge.origin.received.find((e) => e.id === video.id)?.headers["x-hookwall-via"], "video-binding");
    assert.equal(edge.origin.received.find((e) => e.id === batch.id)?.headers["x-hookwall-via"], undefined);
  } finally {
    await edge.close();
  }
});

test("Cloudflare Access: an origin that requires the service token refuses hops without it, accepts them with it", async () => {
  const access = { id: "0123abcd.access", secret: "s".repeat(64) };
  const without = await startEdge({ origin: { access } });
  try {
    const r = await without.postV1();
    assert.deepEqual([r.status, r.json.error], [502, "origin_rejected"], r.text);
    assert.equal(without.origin.accessRefused, 1);
  } finally {
    await without.close();
  }
  const withToken = await startEdge({ origin: { access }, vars: { CF_ACCESS_CLIENT_ID: access.id, CF_ACCESS_CLIENT_SECRET: access.secret } });
  try {
    const r = await withToken.postV1();
    assert.deepEqual([r.status, r.json.status], [200, "forwarded"], r.text);
    assert.equal(withToken.origin.accessRefused, 0);
  } finally {
    await withToken.close();
  }
});

test("a transport naming a missing binding, or half an Access token: 500 config_invalid naming it", async () => {
  await assertConfigInvalid(assert, [
    [{ ORIGIN_SERVICE: "NOPE" }, /ORIGIN_SERVICE/],
    [{ ROUTES: JSON.stringify({ "*": "service:NOPE" }) }, /ROUTES/],
    [{ CF_ACCESS_CLIENT_ID: "only-the-id" }, /CF_ACCESS_CLIENT/],
  ]);
});
