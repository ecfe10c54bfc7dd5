// Packaging (issue 4): `npm pack` in pkg/, install the tarball into an empty folder (no
// registry needed: the package has no dependencies), use it from ESM and CJS, and type-check a
// TypeScript consumer with tsc --noEmit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = join(root, "pkg");
const tsc = join(root, "node_modules/.bin/tsc");
let dir;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "hookwall-pack-"));
  const out = run("npm", ["pack", "--pack-destination", dir, "--json"], pkg);
  const [{ filename, files }] = JSON.parse(out);
  assert.ok(files.some((f) => f.path === "wasm/hookwall_js_bg.wasm"), "the wasm is packed");
  assert.ok(files.some((f) => f.path === "dist/index.d.ts"), "types are packed");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, filename)], dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = (importLine) => `${importLine}
const wh = new Webhook(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
const body = '{"type":"batch.succeeded","data":{"id":"b"}}';
const ts = new Date();
const headers = { "webhook-id": "m", "webhook-timestamp": String(Math.floor(ts / 1000)), "webhook-signature": wh.sign("m", ts, body) };
const event = wh.verify(body, headers);
let code;
try { wh.verify(body + " ", headers); } catch (e) { code = e instanceof WebhookVerificationError && e.code; }
console.log(JSON.stringify({ type: event.type, code }));
`;

test("ESM import from the installed tarball", () => {
  writeFileSync(join(dir, "esm.mjs"), SCRIPT('import { Webhook, WebhookVerificationError } from "hookwall";'));
  assert.deepEqual(JSON.parse(run(process.execPath, ["esm.mjs"], dir)), { type: "batch.succeeded", code: "no_matching_signature" });
});

test("CJS require from the installed tarball", () => {
  writeFileSync(join(dir, "cjs.cjs"), SCRIPT('const { Webhook, WebhookVerificationError } = require("hookwall");'));
  assert.deepEqual(JSON.parse(run(process.execPath, ["cjs.cjs"], dir)), { type: "batch.succeeded", code: "no_matching_signature" });
});

test("a TypeScript consumer type-checks (and a wrong use does not)", () => {
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: [] }, files: ["consumer.ts"] }));
  writeFileSync(join(dir, "consumer.ts"), `
import { Webhook, WebhookVerificationError, JwksVerifier, type VerificationReport } from "hookwall";
const wh: Webhook = new Webhook(["whsec_a", "whsec_b"], { toleranceSeconds: 60 });
const sig: string = wh.sign("m", new Date(), new Uint8Array([1]));
const parsed: unknown = wh.verify("{}", { "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": sig });
const report: VerificationReport = wh.verifyDetailed("{}", new Map([["webhook-id", "m"]]));
const jv = new JwksVerifier({ jwksUrl: "https://example.com/jwks.json", audience: "me" });
const later: Promise<unknown> = jv.verify("{}", {});
export function codeOf(e: unknown): string | undefined { return e instanceof WebhookVerificationError ? e.code : undefined; }
void parsed; void report; void later;
`);
  run(process.execPath, [tsc, "-p", "."], dir);
  writeFileSync(join(dir, "consumer.ts"), `import { Webhook } from "hookwall"; new Webhook(42);\n`);
  assert.throws(() => run(process.execPath, [tsc, "-p", "."], dir), "tsc rejects a wrong call");
});
