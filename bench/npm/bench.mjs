// µs per verification, in one run: hookwall (npm package) vs standardwebhooks, svix and Node's
// native crypto, for v1 at 256 B / 4 KiB / 64 KiB, and v1a / RS256 against crypto.verify.
// Usage: node bench/npm/bench.mjs [msPerCase]   (scripts/bench-npm.sh builds first)
//
// Each case runs its contenders in interleaved rounds (A B C D, A B C D, ...) and reports the
// median round, so a burst of load from other processes hits every contender alike.
import crypto from "node:crypto";
import os from "node:os";
import { createRequire } from "node:module";
import { Webhook as RefWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { SECRETS, GEMINI } from "../../e2e/vectors.mjs";

const require = createRequire(import.meta.url);
const { Webhook, JwksVerifier } = require("../../pkg/dist/index.cjs");
const MS = Number(process.argv[2] ?? 700);
const ROUNDS = 7;
const SECRET = SECRETS[0];
const KEY = Buffer.from(SECRET.slice(6), "base64");

function body(size) {
  const head = '{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl","pad":"';
  return head + "x".repeat(size - head.length - 3) + '"}}';
}

/** Runs `fn` for about `ms` milliseconds and returns µs per call. */
async function runFor(fn, isAsync, ms) {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  let t = t0;
  while (t < end) {
    if (isAsync) for (let i = 0; i < 16; i++) await fn();
    else for (let i = 0; i < 16; i++) fn();
    n += 16;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

/** `contenders`: {name: fn | [fn, isAsync]}. Warm-up, then ROUNDS interleaved rounds; the median per contender. */
async function measure(contenders) {
  const list = Object.entries(contenders).map(([name, f]) => [name, ...(Array.isArray(f) ? f : [f, false])]);
  for (const [, fn, isAsync] of list) await runFor(fn, isAsync, MS / 4);
  const samples = Object.fromEntries(list.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [name, fn, isAsync] of list) samples[name].push(await runFor(fn, isAsync, MS / ROUNDS));
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, xs.sort((a, b) => a - b)[ROUNDS >> 1]]));
}

const rows = [];
const ts = Math.floor(Date.now() / 1000);
const id = GEMINI.id;
const hookwall = new Webhook(SECRET);
const ref = new RefWebhook(SECRET);
const svix = new SvixWebhook(SECRET);

for (const size of [256, 4096, 65536]) {
  const b = body(size);
  const sig = hookwall.sign(id, new Date(ts * 1000), b);
  // What Node's req.headers holds for a delivery: the three webhook headers among the usual ones.
  const common = { host: "hooks.example.com", "user-agent": "Google-Webhooks", "content-type": "application/json", "content-length": String(b.length), accept: "*/*", "accept-encoding": "gzip" };
  const headers = { ...common, "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig };
  const svixHeaders = { ...common, "svix-id": id, "svix-timestamp": String(ts), "svix-signature": sig };
  // Each peer must accept the delivery before it is timed.
  hookwall.verify(b, headers); ref.verify(b, headers); svix.verify(b, svixHeaders);
  const expected = Buffer.from(sig.slice(3), "base64");
  const native = () => {
    const mac = crypto.createHmac("sha256", KEY).update(`${id}.${ts}.`).update(b).digest();
    if (!crypto.timingSafeEqual(mac, expected)) throw new Error("native HMAC mismatch");
    return JSON.parse(b);
  };
  native();
  rows.push({
    case: `v1 ${size} B`,
    ...(await measure({
      hookwall: () => hookwall.verify(b, headers),
      standardwebhooks: () => ref.verify(b, headers),
      svix: () => svix.verify(b, svixHeaders),
      "node crypto": native,
    })),
  });
}

// v1a (Ed25519) and RS256 JWT: hookwall's JwksVerifier (keys from a JWKS) vs crypto.verify.
const small = body(256);
const ed = crypto.generateKeyPairSync("ed25519");
const edJwk = { ...ed.publicKey.export({ format: "jwk" }), kid: "ed" };
const edMsg = Buffer.from(`${id}.${ts}.${small}`);
const edSig = crypto.sign(null, edMsg, ed.privateKey);
const rs = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
const rsJwk = { ...(await exportJWK(rs.publicKey)), kid: "rs" };
const jwt = await new SignJWT(JSON.parse(small)).setProtectedHeader({ alg: "RS256", kid: "rs" }).setIssuedAt(ts).sign(rs.privateKey);
const jv = new JwksVerifier({ jwks: { keys: [edJwk, rsJwk] } });
const edHeaders = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": "v1a," + edSig.toString("base64") };
const rsHeaders = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": jwt };
await jv.verify(small, edHeaders);
await jv.verify(small, rsHeaders);
const rsPublic = crypto.createPublicKey({ key: rsJwk, format: "jwk" });
const [h, p, s] = jwt.split(".");
const rsInput = Buffer.from(`${h}.${p}`);
const rsSig = Buffer.from(s, "base64url");
rows.push({
  case: "v1a (Ed25519) 256 B",
  ...(await measure({
    hookwall: [() => jv.verify(small, edHeaders), true],
    "node crypto": () => { if (!crypto.verify(null, edMsg, ed.publicKey, edSig)) throw new Error(); JSON.parse(small); },
  })),
});
rows.push({
  case: "RS256 JWT 256 B",
  ...(await measure({
    hookwall: [() => jv.verify(small, rsHeaders), true],
    "node crypto": () => { if (!crypto.verify("sha256", rsInput, rsPublic, rsSig)) throw new Error(); JSON.parse(small); },
  })),
});

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const load = os.loadavg()[0].toFixed(2);
console.log(`hookwall npm benchmark: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}, load average ${load} at the end`);
console.log(`µs per verification, median of ${ROUNDS} interleaved rounds (${MS} ms per contender per case); lower is better; (×) = peer / hookwall\n`);
const peers = ["standardwebhooks", "svix", "node crypto"];
console.log(`| case | hookwall | ${peers.join(" | ")} |`);
console.log(`|---|---:|${peers.map(() => "---:").join("|")}|`);
let slower = [];
for (const r of rows) {
  const cells = peers.map((p) => (r[p] === undefined ? "–" : `${r[p].toFixed(2)} (${(r[p] / r.hookwall).toFixed(1)}×)`));
  console.log(`| ${r.case} | ${r.hookwall.toFixed(2)} | ${cells.join(" | ")} |`);
  for (const p of ["standardwebhooks", "svix"]) if (r[p] !== undefined && r[p] <= r.hookwall) slower.push(`${r.case} vs ${p}`);
}
if (slower.length) {
  console.log(`\nhookwall is NOT faster in: ${slower.join(", ")}`);
  process.exitCode = 1;
} else {
  console.log("\nhookwall is faster than standardwebhooks and svix at every size.");
}
