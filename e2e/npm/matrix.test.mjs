// The packaging matrix (issue 15): the packed tarball installed into a fresh folder and used
// as each part of the JavaScript ecosystem uses a package, with no configuration:
// Node (CJS, ESM), Bun, Deno (no permissions), a JavaScript Cloudflare Worker built by wrangler
// and run in workerd (no compatibility flags), browser bundles by esbuild, vite and webpack in
// headless Chromium, esbuild --platform=node and bun build bundles run from a folder without node_modules,
// tsc --strict without @types/node, attw, and Next.js route handlers (nodejs and edge runtimes).
// In each, a delivery signed by `standardwebhooks` verifies and a tampered one is rejected.
//
// The runtimes and bundlers come from e2e/npm/matrix/package.json, installed (git-ignored) by
// scripts/test-npm.sh. HOOKWALL_MATRIX_SKIP=next,webpack,... leaves cases out (named in the output).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync, rmSync, readFileSync, mkdirSync, existsSync, cpSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook as RefWebhook } from "standardwebhooks";
import { SECRETS } from "../vectors.mjs";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const matrix = join(root, "e2e/npm/matrix/node_modules");
// bun's own bin is a stub that its postinstall replaces, and the matrix installs with
// --ignore-scripts: run the binary of its platform package instead.
const bunPlatformBin = join(matrix, "@oven", `bun-${process.platform}-${process.arch === "x64" ? "x64" : process.arch}`, "bin", "bun");
const bin = (name) => (name === "bun" && existsSync(bunPlatformBin) ? bunPlatformBin : join(matrix, ".bin", name));
const skip = new Set((process.env.HOOKWALL_MATRIX_SKIP ?? "").split(",").filter(Boolean));
const SECRET = SECRETS[1];
const BODY = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_1","output_file_uri":"gs://b/r.jsonl"}}';
const EXPECTED = { ok: "batch.succeeded", bytes: "batch.succeeded", svix: "batch.succeeded", tampered: "no_matching_signature", empty: "undefined" };

let base; // temp folder: the tarball and every consumer folder
let tarball;

/** A delivery signed now by the reference library (with an empty-body one, as standardwebhooks accepts). */
function delivery() {
  const ref = new RefWebhook(SECRET);
  const ts = new Date();
  const t = String(Math.floor(ts / 1000));
  return { secret: SECRET, id: "msg_1", ts: t, body: BODY, sig: ref.sign("msg_1", ts, BODY), emptySig: ref.sign("msg_2", ts, "") };
}

/** The consumer code, the same in every setup: verify, verify bytes + Headers, svix-* names, tampered, empty body. */
const CHECK = (d) => `
const D = ${JSON.stringify(d)};
export function check() {
  const wh = new Webhook(D.secret);
  const headers = { "webhook-id": D.id, "webhook-timestamp": D.ts, "webhook-signature": D.sig };
  const out = {};
  out.ok = wh.verify(D.body, headers).type;
  out.bytes = wh.verify(new TextEncoder().encode(D.body), new Headers(headers)).type;
  out.svix = wh.verify(D.body, { "svix-id": D.id, "svix-timestamp": D.ts, "svix-signature": D.sig }).type;
  try { wh.verify(D.body.replace("batch_1", "batch_2"), headers); out.tampered = "accepted"; }
  catch (e) { out.tampered = e instanceof WebhookVerificationError ? e.code : "other error: " + e; }
  out.empty = String(wh.verify("", { "webhook-id": "msg_2", "webhook-timestamp": D.ts, "webhook-signature": D.emptySig }));
  return out;
}
`;
const esmApp = (d) => `import { Webhook, WebhookVerificationError } from "hookwall";\n${CHECK(d)}`;

function consumer(name) {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Installs the tarball into a new folder (offline: the package has no dependencies). */
async function install(name, extra = {}) {
  const dir = consumer(name);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, ...extra }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { cwd: dir });
  return dir;
}

const json = (s) => JSON.parse(s.trim().split("\n").at(-1));

before(async () => {
  assert.ok(existsSync(matrix), "e2e/npm/matrix/node_modules is missing: run scripts/test-npm.sh");
  base = mkdtempSync(join(tmpdir(), "hookwall-matrix-"));
  const { stdout } = await run("npm", ["pack", "--pack-destination", base, "--json"], { cwd: join(root, "pkg") });
  tarball = join(base, JSON.parse(stdout)[0].filename);
});
after(() => rmSync(base, { recursive: true, force: true }));

test("Node: CommonJS require and ESM import of the installed tarball", async () => {
  const dir = await install("node");
  writeFileSync(join(dir, "app.mjs"), `${esmApp(delivery())}\nconsole.log(JSON.stringify(check()));`);
  writeFileSync(join(dir, "app.cjs"), `const { Webhook, WebhookVerificationError } = require("hookwall");\n${CHECK(delivery()).replace("export function", "function")}\nconsole.log(JSON.stringify(check()));`);
  assert.deepEqual(json((await run(process.execPath, ["app.mjs"], { cwd: dir })).stdout), EXPECTED);
  assert.deepEqual(json((await run(process.execPath, ["app.cjs"], { cwd: dir })).stdout), EXPECTED);
});

test("Bun (npm package bun): ESM and CommonJS", { skip: skip.has("bun") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("bun");
  writeFileSync(join(dir, "app.mjs"), `${esmApp(delivery())}\nconsole.log(JSON.stringify(check()));`);
  writeFileSync(join(dir, "app.cjs"), `const { Webhook, WebhookVerificationError } = require("hookwall");\n${CHECK(delivery()).replace("export function", "function")}\nconsole.log(JSON.stringify(check()));`);
  const env = { ...process.env, BUN_INSTALL_CACHE_DIR: join(base, "bun-cache"), DO_NOT_TRACK: "1" };
  assert.deepEqual(json((await run(bin("bun"), ["app.mjs"], { cwd: dir, env })).stdout), EXPECTED);
  assert.deepEqual(json((await run(bin("bun"), ["app.cjs"], { cwd: dir, env })).stdout), EXPECTED);
});

test("Deno (npm package deno) without permissions", { skip: skip.has("deno") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("deno");
  writeFileSync(join(dir, "app.mjs"), `${esmApp(delivery())}\nconsole.log(JSON.stringify(check()));`);
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(base, "deno-dir"), NO_COLOR: "1" };
  // --no-prompt: any permission the package needed would be an error, not a question.
  assert.deepEqual(json((await run(bin("deno"), ["run", "--no-prompt", "app.mjs"], { cwd: dir, env })).stdout), EXPECTED);
});

test("serverless bundles (esbuild --platform=node ESM and CJS, bun build) run from a folder without node_modules", async () => {
  const dir = await install("node-bundle");
  writeFileSync(join(dir, "app.mjs"), `${esmApp(delivery())}\nconsole.log(JSON.stringify(check()));`);
  const away = consumer("node-bundle-away");
  await run(bin("esbuild"), ["app.mjs", "--bundle", "--platform=node", "--format=esm", `--outfile=${join(away, "app.mjs")}`], { cwd: dir });
  await run(bin("esbuild"), ["app.mjs", "--bundle", "--platform=node", "--format=cjs", `--outfile=${join(away, "app.cjs")}`], { cwd: dir });
  const bundles = ["app.mjs", "app.cjs"];
  if (!skip.has("bun")) {
    await run(bin("bun"), ["build", "app.mjs", "--target=node", `--outfile=${join(away, "app-bun.mjs")}`], { cwd: dir, env: { ...process.env, DO_NOT_TRACK: "1" } });
    bundles.push("app-bun.mjs");
  }
  assert.ok(!existsSync(join(away, "node_modules")));
  rmSync(join(dir, "node_modules"), { recursive: true }); // and the original is gone too
  for (const f of bundles) assert.deepEqual(json((await run(process.execPath, [f], { cwd: away })).stdout), EXPECTED, f);
});

test("Cloudflare Worker (JavaScript) bundled by wrangler, run in workerd, no compatibility flags", { skip: skip.has("wrangler") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("worker");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "wrangler.toml"), `name = "hookwall-matrix"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n`);
  writeFileSync(join(dir, "src/index.js"), `import { Webhook, WebhookVerificationError } from "hookwall";
const wh = new Webhook(${JSON.stringify(SECRET)});
export default {
  async fetch(request) {
    try {
      const event = wh.verify(await request.text(), request.headers);
      return Response.json({ ok: event?.type ?? String(event) });
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      return Response.json({ error: e.code }, { status: e.status });
    }
  },
};
`);
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_LOG_PATH: join(base, "wrangler-logs") };
  await run(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "out"], { cwd: dir, env });
  const out = join(dir, "out");
  // The main module first (workerd's rule), then what it imports.
  const files = readdirSync(out).filter((f) => /\.(js|mjs|wasm)$/.test(f)).sort((a, b) => a.endsWith(".wasm") - b.endsWith(".wasm"));
  assert.ok(files.some((f) => f.endsWith(".wasm")), `wrangler bundled the wasm as a module: ${files}`);
  const { Miniflare, convertV4MiniflareOptions } = await import("miniflare");
  const mf = new Miniflare(convertV4MiniflareOptions({
    modulesRoot: out,
    modules: files.map((f) => ({ type: f.endsWith(".wasm") ? "CompiledWasm" : "ESModule", path: join(out, f) })),
    compatibilityDate: "2025-09-01",
    cf: false,
  }));
  try {
    await mf.ready;
    const d = delivery();
    const headers = { "webhook-id": d.id, "webhook-timestamp": d.ts, "webhook-signature": d.sig };
    const post = async (body, h) => { const r = await mf.dispatchFetch("http://worker/", { method: "POST", headers: h, body }); return [r.status, await r.json()]; };
    const results = await Promise.all([
      post(d.body, headers),
      post(d.body, { "svix-id": d.id, "svix-timestamp": d.ts, "svix-signature": d.sig }),
      post(d.body.replace("batch_1", "batch_2"), headers),
      post("", { "webhook-id": "msg_2", "webhook-timestamp": d.ts, "webhook-signature": d.emptySig }),
    ]);
    assert.deepEqual(results, [[200, { ok: "batch.succeeded" }], [200, { ok: "batch.succeeded" }], [401, { error: "no_matching_signature" }], [200, { ok: "undefined" }]]);
    // Many at once, genuine and tampered interleaved: each gets its own verdict.
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => post(i % 3 ? d.body : d.body.replace("batch_1", `batch_${i}`), headers)));
    burst.forEach(([status], i) => assert.equal(status, i % 3 ? 200 : 401, `request ${i}`));
  } finally {
    await mf.dispose();
  }
});

// ---- browsers: bundles built by esbuild, vite and webpack, loaded in headless Chromium ----

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
async function inChromium(dist, entryHtml = "index.html") {
  const { chromium } = await import("playwright-core");
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = path === "/" ? entryHtml : path;
    try {
      const body = await readFile(join(dist, file));
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const profile = mkdtempSync(join(base, "chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.body?.dataset.result || document.body?.dataset.error, null, { timeout: 20000 }).catch(() => {});
    const [result, error] = await page.evaluate(() => [document.body.dataset.result, document.body.dataset.error]);
    assert.equal(error, undefined, `page error: ${error} ${errors}`);
    assert.deepEqual(errors, []);
    return JSON.parse(result);
  } finally {
    await context.close();
    await new Promise((r) => server.close(r));
  }
}

const browserMain = (d) => `${esmApp(d)}
try { document.body.dataset.result = JSON.stringify(check()); } catch (e) { document.body.dataset.error = String(e && e.stack || e); }
`;
const page = (script, type = "module") => `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="${type}" src="${script}"></script></body></html>`;

test("browser: esbuild bundle (defaults: iife, platform browser) in Chromium", async () => {
  const dir = await install("esbuild-browser");
  writeFileSync(join(dir, "main.js"), browserMain(delivery()));
  mkdirSync(join(dir, "dist"));
  await run(bin("esbuild"), ["main.js", "--bundle", "--outfile=dist/app.js"], { cwd: dir });
  writeFileSync(join(dir, "dist/index.html"), page("/app.js", "text/javascript"));
  assert.deepEqual(await inChromium(join(dir, "dist")), EXPECTED);
});

test("browser: vite build in Chromium", { skip: skip.has("vite") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("vite", { type: "module" });
  writeFileSync(join(dir, "main.js"), browserMain(delivery()));
  writeFileSync(join(dir, "index.html"), page("/main.js"));
  await run(bin("vite"), ["build", "--logLevel", "warn"], { cwd: dir, env: { ...process.env, NODE_PATH: matrix } });
  assert.deepEqual(await inChromium(join(dir, "dist")), EXPECTED);
});

test("browser: webpack build (defaults, production) in Chromium", { skip: skip.has("webpack") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("webpack");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/index.js"), browserMain(delivery()));
  await run(bin("webpack"), ["--mode", "production"], { cwd: dir });
  writeFileSync(join(dir, "dist/index.html"), page("/main.js", "text/javascript"));
  assert.deepEqual(await inChromium(join(dir, "dist")), EXPECTED);
});

test("browser: webpack --target webworker bundle in a Web Worker (the worker condition) in Chromium", { skip: skip.has("webpack") && "HOOKWALL_MATRIX_SKIP" }, async () => {
  const dir = await install("webpack-worker");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/index.js"), `${esmApp(delivery())}
try { postMessage({ result: JSON.stringify(check()) }); } catch (e) { postMessage({ error: String(e && e.stack || e) }); }
`);
  await run(bin("webpack"), ["--mode", "production", "--target", "webworker", "--output-filename", "worker.js"], { cwd: dir });
  writeFileSync(join(dir, "dist/main.js"), `const w = new Worker("/worker.js");
w.onmessage = (m) => { if (m.data.error) document.body.dataset.error = m.data.error; else document.body.dataset.result = m.data.result; };
w.onerror = (e) => { document.body.dataset.error = "worker error: " + e.message; };
`);
  writeFileSync(join(dir, "dist/index.html"), page("/main.js", "text/javascript"));
  assert.deepEqual(await inChromium(join(dir, "dist")), EXPECTED);
});

// ---- types ----

test("TypeScript --strict without @types/node (bundler and nodenext resolution)", async () => {
  const dir = await install("tsc");
  writeFileSync(join(dir, "app.ts"), `
import { Webhook, WebhookVerificationError, JwksVerifier, type WebhookUnbrandedRequiredHeaders, type VerificationReport } from "hookwall";
const headers: WebhookUnbrandedRequiredHeaders = { "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,x" };
const wh = new Webhook(${JSON.stringify(SECRETS[0])});
export const event: unknown = wh.verify(new Uint8Array(2), headers, { jsonParse: false });
export const report: VerificationReport = wh.verifyDetailed("{}", new Headers([["webhook-id", "m"]]));
export const later: Promise<unknown> = new JwksVerifier({ anyTenant: true, jwks: { keys: [] } }).verify("{}", headers);
export const isError = (e: unknown) => e instanceof WebhookVerificationError && e.code.length > 0;
`);
  const tsc = join(root, "node_modules/.bin/tsc");
  for (const [module, resolution] of [["esnext", "bundler"], ["nodenext", "nodenext"]]) {
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ["es2022", "dom"], target: "es2022", module, moduleResolution: resolution };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["app.ts"] }));
    await run(process.execPath, [tsc, "-p", "."], { cwd: dir }).catch((e) => assert.fail(`${resolution}: ${e.stdout}`));
  }
  assert.ok(!existsSync(join(dir, "node_modules/@types")), "no @types in scope");
});

test("attw (@arethetypeswrong/cli) reports no problem for any resolution", async () => {
  const { stdout } = await run(bin("attw"), [tarball, "--format", "json"], { cwd: base }).catch((e) => e);
  const r = JSON.parse(stdout);
  const problems = r.analysis?.problems ?? r.problems;
  assert.deepEqual(problems, [], JSON.stringify(problems, null, 1));
});

// ---- Next.js: App Router route handlers in the nodejs and edge runtimes, Turbopack and webpack ----

const ROUTE = (runtime) => `import { Webhook, WebhookVerificationError } from "hookwall";
${runtime === "edge" ? 'export const runtime = "edge";\n' : ""}export const dynamic = "force-dynamic";
const wh = new Webhook(${JSON.stringify(SECRET)});
export async function POST(request) {
  try {
    const event = wh.verify(await request.text(), request.headers);
    return Response.json({ ok: event?.type ?? String(event), runtime: ${JSON.stringify(runtime)} });
  } catch (e) {
    if (!(e instanceof WebhookVerificationError)) throw e;
    return Response.json({ error: e.code }, { status: e.status });
  }
}
`;

const freePort = () => new Promise((resolve) => { const s = http.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

for (const bundler of ["turbopack", "webpack"]) {
  test(`Next.js (${bundler}): next build and next start, nodejs and edge route handlers`, { skip: skip.has("next") && "HOOKWALL_MATRIX_SKIP", timeout: 240_000 }, async () => {
    // Inside e2e/npm/matrix (git-ignored) so that `next` resolves from the matrix's node_modules
    // and Turbopack's root holds every file; hookwall itself comes from the tarball.
    const app = join(root, "e2e/npm/matrix/next-app");
    rmSync(app, { recursive: true, force: true });
    mkdirSync(join(app, "app/api/node"), { recursive: true });
    mkdirSync(join(app, "app/api/edge"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "next-app", private: true }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball], { cwd: app });
    const matrixDir = join(root, "e2e/npm/matrix");
    writeFileSync(join(app, "next.config.mjs"), `export default { turbopack: { root: ${JSON.stringify(matrixDir)} }, outputFileTracingRoot: ${JSON.stringify(matrixDir)} };\n`);
    writeFileSync(join(app, "app/api/node/route.js"), ROUTE("nodejs"));
    writeFileSync(join(app, "app/api/edge/route.js"), ROUTE("edge"));
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    await run(bin("next"), ["build", ...(bundler === "webpack" ? ["--webpack"] : [])], { cwd: app, env }).catch((e) => assert.fail(`next build: ${e.stdout}\n${e.stderr}`));
    // The edge route took the edge-light entry: the wasm as a module file, not embedded bytes.
    const wasmFiles = readdirSync(join(app, ".next/server"), { recursive: true }).filter((f) => String(f).endsWith(".wasm"));
    assert.equal(wasmFiles.length, 1, `one wasm module in the edge build: ${wasmFiles}`);
    const port = await freePort();
    const server = spawn(bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    server.stdout.on("data", (d) => { log += d; });
    server.stderr.on("data", (d) => { log += d; });
    try {
      await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`next start: not ready in 30 s\n${log}`)), 30_000);
        server.stdout.on("data", () => { if (/Ready in/.test(log)) { clearTimeout(t); resolve(); } });
        server.on("exit", (code) => { clearTimeout(t); reject(new Error(`next start exited ${code}\n${log}`)); });
      });
      const d = delivery();
      const headers = { "webhook-id": d.id, "webhook-timestamp": d.ts, "webhook-signature": d.sig };
      const post = async (runtime, body, h) => {
        const r = await fetch(`http://127.0.0.1:${port}/api/${runtime}`, { method: "POST", headers: h, body });
        return [r.status, await r.json()];
      };
      for (const runtime of ["nodejs", "edge"]) {
        const path = runtime === "nodejs" ? "node" : "edge";
        const results = await Promise.all([
          post(path, d.body, headers),
          post(path, d.body, { "svix-id": d.id, "svix-timestamp": d.ts, "svix-signature": d.sig }),
          post(path, d.body.replace("batch_1", "batch_2"), headers),
          post(path, "", { "webhook-id": "msg_2", "webhook-timestamp": d.ts, "webhook-signature": d.emptySig }),
        ]);
        assert.deepEqual(results, [
          [200, { ok: "batch.succeeded", runtime }],
          [200, { ok: "batch.succeeded", runtime }],
          [401, { error: "no_matching_signature" }],
          [200, { ok: "undefined", runtime }],
        ], `${runtime}\n${log}`);
      }
    } finally {
      try { process.kill(-server.pid); } catch {}
    }
  });
}
