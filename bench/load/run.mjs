// Bounded load on loopback: signed traffic mixed with invalid traffic, against hookwall's worker
// and against the plain JavaScript worker (bench/load/js-worker), one after the other in the same
// run, each in workerd (Miniflare) in front of the same kind of real local origin.
// Usage: node bench/load/run.mjs [seconds-per-worker=60] [connections=10] [invalid-share=0.2]
import crypto from "node:crypto";
import os from "node:os";
import { writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { Webhook } from "standardwebhooks";
import { startOrigin } from "../../demo/origin.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SECONDS = Number(process.argv[2] ?? 60);
const CONNECTIONS = Number(process.argv[3] ?? 10);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ORIGIN_SECRET = "whsec_aG9va3dhbGwtZGVtby1vcmlnaW4tc2VjcmV0IQ==";
const INVALID_SHARE = Number(process.argv[4] ?? 0.2);

// Bundle the JS baseline (standardwebhooks and its dependencies) with wrangler's esbuild.
mkdirSync(`${root}bench/load/js-worker/dist`, { recursive: true });
execFileSync(`${root}node_modules/.bin/esbuild`, [`${root}bench/load/js-worker/index.js`, "--bundle", "--format=esm", "--platform=neutral",
  "--main-fields=module,main", `--outfile=${root}bench/load/js-worker/dist/index.js`, "--log-level=warning"]);

const WORKERS = {
  hookwall: {
    modulesRoot: `${root}crates/worker/build`,
    modules: [
      { type: "ESModule", path: `${root}crates/worker/build/index.js` },
      { type: "CompiledWasm", path: `${root}crates/worker/build/index_bg.wasm` },
    ],
    bindings: (origin) => ({ ORIGIN_URL: origin.url, ORIGIN_SECRET, WEBHOOK_SECRETS: SECRET, JWKS_URL: "http://127.0.0.1:9/jwks.json" }),
  },
  "standardwebhooks (JS)": {
    modulesRoot: `${root}bench/load/js-worker/dist`,
    modules: [{ type: "ESModule", path: `${root}bench/load/js-worker/dist/index.js` }],
    bindings: (origin) => ({ ORIGIN_URL: origin.url, ORIGIN_SECRET, WEBHOOK_SECRET: SECRET }),
  },
};

const sender = new Webhook(SECRET);
const forger = new Webhook("whsec_" + crypto.randomBytes(32).toString("base64"));

async function run(name, spec) {
  const origin = await startOrigin({ secret: ORIGIN_SECRET });
  const mf = new Miniflare(convertV4MiniflareOptions({
    modulesRoot: spec.modulesRoot, modules: spec.modules, compatibilityDate: "2025-09-01",
    kvNamespaces: ["JWKS_CACHE", "SEEN_IDS"], bindings: spec.bindings(origin), cf: false,
    host: "127.0.0.1", port: 0, handleStructuredLogs() {},
  }));
  const url = await mf.ready;
  const sent = new Map(); // id -> { valid, status }
  let n = 0;
  const result = await autocannon({
    url: url.href,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{
      method: "POST",
      setupRequest(req, context) {
        const id = `msg_load_${name.length}_${++n}`;
        const valid = Math.random() >= INVALID_SHARE;
        const body = JSON.stringify({ type: "batch.succeeded", version: "v1", data: { id: `batch_${n}`, output_file_uri: `gs://b/${n}.jsonl` } });
        const now = new Date();
        const signature = (valid ? sender : forger).sign(id, now, body);
        sent.set(id, { valid, status: 0 });
        context.id = id;
        return { ...req, body, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(now / 1000)), "webhook-signature": signature } };
      },
      onResponse(status, _body, context) {
        const s = sent.get(context.id);
        if (s) s.status = status;
      },
    }],
  });
  await new Promise((r) => setTimeout(r, 300));
  const received = new Set(origin.received.map((e) => e.id));
  const all = [...sent.entries()];
  const answered = all.filter(([, s]) => s.status !== 0);
  const valid = answered.filter(([, s]) => s.valid);
  const invalid = answered.filter(([, s]) => !s.valid);
  const row = {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    sentValid: valid.length,
    forwarded: valid.filter(([id]) => received.has(id)).length,
    retryable: valid.filter(([, s]) => s.status >= 500).length,
    rejected: invalid.filter(([, s]) => s.status === 401).length,
    invalidForwarded: invalid.filter(([id]) => received.has(id)).length,
    // Lost: a valid delivery answered 2xx that never reached the origin.
    lost: valid.filter(([id, s]) => s.status >= 200 && s.status < 300 && !received.has(id)).length,
    errors: result.errors + result.timeouts,
    badHop: origin.badSignatures,
  };
  await mf.dispose();
  await origin.close();
  return row;
}

const rows = [];
for (const [name, spec] of Object.entries(WORKERS)) rows.push(await run(name, spec));

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const lines = [
  `Load: ${SECONDS} s per worker, ${CONNECTIONS} connections, ${Math.round(INVALID_SHARE * 100)} % invalid signatures, workerd (Miniflare) on 127.0.0.1, ${cpu} x ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  "",
  "| worker | req/s | p50 ms | p99 ms | valid sent | forwarded | answered 5xx | invalid rejected | invalid forwarded | lost |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.sentValid} | ${r.forwarded} | ${r.retryable} | ${r.rejected} | ${r.invalidForwarded} | ${r.lost} |`),
];
console.log(lines.join("\n"));
mkdirSync(`${root}artifacts`, { recursive: true });
writeFileSync(`${root}artifacts/load.md`, lines.join("\n") + "\n");
const bad = rows.filter((r) => r.lost > 0 || r.invalidForwarded > 0 || r.badHop > 0 || r.forwarded + r.retryable < r.sentValid);
if (bad.length) {
  console.error(`promise broken: ${bad.map((r) => r.name).join(", ")}`);
  process.exitCode = 1;
}
