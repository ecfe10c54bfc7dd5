// The signature playground in headless Chromium (Debian's, driven by playwright-core; no
// browser download), served by a plain local static server. Screenshots go to artifacts/www/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = join(root, "www/dist");
const artifacts = join(root, "artifacts/www");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };

let server, base, browser, context, page;
const requests = [];

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = http.createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dist, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    // Playwright gives every launch a fresh, empty profile (its own --user-data-dir).
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]");
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server.close(r));
});

const steps = () => page.$$eval("#v-result .step", (els) => els.map((e) => ({ name: e.dataset.step, ok: e.dataset.ok === "true", text: e.textContent })));
const verdictOk = () => page.$eval("#verdict", (e) => e.dataset.ok === "true");

test("the page declares a strict Content-Security-Policy and says nothing leaves it", async () => {
  const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(await page.textContent("#privacy"), /never sent anywhere/);
});

test("the valid reference vector verifies green", async () => {
  await page.click('[data-example="valid"]');
  assert.equal(await verdictOk(), true);
  const s = await steps();
  assert.ok(s.length >= 5);
  assert.ok(s.every((x) => x.ok), JSON.stringify(s));
  const payload = s.find((x) => x.name === "payload");
  assert.match(payload.text, /batch\.succeeded/);
  assert.match(payload.text, /gs:\/\/my-bucket\/results\.jsonl/);
  await page.screenshot({ path: join(artifacts, "verify-success.png"), fullPage: true });
});

test("a one-byte tamper turns the signature step red, with the expected signature shown", async () => {
  await page.click('[data-example="tampered"]');
  assert.equal(await verdictOk(), false);
  const sig = (await steps()).filter((x) => x.name === "signature");
  assert.ok(sig.some((x) => !x.ok), JSON.stringify(sig));
  assert.match(sig.map((x) => x.text).join(" "), /no_matching_signature/);
  assert.match(sig.map((x) => x.text).join(" "), /expected with secret #1/);
  assert.ok((await steps()).find((x) => x.name === "timestamp").ok, "the timestamp itself is fine");
  await page.screenshot({ path: join(artifacts, "verify-failure.png"), fullPage: true });
});

test("an expired timestamp turns the timestamp step red", async () => {
  await page.click('[data-example="expired"]');
  assert.equal(await verdictOk(), false);
  const ts = (await steps()).find((x) => x.name === "timestamp");
  assert.equal(ts.ok, false);
  assert.match(ts.text, /timestamp_too_old/);
  assert.match(ts.text, /skew/);
});

test("rotated secrets, v1a via JWKS and the Standard Webhooks vector verify", async () => {
  for (const name of ["rotated", "v1a", "reference"]) {
    await page.click(`[data-example="${name}"]`);
    assert.equal(await verdictOk(), true, name);
  }
});

async function signAndVerify(scheme) {
  await page.click("#tab-sign");
  await page.selectOption("#s-type", "video.generated");
  await page.click("#s-generate");
  await page.click(scheme === "v1" ? "#s-new-secret" : "#s-new-key");
  await page.click("#s-run");
  const headers = await page.textContent("#s-headers");
  assert.match(headers, new RegExp(`webhook-signature: ${scheme},`));
  assert.match(await page.textContent("#s-curl"), /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:8787\/'/);
  await page.click("#s-to-verify");
  assert.equal(await page.isVisible("#verify"), true);
  assert.equal(await verdictOk(), true, `${scheme} round trip`);
  assert.match(await page.textContent("#verdict"), new RegExp(`signed with ${scheme}`));
}

test("sign then verify round trip, v1", () => signAndVerify("v1"));
test("sign then verify round trip, v1a", () => signAndVerify("v1a"));

test("a pasted curl command is parsed into headers and body", async () => {
  await page.click('[data-example="valid"]');
  const body = await page.inputValue("#v-body");
  const curl = `curl -sS -X POST 'http://127.0.0.1:8787/' \\\n  -H 'content-type: application/json' \\\n  -H 'webhook-id: msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' \\\n  -H "webhook-timestamp: 1674087231" \\\n  -H 'webhook-signature: v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=' \\\n  --data-binary '${body}'`;
  await page.fill("#v-body", "");
  await page.fill("#v-headers", curl);
  await page.click("#v-run");
  assert.equal(await page.inputValue("#v-body"), body);
  assert.match(await page.textContent("#v-parsed"), /curl command/);
  assert.equal(await verdictOk(), true);
});

test("keyboard only: examples and verify are reachable and work with Enter", async () => {
  await page.fill("#v-headers", "");
  await page.focus('[data-example="expired"]');
  await page.keyboard.press("Enter");
  assert.equal(await verdictOk(), false);
  await page.focus('[data-example="valid"]');
  await page.keyboard.press("Tab"); // to the next example
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  assert.equal(await verdictOk(), true);
  const unlabeled = await page.$$eval("input, textarea, select", (els) => els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id));
  assert.deepEqual(unlabeled, [], "every field has a label");
});

test("bad key material is explained in words", async () => {
  await page.click('[data-example="valid"]');
  await page.fill("#v-keys", "whsec_%%%");
  await page.click("#v-run");
  assert.match(await page.textContent("#v-result"), /not base64/);
});

test("readable at a phone width (375 px): no horizontal scrolling", async () => {
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 375, height: 800 });
  await phone.goto(base);
  await phone.waitForSelector("body[data-ready=true]");
  await phone.click('[data-example="tampered"]');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `overflows by ${overflow}px`);
  await phone.screenshot({ path: join(artifacts, "verify-failure-phone.png"), fullPage: true });
  await phone.close();
});

test("nothing typed left the page: only the page's own files were requested", () => {
  const foreign = requests.filter((u) => !u.startsWith(base));
  assert.deepEqual(foreign, []);
  const paths = new Set(requests.map((u) => new URL(u).pathname));
  for (const p of paths) assert.ok(["/", "/style.css", "/app.js", "/parse.js", "/pkg/hookwall_js.js", "/pkg/hookwall_js_bg.wasm"].includes(p), p);
});
