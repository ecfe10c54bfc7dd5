// The playground's page logic. Every verdict and step comes from the wasm core
// (`WasmVerifier.verifyDetailed`); this file reads the form, calls it, and draws the report.
import init, * as hw from "./pkg/hookwall_js.js";
import { parseDelivery, curlCommand } from "./parse.js";

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

// Vectors from the Standard Webhooks reference tests and protocol.md section 7.
const S1 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const S2 = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const GEMINI_BODY = '{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}';
const GEMINI_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const GEMINI_TS = 1674087231;
const SIG1 = "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=";
const SIG2 = "v1,O3JAY2pb4EkuEDnVJQDfE4WdWXGF2dh6lCCs5z4PbE0=";
const V1A = "v1a,DXa8VHIz6bpEqNB/LpvX1sMGLDMY2c50Iv8MSHHq4aXkZP3Aae5LGZa5wzbht++A1nJuG45+yNzVCBnRRgSMCQ==";
const RFC8032_JWKS = '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"test-key-1","alg":"EdDSA","use":"sig"}]}';
const headerText = (id, ts, sig) => `webhook-id: ${id}\nwebhook-timestamp: ${ts}\nwebhook-signature: ${sig}`;

const EXAMPLES = {
  valid: { headers: headerText(GEMINI_ID, GEMINI_TS, SIG1), body: GEMINI_BODY, keys: S1, jwks: "", now: GEMINI_TS + 12, event: true },
  tampered: { headers: headerText(GEMINI_ID, GEMINI_TS, SIG1), body: GEMINI_BODY.replace('"v1",', '"v1", '), keys: S1, jwks: "", now: GEMINI_TS + 12, event: true },
  expired: { headers: headerText(GEMINI_ID, GEMINI_TS, SIG1), body: GEMINI_BODY, keys: S1, jwks: "", now: GEMINI_TS + 3600, event: true },
  rotated: { headers: headerText(GEMINI_ID, GEMINI_TS, `${SIG1} ${SIG2}`), body: GEMINI_BODY, keys: S2, jwks: "", now: GEMINI_TS + 12, event: true },
  v1a: { headers: headerText(GEMINI_ID, GEMINI_TS, V1A), body: GEMINI_BODY, keys: "", jwks: RFC8032_JWKS, now: GEMINI_TS + 12, event: true },
  reference: {
    headers: headerText("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    body: '{"test": 2432232314}', keys: S1, jwks: "", now: 1614265330, event: false,
  },
};

const STEP_TITLES = { body: "Body", headers: "Headers", timestamp: "Timestamp", signature: "Signature", payload: "Event" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A configuration error thrown by the wasm bindings, in words. */
function describeError(e) {
  try {
    const { code, message } = JSON.parse(e);
    return `${message} (${code})`;
  } catch {
    return e instanceof Error ? e.message : String(e);
  }
}

function showTab(name) {
  for (const t of ["verify", "sign"]) {
    $(t).hidden = t !== name;
    $(`tab-${t}`).setAttribute("aria-pressed", String(t === name));
  }
}

function loadExample(name) {
  const x = EXAMPLES[name];
  $("v-headers").value = x.headers;
  $("v-body").value = x.body;
  $("v-keys").value = x.keys;
  $("v-jwks").value = x.jwks;
  $("v-now").value = String(x.now);
  $("v-tolerance").value = "300";
  $("v-event").checked = x.event;
  verify();
}

function renderError(target, text) {
  target.replaceChildren(el("p", { class: "verdict fail", role: "alert" }, "✗ ", text));
}

function verify() {
  const out = $("v-result");
  let parsed;
  try {
    parsed = parseDelivery($("v-headers").value);
  } catch (e) {
    return renderError(out, `The headers could not be read: ${e.message}.`);
  }
  const notes = [...parsed.notes];
  if (parsed.body !== null) {
    $("v-body").value = parsed.body;
    notes.unshift(`Read ${parsed.headers.length} headers and the body from the ${parsed.kind === "curl" ? "curl command" : "HTTP request"}.`);
  } else if (parsed.kind !== "lines") {
    notes.unshift(`Read ${parsed.headers.length} headers from the ${parsed.kind === "curl" ? "curl command" : "HTTP request"}.`);
  }
  $("v-parsed").textContent = notes.join(" ");

  const lines = $("v-keys").value.split(/\s+/).filter(Boolean);
  const config = {
    secrets: lines.filter((l) => !l.startsWith("whpk_")),
    publicKeys: lines.filter((l) => l.startsWith("whpk_")),
    toleranceSeconds: Math.max(0, Number($("v-tolerance").value) || 0),
    payload: $("v-event").checked ? "event" : "any",
  };
  if ($("v-jwks").value.trim()) config.jwks = $("v-jwks").value.trim();
  const nowText = $("v-now").value.trim();
  if (nowText && !/^\d+$/.test(nowText)) return renderError(out, "“Now” must be whole Unix seconds, or empty for this browser's clock.");
  const now = nowText ? Number(nowText) : Math.floor(Date.now() / 1000);

  let verifier;
  try {
    verifier = new hw.WasmVerifier(JSON.stringify(config));
  } catch (e) {
    return renderError(out, `The key material could not be used: ${describeError(e)}`);
  }
  const flat = parsed.headers.flat();
  const report = JSON.parse(verifier.verifyDetailed(encoder.encode($("v-body").value), flat, now));
  verifier.free();
  renderReport(out, report);
}

function renderReport(out, report) {
  const v = report.verdict;
  const ok = v.ok === "true";
  const verdict = ok
    ? el("p", { class: "verdict ok", id: "verdict", "data-ok": "true" }, "✓ Verified: ",
        el("code", {}, v.delivery.id), ` signed with ${v.delivery.scheme}${v.delivery.event ? `, event ${v.delivery.event.type}` : ""}.`)
    : el("p", { class: "verdict fail", id: "verdict", "data-ok": "false", role: "alert" }, `✗ Rejected (HTTP ${v.status}, `,
        el("code", {}, v.code), `): ${v.message}.`);
  const list = el("ol", { class: "steps", "aria-label": "Verification steps" });
  for (const step of report.steps) {
    const facts = el("dl", {});
    for (const f of step.facts) facts.append(el("dt", {}, f.label), el("dd", {}, el("code", {}, f.value)));
    list.append(el("li", { class: `step ${step.ok ? "ok" : "fail"}`, "data-step": step.name, "data-ok": String(step.ok) },
      el("span", { class: "mark", "aria-hidden": "true" }, step.ok ? "✓" : "✗"),
      el("strong", {}, `${STEP_TITLES[step.name] ?? step.name}${step.ok ? "" : " failed"}: `),
      step.message,
      step.code ? el("span", { class: "code" }, ` (${step.code})`) : "",
      step.facts.length ? facts : ""));
  }
  out.replaceChildren(verdict, list);
}

async function fetchJwks() {
  const url = $("v-jwks-url").value.trim();
  const status = $("v-parsed");
  if (!/^https:\/\//.test(url)) {
    status.textContent = "Only https:// JWKS URLs are fetched.";
    return;
  }
  status.textContent = `Fetching ${url} …`;
  try {
    const res = await fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" });
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    const text = await res.text();
    const info = JSON.parse(hw.inspectJwks(text));
    if (info.error) throw new Error(info.message);
    $("v-jwks").value = text;
    status.textContent = `Fetched ${info.keys.length} usable keys (${info.skipped.length} skipped).`;
  } catch (e) {
    status.textContent = `The JWKS could not be fetched: ${e.message}. Paste it instead.`;
  }
}

// ---- Sign ----------------------------------------------------------------------------------
const catalog = () => JSON.parse(hw.catalog());
const randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
let lastKeyJwk = null;

function writeBody() {
  const type = $("s-type").value;
  const fields = catalog().find((c) => c.type === type)?.fields ?? ["id"];
  const id = `${type.split(".")[0]}_${randomHex(6)}`;
  const data = { id };
  for (const f of fields) {
    if (f === "output_file_uri") data[f] = type.startsWith("video") ? `gs://my-bucket/videos/${id}.mp4` : `gs://my-bucket/${id}/results.jsonl`;
    if (f === "error_code") data[f] = 13;
    if (f === "error_message") data[f] = "The job failed: internal error.";
    if (f === "file_name") data[f] = `files/${id}`;
  }
  $("s-body").value = JSON.stringify({ type, version: "v1", timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"), data });
}

function newSecret() {
  $("s-secret").value = hw.secretFromBytes(crypto.getRandomValues(new Uint8Array(32)));
  $("s-scheme-v1").checked = true;
}

function newKey() {
  const k = JSON.parse(hw.signingKeyFromSeed(crypto.getRandomValues(new Uint8Array(32))));
  $("s-key").value = k.whsk;
  lastKeyJwk = k.jwk;
  $("s-scheme-v1a").checked = true;
}

function sign() {
  const out = $("s-result");
  const scheme = $("s-scheme-v1a").checked ? "v1a" : "v1";
  const body = $("s-body").value;
  const id = $("s-id").value.trim() || `msg_${randomHex(12)}`;
  const ts = Math.floor(Date.now() / 1000);
  let signature, keys = "", jwks = "";
  try {
    if (scheme === "v1") {
      if (!$("s-secret").value.trim()) newSecret();
      signature = hw.signV1($("s-secret").value.trim(), id, ts, encoder.encode(body));
      keys = $("s-secret").value.trim();
    } else {
      if (!$("s-key").value.trim()) newKey();
      const key = $("s-key").value.trim();
      signature = hw.signV1a(key, id, ts, encoder.encode(body));
      const jwk = JSON.parse(hw.describeSigningKey(key)).jwk;
      jwks = JSON.stringify({ keys: [jwk] });
    }
  } catch (e) {
    return renderError(out, `Could not sign: ${describeError(e)}`);
  }
  const headers = [["webhook-id", id], ["webhook-timestamp", String(ts)], ["webhook-signature", signature]];
  const headerBlock = headers.map(([k, v]) => `${k}: ${v}`).join("\n");
  const move = el("button", { type: "button", id: "s-to-verify", class: "primary" }, "Verify this delivery");
  move.addEventListener("click", () => {
    $("v-headers").value = headerBlock;
    $("v-body").value = body;
    $("v-keys").value = keys;
    $("v-jwks").value = jwks;
    $("v-now").value = "";
    $("v-event").checked = /"type"\s*:/.test(body);
    showTab("verify");
    verify();
    $("v-result").focus?.();
  });
  out.replaceChildren(
    el("h3", {}, "Headers"), el("pre", { id: "s-headers", tabindex: "0" }, headerBlock),
    ...(jwks ? [el("h3", {}, "Public JWKS for the receiver"), el("pre", { id: "s-jwks", tabindex: "0" }, jwks)] : []),
    el("h3", {}, "curl, aimed at a local hookwall worker"),
    el("pre", { id: "s-curl", tabindex: "0" }, curlCommand("http://127.0.0.1:8787/", headers, body)),
    move,
  );
}

async function main() {
  await init();
  $("version").textContent = hw.version();
  for (const { type } of catalog()) $("s-type").append(el("option", { value: type }, type));
  writeBody();
  $("tab-verify").addEventListener("click", () => showTab("verify"));
  $("tab-sign").addEventListener("click", () => showTab("sign"));
  for (const b of document.querySelectorAll("[data-example]")) b.addEventListener("click", () => loadExample(b.dataset.example));
  $("v-run").addEventListener("click", verify);
  $("v-fetch").addEventListener("click", fetchJwks);
  $("s-generate").addEventListener("click", writeBody);
  $("s-new-secret").addEventListener("click", newSecret);
  $("s-new-key").addEventListener("click", newKey);
  $("s-run").addEventListener("click", sign);
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  document.body.dataset.ready = "error";
  renderError($("v-result"), `The verifier could not load: ${e.message}`);
});
