// The signature playground in headless Chromium (Debian's, driven by playwright-core; no
// browser download), served by a plain local static server. Screenshots go to artifacts/www/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, extname, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = join(root, "www/dist");
const artifacts = join(root, "artifacts/www");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };

let server, base, context, page, profile;
const requests = [];
const consoleErrors = [];

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
  // A fresh, empty profile per run; Debian's chromium, never a downloaded browser.
  profile = await mkdtemp(join(tmpdir(), "hookwall-www-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  // Any request or inline code the page's own CSP blocks is recorded and checked at the end.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await page.goto(base);
  await page.waitForSelector("body[data-ready=true]");
});

after(async () => {
  await context?.close();
  await new Promise((r) => server.close(r));
  if (profile) await rm(profile, { recursive: true, force: true });
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

test("the Content-Security-Policy is enforced: a request to another origin is blocked", async () => {
  const probe = await context.newPage();
  await probe.goto(base);
  await probe.waitForSelector("body[data-ready=true]");
  const result = await probe.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
    let sent = true;
    try {
      await fetch("http://127.0.0.1:9/collect", { method: "POST", body: "secret" });
    } catch {
      sent = false;
    }
    await new Promise((r) => setTimeout(r, 100));
    return { sent, violations };
  });
  await probe.close();
  assert.equal(result.sent, false);
  assert.ok(result.violations.includes("connect-src"), JSON.stringify(result.violations));
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
  // A narrower shot of the Verify section alone, for the README (docs/playground-verify.png).
  await page.setViewportSize({ width: 960, height: 900 });
  await page.locator("#verify").screenshot({ path: join(artifacts, "readme-verify.png") });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("an expired timestamp turns the timestamp step red", async () => {
  await page.click('[data-example="expired"]');
  assert.equal(await verdictOk(), false);
  const ts = (await steps()).find((x) => x.name === "timestamp");
  assert.equal(ts.ok, false);
  assert.match(ts.text, /timestamp_too_old/);
  assert.match(ts.text, /skew\s*-301 s \(tolerance ±300 s\)/);
  assert.ok((await steps()).filter((x) => x.name === "signature").every((x) => x.ok), "the signature itself still matches");
});

test("rotated secrets, v1a via JWKS, an RS256 JWT and the Standard Webhooks vector verify", async () => {
  for (const name of ["rotated", "v1a", "jwt", "reference"]) {
    await page.click(`[data-example="${name}"]`);
    assert.equal(await verdictOk(), true, name);
    const states = await page.$$eval("#v-result .step", (els) => els.map((e) => e.dataset.state));
    assert.ok(!states.includes("fail"), `${name}: ${states}`);
    if (name !== "rotated") assert.ok((await steps()).every((x) => x.ok), name);
  }
  // Rotation: the old secret's entry matched no configured key; the new one verified.
  await page.click('[data-example="rotated"]');
  const sig = await page.$$eval('#v-result .step[data-step="signature"]', (els) => els.map((e) => ({ state: e.dataset.state, text: e.textContent })));
  assert.deepEqual(sig.map((x) => x.state), ["info", "ok"]);
  assert.match(sig[0].text, /not used/);
  assert.match(sig[1].text, /matches secret #1/);
});

test("the RS256 JWT example shows the JWT header and claims and the body binding", async () => {
  await page.click('[data-example="jwt"]');
  const sig = (await steps()).find((x) => x.name === "signature");
  assert.match(sig.text, /JWT header.*"alg":"RS256"/);
  assert.match(sig.text, /"kid":"playground-rsa-1"/);
  assert.match(sig.text, /JWT claims \(as sent\).*"body_sha256"/);
  assert.match(sig.text, /body bound by/);
  assert.match(await page.textContent("#verdict"), /JWKS key playground-rsa-1/);
  await page.screenshot({ path: join(artifacts, "verify-jwt.png"), fullPage: true });
  // The same token against a changed body: the core refuses the binding, and the page says so.
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace("batch_123456", "batch_654321"));
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  assert.match(await page.textContent("#verdict"), /jwt_body_not_bound/);
});

test("a failed signature shows the body's event as unverified, not green", async () => {
  await page.click('[data-example="tampered"]');
  const payload = await page.$eval('#v-result .step[data-step="payload"]', (e) => ({ state: e.dataset.state, text: e.textContent, bg: getComputedStyle(e).backgroundColor }));
  assert.equal(payload.state, "info");
  assert.match(payload.text, /unverified/);
  const okBg = await page.$eval('#v-result .step[data-step="timestamp"]', (e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(payload.bg, okBg);
});

test("the advice under a failed step says what to do", async () => {
  await page.click('[data-example="tampered"]');
  assert.match(await page.textContent('#v-result .step[data-state="fail"] .tip'), /byte for byte/);
  await page.fill("#v-body", `${await page.inputValue("#v-body")}\n`);
  await page.click("#v-run");
  assert.match(await page.textContent("#v-result"), /ends with a line break/);
  await page.click('[data-example="expired"]');
  assert.match(await page.textContent('#v-result .step[data-step="timestamp"] .tip'), /clear it/);
  await page.fill("#v-now", "1674087231");
  await page.fill("#v-keys", "");
  await page.click("#v-run");
  assert.match(await page.textContent("#verdict"), /no_key_for_scheme/);
  assert.match(await page.textContent("#v-result"), /Add a whsec_ secret/);
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
  await page.screenshot({ path: join(artifacts, `sign-${scheme}.png`), fullPage: true });
  await page.click("#s-to-verify");
  assert.equal(await page.isVisible("#verify"), true);
  assert.equal(await verdictOk(), true, `${scheme} round trip`);
  assert.match(await page.textContent("#verdict"), new RegExp(`signed with ${scheme}`));
  // The decoded event, with the fields of its type.
  const payload = (await steps()).find((x) => x.name === "payload");
  assert.match(payload.text, /type\s*video\.generated/);
  assert.match(payload.text, /output_file_uri\s*gs:\/\/my-bucket\/videos\//);
  assert.match(payload.text, /file_name\s*files\/video_/);
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
  assert.match(await page.textContent("#v-parsed"), /Read 4 headers and the body from the curl command/);
  assert.match(await page.inputValue("#v-headers"), /^content-type: application\/json\nwebhook-id: msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\n/);
  assert.equal(await verdictOk(), true);
});

test("a pasted raw HTTP request is parsed into headers and body", async () => {
  await page.click('[data-example="valid"]');
  const body = await page.inputValue("#v-body");
  const request = ["POST /webhooks/gemini HTTP/1.1", "Host: example.com", "Content-Type: application/json",
    `Content-Length: ${body.length}`, "Webhook-Id: msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "Webhook-Timestamp: 1674087231",
    "Webhook-Signature: v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=", "", body].join("\r\n");
  await page.fill("#v-body", "");
  await page.fill("#v-headers", request);
  await page.click("#v-run");
  assert.equal(await page.inputValue("#v-body"), body);
  assert.match(await page.textContent("#v-parsed"), /Read 6 headers and the body from the HTTP request/);
  assert.equal(await verdictOk(), true);
  // The same request with one byte of the body changed fails on the signature.
  await page.fill("#v-headers", request.replace("batch_123456", "batch_123457"));
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  assert.match(await page.textContent("#verdict"), /no_matching_signature/);
});

test("the JWKS is fetched only when the user asks, and then used", async () => {
  const p = await context.newPage();
  const hits = [];
  const jwks = '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"test-key-1","alg":"EdDSA","use":"sig"}]}';
  // Answered by the test itself: no network is involved.
  await p.route("https://keys.example.test/**", (route) => {
    hits.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "application/json", headers: { "access-control-allow-origin": "*" }, body: jwks });
  });
  await p.goto(base);
  await p.waitForSelector("body[data-ready=true]");
  await p.click('[data-example="v1a"]');
  await p.fill("#v-jwks", "");
  await p.click("#v-run");
  assert.match(await p.textContent("#verdict"), /no_key_for_scheme/);
  assert.deepEqual(hits, [], "nothing is fetched before the button is pressed");
  await p.fill("#v-jwks-url", "http://keys.example.test/jwks.json");
  await p.click("#v-fetch");
  assert.match(await p.textContent("#v-jwks-status"), /Only https:/);
  await p.fill("#v-jwks-url", "https://keys.example.test/jwks.json");
  await p.click("#v-fetch");
  await p.waitForFunction(() => /^Fetched/.test(document.getElementById("v-jwks-status").textContent));
  assert.match(await p.textContent("#v-jwks-status"), /1 usable key: test-key-1 \(Ed25519\)/);
  assert.deepEqual(hits, ["https://keys.example.test/jwks.json"]);
  await p.click("#v-run");
  assert.equal(await p.$eval("#verdict", (e) => e.dataset.ok), "true");
  await p.close();
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

test("keyboard only: the Sign tab, and Ctrl+Enter from a field", async () => {
  await page.focus("#tab-verify");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-sign");
  await page.keyboard.press("Enter");
  assert.equal(await page.isVisible("#sign"), true);
  await page.focus("#s-body");
  await page.keyboard.press("Control+Enter");
  assert.match(await page.textContent("#s-headers"), /webhook-signature: v1a?,/);
  await page.focus("#s-to-verify");
  await page.keyboard.press("Enter");
  assert.equal(await verdictOk(), true);
  await page.focus("#v-body");
  await page.keyboard.press("End");
  await page.keyboard.type(" ");
  await page.keyboard.press("Control+Enter");
  assert.equal(await verdictOk(), false);
});

test("works offline once loaded: verify and sign need no network", async () => {
  const p = await context.newPage();
  p.on("request", (r) => requests.push(r.url()));
  await p.goto(base);
  await p.waitForSelector("body[data-ready=true]");
  await context.setOffline(true);
  try {
    await p.click('[data-example="v1a"]');
    assert.equal(await p.$eval("#verdict", (e) => e.dataset.ok), "true");
    await p.click("#tab-sign");
    await p.click("#s-new-secret");
    await p.click("#s-run");
    await p.click("#s-to-verify");
    assert.equal(await p.$eval("#verdict", (e) => e.dataset.ok), "true");
  } finally {
    await context.setOffline(false);
    await p.close();
  }
});

test("bad key material is explained in words", async () => {
  await page.click('[data-example="valid"]');
  await page.fill("#v-keys", "whsec_%%%");
  await page.click("#v-run");
  assert.match(await page.textContent("#v-result"), /not base64/);
});

test("readable at a phone width (375 px): no horizontal scrolling", async () => {
  const phone = await context.newPage();
  phone.on("request", (r) => requests.push(r.url()));
  await phone.setViewportSize({ width: 375, height: 800 });
  await phone.goto(base);
  await phone.waitForSelector("body[data-ready=true]");
  await phone.click('[data-example="tampered"]');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `overflows by ${overflow}px`);
  await phone.screenshot({ path: join(artifacts, "verify-failure-phone.png"), fullPage: true });
  await phone.click('[data-example="valid"]');
  assert.equal(await phone.$eval("#verdict", (e) => e.dataset.ok), "true");
  await phone.screenshot({ path: join(artifacts, "verify-success-phone.png"), fullPage: true });
  await phone.click("#tab-sign");
  await phone.click("#s-run");
  const signOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(signOverflow <= 0, `the Sign tab overflows by ${signOverflow}px`);
  await phone.close();
});

test("the page never tripped its own Content-Security-Policy and logged no errors", async () => {
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(consoleErrors, []);
});

test("nothing typed left the page: only the page's own files were requested", () => {
  const foreign = requests.filter((u) => !u.startsWith(base));
  assert.deepEqual(foreign, []);
  const paths = new Set(requests.map((u) => new URL(u).pathname));
  for (const p of paths) assert.ok(["/", "/style.css", "/app.js", "/parse.js", "/pkg/hookwall_js.js", "/pkg/hookwall_js_bg.wasm"].includes(p), p);
});
