// µs per verification, in one run: hookwall (npm package) vs standardwebhooks, svix and Node's
// native crypto, for v1 at 256 B / 4 KiB / 64 KiB, and v1a / RS256 against crypto.verify.
// Usage: node bench/npm/bench.mjs [msPerCase]   (scripts/bench-npm.sh builds first)
import crypto from "node:crypto";
import os from "node:os";
import { createRequire } from "node:module";
import { Webhook as RefWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

const require = createRequire(import.meta.url);
const { Webhook, JwksVerifier } = require("../../pkg/dist/index.js");
const MS = Number(process.argv[2] ?? 700);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY = Buffer.from(SECRET.slice(6), "base64");

function body(size) {
  const head = '{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl","pad":"';
  return head + "x".repeat(size - head.length - 3) + '"}}';
}

/** Runs `fn` for MS milliseconds (after a warm-up) and returns µs per call. */
async function measure(fn, isAsync = false) {
  const runFor = async (ms) => {
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) isAsync ? await fn() : fn();
      n += 16;
    }
    return n;
  };
  await runFor(MS / 4);
  const t0 = performance.now();
  const n = await runFor(MS);
  return ((performance.now() - t0) * 1000) / n;
}

const rows = [];
const ts = Math.floor(Date.now() / 1000);
const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const hookwall = new Webhook(SECRET);
const ref = new RefWebhook(SECRET);
const svix = new SvixWebhook(SECRET);

for (const size of [256, 4096, 65536]) {
  const b = body(size);
  const sig = hookwall.sign(id, new Date(ts * 1000), b);
  const headers = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig };
  const svixHeaders = { "svix-id": id, "svix-timestamp": String(ts), "svix-signature": sig };
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
    hookwall: await measure(() => hookwall.verify(b, headers)),
    standardwebhooks: await measure(() => ref.verify(b, headers)),
    svix: await measure(() => svix.verify(b, svixHeaders)),
    "node crypto": await measure(native),
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
  hookwall: await measure(() => jv.verify(small, edHeaders), true),
  "node crypto": await measure(() => { if (!crypto.verify(null, edMsg, ed.publicKey, edSig)) throw new Error(); JSON.parse(small); }),
});
rows.push({
  case: "RS256 JWT 256 B",
  hookwall: await measure(() => jv.verify(small, rsHeaders), true),
  "node crypto": await measure(() => { if (!crypto.verify("sha256", rsInput, rsPublic, rsSig)) throw new Error(); JSON.parse(small); }),
});

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`hookwall npm benchmark: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${MS} ms per case`);
console.log("µs per verification (lower is better); ratio = peer / hookwall\n");
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
