// µs per verification, in one interleaved run: hookwall (npm package, Node entry: the core with
// Node's native crypto where faster) and hookwall's wasm-only build (the web entry: pure Rust),
// against standardwebhooks, svix, jose (RS256) and Node's crypto (the limit), for v1 at
// 256 B / 4 KiB / 64 KiB, v1a (Ed25519) and RS256 JWT; then the time to import and verify once
// in a fresh process, for each.
// Usage: node bench/npm/bench.mjs [msPerCase]   (scripts/bench-npm.sh builds first)
//
// Each case runs its contenders in interleaved rounds (A B C D, A B C D, ...) and reports the
// median round, so a burst of load from other processes hits every contender alike. Every
// contender parses the JSON body (or claims), as a receiver does. Goal per row: hookwall at
// most 1.5× Node crypto and ahead of every peer; the table says which rows meet it.
import crypto from "node:crypto";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Webhook as RefWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet } from "jose";
import { SECRETS, GEMINI } from "../../e2e/vectors.mjs";

const require = createRequire(import.meta.url);
const PKG = fileURLToPath(new URL("../../pkg/dist/", import.meta.url));
const { Webhook, JwksVerifier } = require(PKG + "index.cjs");
const wasmOnly = await import(PKG + "web.mjs");
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
const hookwallWasm = new wasmOnly.Webhook(SECRET);
const ref = new RefWebhook(SECRET);
const svix = new SvixWebhook(SECRET);

for (const size of [256, 4096, 65536]) {
  const b = body(size);
  const sig = hookwall.sign(id, new Date(ts * 1000), b);
  // What Node's req.headers holds for a delivery: the three webhook headers among the usual ones.
  const common = { host: "hooks.example.com", "user-agent": "Google-Webhooks", "content-type": "application/json", "content-length": String(b.length), accept: "*/*", "accept-encoding": "gzip" };
  const headers = { ...common, "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig };
  const svixHeaders = { ...common, "svix-id": id, "svix-timestamp": String(ts), "svix-signature": sig };
  // Each contender must accept the delivery, and hookwall refuse a tampered one, before timing.
  hookwall.verify(b, headers); hookwallWasm.verify(b, headers); ref.verify(b, headers); svix.verify(b, svixHeaders);
  const tampered = b.slice(0, -4) + 'y"}}';
  for (const h of [hookwall, hookwallWasm]) {
    try { h.verify(tampered, headers); throw new Error("a tampered body verified"); } catch (e) { if (e.code !== "no_matching_signature") throw e; }
  }
  const expected = Buffer.from(sig.slice(3), "base64");
  const native = () => {
    const mac = crypto.createHmac("sha256", KEY).update(`${id}.${ts}.`).update(b).digest();
    if (!crypto.timingSafeEqual(mac, expected)) throw new Error("native HMAC mismatch");
    return JSON.parse(b);
  };
  native();
  rows.push({
    case: `v1 ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`,
    ...(await measure({
      hookwall: () => hookwall.verify(b, headers),
      "hookwall wasm only": () => hookwallWasm.verify(b, headers),
      standardwebhooks: () => ref.verify(b, headers),
      svix: () => svix.verify(b, svixHeaders),
      "node crypto": native,
    })),
  });
}

// v1a (Ed25519) and RS256 JWT: hookwall's JwksVerifier (keys from a JWKS) vs jose's
// jwtVerify with a local JWKS (RS256) and crypto.verify (a key object made once).
const small = body(256);
const ed = crypto.generateKeyPairSync("ed25519");
const edJwk = { ...ed.publicKey.export({ format: "jwk" }), kid: "ed" };
const edMsg = Buffer.from(`${id}.${ts}.${small}`);
const edSig = crypto.sign(null, edMsg, ed.privateKey);
const rs = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
const rsJwk = { ...(await exportJWK(rs.publicKey)), kid: "rs", alg: "RS256" };
const jwt = await new SignJWT(JSON.parse(small)).setProtectedHeader({ alg: "RS256", kid: "rs" }).setIssuedAt(ts).sign(rs.privateKey);
const jwksOptions = { jwks: { keys: [edJwk, rsJwk] }, anyTenant: true };
const jv = new JwksVerifier(jwksOptions);
const jvWasm = new wasmOnly.JwksVerifier(jwksOptions);
const edHeaders = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": "v1a," + edSig.toString("base64") };
const rsHeaders = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": jwt };
const [h, p, s] = jwt.split(".");
const badRs = { ...rsHeaders, "webhook-signature": `${h}.${p}.${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}` };
const badEd = { ...edHeaders, "webhook-signature": "v1a," + Buffer.from(edSig.map((x, i) => (i === 40 ? x ^ 1 : x))).toString("base64") };
for (const v of [jv, jvWasm]) {
  await v.verify(small, edHeaders);
  await v.verify(small, rsHeaders);
  for (const bad of [badEd, badRs]) {
    const code = await v.verify(small, bad).then(() => "verified", (e) => e.code);
    if (code !== "no_matching_signature" && code !== "jwt_signature_invalid") throw new Error(`a forged signature: ${code}`);
  }
}
const joseJwks = createLocalJWKSet({ keys: [rsJwk] });
await jwtVerify(jwt, joseJwks);
const rsPublic = crypto.createPublicKey({ key: rsJwk, format: "jwk" });
const rsInput = Buffer.from(`${h}.${p}`);
const rsSig = Buffer.from(s, "base64url");
const claims = Buffer.from(p, "base64url").toString();
rows.push({
  case: "v1a Ed25519 256 B",
  ...(await measure({
    hookwall: [() => jv.verify(small, edHeaders), true],
    "hookwall wasm only": [() => jvWasm.verify(small, edHeaders), true],
    "node crypto": () => { if (!crypto.verify(null, edMsg, ed.publicKey, edSig)) throw new Error(); JSON.parse(small); },
  })),
});
rows.push({
  case: "RS256 JWT 256 B",
  ...(await measure({
    hookwall: [() => jv.verify(small, rsHeaders), true],
    "hookwall wasm only": [() => jvWasm.verify(small, rsHeaders), true],
    jose: [() => jwtVerify(jwt, joseJwks), true],
    "node crypto": () => { if (!crypto.verify("sha256", rsInput, rsPublic, rsSig)) throw new Error(); JSON.parse(claims); },
  })),
});

// Import and first verify, each in a fresh process (median of 5): what a cold serverless
// function pays before its first answer.
const DIR = fileURLToPath(new URL(".", import.meta.url));
const v1Body = body(256);
const v1Sig = hookwall.sign(id, new Date(ts * 1000), v1Body);
const cold = {
  "hookwall v1": [PKG + "index.mjs", `const w = new m.Webhook(${JSON.stringify(SECRET)}); w.verify(B, H);`],
  "hookwall RS256": [PKG + "index.mjs", `const v = new m.JwksVerifier(${JSON.stringify(jwksOptions)}); await v.verify(B, R);`],
  "standardwebhooks v1": ["standardwebhooks", `new m.Webhook(${JSON.stringify(SECRET)}).verify(B, H);`],
  "svix v1": ["svix", `new m.Webhook(${JSON.stringify(SECRET)}).verify(B, S);`],
  "jose RS256": ["jose", `await m.jwtVerify(${JSON.stringify(jwt)}, m.createLocalJWKSet(${JSON.stringify({ keys: [rsJwk] })}));`],
  "node crypto v1": ["node:crypto", `const c = m.default; const x = c.createHmac("sha256", Buffer.from(${JSON.stringify(SECRET.slice(6))}, "base64")).update(H["webhook-id"] + "." + H["webhook-timestamp"] + ".").update(B).digest(); if (!c.timingSafeEqual(x, Buffer.from(H["webhook-signature"].slice(3), "base64"))) throw 1; JSON.parse(B);`],
};
const coldRows = [];
for (const [name, [spec, code]] of Object.entries(cold)) {
  const script = `
    const B = ${JSON.stringify(v1Body)};
    const H = ${JSON.stringify({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": v1Sig })};
    const S = { "svix-id": H["webhook-id"], "svix-timestamp": H["webhook-timestamp"], "svix-signature": H["webhook-signature"] };
    const R = ${JSON.stringify(rsHeaders)};
    const t0 = performance.now();
    const m = await import(${JSON.stringify(spec)});
    const t1 = performance.now();
    ${code}
    const t2 = performance.now();
    console.log(JSON.stringify([t1 - t0, t2 - t1]));`;
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: DIR, encoding: "utf8" })));
  const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
  coldRows.push([name, med(0), med(1)]);
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const load = os.loadavg()[0].toFixed(2);
console.log(`hookwall npm benchmark, ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}, load average ${load} at the end`);
console.log(`µs per verification, median of ${ROUNDS} interleaved rounds (${MS} ms per contender per case); lower is better; (×) = contender / hookwall\n`);
const others = ["hookwall wasm only", "standardwebhooks", "svix", "jose", "node crypto"];
const peers = ["standardwebhooks", "svix", "jose"];
console.log(`| case | hookwall | ${others.join(" | ")} | goal |`);
console.log(`|---|---:|${others.map(() => "---:").join("|")}|---|`);
let slower = [];
for (const r of rows) {
  const cells = others.map((p) => (r[p] === undefined ? "–" : `${r[p].toFixed(2)} (${(r[p] / r.hookwall).toFixed(2)}×)`));
  const behind = peers.filter((p) => r[p] !== undefined && r[p] <= r.hookwall);
  const limit = r.hookwall / r["node crypto"];
  const goal = limit <= 1.5 && behind.length === 0 ? `met (${limit.toFixed(2)}× Node)` : `not met (${limit.toFixed(2)}× Node${behind.length ? `, behind ${behind.join(", ")}` : ""})`;
  console.log(`| ${r.case} | ${r.hookwall.toFixed(2)} | ${cells.join(" | ")} | ${goal} |`);
  for (const p of behind) slower.push(`${r.case} vs ${p}`);
}
console.log(`\nImport and first verify in a fresh process, ms (median of 5 runs):\n`);
console.log("| contender | import | first verify | total |");
console.log("|---|---:|---:|---:|");
for (const [name, a, b] of coldRows) console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(2)} | ${(a + b).toFixed(1)} |`);
if (slower.length) {
  console.log(`\nhookwall is NOT faster in: ${slower.join(", ")}`);
  process.exitCode = 1;
} else {
  console.log("\nhookwall is faster than every peer in every row.");
}
