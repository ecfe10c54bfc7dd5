// Writes the fuzz seeds that come from the protocol vectors (tests/vectors.json, the one copy)
// into seeds/<target>/vector-*: scripts/fuzz.sh runs it before fuzzing. The other files in
// seeds/ are hand-made malformed inputs, not vectors. The generated files are git-ignored.
//   node fuzz/vector-seeds.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";

const here = new URL(".", import.meta.url);
const v = JSON.parse(readFileSync(new URL("../tests/vectors.json", here), "utf8"));
const deliveries = [
  ...v.reference.map((r) => ({ id: r.id, ts: String(r.timestamp), body: r.body, sig: r.signature })),
  ...v.gemini.v1.map((sig) => ({ id: v.gemini.id, ts: String(v.gemini.timestamp), body: v.gemini.body, sig })),
  { id: v.gemini.id, ts: String(v.gemini.timestamp), body: v.gemini.body, sig: v.gemini.v1a },
];
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

const seeds = {
  envelope: [v.gemini.body],
  jwks: [JSON.stringify({ keys: [v.rfc8032.jwk] })],
  // (name 0x01 value) pairs separated by 0x00.
  headers: deliveries.map((d) =>
    bytes("webhook-id", [1], d.id, [0], "webhook-timestamp", [1], d.ts, [0], "webhook-signature", [1], d.sig),
  ),
  signature_list: [
    ...deliveries.map((d) => d.sig),
    v.negative.unknown_version_list.replace("{valid}", v.reference[0].signature),
    [...v.gemini.v1, v.gemini.v1a].join(" "),
    ...v.negative.signatures.map(([sig]) => sig),
  ],
  // body 0xFF id 0xFF timestamp 0xFF signature; the target trusts secrets[0] and the RFC 8032 key.
  verifier: [
    ...deliveries.map((d) => bytes(d.body, [0xff], d.id, [0xff], d.ts, [0xff], d.sig)),
    // The reference delivery with bad lists: the vectors' bad signatures, then a list of
    // entries of every kind that are all malformed (unknown version, short v1a, a JWT stub).
    ...[...v.negative.signatures.map(([sig]) => sig), "v2,x v1a,AAAA eyJhbGciOiJSUzI1NiJ9.e30.AA"].map((sig) => {
      const r = v.reference[0];
      return bytes(r.body, [0xff], r.id, [0xff], String(r.timestamp), [0xff], sig);
    }),
  ],
};

let n = 0;
for (const [target, list] of Object.entries(seeds)) {
  const dir = new URL(`seeds/${target}/`, here);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.startsWith("vector-")) rmSync(new URL(f, dir));
  list.forEach((seed, i) => writeFileSync(new URL(`vector-${i}`, dir), seed));
  n += list.length;
}
console.error(`fuzz seeds: ${n} written from tests/vectors.json`);
