// The signature playground in headless Chromium (Debian's, driven by playwright-core; no
// browser download), served by Cloudflare's asset worker in workerd (Miniflare, serve.mjs), so
// the security headers come from www/dist/_headers as at the edge. Deliveries made up here are
// signed with the reference library (standardwebhooks), never with hookwall. Screenshots go to
// artifacts/www/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdir } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { serveDist, root, dist } from "./serve.mjs";
import { SECRETS, GEMINI, RFC8032 } from "../vectors.mjs";

const artifacts = join(root, "artifacts/www");
const AXE = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
const SECRET = SECRETS[0];
const ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"];

let server, base, browser, context, page;
const requests = [];
const consoleErrors = [];

/** A page in a context of its own (no service worker from other tests unless asked). */
async function freshPage({ viewport = { width: 1280, height: 800 }, colorScheme = "light", serviceWorkers = "block", permissions = [], quiet = false } = {}) {
  const ctx = await browser.newContext({ viewport, colorScheme, serviceWorkers });
  if (permissions.length) await ctx.grantPermissions(permissions, { origin: base.replace(/\/$/, "") });
  const p = await ctx.newPage();
  if (quiet) return p;
  p.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  p.on("console", (m) => { if (m.type() === "error" || /preload/i.test(m.text())) consoleErrors.push(m.text()); });
  return p;
}
async function open(p, path = "") {
  await p.goto(base + path);
  await p.waitForSelector("body[data-ready=true]");
  return p;
}

before(async () => {
  await mkdir(artifacts, { recursive: true });
  ({ base, close: server } = await serveDist());
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
  page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error" || /preload/i.test(m.text())) consoleErrors.push(m.text()); });
  // Any request or inline code the page's own CSP blocks is recorded and checked at the end.
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await open(page);
});

after(async () => {
  await browser?.close();
  await server?.();
});

const steps = (p = page) => p.$$eval("#v-result .step", (els) => els.map((e) => ({ name: e.dataset.step, ok: e.dataset.ok === "true", state: e.dataset.state, text: e.textContent })));
const verdictOk = (p = page) => p.$eval("#verdict", (e) => e.dataset.ok === "true");
const verdictText = (p = page) => p.textContent("#verdict");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery signed now by the reference library: { id, ts, sig, body, headers }. */
function delivery(body, { ts = nowSeconds(), id = `msg_${Math.random().toString(36).slice(2)}`, secret = SECRET } = {}) {
  // standardwebhooks signs strings; binary bodies are signed per the spec with Node's HMAC.
  const sig = typeof body === "string"
    ? new Webhook(secret.replace(/^whsec_/, "")).sign(id, new Date(ts * 1000), body)
    : `v1,${createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64")).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body])).digest("base64")}`;
  return { id, ts, sig, body, headers: [["webhook-id", id], ["webhook-timestamp", String(ts)], ["webhook-signature", sig]] };
}
const headerLines = (d) => d.headers.map(([k, v]) => `${k}: ${v}`).join("\n");

/** Pastes text into a field the way a browser does (a paste event carrying text/plain, CR intact). */
async function paste(p, selector, text) {
  await p.focus(selector);
  await p.$eval(selector, (el, t) => {
    el.select();
    const data = new DataTransfer();
    data.setData("text/plain", t);
    const ev = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    if (el.dispatchEvent(ev)) {
      // Not taken over by the page: insert as the browser would (the textarea turns CR LF into LF).
      el.setRangeText(t, el.selectionStart, el.selectionEnd, "end");
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, text);
}

/** Fills the form for a delivery with the real clock (no example state). */
async function fillDelivery(p, { headers = "", body = "", keys = SECRET, event = true } = {}) {
  await p.fill("#v-headers", headers);
  await p.fill("#v-body", "");
  await p.selectOption("#v-body-format", "text");
  await p.fill("#v-body", body);
  await p.fill("#v-keys", keys);
  await p.fill("#v-jwks", "");
  await p.fill("#v-now", "");
  await p.fill("#v-tolerance", "300");
  await p.setChecked("#v-event", event);
}

// ---- Served headers and privacy --------------------------------------------------------------

test("the asset path serves the page with real security headers from _headers", async () => {
  const res = await fetch(base);
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /connect-src 'self'(;|$)/, "connect-src is the page's own origin only");
  assert.doesNotMatch(csp, /https:|unsafe-inline/);
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  for (const path of ["app.js", "pkg/hookwall_js_bg.wasm", "sw.js"]) {
    const r = await fetch(base + path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get("content-security-policy"), /frame-ancestors 'none'/, path);
  }
  // The JWKS frame alone may reach https: hosts, and only its own page may frame it.
  const frame = await fetch(`${base}jwks-frame.html`);
  assert.equal(frame.headers.get("content-security-policy").split(",").length, 1, "one policy, not the page's appended");
  assert.match(frame.headers.get("content-security-policy"), /connect-src https:;.*frame-ancestors 'self'/);
  assert.equal(frame.headers.get("x-frame-options"), "SAMEORIGIN");
  assert.equal((await fetch(`${base}_headers`)).status, 404, "_headers itself is not served");
});

test("laid out as the worker serves it (/playground/, _headers at the assets root): headers, page, JWKS frame, offline", async () => {
  const sub = await serveDist({ under: "playground" });
  try {
    const res = await fetch(sub.base);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-security-policy"), /frame-ancestors 'none'/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match((await fetch(`${sub.base}jwks-frame.html`)).headers.get("content-security-policy"), /connect-src https:;.*frame-ancestors 'self'/);
    assert.equal((await fetch(`${sub.base}_headers`)).status, 404);
    const ctx = await browser.newContext({ serviceWorkers: "allow" });
    const p = await ctx.newPage();
    await p.goto(sub.base);
    await p.waitForSelector("body[data-ready=true]");
    await p.waitForSelector("body[data-offline=true]");
    await p.click('[data-example="jwt"]');
    assert.equal(await verdictOk(p), true);
    await ctx.setOffline(true);
    await p.reload();
    await p.waitForSelector("body[data-ready=true]");
    await p.click('[data-example="valid"]');
    assert.equal(await verdictOk(p), true);
    await ctx.close();
  } finally {
    await sub.close();
  }
});

test("frame-ancestors 'none': another site cannot frame the playground", async () => {
  const p = await freshPage();
  await p.route("http://embed.test/", (r) => r.fulfill({ contentType: "text/html", body: `<iframe src="${base}"></iframe>` }));
  await p.goto("http://embed.test/");
  await p.waitForTimeout(1000);
  const framed = p.frames().find((f) => f !== p.mainFrame());
  const ready = await framed.evaluate(() => document.body?.dataset.ready ?? null).catch(() => null);
  assert.notEqual(ready, "true", "the framed playground must not run");
  await p.context().close();
});

test("connect-src is 'self': a request to any other host, https included, is blocked", async () => {
  const probe = await open(await freshPage({ quiet: true })); // its blocked requests log errors on purpose
  const result = await probe.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.blockedURI));
    const sent = [];
    for (const url of ["http://127.0.0.1:9/collect", "https://collector.example.test/collect"]) {
      try {
        await fetch(url, { method: "POST", body: "secret" });
        sent.push(url);
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 100));
    return { sent, violations };
  });
  await probe.context().close();
  assert.deepEqual(result.sent, []);
  assert.ok(result.violations.includes("connect-src"), JSON.stringify(result.violations));
  assert.ok(result.violations.includes("http://127.0.0.1:9/collect"), JSON.stringify(result.violations));
  assert.ok(result.violations.includes("https://collector.example.test/collect"), JSON.stringify(result.violations));
  assert.match(await page.textContent("#privacy"), /never sent anywhere/);
});

test("preload hints: the modules and the wasm start loading from the HTML", async () => {
  const hints = await page.$$eval("link[rel=modulepreload], link[rel=preload]", (ls) => ls.map((l) => `${l.rel} ${l.getAttribute("href")}`));
  assert.deepEqual(hints, ["modulepreload app.js", "modulepreload parse.js", "modulepreload pkg/hookwall_js.js", "preload pkg/hookwall_js_bg.wasm"]);
  // Each file is requested once: the preloads are the requests the page then uses.
  const wasm = requests.filter((u) => u.endsWith("/pkg/hookwall_js_bg.wasm"));
  assert.equal(wasm.length, 1, JSON.stringify(wasm));
});

// ---- Verdicts and examples ---------------------------------------------------------------------

test("the valid reference vector verifies green", async () => {
  await page.click('[data-example="valid"]');
  assert.equal(await verdictOk(), true);
  const s = await steps();
  assert.ok(s.length >= 5);
  assert.ok(s.every((x) => x.ok), JSON.stringify(s));
  const payload = s.find((x) => x.name === "payload");
  assert.match(payload.text, /batch\.succeeded/);
  assert.match(payload.text, /gs:\/\/my-bucket\/results\.jsonl/);
  // Screen readers hear each step's state, not only a colour.
  assert.match(s[0].text, /^✓Passed\. Body/);
});

test("a tampered body: the headline names the body, not the secret, from a variant the core verified", async () => {
  await page.click('[data-example="tampered"]');
  assert.equal(await verdictOk(), false);
  const headline = await verdictText();
  assert.match(headline, /no_matching_signature/);
  assert.match(headline, /not byte for byte what was signed: written as compact JSON it verifies with secret #1/);
  assert.doesNotMatch(headline, /check the secret/, "the secret is proven right by the variant");
  const sig = (await steps()).filter((x) => x.name === "signature");
  assert.ok(sig.some((x) => !x.ok), JSON.stringify(sig));
  assert.match(sig.map((x) => x.text).join(" "), /expected with secret #1/);
  assert.ok((await steps()).find((x) => x.name === "timestamp").ok, "the timestamp itself is fine");
  // A change no variant explains: the headline is neutral between secret and body.
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace("batch_123456", "batch_654321"));
  await page.click("#v-run");
  assert.match(await verdictText(), /Either the secret or key is not this sender's, or the body, webhook-id or webhook-timestamp changed/);
});

test("no secret entered: one clear headline, and the entries are 'not checked' rather than failed", async () => {
  await page.click('[data-example="valid"]');
  await page.fill("#v-keys", "");
  await page.click("#v-run");
  assert.match(await verdictText(), /No secret or key entered/);
  // One failure, the entry itself: the core marks it no_key_for_scheme, the page says why.
  const failed = (await steps()).filter((s) => s.state === "fail");
  assert.equal(failed.length, 1, JSON.stringify(failed));
  assert.equal(failed[0].name, "signature");
  assert.match(failed[0].text, /no_key_for_scheme/);
  assert.match(failed[0].text, /not checked \(no secret or key entered\)/);
});

test("an expired timestamp turns the timestamp step red, with dates and relative times", async () => {
  await page.click('[data-example="expired"]');
  assert.equal(await verdictOk(), false);
  const ts = (await steps()).find((x) => x.name === "timestamp");
  assert.equal(ts.ok, false);
  assert.match(ts.text, /timestamp_too_old/);
  assert.match(ts.text, /skew\s*-301 s \(tolerance ±300 s\)/);
  assert.match(ts.text, new RegExp(`signed at\\s*${GEMINI.timestamp} 2023-01-19 00:13:51 UTC, \\d+ years ago`));
  assert.match(await page.textContent("#v-now-info"), /^2023-01-19 00:18:52 UTC, \d+ years ago$/);
  assert.ok((await steps()).filter((x) => x.name === "signature").every((x) => x.ok), "the signature itself still matches");
});

test("rotated secrets, v1a via JWKS, an RS256 JWT and the Standard Webhooks vector verify", async () => {
  for (const name of ["rotated", "v1a", "jwt", "reference"]) {
    await page.click(`[data-example="${name}"]`);
    assert.equal(await verdictOk(), true, name);
    const states = (await steps()).map((s) => s.state);
    assert.ok(!states.includes("fail"), `${name}: ${states}`);
    if (name !== "rotated") assert.ok((await steps()).every((x) => x.ok), name);
  }
  await page.click('[data-example="rotated"]');
  const sig = (await steps()).filter((s) => s.name === "signature");
  assert.deepEqual(sig.map((x) => x.state), ["info", "ok"]);
  assert.match(sig[0].text, /not used/);
  assert.match(sig[1].text, /matches secret #1/);
});

test("the RS256 JWT example shows the JWT header, claims with dates, and the body binding", async () => {
  await page.click('[data-example="jwt"]');
  const sig = (await steps()).find((x) => x.name === "signature");
  assert.match(sig.text, /JWT header.*"alg":"RS256"/);
  assert.match(sig.text, /JWT claims \(as sent\).*"body_sha256"/);
  assert.match(sig.text, /iat 2023-01-19 00:13:51 UTC, \d+ years ago; exp 2023-01-19 00:18:51 UTC/);
  assert.match(await verdictText(), /JWKS key playground-rsa-1/);
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace("batch_123456", "batch_654321"));
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  assert.match(await verdictText(), /jwt_body_not_bound/);
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
  assert.match(await page.textContent('#v-result .step[data-state="fail"] .tip'), /compact JSON verifies with secret #1/);
  await page.fill("#v-body", `${await page.inputValue("#v-body")}\n`);
  await page.click("#v-run");
  assert.match(await page.textContent("#v-result"), /ends with a line break/);
  await page.click('[data-example="expired"]');
  assert.match(await page.textContent('#v-result .step[data-step="timestamp"] .tip'), /clear it/);
  await page.fill("#v-now", String(GEMINI.timestamp));
  await page.fill("#v-jwks", "{\"keys\":[]}");
  await page.fill("#v-keys", "");
  await page.click("#v-run");
  assert.match(await verdictText(), /no_key_for_scheme/);
  assert.match(await page.textContent("#v-result"), /Add a whsec_ secret/);
});

// ---- Exact body bytes ----------------------------------------------------------------------------

const CRLF_BODY = '{"type":"batch.succeeded",\r\n "version":"v1",\r\n "data":{"id":"batch_crlf"}}\r\n';

test("CRLF body pasted as text keeps its CR bytes and verifies (typed LF would not)", async () => {
  const d = delivery(CRLF_BODY);
  await fillDelivery(page, { headers: headerLines(d) });
  // Typing it (the textarea turns CR LF into LF) fails, and the headline says why.
  await page.fill("#v-body", CRLF_BODY);
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  assert.match(await verdictText(), /with CRLF line breaks instead of LF it verifies/);
  await paste(page, "#v-body", CRLF_BODY);
  assert.equal(await page.inputValue("#v-body-format"), "crlf");
  await page.click("#v-run");
  assert.equal(await verdictOk(), true, await verdictText());
  assert.match(await page.textContent("#v-body-info"), new RegExp(`^${Buffer.byteLength(CRLF_BODY)} bytes`));
});

test("CRLF body in a pasted curl command (Chrome's $'…\\r\\n…' and a raw CR) verifies", async () => {
  const d = delivery(CRLF_BODY);
  const ansi = CRLF_BODY.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  const heads = d.headers.map(([k, v]) => `  -H '${k}: ${v}'`).join(" \\\r\n");
  for (const cmd of [`curl 'https://example.com/hook' \\\r\n${heads} \\\r\n  --data-raw $'${ansi}'`,
    `curl https://example.com/hook \\\n${heads.replace(/\r/g, "")} \\\n  --data-binary '${CRLF_BODY}'`]) {
    await fillDelivery(page);
    await page.click("#v-run"); // a result on screen
    await paste(page, "#v-headers", cmd);
    await page.waitForFunction(() => !document.getElementById("v-result").classList.contains("stale") && document.getElementById("verdict")?.dataset.ok === "true");
    assert.match(await page.textContent("#v-parsed"), /Read 3 headers and the body from the curl command/);
    assert.equal(await page.inputValue("#v-body-format"), "crlf");
  }
});

test("CRLF body in a pasted raw HTTP request verifies", async () => {
  const d = delivery(CRLF_BODY);
  const req = ["POST /hook HTTP/1.1", "Host: example.com", `Content-Length: ${Buffer.byteLength(CRLF_BODY)}`, ...d.headers.map(([k, v]) => `${k}: ${v}`), "", CRLF_BODY].join("\r\n");
  await fillDelivery(page);
  await paste(page, "#v-headers", req);
  await page.waitForSelector("#verdict");
  await page.click("#v-run");
  assert.equal(await verdictOk(), true, await verdictText());
  assert.match(await page.textContent("#v-parsed"), /Read 5 headers and the body from the HTTP request/);
  assert.doesNotMatch(await page.textContent("#v-parsed"), /Content-Length says/);
});

test("binary bodies: base64, hex and a file give the exact bytes", async () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const d = delivery(bytes);
  for (const [format, value] of [["base64", bytes.toString("base64")], ["hex", bytes.toString("hex")]]) {
    await fillDelivery(page, { headers: headerLines(d), event: false });
    await page.selectOption("#v-body-format", format);
    await page.fill("#v-body", value);
    await page.click("#v-run");
    assert.equal(await verdictOk(), true, `${format}: ${await verdictText()}`);
  }
  await fillDelivery(page, { headers: headerLines(d), event: false });
  await page.setInputFiles("#v-body-file", { name: "body.bin", mimeType: "application/octet-stream", buffer: bytes });
  await page.waitForFunction(() => /Loaded body\.bin \(256 bytes\)/.test(document.getElementById("v-body-info").textContent));
  assert.equal(await page.inputValue("#v-body-format"), "base64");
  await page.click("#v-run");
  assert.equal(await verdictOk(), true);
  // One byte off in hex is a mismatch.
  await page.selectOption("#v-body-format", "hex");
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace(/^00/, "01"));
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  await page.fill("#v-body", "zz");
  await page.click("#v-run");
  assert.match(await verdictText(), /not valid hex/);
});

// ---- Header pastes ------------------------------------------------------------------------------

test("headers as a JSON object, Node's console.log, a Python dict, and svix-* names verify", async () => {
  const body = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_obj"}}';
  const d = delivery(body);
  const obj = { host: "example.com", "content-type": "application/json", ...Object.fromEntries(d.headers) };
  const svix = Object.fromEntries(d.headers.map(([k, v]) => [k.replace("webhook-", "svix-"), v]));
  const forms = [
    ["JSON", JSON.stringify(obj, null, 2)],
    ["Node", inspect(obj)],
    ["Python", `{${Object.entries(obj).map(([k, v]) => `'${k}': '${v}'`).join(", ")}}`],
    ["svix lines", Object.entries(svix).map(([k, v]) => `${k}: ${v}`).join("\n")],
    ["svix JSON", JSON.stringify(svix)],
  ];
  for (const [name, text] of forms) {
    await fillDelivery(page, { headers: text, body });
    await page.click("#v-run");
    assert.equal(await verdictOk(), true, `${name}: ${await verdictText()}`);
    if (name.startsWith("svix")) assert.match(await page.textContent("#v-parsed"), /Svix deliveries follow Standard Webhooks/, name);
  }
});

test("a pasted curl command is parsed into headers and body", async () => {
  await page.click('[data-example="valid"]');
  const body = await page.inputValue("#v-body");
  const curl = `curl -sS -X POST 'http://127.0.0.1:8787/' \\\n  -H 'content-type: application/json' \\\n  -H 'webhook-id: ${GEMINI.id}' \\\n  -H "webhook-timestamp: ${GEMINI.timestamp}" \\\n  -H 'webhook-signature: ${GEMINI.v1[0]}' \\\n  --data-binary '${body}'`;
  await page.fill("#v-body", "");
  await page.fill("#v-headers", curl);
  await page.click("#v-run");
  assert.equal(await page.inputValue("#v-body"), body);
  assert.match(await page.textContent("#v-parsed"), /Read 4 headers and the body from the curl command/);
  assert.match(await page.inputValue("#v-headers"), new RegExp(`^content-type: application/json\nwebhook-id: ${GEMINI.id}\n`));
  assert.equal(await verdictOk(), true);
});

// ---- The example's "Now" stays with the example -------------------------------------------------

test("an example's Now and note do not leak into a real delivery pasted after it", async () => {
  await page.click('[data-example="valid"]');
  assert.equal(await page.inputValue("#v-now"), String(GEMINI.timestamp));
  const body = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_live"}}';
  const d = delivery(body);
  await page.fill("#v-headers", headerLines(d));
  await page.fill("#v-body", body);
  await page.click("#v-run");
  assert.equal(await verdictOk(), true, await verdictText());
  assert.equal(await page.inputValue("#v-now"), "");
  assert.equal(await page.textContent("#example-note"), "");
  assert.match(await page.textContent("#v-parsed"), new RegExp(`“Now” was the example's \\(${GEMINI.timestamp}\\)`));
  // Editing the example's own body keeps its Now (the same delivery, tampered on purpose).
  await page.click('[data-example="valid"]');
  await page.fill("#v-body", `${await page.inputValue("#v-body")} `);
  await page.click("#v-run");
  assert.equal(await page.inputValue("#v-now"), String(GEMINI.timestamp));
  assert.doesNotMatch(await verdictText(), /timestamp/);
});

// ---- Live re-check, focus and viewport ---------------------------------------------------------

test("editing marks the result out of date at once and re-checks it", async () => {
  await page.click('[data-example="valid"]');
  assert.equal(await verdictOk(), true);
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace("batch_123456", "batch_000000"));
  assert.equal(await page.$eval("#v-result", (e) => e.classList.contains("stale")), true, "marked out of date");
  assert.match(await page.textContent("#v-stale"), /Out of date/);
  await page.waitForFunction(() => document.getElementById("verdict")?.dataset.ok === "false");
  assert.equal(await page.$eval("#v-result", (e) => e.classList.contains("stale")), false);
  assert.notEqual(await page.evaluate(() => document.activeElement.id), "verdict", "a live re-check leaves focus in the field");
  // Back to the signed body: green again, without pressing Verify.
  await page.fill("#v-body", (await page.inputValue("#v-body")).replace("batch_000000", "batch_123456"));
  await page.waitForFunction(() => document.getElementById("verdict")?.dataset.ok === "true");
  // A curl command typed into the headers is not split while typing: the result says so.
  await page.fill("#v-headers", "curl -H 'webhook-id: x'");
  await page.waitForFunction(() => /press Verify to read the curl command/.test(document.getElementById("v-stale")?.textContent ?? ""));
  assert.equal(await page.inputValue("#v-headers"), "curl -H 'webhook-id: x'");
});

for (const [w, h] of [[1280, 800], [390, 844]]) {
  test(`after Verify the verdict is in the viewport and focused (${w}x${h})`, async () => {
    const p = await open(await freshPage({ viewport: { width: w, height: h } }));
    const inView = () => p.$eval("#verdict", (e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
    for (const action of [() => p.click('[data-example="tampered"]'), () => p.click("#v-run"), async () => { await p.focus("#v-body"); await p.keyboard.press("Control+Enter"); }]) {
      await p.evaluate(() => scrollTo(0, 0));
      await action();
      assert.equal(await inView(), true);
      assert.equal(await p.evaluate(() => document.activeElement.id), "verdict");
    }
    await p.context().close();
  });
}

// ---- Hints and validation ---------------------------------------------------------------------------

test("a millisecond timestamp gets the 'looks like milliseconds' hint", async () => {
  const body = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_ms"}}';
  const ts = nowSeconds();
  const id = "msg_ms";
  const sig = new Webhook(SECRET.slice(6)).sign(id, new Date(ts * 1000), body);
  await fillDelivery(page, { headers: `webhook-id: ${id}\nwebhook-timestamp: ${ts * 1000}\nwebhook-signature: ${sig}`, body });
  await page.click("#v-run");
  assert.equal(await verdictOk(), false);
  assert.match(await verdictText(), new RegExp(`webhook-timestamp ${ts * 1000} looks like milliseconds: as seconds it is ${ts}`));
  assert.match(await page.textContent('#v-result .step[data-step="timestamp"] .tip'), /Math\.floor\(Date\.now\(\) \/ 1000\)/);
  await page.fill("#v-now", String(ts * 1000));
  await page.click("#v-run");
  assert.match(await verdictText(), /“Now” \d+ looks like milliseconds/);
});

test("tolerance: empty, negative or fractional is refused in words, not read as 0", async () => {
  await page.click('[data-example="valid"]');
  for (const bad of ["", "-5", "1.5"]) {
    await page.fill("#v-tolerance", bad);
    await page.click("#v-run");
    assert.match(await verdictText(), /Tolerance must be whole seconds, 0 or more/, JSON.stringify(bad));
    assert.equal(await page.getAttribute("#v-tolerance", "aria-invalid"), "true");
  }
  await page.fill("#v-tolerance", "300");
  await page.click("#v-run");
  assert.equal(await verdictOk(), true);
});

test("secret formats: a space inside, no prefix and not base64, a signing key, each named by line", async () => {
  await page.click('[data-example="valid"]');
  const cases = [
    ["whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw", /Line 1 of the secrets and keys has a space inside/],
    [`${SECRET}\nmy-plain-password!`, /Line 2 \(“my-plain-pas…”\) has no whsec_ prefix and is not base64/],
    ["whsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /Line 1 is a signing key \(whsk_…\)/],
    ["whsec_%%%", /Line 1 \(“whsec_%%%”\): the secret is not base64 after its whsec_ prefix/],
  ];
  for (const [keys, expected] of cases) {
    await page.fill("#v-keys", keys);
    await page.click("#v-run");
    assert.match(await verdictText(), expected, keys);
  }
  // Two prefixed secrets on one line are two secrets; a prefix-less base64 secret is read, with a note.
  await page.fill("#v-keys", `${SECRETS[1]} ${SECRET}`);
  await page.click("#v-run");
  assert.equal(await verdictOk(), true);
  await page.fill("#v-keys", SECRET.slice(6));
  await page.click("#v-run");
  assert.equal(await verdictOk(), true);
  assert.match(await page.textContent("#v-keys-info"), /Line 1 has no whsec_ prefix/);
});

// ---- Sign, copy --------------------------------------------------------------------------------------

async function signAndVerify(p, scheme) {
  await p.click("#tab-sign");
  await p.selectOption("#s-type", "video.generated");
  await p.click("#s-generate");
  await p.click(scheme === "v1" ? "#s-new-secret" : "#s-new-key");
  await p.click("#s-run");
  assert.match(await p.textContent("#s-headers"), new RegExp(`webhook-signature: ${scheme},`));
  assert.match(await p.textContent("#s-curl"), /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:8787\/'/);
  assert.equal(await p.evaluate(() => document.activeElement.id), "s-verdict");
  await p.click("#s-to-verify");
  assert.equal(await p.isVisible("#verify"), true);
  assert.equal(await verdictOk(p), true, `${scheme} round trip`);
  assert.match(await verdictText(p), new RegExp(`signed with ${scheme}`));
  const payload = (await steps(p)).find((x) => x.name === "payload");
  assert.match(payload.text, /type\s*video\.generated/);
  assert.match(payload.text, /output_file_uri\s*gs:\/\/my-bucket\/videos\//);
}

test("sign then verify round trip, v1", () => signAndVerify(page, "v1"));

test("a body signed with CRLF line breaks keeps them through Verify", async () => {
  const p = await open(await freshPage());
  await p.click("#tab-sign");
  await p.fill("#s-body", '{\n  "type": "batch.succeeded",\n  "data": {"id": "batch_crlf"}\n}');
  await p.selectOption("#s-eol", "crlf");
  await p.click("#s-new-secret");
  await p.click("#s-run");
  await p.click("#s-to-verify");
  assert.equal(await verdictOk(p), true, "the CRLF body verifies");
  assert.equal(await p.inputValue("#v-body-format"), "crlf");
  const size = (await steps(p)).find((x) => x.name === "body");
  assert.match(size.text, /66 bytes/, "63 bytes with LF, 3 more with CRLF");
  await p.close();
});
test("sign then verify round trip, v1a", () => signAndVerify(page, "v1a"));

test("copy buttons put the curl command, headers, secret, public key, JWKS and expected signature on the clipboard", async () => {
  const p = await open(await freshPage({ permissions: ["clipboard-read", "clipboard-write"] }));
  const clip = () => p.evaluate(() => navigator.clipboard.readText());
  await p.click("#tab-sign");
  await p.click("#s-new-secret");
  await p.click("#s-run");
  for (const id of ["s-headers", "s-curl", "s-secret-out", "s-body-out"]) {
    await p.click(`.out-head:has(+ #${id}) button.copy`);
    assert.equal(await clip(), await p.textContent(`#${id}`), id);
  }
  assert.match(await clip(), /^\{"type":/);
  assert.match(await p.textContent("#copy-status"), /Copied the body/);
  assert.equal(await p.textContent("#s-secret-out"), await p.inputValue("#s-secret"));
  await p.click("#s-new-key");
  await p.click("#s-run");
  for (const id of ["s-whpk", "s-jwks"]) {
    await p.click(`.out-head:has(+ #${id}) button.copy`);
    assert.equal(await clip(), await p.textContent(`#${id}`), id);
  }
  assert.match(await clip(), /^\{"keys":\[/);
  await p.click("#tab-verify");
  await p.click('[data-example="tampered"]');
  await p.click('button[aria-label="Copy the signature expected with secret #1"]');
  assert.match(await clip(), /^v1,[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(await clip(), GEMINI.v1[0], "the expected signature of the tampered body, not the received one");
  await p.context().close();
});

test("sharing: a link only on request, secrets only when ticked (with a warning), fragment cleared on load", async () => {
  const p = await open(await freshPage({ permissions: ["clipboard-read", "clipboard-write"] }));
  assert.equal(await p.evaluate(() => location.hash), "");
  await p.click('[data-example="rotated"]');
  assert.equal(await p.evaluate(() => location.hash), "", "loading an example puts nothing in the URL");
  await p.click("#v-share-box summary");
  await p.click("#v-share");
  const plain = await p.evaluate(() => navigator.clipboard.readText());
  assert.match(await p.textContent("#v-share-status"), /without secrets or keys/);
  const decode = (link) => JSON.parse(Buffer.from(new URL(link).hash.replace("#share=", ""), "base64url").toString());
  assert.equal(decode(plain).k, undefined);
  assert.doesNotMatch(JSON.stringify(decode(plain)), /whsec_/);
  assert.equal(await p.isVisible("#v-share-warning"), false);
  await p.check("#v-share-secret");
  assert.match(await p.textContent("#v-share-warning"), /anyone who gets this link .* can sign deliveries/);
  assert.equal(await p.isVisible("#v-share-warning"), true);
  await p.click("#v-share");
  const withKeys = await p.evaluate(() => navigator.clipboard.readText());
  assert.equal(decode(withKeys).k, SECRETS[1]);
  await p.context().close();
  for (const [link, ok] of [[plain, false], [withKeys, true]]) {
    const q = await freshPage();
    await q.goto(link);
    await q.waitForSelector("#verdict");
    assert.equal(await q.evaluate(() => location.hash), "", "the fragment is taken out of the address bar");
    assert.equal(await verdictOk(q), ok, await verdictText(q));
    assert.match(await q.textContent("#example-note"), ok ? /carried secrets or keys/ : /no secrets or keys: paste yours/);
    await q.context().close();
  }
});

// ---- Loading, file://, offline ---------------------------------------------------------------------

test("before the wasm is ready the page says it is loading, and a click runs once it is", async () => {
  const p = await freshPage();
  let release;
  const gate = new Promise((r) => { release = r; });
  await p.route("**/pkg/hookwall_js_bg.wasm", async (route) => { await gate; await route.continue(); });
  await p.goto(base);
  await p.waitForSelector("#tab-sign");
  assert.match(await p.textContent("#load-status"), /Loading the verifier/);
  await p.click('[data-example="valid"]');
  assert.match(await p.textContent("#load-status"), /Still loading the verifier; this runs as soon as it is ready/);
  release();
  await p.waitForSelector("body[data-ready=true]");
  await p.waitForSelector("#verdict");
  assert.equal(await verdictOk(p), true);
  assert.equal(await p.isVisible("#load-status"), false);
  await p.context().close();
});

test("opened from file:// the page says how to serve it instead of doing nothing", async () => {
  const p = await freshPage({ quiet: true }); // Chromium logs the refused module loads
  await p.goto(pathToFileURL(join(dist, "index.html")).href);
  await p.waitForSelector("body[data-ready=error]");
  assert.match(await p.textContent("#load-status"), /cannot run from a file:\/\/ address.*python3 -m http\.server/);
  await p.context().close();
});

test("works offline after the first load (service worker), and says so", async () => {
  const p = await freshPage({ serviceWorkers: "allow" });
  await open(p);
  await p.waitForSelector("body[data-offline=true]");
  assert.match(await p.textContent("#offline"), /works offline/);
  await p.context().setOffline(true);
  try {
    await p.reload();
    await p.waitForSelector("body[data-ready=true]");
    await p.click('[data-example="v1a"]');
    assert.equal(await verdictOk(p), true);
    // The page by its file name too (servers redirect it to ./; the cached copy must still answer).
    await p.goto(`${base}index.html?x=1`);
    await p.waitForSelector("body[data-ready=true]");
    await p.click("#tab-sign");
    await p.click("#s-new-secret");
    await p.click("#s-run");
    await p.click("#s-to-verify");
    assert.equal(await verdictOk(p), true);
  } finally {
    await p.context().setOffline(false);
    await p.context().close();
  }
});

test("the JWKS is fetched only when the user asks, in the sandboxed frame, and then used", async () => {
  const p = await freshPage();
  const hits = [];
  const jwks = JSON.stringify({ keys: [RFC8032.jwk] });
  // Answered by the test itself: no network is involved.
  await p.route("https://keys.example.test/**", (route) => {
    hits.push({ url: route.request().url(), frame: route.request().frame().url(), origin: route.request().headers().origin });
    return route.fulfill({ status: 200, contentType: "application/json", headers: { "access-control-allow-origin": "*" }, body: jwks });
  });
  await open(p);
  await p.click('[data-example="v1a"]');
  await p.fill("#v-jwks", "");
  await p.click("#v-run");
  assert.match(await verdictText(p), /no_key_for_scheme/);
  assert.deepEqual(hits, [], "nothing is fetched before the button is pressed");
  await p.fill("#v-jwks-url", "http://keys.example.test/jwks.json");
  await p.click("#v-fetch");
  assert.match(await p.textContent("#v-jwks-status"), /Only https:/);
  await p.fill("#v-jwks-url", "https://keys.example.test/jwks.json");
  await p.click("#v-fetch");
  await p.waitForFunction(() => /^Fetched/.test(document.getElementById("v-jwks-status").textContent));
  assert.match(await p.textContent("#v-jwks-status"), /1 usable key: test-key-1 \(Ed25519\)/);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].url, "https://keys.example.test/jwks.json");
  assert.match(hits[0].frame, /jwks-frame(\.html)?$/, "requested by the frame, not the page");
  assert.equal(hits[0].origin, "null", "the frame is sandboxed: an opaque origin");
  assert.equal(await p.$$eval("iframe", (f) => f.length), 0, "the frame is gone once done");
  await p.waitForFunction(() => document.getElementById("verdict")?.dataset.ok === "true");
  await p.context().close();
});

// ---- Keyboard and accessibility -------------------------------------------------------------------

test("keyboard only: examples and verify are reachable and work with Enter", async () => {
  await page.click("#tab-verify");
  await page.focus('[data-example="expired"]');
  await page.keyboard.press("Enter");
  assert.equal(await verdictOk(), false);
  await page.focus('[data-example="valid"]');
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  assert.equal(await verdictOk(), true);
  const unlabeled = await page.$$eval("input, textarea, select", (els) => els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id));
  assert.deepEqual(unlabeled, [], "every field has a label");
});

test("keyboard only: the Sign tab, the skip link on it, and Ctrl+Enter from a field", async () => {
  await page.focus("#tab-verify");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-sign");
  await page.keyboard.press("Enter");
  assert.equal(await page.isVisible("#sign"), true);
  // The skip link lands on something visible whichever tab is open.
  await page.focus(".skip");
  await page.keyboard.press("Enter");
  const target = await page.evaluate(() => ({ id: document.activeElement.id, visible: document.activeElement.checkVisibility() }));
  assert.deepEqual(target, { id: "main", visible: true });
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

test("the report is not one live region: a short status is announced instead", async () => {
  await page.click('[data-example="rotated"]');
  assert.equal(await page.$$eval("[aria-live], [role=status], [role=alert]", (els) => els.filter((e) => e.closest("#v-result")).length), 0);
  assert.equal(await page.getAttribute("#v-result", "aria-live"), null);
  assert.match(await page.textContent("#v-status"), new RegExp(`^Verified: ${GEMINI.id}\\.$`));
  await page.click('[data-example="tampered"]');
  assert.match(await page.textContent("#v-status"), /^Rejected: The body is not byte for byte/);
});

test("5000 secrets: the check stays quick and what is announced stays one short sentence", async () => {
  await page.click('[data-example="valid"]');
  const keys = [...Array.from({ length: 4999 }, (_, i) => `whsec_${Buffer.from(`another-secret-number-${i}-of-many`).toString("base64")}`), SECRET].join("\n");
  await page.$eval("#v-keys", (e, k) => { e.value = k; }, keys);
  const started = Date.now();
  await page.click("#v-run");
  const took = Date.now() - started;
  assert.equal(await verdictOk(), true, await verdictText());
  assert.match(await verdictText(), /secret #5000/);
  assert.ok((await page.textContent("#v-status")).length < 200);
  assert.ok(took < 10_000, `${took} ms`);
  console.log(`# 5000 secrets: verified and drawn in ${took} ms`);
});

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => { const s = Number(v) / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

for (const scheme of ["light", "dark"]) {
  test(`${scheme}: field borders have at least 3:1 contrast, and axe-core finds no violations in the main states`, async () => {
    const p = await open(await freshPage({ colorScheme: scheme }));
    const colours = await p.$eval("#v-headers", (e) => ({ border: getComputedStyle(e).borderTopColor, card: getComputedStyle(document.getElementById("verify")).backgroundColor, page: getComputedStyle(document.body).backgroundColor }));
    assert.ok(contrast(colours.border, colours.card) >= 3, `border ${colours.border} on ${colours.card}: ${contrast(colours.border, colours.card).toFixed(2)}`);
    if (scheme === "dark") assert.ok(contrast(colours.page, "rgb(255, 255, 255)") > 10, `dark background: ${colours.page}`);
    await p.evaluate(AXE);
    const axe = async (state) => {
      const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const v = r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(v, [], `${scheme} ${state}`);
    };
    await axe("empty");
    await p.click('[data-example="valid"]');
    await axe("verified");
    await p.screenshot({ path: join(artifacts, `verified-1280-${scheme}.png`), fullPage: true });
    await p.click('[data-example="tampered"]');
    await p.$$eval("#v-result details", (ds) => ds.forEach((d) => { d.open = true; }));
    await axe("rejected, details open");
    await p.screenshot({ path: join(artifacts, `rejected-1280-${scheme}.png`), fullPage: true });
    await p.fill("#v-body", "x");
    await axe("out of date");
    await p.click("#tab-sign");
    await p.click("#s-new-key");
    await p.click("#s-run");
    await axe("sign result");
    await p.screenshot({ path: join(artifacts, `sign-1280-${scheme}.png`), fullPage: true });
    await p.context().close();
  });
}

test("phone width (390x844): no horizontal scrolling; screenshots of verified, rejected and Sign", async () => {
  for (const scheme of ["light", "dark"]) {
    const phone = await open(await freshPage({ viewport: { width: 390, height: 844 }, colorScheme: scheme }));
    const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await phone.click('[data-example="tampered"]');
    assert.ok(await overflow() <= 0, `overflows by ${await overflow()}px`);
    await phone.screenshot({ path: join(artifacts, `rejected-390-${scheme}.png`) });
    await phone.click('[data-example="valid"]');
    assert.equal(await verdictOk(phone), true);
    await phone.screenshot({ path: join(artifacts, `verified-390-${scheme}.png`) });
    await phone.click("#tab-sign");
    await phone.click("#s-run");
    assert.ok(await overflow() <= 0, `the Sign tab overflows by ${await overflow()}px`);
    await phone.screenshot({ path: join(artifacts, `sign-390-${scheme}.png`) });
    await phone.context().close();
  }
});

test("README shot: the Verify section after a tampered delivery", async () => {
  const p = await open(await freshPage({ viewport: { width: 960, height: 900 } }));
  await p.click('[data-example="tampered"]');
  await p.evaluate(() => { document.activeElement.blur(); scrollTo(0, 0); });
  await p.locator("#verify").screenshot({ path: join(artifacts, "readme-verify.png") });
  await p.context().close();
});

// ---- Totals -------------------------------------------------------------------------------------------

test("the page's whole transfer is under 300 KB gzip", async () => {
  const p = await freshPage();
  const files = new Set();
  p.on("requestfinished", (r) => { if (r.url().startsWith(base)) files.add(new URL(r.url()).pathname); });
  await open(p);
  await p.context().close();
  let total = 0;
  for (const f of files) total += gzipSync(await readFile(join(dist, f === "/" ? "index.html" : f)), { level: 9 }).length;
  console.log(`# playground transfer: ${files.size} files, ${total} bytes gzip -9`);
  assert.ok(files.has("/pkg/hookwall_js_bg.wasm"));
  assert.ok(total < 300_000, `${total} bytes gzip`);
});

test("the page never tripped its own Content-Security-Policy and logged no errors", async () => {
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(consoleErrors, []);
});

test("nothing typed left the page: only the page's own files were requested", () => {
  const foreign = requests.filter((u) => !u.startsWith(base));
  assert.deepEqual(foreign, []);
  const paths = new Set(requests.map((u) => new URL(u).pathname));
  for (const p of paths) assert.ok(["/", "/style.css", "/boot.js", "/app.js", "/parse.js", "/vectors.json", "/pkg/hookwall_js.js", "/pkg/hookwall_js_bg.wasm"].includes(p), p);
});
