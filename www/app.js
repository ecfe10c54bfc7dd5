// The playground's page logic. Every verdict and step comes from the wasm core
// (`WasmVerifier.verifyDetailed`); this file reads the form, calls it, and draws the report.
// The only things decided here are presentation: which words of advice to print under a step
// the core failed, and how to turn pasted text into header pairs (parse.js).
import init, * as hw from "./pkg/hookwall_js.js";
import { parseDelivery, curlCommand } from "./parse.js";

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

// Vectors from the Standard Webhooks reference tests and docs/protocol.md ("Test vectors").
const S1 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const S2 = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const GEMINI_BODY = '{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}';
const GEMINI_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const GEMINI_TS = 1674087231;
const SIG1 = "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=";
const SIG2 = "v1,O3JAY2pb4EkuEDnVJQDfE4WdWXGF2dh6lCCs5z4PbE0=";
const V1A = "v1a,DXa8VHIz6bpEqNB/LpvX1sMGLDMY2c50Iv8MSHHq4aXkZP3Aae5LGZa5wzbht++A1nJuG45+yNzVCBnRRgSMCQ==";
const RFC8032_JWKS = '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"test-key-1","alg":"EdDSA","use":"sig"}]}';
// The documented dynamic-webhook form: an RS256 JWT whose body_sha256 claim binds the body.
// Made once with `hookwall keygen --kind rsa --kid playground-rsa-1` and `hookwall sign --jwt-key
// rsa.pem --jwt-binding hash --id msg_2KWPBgLlAfxdpx2AI54pPJ85f4W --timestamp 1674087231`
// (the private key was thrown away; only the public JWKS is here).
const RSA_JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYXlncm91bmQtcnNhLTEiLCJ0eXAiOiJKV1QifQ.eyJib2R5X3NoYTI1NiI6IjAyYjExNjA2ZjY3ZjVlODgyMzU3ZTk2ZTVhMTU5MzU4YjY3YWFiMTYyNzA2MjU1NTY2NDgxNjEzMzNiNDI0Y2YiLCJleHAiOjE2NzQwODc1MzEsImlhdCI6MTY3NDA4NzIzMSwianRpIjoibXNnXzJLV1BCZ0xsQWZ4ZHB4MkFJNTRwUEo4NWY0VyJ9.JktGMr9HJ0DtXTubazyZ0Eld4dCa8Q3FGmLGyAEZTW1BXNvXhNRBC1qIqGkNU4yptYNPlbe1ui6hNbH4iKTqbu11OQdDJMyIaih4R10BdEeyFIViCRjXYHBdfRGveVb5GAQ_ej_Wh0x3YKd6X5q4B4pmQias08q3eqlDVc9sPdH4g1UU8PL2rUNlAkJcHgO6CBgrEoKlfbw26cFpWpM5jaWw7FWZEjycHpSSXYb9_DqaDK2zc831_yoJNo9OYhmUk-aq7xFH8EOYUpqOjTXPT1yfGRECZDXON2ceCTirqjZ6CrdIba2_DUEusmKfABSgvhUSLz6MuYOzUIdIA0sCQg";
const RSA_JWKS = '{"keys":[{"alg":"RS256","e":"AQAB","kid":"playground-rsa-1","kty":"RSA","n":"uaZt9SCvI3NS-33WiQSUQLsXcsKIK97ri1kR8MsP7YirkmFyM3wwbQQPHeNStVdWvECF_tSDC0i8A2gXQNMjifOCsV-vzehIZPFoM6KE2ux-MxkOQoc8dUdK3dyuSaqIAhFHKZWfMNiNCV68oBk0WZy5hW4K4FASxXZSGPdybuNKvX0Rq4uoxSDw99svGK2F6Ktvm9-Hnefn-V4xEyn-Og7NsZdwvIXfb4wkn6MRBE1nR8uVdu_p7hXbIkPkmQlaoH3PC5lgObmkwOQXLwApvlQX3bTTxMfOFwxQH36EyR87xmCn4KOr9QHPNvHmYTN_nj7rEB5-a3l8HqbKKPNGQw","use":"sig"}]}';
const REF_TS = 1614265330;
const headerText = (id, ts, sig) => `webhook-id: ${id}\nwebhook-timestamp: ${ts}\nwebhook-signature: ${sig}`;
const gemini = (sig, extra) => ({ headers: headerText(GEMINI_ID, GEMINI_TS, sig), body: GEMINI_BODY, keys: "", jwks: "", now: GEMINI_TS, event: true, ...extra });

// The vectors were signed in 2021-2023, so each example sets "Now" to its own timestamp.
const EXAMPLES = {
  valid: gemini(SIG1, { keys: S1, note: "The Gemini-shaped vector, signed with the first reference secret." }),
  tampered: gemini(SIG1, { keys: S1, body: GEMINI_BODY.replace('"v1",', '"v1", '), note: "The same delivery with one byte added to the body (a space after \"v1\",)." }),
  expired: gemini(SIG1, { keys: S1, now: GEMINI_TS + 301, note: "The valid delivery checked 301 s after it was signed: one second past the 300 s tolerance." }),
  rotated: gemini(`${SIG1} ${SIG2}`, { keys: S2, note: "During a rotation the header carries one entry per secret; only the new secret is configured here." }),
  v1a: gemini(V1A, { jwks: RFC8032_JWKS, note: "Ed25519 (v1a) with the RFC 8032 test key, published as a JWKS." }),
  jwt: gemini(RSA_JWT, { jwks: RSA_JWKS, note: "The documented dynamic-webhook form: an RS256 JWT whose body_sha256 claim binds the body." }),
  reference: {
    headers: headerText("msg_p5jXN8AQM9LWM0D4loKWxJek", REF_TS, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    body: '{"test": 2432232314}', keys: S1, jwks: "", now: REF_TS, event: false,
    note: "The Standard Webhooks reference vector. Its body is not a Gemini event, so “Require a webhook event” is off.",
  },
};

const STEP_TITLES = { body: "Body", headers: "Headers", timestamp: "Timestamp", signature: "Signature", payload: "Event" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== "") node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A configuration error thrown by the wasm bindings, in words. */
function describeError(e) {
  try {
    const { code, message } = JSON.parse(e);
    return `${message} (${code}).`;
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
  $("example-note").textContent = `${x.note} “Now” is set to ${x.now}, the time the example needs.`;
  showJwksStatus();
  verify();
}

function renderError(target, text) {
  target.replaceChildren(el("p", { class: "verdict fail", id: "verdict", "data-ok": "false", role: "alert" }, "✗ ", text));
}

/** What the core keeps and skips of the pasted JWKS (its own parser, via inspectJwks). */
function showJwksStatus() {
  const text = $("v-jwks").value.trim();
  const status = $("v-jwks-status");
  if (!text) {
    status.textContent = "Fetched only when you press the button.";
    return;
  }
  const info = JSON.parse(hw.inspectJwks(text));
  if (info.error) {
    status.textContent = `This JWKS cannot be used: ${info.message}.`;
    return;
  }
  const keys = info.keys.map((k) => `${k.kid ?? "no kid"} (${k.kty === "RSA" ? `RSA ${k.bits} bits` : k.crv})`);
  const skipped = info.skipped.map((s) => `#${s.index + 1}${s.kid ? ` ${s.kid}` : ""}: ${s.reason}`);
  status.textContent = `${keys.length} usable key${keys.length === 1 ? "" : "s"}${keys.length ? `: ${keys.join(", ")}` : ""}.` +
    (skipped.length ? ` Skipped ${skipped.join("; ")}.` : "");
}

function verify() {
  const out = $("v-result");
  let parsed;
  try {
    parsed = parseDelivery($("v-headers").value);
  } catch (e) {
    return renderError(out, `The headers could not be read: ${e.message}. Paste them as “name: value” lines, a raw HTTP request or a curl command.`);
  }
  const source = { curl: "curl command", http: "HTTP request" }[parsed.kind];
  const notes = [...parsed.notes];
  if (source) {
    // Split the paste into the two fields, so that later edits of either are what gets checked.
    if (parsed.body !== null) $("v-body").value = parsed.body;
    $("v-headers").value = parsed.headers.map(([k, v]) => `${k}: ${v}`).join("\n");
    notes.unshift(`Read ${parsed.headers.length} header${parsed.headers.length === 1 ? "" : "s"}${parsed.body !== null ? " and the body" : ""} from the ${source}; the fields now hold them.`);
  }
  $("v-parsed").textContent = notes.join(" ");

  const lines = $("v-keys").value.split(/\s+/).filter(Boolean);
  const config = {
    secrets: lines.filter((l) => !l.startsWith("whpk_")),
    publicKeys: lines.filter((l) => l.startsWith("whpk_")),
    toleranceSeconds: Math.max(0, Math.floor(Number($("v-tolerance").value)) || 0),
    payload: $("v-event").checked ? "event" : "any",
  };
  if ($("v-jwks").value.trim()) config.jwks = $("v-jwks").value.trim();
  const nowText = $("v-now").value.trim();
  if (nowText && !/^\d+$/.test(nowText)) return renderError(out, "“Now” must be whole Unix seconds (for example 1674087231), or empty for this browser's clock.");
  const now = nowText ? Number(nowText) : Math.floor(Date.now() / 1000);

  let verifier;
  try {
    verifier = new hw.WasmVerifier(JSON.stringify(config));
  } catch (e) {
    return renderError(out, `The key material could not be used: ${describeError(e)} Check the secrets, public keys and JWKS fields.`);
  }
  const body = $("v-body").value;
  let report;
  try {
    report = JSON.parse(verifier.verifyDetailed(encoder.encode(body), parsed.headers.flat(), now));
  } finally {
    verifier.free();
  }
  renderReport(out, report, { body, nowOverride: nowText !== "", now, config });
}

/** Words of advice under a failed step: what to look at next. Never a verdict of its own. */
function advice(step, cx) {
  const tips = [];
  switch (step.code) {
    case "no_matching_signature":
      if (step.facts.some((f) => f.label.startsWith("expected with"))) {
        tips.push("Compare the expected signature with the received one. They differ when the secret is not this endpoint's, or when the body, webhook-id or webhook-timestamp is not byte for byte what was signed: re-serialized or pretty-printed JSON, changed line endings or an added newline all change the signature.");
      } else {
        tips.push("Check that the public key or JWKS is the sender's current one, and that the body, webhook-id and webhook-timestamp are exactly as received.");
      }
      if (/\s$/.test(cx.body)) tips.push("The body ends with a line break or a space; if your copy added it, remove it.");
      break;
    case "timestamp_too_old":
    case "timestamp_too_new":
      tips.push(cx.nowOverride
        ? `“Now” is set to ${cx.now}; clear it to check against this browser's clock.`
        : "To check a delivery captured earlier, set “Now” to its webhook-timestamp (a live receiver must still reject it).");
      break;
    case "no_key_for_scheme":
      tips.push("Add a whsec_ secret for v1 entries, a whpk_ key or a JWKS for v1a entries, or a JWKS with the sender's RSA key for a JWT.");
      break;
    case "missing_header":
      tips.push("Paste all three webhook-* headers. A proxy or framework in front of the receiver may have dropped or renamed them.");
      break;
    case "malformed_signature":
    case "no_supported_signature":
      tips.push("Each entry of webhook-signature is version,base64 (for example v1,K5oZ…=), entries separated by spaces; a dynamic webhook may send one RS256 JWT instead.");
      break;
    case "invalid_payload":
      tips.push("The signature is fine. To check a body that is not a webhook event, untick “Require a webhook event”.");
      break;
    case "unknown_kid":
      tips.push("Fetch the sender's current JWKS: the key that signed this token is not in the one pasted.");
      break;
    default:
      break;
  }
  return tips;
}

function stepTitle(step) {
  const entry = step.facts.find((f) => f.label === "entry");
  const base = STEP_TITLES[step.name] ?? step.name;
  return entry ? `${base}, ${entry.value}` : base;
}

function renderReport(out, report, cx) {
  const v = report.verdict;
  const ok = v.ok === "true";
  const d = v.delivery;
  const verdict = ok
    ? el("p", { class: "verdict ok", id: "verdict", "data-ok": "true" }, "✓ Verified: ",
        el("code", {}, d.id), ` signed with ${d.scheme} (${describeKey(d.key)})${d.event ? `, event ${d.event.type}` : ""}.`)
    : el("p", { class: "verdict fail", id: "verdict", "data-ok": "false", role: "alert" }, `✗ Rejected (HTTP ${v.status}, `,
        el("code", {}, v.code), `): ${v.message}.`);
  const list = el("ol", { class: "steps", "aria-label": "Verification steps" });
  for (const step of report.steps) {
    // The core shows what a body claims to be even when its signature failed; that step is
    // information, not a pass, so it is drawn neutral rather than green.
    const unverified = step.ok && step.facts.some((f) => f.label === "note" && /not verified/.test(f.value));
    // A delivery passes when any entry verifies (a rotation sends one entry per secret), so once
    // the core's verdict is a pass, an entry that matched no key is drawn as "not used", not red.
    const unused = ok && !step.ok && step.name === "signature";
    const state = unused || unverified ? "info" : step.ok ? "ok" : "fail";
    const facts = el("dl", {});
    for (const f of step.facts) {
      if (f.label === "entry") continue;
      facts.append(el("dt", {}, f.label), el("dd", {}, el("code", {}, f.value)));
    }
    const tips = state === "fail" ? advice(step, cx) : [];
    const item = el("li", { class: `step ${state}`, "data-step": step.name, "data-ok": String(step.ok), "data-state": state },
      el("span", { class: "mark", "aria-hidden": "true" }, { ok: "✓", fail: "✗", info: "?" }[state]),
      el("strong", {}, `${stepTitle(step)}${state === "fail" ? " failed" : unused ? " not used (another entry verified)" : ""}: `),
      step.message,
      step.code ? el("span", { class: "code" }, ` (${step.code})`) : "",
      facts.childElementCount ? facts : "",
      ...tips.map((t) => el("p", { class: "tip" }, "What to do: ", t)));
    if (step.name === "payload") item.append(formattedBody(cx.body));
    list.append(item);
  }
  out.replaceChildren(verdict, list);
}

function describeKey(key) {
  if (key.kind === "secret") return `secret #${key.index + 1}`;
  if (key.kind === "public_key") return `public key #${key.index + 1}`;
  return key.kid ? `JWKS key ${key.kid}` : "a JWKS key without kid";
}

/** The whole body, indented for reading (display only; the core checked the raw bytes). */
function formattedBody(body) {
  let text;
  try {
    text = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return "";
  }
  return el("details", {}, el("summary", {}, "Whole body, formatted"), el("pre", {}, text));
}

async function fetchJwks() {
  const url = $("v-jwks-url").value.trim();
  const status = $("v-jwks-status");
  if (!/^https:\/\//i.test(url)) {
    status.textContent = "Only https:// JWKS URLs are fetched (the keys must come from the sender over TLS).";
    return;
  }
  status.textContent = `Fetching ${url} …`;
  try {
    const res = await fetch(url, { credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store" });
    if (!res.ok) throw new Error(`the server answered HTTP ${res.status}`);
    const text = await res.text();
    const info = JSON.parse(hw.inspectJwks(text));
    if (info.error) throw new Error(`the answer is not a usable JWKS: ${info.message}`);
    $("v-jwks").value = text;
    showJwksStatus();
    status.textContent = `Fetched from ${new URL(url).host}. ${status.textContent}`;
  } catch (e) {
    const why = e instanceof TypeError ? "the request failed (offline, blocked, or the server does not allow browser requests)" : e.message;
    status.textContent = `The JWKS could not be fetched: ${why}. Open the URL yourself and paste the document instead.`;
  }
}

// ---- Sign ----------------------------------------------------------------------------------
let catalogList = [];
const randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");

function writeBody() {
  const type = $("s-type").value;
  const fields = catalogList.find((c) => c.type === type)?.fields ?? ["id"];
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
  $("s-scheme-v1a").checked = true;
}

function sign() {
  const out = $("s-result");
  const scheme = $("s-scheme-v1a").checked ? "v1a" : "v1";
  const body = $("s-body").value;
  const id = $("s-id").value.trim() || `msg_${randomHex(12)}`;
  const ts = Math.floor(Date.now() / 1000);
  let signature, keys = "", jwks = "", publicKey = "";
  try {
    if (scheme === "v1") {
      if (!$("s-secret").value.trim()) newSecret();
      keys = $("s-secret").value.trim();
      signature = hw.signV1(keys, id, ts, encoder.encode(body));
    } else {
      if (!$("s-key").value.trim()) newKey();
      const key = $("s-key").value.trim();
      signature = hw.signV1a(key, id, ts, encoder.encode(body));
      const pub = JSON.parse(hw.describeSigningKey(key));
      jwks = JSON.stringify({ keys: [pub.jwk] });
      publicKey = pub.whpk;
    }
  } catch (e) {
    return renderError(out, `Could not sign: ${describeError(e)} Press “${scheme === "v1" ? "New secret" : "New key"}” to make a valid one.`);
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
    $("example-note").textContent = "The delivery just signed, checked against this browser's clock.";
    showJwksStatus();
    showTab("verify");
    verify();
    $("v-result").focus();
  });
  const url = $("s-url").value.trim() || "http://127.0.0.1:8787/";
  out.replaceChildren(
    el("h3", {}, "Headers"), el("pre", { id: "s-headers", tabindex: "0" }, headerBlock),
    el("h3", {}, "Body"), el("pre", { id: "s-body-out", tabindex: "0" }, body),
    ...(jwks ? [el("h3", {}, "For the receiver: public key and JWKS"), el("pre", { id: "s-jwks", tabindex: "0" }, `${publicKey}\n${jwks}`)] : []),
    el("h3", {}, "curl, aimed at a local hookwall worker"),
    el("pre", { id: "s-curl", tabindex: "0" }, curlCommand(url, headers, body)),
    move,
  );
  out.focus();
}

// Ctrl+Enter (or Cmd+Enter) runs the form the focused field belongs to.
function shortcut(e) {
  if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
  const section = e.target.closest?.("section");
  if (section?.id === "verify") { e.preventDefault(); verify(); }
  if (section?.id === "sign") { e.preventDefault(); sign(); }
}

async function main() {
  await init();
  $("version").textContent = hw.version();
  catalogList = JSON.parse(hw.catalog());
  for (const { type } of catalogList) $("s-type").append(el("option", { value: type }, type));
  writeBody();
  $("tab-verify").addEventListener("click", () => showTab("verify"));
  $("tab-sign").addEventListener("click", () => showTab("sign"));
  for (const b of document.querySelectorAll("[data-example]")) b.addEventListener("click", () => loadExample(b.dataset.example));
  $("v-run").addEventListener("click", verify);
  $("v-fetch").addEventListener("click", fetchJwks);
  $("v-jwks").addEventListener("input", showJwksStatus);
  $("s-type").addEventListener("change", writeBody);
  $("s-generate").addEventListener("click", writeBody);
  $("s-new-secret").addEventListener("click", newSecret);
  $("s-new-key").addEventListener("click", newKey);
  $("s-run").addEventListener("click", sign);
  document.addEventListener("keydown", shortcut);
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  document.body.dataset.ready = "error";
  renderError($("v-result"), `The verifier could not load: ${e.message}. Serve this folder over http(s) (not file://) with .wasm as application/wasm.`);
});
