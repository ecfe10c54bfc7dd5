// Packaging (issue 4): `npm pack` in pkg/, install the tarball into an empty folder (no
// registry needed: the package has no dependencies), use it from ESM and CJS, type-check
// TypeScript consumers (CJS and ESM, with Express's and Fastify's real types) with tsc --noEmit,
// and run the README's Express and Fastify examples as written against the installed package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SECRETS } from "../vectors.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = join(root, "pkg");
const tsc = join(root, "node_modules/.bin/tsc");
let dir;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "hookwall-pack-"));
  const out = run("npm", ["pack", "--pack-destination", dir, "--json"], pkg);
  const [{ filename, files }] = JSON.parse(out);
  for (const f of ["dist/hookwall_js_bg.wasm", "dist/index.cjs", "dist/index.mjs", "dist/web.mjs", "dist/workerd.mjs", "dist/index.d.mts", "dist/index.d.cts"]) {
    assert.ok(files.some((x) => x.path === f), `${f} is packed`);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, filename)], dir);
  // The frameworks for the README examples and the typed consumer: linked from the repository's
  // devDependencies (their own dependencies resolve from there through the real path).
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  for (const name of ["express", "fastify", "@types/express", "@types/node"]) symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name), "dir");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = (importLine) => `${importLine}
const wh = new Webhook([${JSON.stringify(SECRETS[0])}]);
const body = '{"type":"batch.succeeded","data":{"id":"b"}}';
const ts = new Date();
const headers = { "webhook-id": "m", "webhook-timestamp": String(Math.floor(ts / 1000)), "webhook-signature": wh.sign("m", ts, body) };
const event = wh.verify(body, headers);
let code;
try { wh.verify(body + " ", headers); } catch (e) { code = e instanceof WebhookVerificationError && e.code; }
console.log(JSON.stringify({ type: event.type, code }));
`;

// Node 22 (this process) and, when scripts/test-npm.sh provides it, Node 18 (the oldest supported).
const NODES = [["this Node", process.execPath]];
if (process.env.HOOKWALL_NODE18) NODES.push(["Node 18", process.env.HOOKWALL_NODE18]);

for (const [label, node] of NODES) {
  test(`ESM import from the installed tarball (${label})`, () => {
    writeFileSync(join(dir, "esm.mjs"), SCRIPT('import { Webhook, WebhookVerificationError } from "hookwall";'));
    assert.deepEqual(JSON.parse(run(node, ["esm.mjs"], dir)), { type: "batch.succeeded", code: "no_matching_signature" });
  });

  test(`CJS require from the installed tarball (${label})`, () => {
    writeFileSync(join(dir, "cjs.cjs"), SCRIPT('const { Webhook, WebhookVerificationError } = require("hookwall");'));
    assert.deepEqual(JSON.parse(run(node, ["cjs.cjs"], dir)), { type: "batch.succeeded", code: "no_matching_signature" });
  });

  test(`JwksVerifier fetches from a local server with the runtime's fetch (${label})`, () => {
    writeFileSync(join(dir, "jwks.mjs"), `
import { JwksVerifier } from "hookwall";
import http from "node:http";
import crypto from "node:crypto";
const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k" };
let hits = 0;
const server = http.createServer((q, r) => { hits++; r.writeHead(200, { "cache-control": "max-age=600" }).end(JSON.stringify({ keys: [jwk] })); });
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const jv = new JwksVerifier({ anyTenant: true, jwksUrl: \`http://127.0.0.1:\${server.address().port}/jwks.json\` });
const ts = String(Math.floor(Date.now() / 1000));
const body = '{"type":"batch.succeeded","data":{"id":"b"}}';
const sig = "v1a," + crypto.sign(null, Buffer.from(\`m.\${ts}.\${body}\`), privateKey).toString("base64");
const events = await Promise.all([1, 2, 3].map(() => jv.verify(body, new Headers({ "webhook-id": "m", "webhook-timestamp": ts, "webhook-signature": sig }))));
let code;
try { await jv.verify(body + " ", { "webhook-id": "m", "webhook-timestamp": ts, "webhook-signature": sig }); } catch (e) { code = e.code; }
server.close();
console.log(JSON.stringify({ type: events[2].type, hits, code }));
`);
    // The altered body matches no key inside the refetch cooldown: only a fresher set could
    // decide, so the answer is retryable (the sender's retry meets a refetch).
    assert.deepEqual(JSON.parse(run(node, ["jwks.mjs"], dir)), { type: "batch.succeeded", hits: 1, code: "jwks_unavailable" });
  });
}

test("the installed package's exports map: a condition per runtime; nothing else reachable", () => {
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules/hookwall/package.json"), "utf8"));
  assert.equal(manifest.name, "hookwall");
  assert.deepEqual(Object.keys(manifest.exports["."]), ["workerd", "edge-light", "worker", "browser", "deno", "bun", "node", "import", "require", "default"]);
  const out = run(process.execPath, ["--input-type=module", "-e", `
    import * as esm from "hookwall";
    import { createRequire } from "node:module";
    const cjs = createRequire(import.meta.url)("hookwall");
    let deep = "blocked";
    try { createRequire(import.meta.url)("hookwall/dist/index.cjs"); deep = "reachable"; } catch {}
    console.log(JSON.stringify({ same: esm.Webhook === cjs.Webhook, names: Object.keys(esm).filter((n) => n !== "default").sort(), cjs: Object.keys(cjs).sort(), deep }));
  `], dir);
  const r = JSON.parse(out);
  assert.equal(r.same, true, "ESM and CJS share one instance (one wasm, one error class)");
  assert.deepEqual(r.names, r.cjs);
  assert.equal(r.deep, "blocked");
});

test("a TypeScript consumer type-checks (and a wrong use does not)", () => {
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: [] }, files: ["consumer.ts", "esm-consumer.mts", "frameworks.ts"] }));
  writeFileSync(join(dir, "esm-consumer.mts"), `
import { Webhook, JwksVerifier, WebhookVerificationError, type VerificationReport } from "hookwall";
const wh = new Webhook(${JSON.stringify(SECRETS[0])});
const headers = new Headers({ "webhook-id": "m" });
const report: VerificationReport = wh.verifyDetailed(new Uint8Array(1), headers);
if (report.verdict.ok) { const id: string = report.verdict.delivery.id; void id; } else { const code: string = report.verdict.code; void code; }
const jv = new JwksVerifier({ anyTenant: true, jwks: { keys: [] }, fetch: globalThis.fetch, toleranceSeconds: 10 });
const done: Promise<unknown> = jv.verify(Buffer.from("{}"), headers);
export const isError = (e: unknown): boolean => e instanceof WebhookVerificationError && e.status >= 400;
void done;
`);
  writeFileSync(join(dir, "frameworks.ts"), `
import express from "express";
import Fastify from "fastify";
import { Webhook, webhookMiddleware, fastifyRawJson, fastifyWebhookHook } from "hookwall";
const wh = new Webhook(${JSON.stringify(SECRETS[0])});
const app = express();
app.post("/hook", webhookMiddleware(wh), (_req: express.Request, res: express.Response) => { res.json(res.locals.webhook); });
const f = Fastify();
fastifyRawJson(f);
f.post("/hook", { preHandler: fastifyWebhookHook(wh) }, async () => ({ ok: true }));
`);
  writeFileSync(join(dir, "consumer.ts"), `
import { Webhook, WebhookVerificationError, JwksVerifier, REJECTION_CODES, type VerificationReport, type WebhookErrorCode } from "hookwall";
const wh: Webhook = new Webhook(["whsec_a", "whsec_b"], { toleranceSeconds: 60 });
const sig: string = wh.sign("m", new Date(), new Uint8Array([1]));
const parsed: unknown = wh.verify("{}", { "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": sig });
const report: VerificationReport = wh.verifyDetailed("{}", new Map([["webhook-id", "m"]]));
const jv = new JwksVerifier({ anyTenant: true, jwksUrl: "https://example.com/jwks.json", audience: "me" });
const later: Promise<unknown> = jv.verify("{}", {});
export function codeOf(e: unknown): string | undefined { return e instanceof WebhookVerificationError ? e.code : undefined; }
// WebhookErrorCode is the union generated from the core's registry: an exhaustive switch compiles.
export function statusOf(code: WebhookErrorCode): number {
  switch (code) { case "tenant_unbound": case "tenant_mismatch": return 403; case "jwks_unavailable": return 503; default: return 400; }
}
const known: WebhookErrorCode = "jwks_unavailable";
void parsed; void report; void later; void known; void REJECTION_CODES;
`);
  run(process.execPath, [tsc, "-p", "."], dir);
  const good = readFileSync(join(dir, "consumer.ts"), "utf8");
  writeFileSync(join(dir, "consumer.ts"), `import { Webhook } from "hookwall"; new Webhook(42);\n`);
  assert.throws(() => run(process.execPath, [tsc, "-p", "."], dir), (e) => /consumer\.ts.*TS2345/.test(e.stdout), "tsc rejects a wrong call");
  writeFileSync(join(dir, "consumer.ts"), `import type { WebhookErrorCode } from "hookwall"; export const c: WebhookErrorCode = "not_a_code";\n`);
  assert.throws(() => run(process.execPath, [tsc, "-p", "."], dir), (e) => /consumer\.ts.*TS2322/.test(e.stdout), "a code the core does not have is a type error");
  writeFileSync(join(dir, "consumer.ts"), good);
});

// The README's framework examples, extracted as written, run against the installed tarball.
const README = readFileSync(join(root, "npm/README.md"), "utf8");
function example(name) {
  const m = README.match(new RegExp(`<!-- example: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\`\\n`));
  assert.ok(m, `README example ${name}`);
  return m[1];
}

async function runExample(name, t) {
  const file = join(dir, `${name}-example.mjs`);
  writeFileSync(file, example(name));
  const secret = SECRETS[1];
  const child = spawn(process.execPath, [file], { cwd: dir, env: { ...process.env, PORT: "0", WHSEC: `${SECRETS[0]},${secret}` }, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => child.kill());
  let out = "";
  const port = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => { out += d; const m = out.match(/listening on (\d+)/); if (m) resolve(Number(m[1])); });
    child.stderr.on("data", (d) => { out += d; });
    child.on("exit", (code) => reject(new Error(`${name} example exited ${code}: ${out}`)));
  });
  // Signed by the reference library with the second (rotated-in) secret.
  const { Webhook: Ref } = await import("standardwebhooks");
  const body = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_1","output_file_uri":"gs://b/r.jsonl"}}';
  const ts = new Date();
  const headers = { "content-type": "application/json", "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(ts / 1000)), "webhook-signature": new Ref(secret).sign("msg_1", ts, body) };
  const url = `http://127.0.0.1:${port}/webhooks/gemini`;
  const ok = await fetch(url, { method: "POST", headers, body });
  assert.equal(ok.status, 204, out);
  const bad = await fetch(url, { method: "POST", headers, body: body.replace("batch_1", "batch_2") });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).error, "no_matching_signature");
  const missing = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(missing.status, 400);
  assert.match(out, /verified batch\.succeeded msg_1/);
  assert.doesNotMatch(out, /batch_2/);
}

test("README Express example runs as written", (t) => runExample("express", t));
test("README Fastify example runs as written", (t) => runExample("fastify", t));
