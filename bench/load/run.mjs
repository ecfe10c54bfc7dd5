// Bounded load on loopback: signed traffic mixed with invalid traffic, against hookwall's worker
// and against the plain JavaScript worker (bench/load/js-worker), one after the other in the same
// run, each in workerd (Miniflare) in front of the same kind of real local origin. The origin runs
// in its own process (bench/load/origin-proc.mjs) and every request is signed before the clock
// starts, so the load generator's thread only sends and counts.
// Usage: node bench/load/run.mjs [seconds-per-worker=60] [connections=10] [invalid-share=0.2]
//   LOAD_RATE=n        open loop at n requests/s instead of a closed loop of connections
//   HOOKWALL_BUILD=dir another build of hookwall's worker; HOOKWALL_COMPARE="label=dir,..." more
//                      builds in the same rounds (the same dir twice shows the noise floor)
//   LOAD_PIN=0         no CPU pinning; LOAD_TMPDIR_KEEP=1 Miniflare's storage in $TMPDIR
//   LOAD_QUEUE=1       also hookwall with DELIVERY = "queue" (202 once queued; its consumer
//                      forwards): after the rounds it is drained, and the row counts what was
//                      accepted, delivered, lost and duplicated
import crypto from "node:crypto";
import { fork } from "node:child_process";
import os from "node:os";
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { writeFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { Webhook } from "standardwebhooks";
// CPU time of each worker's own workerd process (user + system, from /proc): a per-request cost
// that does not depend on how busy the rest of the machine is, unlike req/s and latency.
import { cpuMs, descendantWorkerds } from "./proc.mjs";
import { SECRETS } from "../../e2e/vectors.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SECONDS = Number(process.argv[2] ?? 60);
const CONNECTIONS = Number(process.argv[3] ?? 10);
const SECRET = SECRETS[0];
const ORIGIN_SECRET = "whsec_aG9va3dhbGwtZGVtby1vcmlnaW4tc2VjcmV0IQ==";
const INVALID_SHARE = Number(process.argv[4] ?? 0.2);
// LOAD_RATE=n: an open loop at n requests per second (see fireAtRate) instead of autocannon's
// closed loop of CONNECTIONS connections, each sending its next request when it has an answer.
const RATE = Number(process.env.LOAD_RATE ?? 0);
if (!(RATE >= 0)) throw new Error(`LOAD_RATE must be a number of requests per second, not ${process.env.LOAD_RATE}`);

// Miniflare keeps its local KV (SQLite and one blob file per value) in a temporary directory.
// On tmpfs when there is one, so that the disk of this machine does not enter the measurement:
// on the root disk here, each worker cost about a quarter more workerd CPU per request.
if (!process.env.LOAD_TMPDIR_KEEP) {
  try {
    mkdirSync("/dev/shm/hookwall-load", { recursive: true });
    process.env.TMPDIR = "/dev/shm/hookwall-load";
  } catch {}
}

// Bundle the JS baseline (standardwebhooks and its dependencies) with wrangler's esbuild.
mkdirSync(`${root}bench/load/js-worker/dist`, { recursive: true });
execFileSync(`${root}node_modules/.bin/esbuild`, [`${root}bench/load/js-worker/index.js`, "--bundle", "--format=esm", "--platform=neutral",
  "--main-fields=module,main", `--outfile=${root}bench/load/js-worker/dist/index.js`, "--log-level=warning"]);

// HOOKWALL_BUILD: another build of the worker to measure (an experiment, e.g. other opt-levels).
const build = process.env.HOOKWALL_BUILD ? `${process.env.HOOKWALL_BUILD.replace(/\/$/, "")}/` : `${root}crates/worker/build/`;
const WORKERS = {
  hookwall: {
    modulesRoot: build,
    modules: [
      { type: "ESModule", path: `${build}index.js` },
      { type: "CompiledWasm", path: `${build}index_bg.wasm` },
    ],
    bindings: (origin) => ({ ORIGIN_URL: origin.url, ORIGIN_SECRET, WEBHOOK_SECRETS: SECRET, JWKS_URL: "http://127.0.0.1:9/jwks.json" }),
  },
};
// HOOKWALL_COMPARE="label=dir,label2=dir2": more builds of the worker, measured in the same
// alternating rounds as the two above (experiments on the worker's per-request cost).
for (const item of (process.env.HOOKWALL_COMPARE ?? "").split(",").filter(Boolean)) {
  const [label, dir] = item.split("=");
  const d = `${dir.replace(/\/$/, "")}/`;
  WORKERS[`hookwall (${label})`] = {
    modulesRoot: d,
    modules: [{ type: "ESModule", path: `${d}index.js` }, { type: "CompiledWasm", path: `${d}index_bg.wasm` }],
    bindings: WORKERS.hookwall.bindings,
  };
}
if (process.env.LOAD_QUEUE) {
  WORKERS["hookwall (queue)"] = {
    ...WORKERS.hookwall,
    queue: true,
    bindings: (origin) => ({ ...WORKERS.hookwall.bindings(origin), DELIVERY: "queue", RETRY_BASE_SECONDS: "1", RETRY_MAX_SECONDS: "5", DEAD_LETTER_QUEUE: "hookwall-dead-letters" }),
  };
}
Object.assign(WORKERS, {
  "standardwebhooks (JS)": {
    modulesRoot: `${root}bench/load/js-worker/dist`,
    modules: [{ type: "ESModule", path: `${root}bench/load/js-worker/dist/index.js` }],
    bindings: (origin) => ({ ORIGIN_URL: origin.url, ORIGIN_SECRET, WEBHOOK_SECRET: SECRET }),
  },
});

const WARMUP_SECONDS = Math.min(3, Math.max(1, Math.round(SECONDS / 10)));
// Pre-signed deliveries: more than the fastest worker here can take in the run (about 1 500 req/s
// at most on this kind of machine); if the pool ran out, requests would be signed on the fly and
// the report says how many.
const POOL_PER_SECOND = Number(process.env.LOAD_POOL_PER_SECOND ?? 2500);

const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
const forgedKey = crypto.randomBytes(32);
const sign = (k, id, ts, body) => "v1," + crypto.createHmac("sha256", k).update(`${id}.${ts}.${body}`).digest("base64");
{
  // The pre-signing helper agrees with the reference library (guards the helper itself).
  const body = '{"type":"batch.succeeded"}';
  if (sign(key, "msg_check", 1700000000, body) !== new Webhook(SECRET).sign("msg_check", new Date(1700000000 * 1000), body)) {
    throw new Error("pre-signing disagrees with standardwebhooks");
  }
}

function delivery(prefix, n) {
  const id = `msg_${prefix}_${n}`;
  const valid = Math.random() >= INVALID_SHARE;
  const body = JSON.stringify({ type: "batch.succeeded", version: "v1", data: { id: `batch_${n}`, output_file_uri: `gs://b/${n}.jsonl` } });
  const ts = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts),
    "webhook-signature": sign(valid ? key : forgedKey, id, ts, body),
  };
  return { id, valid, body, headers };
}

// Pinning (LOAD_PIN=0 turns it off): on a machine with at least two cores, every workerd runs on
// core 0 and the load generator and the origins on the others, so the worker under test has a
// core of its own and does not fight its own load generator for it.
const PIN = process.env.LOAD_PIN !== "0" && os.cpus().length >= 2;
const REST = `1-${os.cpus().length - 1}`;
function pin(pid, cpus) {
  if (!PIN) return;
  try { execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" }); } catch {}
}
pin(process.pid, REST);

function startOriginProcess() {
  const child = fork(new URL("./origin-proc.mjs", import.meta.url), [], { env: { ...process.env, ORIGIN_SECRET } });
  const next = () => new Promise((resolve, reject) => { child.once("message", resolve); child.once("exit", reject); });
  pin(child.pid, REST);
  return next().then(({ url }) => ({
    url,
    stats: () => { const p = next(); child.send("stats"); return p; },
    close: () => { const p = new Promise((r) => child.once("exit", r)); child.send("close"); return p; },
  }));
}

/** Delivery `k` of the pre-signed pool (released from it), or one signed now if the pool ran out. */
function take(pool, k, stats) {
  const d = pool[k];
  if (d) {
    pool[k] = undefined;
    return d;
  }
  stats.onTheFly++;
  return delivery("late", k);
}

/** Autocannon with requests taken from a pre-signed pool; returns autocannon's result. */
function fire(url, seconds, pool, onAnswer) {
  let i = 0;
  const stats = { onTheFly: 0 };
  const run = autocannon({
    url, connections: CONNECTIONS, duration: seconds,
    requests: [{
      method: "POST",
      setupRequest(req, context) {
        const d = take(pool, i++, stats);
        context.d = d;
        d.t0 = performance.now();
        return { ...req, body: d.body, headers: d.headers };
      },
      onResponse(status, _body, context) {
        context.d.status = status;
        context.d.ms = performance.now() - context.d.t0;
        onAnswer?.(context.d);
      },
    }],
  });
  return run.then((result) => ({ result, used: i, ...stats }));
}

/**
 * Open loop: `rate` requests per second on a fixed schedule, whatever the answers, each timed from
 * the moment it was due (not from when it could be sent), so a stall of the worker shows in the
 * latency of every request due during it (no coordinated omission). Same result shape as `fire`.
 */
function fireAtRate(url, seconds, pool, rate, onAnswer) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const { hostname, port, pathname } = new URL(url);
  const total = Math.round(seconds * rate);
  const t0 = performance.now() + 10;
  const due = (k) => t0 + (k * 1000) / rate;
  const stats = { onTheFly: 0 };
  const open = new Set();
  let sent = 0, settled = 0, answered = 0, errors = 0, done = false;
  return new Promise((resolve) => {
    // At the last answer, or 5 s after the schedule ends: what is still open then is cut off and
    // counts as unanswered (and makes the run fail), and nothing of it reaches the next round.
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      for (const req of open) req.destroy();
      agent.destroy();
      resolve({ result: { requests: { total: answered }, duration: seconds, errors, timeouts: 0 }, used: sent, ...stats });
    };
    const grace = setTimeout(finish, seconds * 1000 + 5000);
    const tick = () => {
      if (done) return;
      const now = performance.now();
      for (; sent < total && due(sent) <= now; sent++) {
        const d = take(pool, sent, stats);
        const at = due(sent);
        let over = false;
        const settle = (failed) => {
          if (over || done) return;
          over = true;
          open.delete(req);
          if (failed) errors++;
          if (++settled === total) finish();
        };
        const req = http.request({ hostname, port, path: pathname, method: "POST", agent, headers: { ...d.headers, "content-length": Buffer.byteLength(d.body) } }, (res) => {
          res.resume();
          res.on("end", () => {
            if (over || done) return;
            d.status = res.statusCode;
            d.ms = performance.now() - at;
            answered++;
            onAnswer?.(d);
            settle(false);
          });
          res.on("close", () => settle(true)); // closed before its end: no answer
        });
        open.add(req);
        req.on("error", () => settle(true));
        req.end(d.body);
      }
      if (sent < total) setTimeout(tick, Math.max(0, due(sent) - performance.now()));
    };
    tick();
  });
}

async function start(name, spec) {
  const origin = await startOriginProcess();
  const workerdBefore = descendantWorkerds();
  const mf = new Miniflare(convertV4MiniflareOptions({
    modulesRoot: spec.modulesRoot, modules: spec.modules, compatibilityDate: "2025-09-01",
    kvNamespaces: spec.queue ? ["JWKS_CACHE", "SEEN_IDS", "DEAD_LETTERS"] : ["JWKS_CACHE", "SEEN_IDS"], bindings: spec.bindings(origin), cf: false,
    ...(spec.queue
      ? {
          queueProducers: { DELIVERIES: "hookwall-deliveries" },
          queueConsumers: {
            "hookwall-deliveries": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 5, deadLetterQueue: "hookwall-dead-letters" },
            "hookwall-dead-letters": { maxBatchTimeout: 1 },
          },
        }
      : {}),
    host: "127.0.0.1", port: 0, handleStructuredLogs() {},
  }));
  const url = (await mf.ready).href;
  const workerd = [...descendantWorkerds()].filter((pid) => !workerdBefore.has(pid));
  for (const pid of workerd) pin(pid, "0");
  const tag = name.replace(/\W+/g, "").slice(0, 16);
  // Warm-up (not measured, not counted): the isolate starts and the wasm tiers up.
  const warm = Array.from({ length: WARMUP_SECONDS * POOL_PER_SECOND }, (_, n) => delivery(`${tag}_warm`, n));
  await fire(url, WARMUP_SECONDS, warm);
  return { name, queue: Boolean(spec.queue), mf, origin, url, tag, workerd, cpuMs: 0, sent: [], used: 0, onTheFly: 0, errors: 0, seconds: 0, rounds: 0, roundRates: [], generatorDelayP99: [] };
}

/** One measured round; the pool is signed just before it, so timestamps stay fresh in long runs. */
async function round(w, seconds) {
  const pool = Array.from({ length: seconds * POOL_PER_SECOND }, (_, n) => delivery(`${w.tag}_${w.rounds}`, n));
  const cpuBefore = cpuMs(w.workerd);
  // The load generator's own delays (its event loop held up by its own work or GC) are part
  // of every latency measured, for both workers alike; reported so they can be told apart.
  const eld = monitorEventLoopDelay({ resolution: 1 }); // samples every 1 ms: delay = sample - 1 ms
  eld.enable();
  // Only what the report needs is kept (the bodies go as soon as they are answered).
  const onAnswer = (d) => w.sent.push({ id: d.id, valid: d.valid, status: d.status, ms: d.ms });
  const { result, used, onTheFly } = await (RATE ? fireAtRate(w.url, seconds, pool, RATE, onAnswer) : fire(w.url, seconds, pool, onAnswer));
  await new Promise((r) => setTimeout(r, 300)); // requests still open at the stop finish
  w.cpuMs += cpuMs(w.workerd) - cpuBefore;
  eld.disable();
  w.generatorDelayMax = Math.max(w.generatorDelayMax ?? 0, eld.max / 1e6 - 1);
  w.generatorDelayP99.push(Math.max(0, eld.percentile(99) / 1e6 - 1));
  w.used += used;
  w.onTheFly += onTheFly;
  w.errors += result.errors + result.timeouts;
  w.seconds += result.duration;
  w.rounds++;
  w.roundRates.push(result.requests.total / result.duration);
}

const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

async function finish(w) {
  await new Promise((r) => setTimeout(r, 500));
  let { received: ids, badSignatures, connections } = await w.origin.stats();
  let drainSeconds = 0;
  if (w.queue) {
    // Queued: the consumer keeps delivering after the last 202. Wait until every accepted
    // delivery arrived, or nothing more arrives for 10 s; workerd CPU counts the drain too.
    const accepted = new Set(w.sent.filter((d) => d.status === 202).map((d) => d.id));
    const started = performance.now();
    const cpuBefore = cpuMs(w.workerd);
    const arrived = new Set(ids);
    let quiet = 0;
    while (quiet < 10 && [...accepted].some((id) => !arrived.has(id))) {
      await new Promise((r) => setTimeout(r, 1000));
      const more = await w.origin.stats();
      quiet = more.received.length ? 0 : quiet + 1;
      ids = ids.concat(more.received);
      for (const id of more.received) arrived.add(id);
      badSignatures = more.badSignatures;
    }
    w.cpuMs += cpuMs(w.workerd) - cpuBefore;
    drainSeconds = (performance.now() - started) / 1000;
  }
  const received = new Set(ids);
  const duplicated = ids.length - received.size;
  const { sent } = w;
  const valid = sent.filter((d) => d.valid);
  const invalid = sent.filter((d) => !d.valid);
  const ms = sent.map((d) => d.ms).sort((a, b) => a - b);
  const row = {
    name: w.name,
    rps: sent.length / w.seconds,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    cpuPerRequest: w.workerd.length ? w.cpuMs / w.used : NaN,
    sentValid: valid.length,
    forwarded: valid.filter((d) => received.has(d.id)).length,
    retryable: valid.filter((d) => d.status >= 500).length,
    sentInvalid: invalid.length,
    rejected: invalid.filter((d) => d.status === 401).length,
    invalidForwarded: invalid.filter((d) => received.has(d.id)).length,
    // Lost: a valid delivery answered 2xx (200 forwarded, 202 accepted) that never reached the origin.
    lost: valid.filter((d) => d.status >= 200 && d.status < 300 && !received.has(d.id)).length,
    accepted: valid.filter((d) => d.status === 202).length,
    duplicated,
    drainSeconds,
    unanswered: w.used - sent.length,
    onTheFly: w.onTheFly,
    errors: w.errors,
    non2xxValid: valid.filter((d) => d.status < 200 || (d.status >= 300 && d.status < 500)).length,
    badHop: badSignatures,
    connections,
    roundRates: w.roundRates,
    generatorDelay: { p99: percentile([...w.generatorDelayP99].sort((a, b) => a - b), 0.5), max: w.generatorDelayMax },
  };
  await w.mf.dispose();
  await w.origin.close();
  return row;
}

// Both workers run side by side in alternating rounds of about 10 s (A B B A A B ...), so a
// background load that comes and goes on this shared machine falls on both alike.
const ROUNDS = Math.max(1, Math.round(SECONDS / 10));
const perRound = Math.max(1, Math.round(SECONDS / ROUNDS));
const workers = [];
// Started in a random order (each gets its own workerd and origin; whatever the first or last
// started one might gain falls on either alike over runs), reported in the order above.
const order = Object.keys(WORKERS).map((name) => [Math.random(), name]).sort((a, b) => a[0] - b[0]).map(([, name]) => name);
for (const name of order) workers.push(await start(name, WORKERS[name]));
workers.sort((a, b) => Object.keys(WORKERS).indexOf(a.name) - Object.keys(WORKERS).indexOf(b.name));
for (let r = 0; r < ROUNDS; r++) {
  for (const w of r % 2 === 0 ? workers : [...workers].reverse()) await round(w, perRound);
}
const rows = [];
for (const w of workers) rows.push(await finish(w));

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const lines = [
  `Load: ${ROUNDS * perRound} s per worker in ${ROUNDS} alternating round(s) (after ${WARMUP_SECONDS} s of warm-up each), ${RATE ? `open loop at ${RATE} requests/s` : `${CONNECTIONS} connections`}, ${Math.round(INVALID_SHARE * 100)} % invalid signatures, pre-signed, workerd (Miniflare) on 127.0.0.1, origin in its own process, ${PIN ? "workerd pinned to core 0, load generator and origins to the others" : "no CPU pinning"}, ${cpu} x ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  "",
  RATE
    ? "Latency is measured per request from the moment it was due on the fixed schedule to its answer (a stall delays every request due during it); p50/p99 over every request of the run."
    : "Latency is measured per request from the moment autocannon takes it to its answer; p50/p99 over every request of the run.",
  "",
  "workerd CPU: user + system time of that worker's workerd process during the measured rounds, per request sent (includes Miniflare's local KV, which runs in the same process).",
  "",
  `| worker | req/s | p50 ms | p99 ms | workerd CPU ms/request | valid sent | accepted (202) | delivered | answered 5xx | invalid rejected | invalid forwarded | lost | duplicated | ${RATE ? "unanswered" : "unanswered at stop"} |`,
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuPerRequest.toFixed(2)} | ${r.sentValid} | ${r.accepted} | ${r.forwarded} | ${r.retryable} | ${r.rejected} | ${r.invalidForwarded} | ${r.lost} | ${r.duplicated} | ${r.unanswered} |`),
  ...rows.filter((r) => r.drainSeconds).map((r) => `(${r.name}: the queue drained ${r.drainSeconds.toFixed(1)} s after the last request; its CPU includes the consumer's work)`),
  "",
  // Rounds of the two run back to back, so each pair's ratio sees the same background load.
  ...rows.slice(1).map((r) => {
    const ratios = r.roundRates.map((x, k) => rows[0].roundRates[k] / x).sort((a, b) => a - b);
    return `req/s ratio ${rows[0].name} / ${r.name}, per round: median ${percentile(ratios, 0.5).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(", ")})`;
  }),
  `The load generator's own event-loop delay, part of every latency above (median of the rounds' p99, and the longest): ${rows.map((r) => `${r.name} ${r.generatorDelay.p99.toFixed(1)} ms, ${r.generatorDelay.max.toFixed(1)} ms`).join("; ")}.`,
  `Connections the origin accepted (a worker that reads the origin's short answer to its end reuses them): ${rows.map((r) => `${r.name} ${r.connections}`).join(", ")}.`,
  ...rows.filter((r) => r.onTheFly).map((r) => `(${r.name}: the pre-signed pool ran out; ${r.onTheFly} requests were signed during the run)`),
];
console.log(lines.join("\n"));
mkdirSync(`${root}artifacts`, { recursive: true });
writeFileSync(`${root}artifacts/load.md`, lines.join("\n") + "\n");
// Broken promises: a valid delivery answered 2xx but not forwarded (lost), one answered neither
// 2xx nor 5xx (the sender would not retry), a forged one forwarded, a hop the origin refused, or
// an invalid one not answered 401.
// In the open loop every request due must have been answered (the closed loop's few in flight at
// the stop are its own artefact).
const bad = rows.filter((r) => r.lost > 0 || r.duplicated > 0 || r.non2xxValid > 0 || r.invalidForwarded > 0 || r.badHop > 0
  || r.forwarded + r.retryable < r.sentValid || r.rejected < r.sentInvalid || (RATE && (r.unanswered > 0 || r.errors > 0)));
if (bad.length) {
  console.error(`promise broken: ${bad.map((r) => r.name).join(", ")}`);
  process.exitCode = 1;
}
