// The most CPU one request can cost the worker: workerd CPU per request (user + system of its
// process, from /proc) for the worst deliveries an attacker can send, next to a valid v1 and a
// valid v1a delivery of the same body at the size cap. Requests are sent one at a time, after a
// warm-up, so the figure is the worker's own cost (Miniflare's local KV included).
// Usage: node bench/load/worst.mjs [requests-per-case=40]   (needs crates/worker/build)
import crypto from "node:crypto";
import { cpuMs, descendantWorkerds } from "./proc.mjs";
import { SECRETS, deliveryHeaders, ed25519Key, jwksDoc, newId, nowSeconds, rsaKey, signJwt, signV1, signV1a, startEdge } from "../../e2e/worker/harness.mjs";

const N = Number(process.argv[2] ?? 40);
const before = descendantWorkerds();
const eds = [ed25519Key("ed-1"), ed25519Key("ed-2"), ed25519Key("ed-3")];
const rsa = await rsaKey("rsa-1");
const edge = await startEdge({ jwks: jwksDoc(...eds.map((k) => k.jwk), rsa.jwk), vars: { TENANT_BINDING: "any" } });
const workerd = [...descendantWorkerds()].filter((p) => !before.has(p));

// A dense JSON body just under the 256 KiB cap: many small members, the costliest to parse.
const items = Array.from({ length: 13_000 }, (_, k) => ({ k, v: "x".repeat(8) }));
const make = () => JSON.stringify({ type: "batch.succeeded", data: { id: "batch_1", items } });
let body = make();
while (body.length > 262_144) {
  items.length -= 100;
  body = make();
}
const wrongV1 = () => "v1," + crypto.randomBytes(32).toString("base64");
const wrongV1a = () => "v1a," + crypto.randomBytes(64).toString("base64");

const cases = {
  "valid v1": async (id, ts) => signV1(SECRETS[0], id, ts, body),
  "valid v1a (3rd of 3 keys)": async (id, ts) => signV1a(eds[2].privateKey, id, ts, body),
  "28 wrong v1 + 4 wrong v1a (x 3 keys)": async () => [...Array.from({ length: 28 }, wrongV1), ...Array.from({ length: 4 }, wrongV1a)].join(" "),
  "28 wrong v1 + 4 forged RS256 JWTs (known kid)": async () => {
    const forger = await rsaKey("rsa-1");
    const tokens = await Promise.all(Array.from({ length: 4 }, (_, i) => signJwt(forger, JSON.stringify({ type: "x", n: i }))));
    return [...Array.from({ length: 28 }, wrongV1), ...tokens].join(" ");
  },
  "25 copies of one genuine JWT that binds another body": async () => {
    const token = await signJwt(rsa, JSON.stringify({ type: "batch.succeeded", data: { id: "other" } }));
    return Array(25).fill(token).join(" ");
  },
};

const rows = [];
for (const [name, sign] of Object.entries(cases)) {
  const signed = [];
  for (let i = 0; i < N + 5; i++) {
    const id = newId();
    const ts = nowSeconds();
    signed.push({ body, headers: deliveryHeaders(id, ts, await sign(id, ts)) });
  }
  for (const d of signed.slice(0, 5)) await edge.post(d); // warm-up
  let status;
  const start = cpuMs(workerd);
  for (const d of signed.slice(5)) status = (await edge.post(d)).status;
  const ms = (cpuMs(workerd) - start) / N;
  rows.push({ name, ms, status });
}
await edge.close();
console.log(`Worst cost per request, workerd CPU (user + system) per request, ${N} requests each, body ${body.length} bytes, ${new Date().toISOString().slice(0, 10)}`);
console.log("| delivery | answer | workerd CPU ms/request |");
console.log("|---|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${r.status} | ${r.ms.toFixed(1)} |`);
