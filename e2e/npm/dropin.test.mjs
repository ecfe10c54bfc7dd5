// hookwall as a drop-in for `standardwebhooks` (issue 15): the same results on the same inputs
// (random and adversarial deliveries, the empty body, the verify options, raw secrets, header
// spellings, Svix's header names against the `svix` library), and at the type level: the
// standardwebhooks README example and a program written against its published .d.ts compile
// unchanged against the installed tarball, and every argument list it accepts is accepted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, writeFileSync, rmSync, readFileSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as Ref from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { SECRETS } from "../vectors.mjs";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const hw = require("../../pkg/dist/index.cjs");

const [SECRET, SECRET2] = SECRETS;
const now = () => Math.floor(Date.now() / 1000);

/** What a verify call gave: the value (as JSON text, undefined kept) or "threw". */
function outcome(fn) {
  try {
    const v = fn();
    return v === undefined ? "undefined" : JSON.stringify(v);
  } catch {
    return "threw";
  }
}

// Random deliveries, then one random mutation (or none): both libraries must agree on every one.
function randomCase(rng) {
  const pick = (a) => a[Math.floor(rng() * a.length)];
  const body = pick([
    "",
    "{}",
    '{"type":"batch.succeeded","data":{"id":"b_1"}}',
    JSON.stringify({ s: "é ☃ 😀", n: [1, 2.5, null], deep: { a: { b: { c: true } } } }),
    JSON.stringify({ big: "x".repeat(5000 + Math.floor(rng() * 5000)) }),
    "[1,2,3]",
    '"just a string"',
    "42",
  ]);
  const id = pick(["msg_1", "msg_2Zx", "m"]);
  const ts = now() + pick([0, -10, -299, 10, 299]);
  const sig = new Ref.Webhook(SECRET).sign(id, new Date(ts * 1000), body);
  const headers = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": sig };
  let payload = body;
  let options;
  switch (pick(["none", "none", "body", "id", "ts", "sig", "sig-list", "case", "old", "new", "missing", "bytes", "jsonParse", "secret"])) {
    case "body": payload = body + pick([" ", "\n", "x"]); break;
    case "id": headers["webhook-id"] = id + "x"; break;
    case "ts": headers["webhook-timestamp"] = String(ts + 1); break;
    case "sig": headers["webhook-signature"] = sig.slice(0, -4) + "AAA="; break;
    case "sig-list": headers["webhook-signature"] = `v1,${"A".repeat(43)}= v2,zzz ${sig}`; break;
    case "case": for (const k of Object.keys(headers)) { headers[k.toUpperCase()] = headers[k]; delete headers[k]; } break;
    case "old": headers["webhook-timestamp"] = String(now() - 301 - Math.floor(rng() * 1000)); break;
    case "new": headers["webhook-timestamp"] = String(now() + 301 + Math.floor(rng() * 1000)); break;
    case "missing": delete headers[pick(["webhook-id", "webhook-timestamp", "webhook-signature"])]; break;
    case "bytes": payload = Buffer.from(body); break;
    case "jsonParse": options = { jsonParse: false }; break;
    case "secret": return { secret: SECRET2, payload, headers, options };
  }
  return { secret: SECRET, payload, headers, options };
}

test("same results as standardwebhooks on 600 random and mutated deliveries", () => {
  let seed = 0x5eed;
  const rng = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const tally = {};
  for (let i = 0; i < 600; i++) {
    const c = randomCase(rng);
    const ref = outcome(() => new Ref.Webhook(c.secret).verify(c.payload, c.headers, c.options));
    const ours = outcome(() => new hw.Webhook(c.secret).verify(c.payload, c.headers, c.options));
    assert.equal(ours, ref, JSON.stringify(c).slice(0, 300));
    tally[ref === "threw" ? "threw" : ref === "undefined" ? "undefined" : "value"] = (tally[ref === "threw" ? "threw" : ref === "undefined" ? "undefined" : "value"] ?? 0) + 1;
  }
  // The generator reaches every kind of result.
  assert.ok(tally.threw > 100 && tally.value > 100 && tally.undefined > 10, JSON.stringify(tally));
});

test("empty body, verify options and raw secrets as standardwebhooks", () => {
  const ts = new Date();
  const h = (wh, id, body) => ({ "webhook-id": id, "webhook-timestamp": String(Math.floor(ts / 1000)), "webhook-signature": wh.sign(id, ts, body) });
  const ref = new Ref.Webhook(SECRET);
  const ours = new hw.Webhook(SECRET);
  assert.equal(ours.verify("", h(ref, "e", "")), undefined);
  assert.equal(ref.verify("", h(ref, "e", "")), undefined);
  assert.equal(ours.verify(Buffer.alloc(0), h(ref, "e", "")), undefined);
  assert.equal(ours.verify('{"a":1}', h(ref, "j", '{"a":1}'), { jsonParse: false }), undefined);
  assert.deepEqual(ours.verify('{"a":1}', h(ref, "j", '{"a":1}'), { jsonParse: true }), { a: 1 });
  assert.deepEqual(ours.verify('{"a":1}', h(ref, "j", '{"a":1}'), {}), { a: 1 });
  // A tampered body still throws with jsonParse: false.
  assert.throws(() => ours.verify('{"a":2}', h(ref, "j", '{"a":1}'), { jsonParse: false }), hw.WebhookVerificationError);
  // Raw keys: strings read as char codes (one byte each, as standardwebhooks does), and bytes.
  for (const raw of ["a raw key of 24 bytes!!!", "raw key with é and ÿ and ☃ chars", new Uint8Array(32).fill(7)]) {
    const r = new Ref.Webhook(raw, { format: "raw" });
    const o = new hw.Webhook(raw, { format: "raw" });
    assert.equal(o.sign("m", ts, "body"), r.sign("m", ts, "body"), String(raw));
    assert.deepEqual(o.verify("{}", h(r, "m", "{}")), {});
  }
  // The error class takes standardwebhooks' one-argument form too.
  const e = new hw.WebhookVerificationError("Missing required headers");
  assert.equal(e.message, "Missing required headers");
  assert.equal(e.name, "WebhookVerificationError");
  assert.ok(e instanceof Error);
});

test("Svix's header names: accepted as the svix library accepts them", () => {
  const ts = new Date();
  const t = String(Math.floor(ts / 1000));
  const body = '{"type":"x"}';
  const sig = new SvixWebhook(SECRET).sign("msg_s", ts, body);
  const cases = [
    [{ "svix-id": "msg_s", "svix-timestamp": t, "svix-signature": sig }, true],
    [{ "Svix-Id": "msg_s", "SVIX-TIMESTAMP": t, "svix-Signature": sig }, true],
    [{ "svix-id": "msg_s", "webhook-timestamp": t, "svix-signature": sig }, true],
    [{ "svix-id": "msg_s", "svix-timestamp": t, "svix-signature": sig, "webhook-id": "msg_s" }, true],
    [{ "svix-id": "msg_x", "svix-timestamp": t, "svix-signature": sig }, false],
    [{ "svix-id": "msg_s", "svix-timestamp": t }, false],
  ];
  for (const [headers, ok] of cases) {
    const svix = outcome(() => new SvixWebhook(SECRET).verify(body, headers));
    const ours = outcome(() => new hw.Webhook(SECRET).verify(body, headers));
    assert.equal(svix === "threw", !ok, `svix ${JSON.stringify(headers)}`);
    assert.equal(ours === "threw", !ok, `hookwall ${JSON.stringify(headers)}`);
    assert.equal(outcome(() => new hw.Webhook(SECRET).verify(body, new Headers(headers))) === "threw", !ok);
  }
  // Both spellings with different values: ambiguous, refused (svix would take svix-id).
  assert.throws(() => new hw.Webhook(SECRET).verify(body, { "svix-id": "msg_s", "webhook-id": "other", "svix-timestamp": t, "svix-signature": sig }), (e) => e.code === "duplicate_header");
});

test("the documented differences (npm README, switching from standardwebhooks) hold", () => {
  const ts = new Date();
  const t = Math.floor(ts / 1000);
  const ref = new Ref.Webhook(SECRET);
  const ours = new hw.Webhook(SECRET);
  const code = (fn) => { try { fn(); return "ok"; } catch (e) { return e instanceof hw.WebhookVerificationError ? e.code : e.name; } };
  // Short secrets: accepted by the peer, refused by hookwall.
  const short = "whsec_" + Buffer.alloc(8, 1).toString("base64");
  assert.equal(code(() => new Ref.Webhook(short)), "ok");
  assert.equal(code(() => new hw.Webhook(short)), "secret_too_short");
  // A timestamp with trailing junk: parseInt takes it, hookwall does not.
  const h = { "webhook-id": "m", "webhook-timestamp": `${t}abc`, "webhook-signature": ref.sign("m", ts, "{}") };
  assert.equal(code(() => ref.verify("{}", h)), "ok");
  assert.equal(code(() => ours.verify("{}", h)), "invalid_timestamp");
  // A body that verifies but is not JSON: SyntaxError against a coded error.
  const hb = { "webhook-id": "m", "webhook-timestamp": String(t), "webhook-signature": ref.sign("m", ts, "not json") };
  assert.equal(code(() => ref.verify("not json", hb)), "SyntaxError");
  assert.equal(code(() => ours.verify("not json", hb)), "invalid_payload");
  // Body size: 256 KiB by default.
  const big = JSON.stringify({ x: "y".repeat(300 * 1024) });
  const hl = { "webhook-id": "m", "webhook-timestamp": String(t), "webhook-signature": ref.sign("m", ts, big) };
  assert.equal(code(() => ref.verify(big, hl)), "ok");
  assert.equal(code(() => ours.verify(big, hl)), "body_too_large");
  assert.equal(code(() => new hw.Webhook(SECRET, { maxBodyBytes: 512 * 1024 }).verify(big, hl)), "ok");
});

// ---- types ----

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "hookwall-dropin-"));
  const out = execFileSync("npm", ["pack", "--pack-destination", dir, "--json"], { cwd: join(root, "pkg"), encoding: "utf8" });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "dropin", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, JSON.parse(out)[0].filename)], { cwd: dir, stdio: "ignore" });
  // The peers' published types (standardwebhooks' .d.ts names Buffer, so @types/node is in scope here).
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  for (const name of ["standardwebhooks", "svix", "@types/node"]) symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name), "dir");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const tsc = (files) =>
  execFileSync(process.execPath, [join(root, "node_modules/.bin/tsc"), "--strict", "--noEmit", "--skipLibCheck", "false", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", ...files], { cwd: dir, encoding: "utf8" });
const compiles = (files) => {
  try {
    tsc(files);
  } catch (e) {
    assert.fail(e.stdout);
  }
};

// A program using every public name and signature of standardwebhooks 1.1.1 (and svix's header
// types), written against the peer; compiled as is against the peer, then against hookwall.
const USAGE = (from) => `
import { Webhook, WebhookVerificationError, type WebhookUnbrandedRequiredHeaders, type WebhookOptions, type VerifyOptions } from "${from}";
declare const body: string;
declare const buf: Buffer;
declare const record: Record<string, string>;
const headers: WebhookUnbrandedRequiredHeaders = { "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,x" };
const options: WebhookOptions = { format: "raw" };
const verifyOptions: VerifyOptions = { jsonParse: false };
const a: Webhook = new Webhook(${JSON.stringify(SECRET)});
const b = new Webhook(new Uint8Array(32), options);
const c = new Webhook("raw key", { format: "raw" });
export const r1: unknown = a.verify(body, headers);
export const r2: unknown = b.verify(buf, record, verifyOptions);
export const r3: unknown = c.verify(body, { "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,x" }, { jsonParse: true });
export const r4: unknown = a.verify(buf, headers, {});
export const s1: string = a.sign("msg", new Date(), body);
export const s2: string = a.sign("msg", new Date(), buf);
export function handle(e: unknown): string {
  if (e instanceof WebhookVerificationError) return e.message + e.name + (e.stack ?? "");
  throw new WebhookVerificationError("Missing required headers");
}
`;

test("types: a program written against standardwebhooks' .d.ts compiles unchanged against hookwall", () => {
  writeFileSync(join(dir, "peer.mts"), USAGE("standardwebhooks"));
  compiles(["peer.mts"]); // the program is right for the peer
  writeFileSync(join(dir, "ours.mts"), USAGE("hookwall"));
  writeFileSync(join(dir, "ours.cts"), USAGE("hookwall"));
  compiles(["ours.mts", "ours.cts"]);
});

test("types: the standardwebhooks README example compiles against hookwall unchanged", () => {
  const readme = readFileSync(join(root, "node_modules/standardwebhooks/README.md"), "utf8");
  const example = readme.match(/```javascript\n([\s\S]*?)```/)[1];
  assert.match(example, /from "standardwebhooks"/);
  // The README's free variables, declared with the types a receiver has at hand.
  const decls = "declare const base64_secret: string;\ndeclare const webhook_payload: string;\ndeclare const webhook_headers: Record<string, string>;\n";
  writeFileSync(join(dir, "readme.mts"), decls + example.replace('"standardwebhooks"', '"hookwall"'));
  compiles(["readme.mts"]);
});

test("types: every argument list standardwebhooks accepts, hookwall accepts (and the results fit)", () => {
  writeFileSync(join(dir, "assign.mts"), `
import type * as SW from "standardwebhooks";
import type * as SV from "svix";
import type * as HW from "hookwall";
type Is<T extends true> = T;
type Sub<A, B> = [A] extends [B] ? true : false;
export type Checks = [
  Is<Sub<ConstructorParameters<typeof SW.Webhook>, ConstructorParameters<typeof HW.Webhook>>>,
  Is<Sub<Parameters<SW.Webhook["verify"]>, Parameters<HW.Webhook["verify"]>>>,
  Is<Sub<Parameters<SW.Webhook["sign"]>, Parameters<HW.Webhook["sign"]>>>,
  Is<Sub<ReturnType<HW.Webhook["verify"]>, ReturnType<SW.Webhook["verify"]>>>,
  Is<Sub<ReturnType<HW.Webhook["sign"]>, ReturnType<SW.Webhook["sign"]>>>,
  Is<Sub<ConstructorParameters<typeof SW.WebhookVerificationError>, ConstructorParameters<typeof HW.WebhookVerificationError>>>,
  Is<Sub<HW.WebhookVerificationError, Error>>,
  Is<Sub<SW.WebhookUnbrandedRequiredHeaders, HW.WebhookUnbrandedRequiredHeaders>>,
  Is<Sub<SW.WebhookOptions, HW.WebhookOptions>>,
  Is<Sub<SW.VerifyOptions, HW.VerifyOptions>>,
  Is<Sub<SV.WebhookRequiredHeaders, HW.WebhookRequiredHeaders>>,
  Is<Sub<Parameters<SV.Webhook["verify"]>, Parameters<HW.Webhook["verify"]>>>,
  // Every value standardwebhooks exports, hookwall exports.
  Is<Sub<Exclude<keyof typeof SW, keyof typeof HW>, never>>,
];
`);
  compiles(["assign.mts"]);
  // The checks can fail: a narrower signature is refused.
  writeFileSync(join(dir, "narrow.mts"), `
type Is<T extends true> = T;
type Sub<A, B> = [A] extends [B] ? true : false;
export type Fails = Is<Sub<[string | Uint8Array, Record<string, string>, { jsonParse?: boolean }], [string, Record<string, string>]>>;
`);
  assert.throws(() => tsc(["narrow.mts"]), (e) => /TS2344/.test(e.stdout));
});
