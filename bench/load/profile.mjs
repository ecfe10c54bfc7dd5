// Where a worker's CPU goes under load: the same traffic as run.mjs, with workerd's V8 inspector
// open and the CPU profiler running for the measured part. Prints the functions with the most
// self time (wasm functions show as wasm-function[N] or their names when the names section is kept).
// Usage: node bench/load/profile.mjs [seconds=10] [worker=hookwall|js] [invalid-share=0.2]
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import crypto from "node:crypto";
import { fork } from "node:child_process";
import { SECRETS } from "../../e2e/vectors.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SECONDS = Number(process.argv[2] ?? 10);
const WHICH = process.argv[3] ?? "hookwall";
const INVALID_SHARE = Number(process.argv[4] ?? 0.2);
const SECRET = SECRETS[0];
const ORIGIN_SECRET = "whsec_aG9va3dhbGwtZGVtby1vcmlnaW4tc2VjcmV0IQ==";
const key = Buffer.from(SECRET.slice(6), "base64");
const bad = crypto.randomBytes(32);

const child = fork(new URL("./origin-proc.mjs", import.meta.url), [], { env: { ...process.env, ORIGIN_SECRET } });
const { url: originUrl } = await new Promise((r) => child.once("message", r));
// HOOKWALL_BUILD: another build of the worker (one with the wasm names section kept shows Rust
// function names instead of wasm-function[N]).
const build = (process.env.HOOKWALL_BUILD ?? `${root}crates/worker/build`).replace(/\/$/, "");
const spec = WHICH === "hookwall"
  ? { modulesRoot: build, modules: [{ type: "ESModule", path: `${build}/index.js` }, { type: "CompiledWasm", path: `${build}/index_bg.wasm` }],
      bindings: { ORIGIN_URL: originUrl, ORIGIN_SECRET, WEBHOOK_SECRETS: SECRET, JWKS_URL: "http://127.0.0.1:9/jwks.json" } }
  : { modulesRoot: `${root}bench/load/js-worker/dist`, modules: [{ type: "ESModule", path: `${root}bench/load/js-worker/dist/index.js` }],
      bindings: { ORIGIN_URL: originUrl, ORIGIN_SECRET, WEBHOOK_SECRET: SECRET } };
const inspectorPort = 9229 + Math.floor(Math.random() * 500);
const mf = new Miniflare(convertV4MiniflareOptions({ ...spec, compatibilityDate: "2025-09-01", kvNamespaces: ["JWKS_CACHE", "SEEN_IDS"], cf: false,
  host: "127.0.0.1", port: 0, inspectorPort, handleStructuredLogs() {} }));
const url = (await mf.ready).href;

let n = 0;
const load = (seconds) => autocannon({ url, connections: 10, duration: seconds, requests: [{ method: "POST", setupRequest(req) {
  const id = `msg_p_${++n}`, ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: "batch.succeeded", version: "v1", data: { id: `batch_${n}` } });
  const sig = "v1," + crypto.createHmac("sha256", Math.random() >= INVALID_SHARE ? key : bad).update(`${id}.${ts}.${body}`).digest("base64");
  return { ...req, body, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig } };
} }] });
await load(2);

const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
const target = targets.find((t) => t.webSocketDebuggerUrl && !/internal/.test(t.title ?? "")) ?? targets[0];
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener("open", r));
let seq = 0;
const pending = new Map();
ws.addEventListener("message", (m) => { const d = JSON.parse(m.data); pending.get(d.id)?.(d); });
const call = (method, params = {}) => new Promise((r) => { const id = ++seq; pending.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 200 });
await call("Profiler.start");
const result = await load(SECONDS);
const { result: { profile } } = await call("Profiler.stop");
ws.close();

// Self time per function, weighted by the profiler's time deltas (samples are not evenly spaced
// when the machine is busy), and per request in microseconds.
const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
const self = new Map();
const kinds = new Map();
let busy = 0;
profile.samples.forEach((id, k) => {
  const dt = profile.timeDeltas[k + 1] ?? 0;
  const f = byId.get(id).callFrame;
  const name = `${f.functionName || "(anonymous)"} ${f.url ? f.url.split("/").pop() : ""}`.trim();
  self.set(name, (self.get(name) ?? 0) + dt);
  const kind = name === "(idle)" ? "idle" : name.startsWith("wasm-function") || f.url?.startsWith("wasm://") ? "wasm" : f.url ? "worker JS (and glue)" : "runtime (builtins, GC, program)";
  kinds.set(kind, (kinds.get(kind) ?? 0) + dt);
  if (kind !== "idle") busy += dt;
});
const reqs = result.requests.total;
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${WHICH}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${reqs} requests; isolate busy ${(busy / 1000).toFixed(0)} ms = ${(busy / reqs).toFixed(0)} µs per request`);
for (const [k, v] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${k}: ${(100 * v / total).toFixed(1)} % (${(v / reqs).toFixed(0)} µs/request)`);
for (const [name, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 25))) console.log(`${(100 * c / total).toFixed(1).padStart(5)} %  ${(c / reqs).toFixed(0).padStart(4)} µs/req  ${name}`);
await mf.dispose();
child.kill();
