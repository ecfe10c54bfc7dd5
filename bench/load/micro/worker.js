// Micro-measurements inside workerd, for the load report (bench/load/micro.mjs runs them):
// what the JS baseline worker spends on standardwebhooks per forwarded delivery, and what an
// await costs a Rust worker's executor (queueMicrotask) against a plain promise `then`.
import { Webhook } from "standardwebhooks";
// esbuild bundles the one copy of the vectors (tests/vectors.json) into the worker.
import vectors from "../../../tests/vectors.json";

const SECRET = vectors.secrets[0];
const ORIGIN_SECRET = "whsec_aG9va3dhbGwtZGVtby1vcmlnaW4tc2VjcmV0IQ==";

function crypto(n) {
  // The load test's body, verified and re-signed as the JS worker does it (a Webhook per secret).
  const body = JSON.stringify({ type: "batch.succeeded", version: "v1", data: { id: "batch_12345", output_file_uri: "gs://b/12345.jsonl" } });
  const at = new Date();
  const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(at / 1000)), "webhook-signature": new Webhook(SECRET).sign("msg_1", at, body) };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const event = new Webhook(SECRET).verify(body, headers);
    k += new Webhook(ORIGIN_SECRET).sign("msg_1", at, body).length + (event.type ? 1 : 0);
  }
  return k;
}

function chain(n, useQueueMicrotask) {
  return new Promise((resolve) => {
    let i = 0;
    const done = Promise.resolve();
    const step = () => {
      if (++i >= n) resolve(i);
      else if (useQueueMicrotask) queueMicrotask(step);
      else done.then(step);
    };
    step();
  });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n"));
    const what = url.pathname.slice(1);
    const out = what === "crypto" ? crypto(n) : await chain(n, what === "queueMicrotask");
    return new Response(String(out));
  },
};
