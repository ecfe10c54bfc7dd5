// The playground's page logic. Every verdict and step comes from the wasm core
// (`WasmVerifier.verifyDetailed`); this file reads the form, calls it, and draws the report.
// The only things decided here are presentation: which words of advice to print under a step
// the core failed, how to turn pasted text into header pairs and body bytes (parse.js), and
// which "what if" deliveries to hand the core when a signature does not match (a changed
// body is found by the core verifying a variant of it, never by a rule written here).
import init, * as hw from "./pkg/hookwall_js.js";
import { parseDelivery, curlCommand, bodyField, bodyBytes, showBytes } from "./parse.js";
// The protocol vectors (docs/protocol.md, "Test vectors"): scripts/build-www.sh copies
// tests/vectors.json, their one copy, next to this file.
import VECTORS from "./vectors.json" with { type: "json" };

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

const [S1, S2] = VECTORS.secrets;
const { body: GEMINI_BODY, id: GEMINI_ID, timestamp: GEMINI_TS, v1: [SIG1, SIG2], v1a: V1A, tamper: GEMINI_TAMPER } = VECTORS.gemini;
const RFC8032_JWKS = JSON.stringify({ keys: [VECTORS.rfc8032.jwk] });
const REF = VECTORS.reference[0];
// The documented dynamic-webhook form: an RS256 JWT whose body_sha256 claim binds the body.
// Made once with `hookwall keygen --kind rsa --kid playground-rsa-1` and `hookwall sign --jwt-key
// rsa.pem --jwt-binding hash --id msg_2KWPBgLlAfxdpx2AI54pPJ85f4W --timestamp 1674087231`
// (the private key was thrown away; only the public JWKS is here).
const RSA_JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYXlncm91bmQtcnNhLTEiLCJ0eXAiOiJKV1QifQ.eyJib2R5X3NoYTI1NiI6IjAyYjExNjA2ZjY3ZjVlODgyMzU3ZTk2ZTVhMTU5MzU4YjY3YWFiMTYyNzA2MjU1NTY2NDgxNjEzMzNiNDI0Y2YiLCJleHAiOjE2NzQwODc1MzEsImlhdCI6MTY3NDA4NzIzMSwianRpIjoibXNnXzJLV1BCZ0xsQWZ4ZHB4MkFJNTRwUEo4NWY0VyJ9.JktGMr9HJ0DtXTubazyZ0Eld4dCa8Q3FGmLGyAEZTW1BXNvXhNRBC1qIqGkNU4yptYNPlbe1ui6hNbH4iKTqbu11OQdDJMyIaih4R10BdEeyFIViCRjXYHBdfRGveVb5GAQ_ej_Wh0x3YKd6X5q4B4pmQias08q3eqlDVc9sPdH4g1UU8PL2rUNlAkJcHgO6CBgrEoKlfbw26cFpWpM5jaWw7FWZEjycHpSSXYb9_DqaDK2zc831_yoJNo9OYhmUk-aq7xFH8EOYUpqOjTXPT1yfGRECZDXON2ceCTirqjZ6CrdIba2_DUEusmKfABSgvhUSLz6MuYOzUIdIA0sCQg";
const RSA_JWKS = '{"keys":[{"alg":"RS256","e":"AQAB","kid":"playground-rsa-1","kty":"RSA","n":"uaZt9SCvI3NS-33WiQSUQLsXcsKIK97ri1kR8MsP7YirkmFyM3wwbQQPHeNStVdWvECF_tSDC0i8A2gXQNMjifOCsV-vzehIZPFoM6KE2ux-MxkOQoc8dUdK3dyuSaqIAhFHKZWfMNiNCV68oBk0WZy5hW4K4FASxXZSGPdybuNKvX0Rq4uoxSDw99svGK2F6Ktvm9-Hnefn-V4xEyn-Og7NsZdwvIXfb4wkn6MRBE1nR8uVdu_p7hXbIkPkmQlaoH3PC5lgObmkwOQXLwApvlQX3bTTxMfOFwxQH36EyR87xmCn4KOr9QHPNvHmYTN_nj7rEB5-a3l8HqbKKPNGQw","use":"sig"}]}';
const headerText = (id, ts, sig) => `webhook-id: ${id}\nwebhook-timestamp: ${ts}\nwebhook-signature: ${sig}`;
const gemini = (sig, extra) => ({ headers: headerText(GEMINI_ID, GEMINI_TS, sig), body: GEMINI_BODY, keys: "", jwks: "", ts: GEMINI_TS, now: GEMINI_TS, event: true, ...extra });

// The vectors were signed in 2021-2023, so each example sets "Now" to its own timestamp.
const EXAMPLES = {
  valid: gemini(SIG1, { keys: S1, note: "The Gemini-shaped vector, signed with the first reference secret." }),
  tampered: gemini(SIG1, { keys: S1, body: GEMINI_BODY.replace(GEMINI_TAMPER.find, GEMINI_TAMPER.replace), note: "The same delivery with one byte added to the body (a space after \"v1\",)." }),
  expired: gemini(SIG1, { keys: S1, now: GEMINI_TS + 301, note: "The valid delivery checked 301 s after it was signed: one second past the 300 s tolerance." }),
  rotated: gemini(`${SIG1} ${SIG2}`, { keys: S2, note: "During a rotation the header carries one entry per secret; only the new secret is configured here." }),
  v1a: gemini(V1A, { jwks: RFC8032_JWKS, note: "Ed25519 (v1a) with the RFC 8032 test key, published as a JWKS." }),
  jwt: gemini(RSA_JWT, { jwks: RSA_JWKS, note: "The documented dynamic-webhook form: an RS256 JWT whose body_sha256 claim binds the body." }),
  reference: {
    headers: headerText(REF.id, REF.timestamp, REF.signature),
    body: REF.body, keys: VECTORS.secrets[REF.secret], jwks: "", ts: REF.timestamp, now: REF.timestamp, event: false,
    note: "The Standard Webhooks reference vector. Its body is not a Gemini event, so “Require a webhook event” is off.",
  },
};


const STEP_TITLES = { body: "Body", headers: "Headers", timestamp: "Timestamp", signature: "Signature", payload: "Event" };
const SPLIT_SOURCES = { curl: "curl command", http: "HTTP request", object: "object of headers" };
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== "") node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A configuration error thrown by the wasm bindings: { code, message }. */
function coreError(e) {
  try {
    const { code, message } = JSON.parse(e);
    return { code, message };
  } catch {
    return { code: "error", message: e instanceof Error ? e.message : String(e) };
  }
}
const describeError = (e) => { const { code, message } = coreError(e); return `${message} (${code}).`; };

// ---- Times ---------------------------------------------------------------------------------
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS = [[60, "second"], [3600, "minute"], [86400, "hour"], [86400 * 30, "day"], [86400 * 365, "month"], [Infinity, "year"]];
const SIZES = { second: 1, minute: 60, hour: 3600, day: 86400, month: 86400 * 30, year: 86400 * 365 };
const clock = () => Math.floor(Date.now() / 1000);

/** "2023-01-19 00:13:51 UTC, 3 years ago" for Unix seconds (empty when not a plausible time). */
function when(seconds) {
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 253402300799) return "";
  const date = new Date(seconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const delta = seconds - clock();
  const [, unit] = UNITS.find(([limit]) => Math.abs(delta) < limit);
  return `${date}, ${relative.format(Math.round(delta / SIZES[unit]), unit)}`;
}

/** A hint when a timestamp is in milliseconds (13 digits near today), else "". */
function millisecondsHint(text, what) {
  if (!/^\d{12,14}$/.test(text ?? "")) return "";
  const seconds = Math.floor(Number(text) / 1000);
  if (Math.abs(seconds - clock()) > 20 * 365 * 86400) return "";
  return `${what} ${text} looks like milliseconds: as seconds it is ${seconds} (${when(seconds)}). Standard Webhooks timestamps are whole Unix seconds, so the sender must send Math.floor(Date.now() / 1000), not Date.now().`;
}

// ---- Loading -------------------------------------------------------------------------------
let ready = false;
let markReady;
const readyPromise = new Promise((r) => { markReady = r; });
/** Runs `fn` once the wasm is loaded; before that, says it is still loading. */
const whenReady = (fn) => (...args) => {
  if (ready) return fn(...args);
  $("load-status").textContent = "Still loading the verifier; this runs as soon as it is ready…";
  readyPromise.then(() => fn(...args));
};

function showTab(name) {
  for (const t of ["verify", "sign"]) {
    $(t).hidden = t !== name;
    $(`tab-${t}`).setAttribute("aria-pressed", String(t === name));
  }
}

// ---- The body field ------------------------------------------------------------------------
let bodyFormat = "text";

function setBodyFormat(format) {
  bodyFormat = format;
  $("v-body-format").value = format;
}

/** Puts exact body text in the field, choosing CRLF or base64 when a textarea could not hold it. */
function setBodyExact(text, note = "") {
  const { format, value } = bodyField(text);
  setBodyFormat(format);
  $("v-body").value = value;
  const why = format === "crlf" ? "Its line breaks are CRLF (\\r\\n); they are kept." : format === "base64" ? "It mixes line break styles, so it is shown as base64 to keep every byte." : "";
  showBodyInfo([note, why].filter(Boolean).join(" "));
}

function currentBodyBytes() {
  return bodyBytes(bodyFormat, $("v-body").value);
}

function showBodyInfo(extra = "") {
  let size;
  try {
    size = `${currentBodyBytes().length} bytes.`;
  } catch (e) {
    size = `Cannot read the body: ${e.message}.`;
  }
  $("v-body-info").textContent = `${size}${extra ? ` ${extra}` : ""}`;
}

function changeBodyFormat() {
  const next = $("v-body-format").value;
  const textual = (f) => f === "text" || f === "crlf";
  if (textual(next) && textual(bodyFormat)) {
    bodyFormat = next;
    showBodyInfo(next === "crlf" ? "Line breaks are read as CRLF (\\r\\n)." : "");
    return;
  }
  let bytes;
  try {
    bytes = currentBodyBytes();
  } catch (e) {
    $("v-body-format").value = bodyFormat;
    showBodyInfo(`Fix it before changing the format: ${e.message}.`);
    return;
  }
  const shown = showBytes(next, bytes);
  if (shown === null) {
    $("v-body-format").value = bodyFormat;
    showBodyInfo(`These bytes cannot be shown as ${next === "crlf" ? "text with CRLF line breaks" : "text with LF line breaks"} without changing them, so they stay in ${bodyFormat}.`);
    return;
  }
  bodyFormat = next;
  $("v-body").value = shown;
  showBodyInfo();
}

async function loadBodyFile() {
  const file = $("v-body-file").files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = null;
  try {
    text = decoder.decode(bytes);
  } catch {}
  const note = `Loaded ${file.name} (${bytes.length} bytes).`;
  if (text !== null) setBodyExact(text, note);
  else {
    setBodyFormat("base64");
    $("v-body").value = showBytes("base64", bytes);
    showBodyInfo(`${note} It is not UTF-8 text, so it is shown as base64.`);
  }
  $("v-body-file").value = "";
  edited();
}

/** Pasting text with CR into the body keeps it (the textarea alone would turn CRLF into LF). */
function pasteBody(e) {
  const raw = e.clipboardData?.getData("text/plain");
  if (!raw || !raw.includes("\r") || (bodyFormat !== "text" && bodyFormat !== "crlf")) return;
  e.preventDefault();
  const box = $("v-body");
  const exact = (s) => (bodyFormat === "crlf" ? s.replace(/\n/g, "\r\n") : s);
  setBodyExact(exact(box.value.slice(0, box.selectionStart)) + raw + exact(box.value.slice(box.selectionEnd)), "Pasted with its line breaks as they were.");
  edited();
}

/** A pasted curl command, HTTP request or object of headers is split into the fields at once, CR intact. */
function pasteHeaders(e) {
  if (!ready) return;
  const raw = e.clipboardData?.getData("text/plain");
  if (!raw) return;
  const box = $("v-headers");
  const text = box.value.slice(0, box.selectionStart) + raw + box.value.slice(box.selectionEnd);
  let parsed;
  try {
    parsed = parseDelivery(text);
  } catch {
    return;
  }
  if (!SPLIT_SOURCES[parsed.kind]) return;
  e.preventDefault();
  applySplit(parsed);
  verify({ live: true, force: true });
}

/** Writes a parsed curl command, HTTP request or object into the headers and body fields. */
function applySplit(parsed) {
  $("v-headers").value = parsed.headers.map(([k, v]) => `${k}: ${v}`).join("\n");
  if (parsed.body !== null) setBodyExact(parsed.body, `The body of the ${SPLIT_SOURCES[parsed.kind]}.`);
  const n = parsed.headers.length;
  splitMessage = [`Read ${n} header${n === 1 ? "" : "s"}${parsed.body !== null ? " and the body" : ""} from the ${SPLIT_SOURCES[parsed.kind]}; the fields now hold them.`, ...parsed.notes].join(" ");
  $("v-parsed").textContent = splitMessage;
}

let splitMessage = ""; // what the last split read, until the headers are edited by hand

// ---- Examples ------------------------------------------------------------------------------
let example = null; // { now, ts } of the example loaded, while its "Now" is in the field

function loadExample(name) {
  const x = EXAMPLES[name];
  $("v-headers").value = x.headers;
  setBodyExact(x.body);
  $("v-keys").value = x.keys;
  $("v-jwks").value = x.jwks;
  $("v-now").value = String(x.now);
  $("v-tolerance").value = "300";
  $("v-event").checked = x.event;
  $("v-parsed").textContent = "";
  splitMessage = "";
  example = { now: String(x.now), ts: String(x.ts) };
  $("example-note").textContent = `${x.note} “Now” is set to ${x.now}, the time the example needs.`;
  showJwksStatus();
  verify({ user: true });
}

/** An example's "Now" belongs to the example: once the headers are another delivery, it goes. */
function forgetExample(headers) {
  if (!example) return "";
  const ts = headers.find(([k]) => k.toLowerCase() === "webhook-timestamp")?.[1];
  if ($("v-now").value.trim() !== example.now) {
    example = null; // the user set "Now" themselves
    return "";
  }
  if (ts === example.ts) return "";
  const was = example.now;
  example = null;
  $("v-now").value = "";
  $("example-note").textContent = "";
  return `“Now” was the example's (${was}); these headers are another delivery, so it was cleared and this browser's clock is used.`;
}

// ---- Keys ----------------------------------------------------------------------------------
const preview = (k) => (k.length > 16 ? `${k.slice(0, 12)}…` : k);

/**
 * The secrets and public keys, one per line (several on a line when each has its prefix).
 * Each is loaded by the core on its own, so that a problem names its line.
 * Returns { secrets, publicKeys, notes } or throws an Error with the sentence to show.
 */
function readKeys(text) {
  const secrets = [];
  const publicKeys = [];
  const notes = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const parts = t.split(/[\s,]+/);
    if (parts.length > 1 && !parts.every((p) => /^wh(sec|pk)_/.test(p))) {
      throw new Error(`Line ${i + 1} of the secrets and keys has a space inside (“${preview(t)}”). A secret has no spaces: remove it (copying across a line break often adds one). To give several secrets, put one per line.`);
    }
    for (const k of parts) {
      if (k.startsWith("whsk_")) throw new Error(`Line ${i + 1} is a signing key (whsk_…), which stays with the sender. Paste its public key (whpk_…) or the sender's JWKS here.`);
      const pub = k.startsWith("whpk_");
      try {
        new hw.WasmVerifier(JSON.stringify(pub ? { publicKeys: [k] } : { secrets: [k] })).free();
      } catch (e) {
        const { code, message } = coreError(e);
        if (!pub && !k.startsWith("whsec_") && code === "invalid_secret") {
          throw new Error(`Line ${i + 1} (“${preview(k)}”) has no whsec_ prefix and is not base64, so it is not a Standard Webhooks secret (invalid_secret). Copy the whole secret from the sender's dashboard: it starts with whsec_.`);
        }
        throw new Error(`Line ${i + 1} (“${preview(k)}”): ${message} (${code}).`);
      }
      if (!pub && !k.startsWith("whsec_")) notes.push(`Line ${i + 1} has no whsec_ prefix; it was read as the base64 part of a whsec_ secret.`);
      (pub ? publicKeys : secrets).push(k);
    }
  });
  return { secrets, publicKeys, notes };
}

// ---- Verify --------------------------------------------------------------------------------
let checked = false; // a result is on screen, so edits re-check it
let liveTimer = 0;

function renderError(target, text, { user = false } = {}) {
  target.classList.remove("stale");
  target.replaceChildren(el("p", { class: "verdict fail", id: target.id === "v-result" ? "verdict" : "s-verdict", "data-ok": "false", tabindex: "-1" }, "✗ ", text));
  announce(target, `Error: ${text}`);
  if (user) reveal(target.firstChild);
}

function announce(target, text) {
  $(target.id === "v-result" ? "v-status" : "s-status").textContent = text;
}

/** Brings the verdict into view and moves focus to it (after the user asked for a check). */
function reveal(node) {
  node.scrollIntoView({ block: "start" });
  node.focus({ preventScroll: true });
}

/** What the fields hold, read for the core; throws Error(sentence) when a field cannot be used. */
function readForm({ split }) {
  let parsed;
  try {
    parsed = parseDelivery($("v-headers").value);
  } catch (e) {
    throw new Error(`The headers could not be read: ${e.message}. Paste them as “name: value” lines, a raw HTTP request, a curl command or a JSON object.`);
  }
  const notes = [...parsed.notes];
  if (SPLIT_SOURCES[parsed.kind]) {
    if (!split) return { stale: `press Verify to read the ${SPLIT_SOURCES[parsed.kind]} in the headers field` };
    applySplit(parsed);
    notes.length = 0;
  }
  const cleared = forgetExample(parsed.headers);
  if (cleared) notes.push(cleared);
  const ts = parsed.headers.find(([k]) => k.toLowerCase() === "webhook-timestamp")?.[1];
  const ms = millisecondsHint(ts, "webhook-timestamp");
  if (ms) notes.push(ms);
  else if (/^\d+$/.test(ts ?? "") && when(Number(ts))) notes.push(`webhook-timestamp ${ts} is ${when(Number(ts))}.`);
  $("v-parsed").textContent = [splitMessage, ...notes].filter(Boolean).join(" ");

  const keys = readKeys($("v-keys").value);
  $("v-keys-info").textContent = keys.notes.join(" ");
  const tolerance = $("v-tolerance").value.trim();
  if (!/^\d+$/.test(tolerance)) {
    $("v-tolerance").setAttribute("aria-invalid", "true");
    throw new Error(`Tolerance must be whole seconds, 0 or more (300 is the usual); “${tolerance}” is not${tolerance === "" ? " given" : ""}.`);
  }
  $("v-tolerance").removeAttribute("aria-invalid");
  const nowText = $("v-now").value.trim();
  showNowInfo();
  if (nowText && !/^\d+$/.test(nowText)) throw new Error("“Now” must be whole Unix seconds (for example 1674087231), or empty for this browser's clock.");
  if (millisecondsHint(nowText, "“Now”")) throw new Error(millisecondsHint(nowText, "“Now”"));
  let body;
  try {
    body = currentBodyBytes();
  } catch (e) {
    throw new Error(`The body could not be read: ${e.message}. Check the “Given as” format next to it.`);
  }
  const config = {
    secrets: keys.secrets,
    publicKeys: keys.publicKeys,
    toleranceSeconds: Number(tolerance),
    payload: $("v-event").checked ? "event" : "any",
    // A local check of a delivery the user holds: which project it is for is theirs to judge.
    anyTenant: true,
  };
  if ($("v-jwks").value.trim()) config.jwks = $("v-jwks").value.trim();
  return { headers: parsed.headers, body, config, nowOverride: nowText !== "", now: nowText ? Number(nowText) : clock(), ms };
}

function showNowInfo() {
  const t = $("v-now").value.trim();
  $("v-now-info").textContent = !t ? `This browser's clock: ${when(clock())}.` : /^\d+$/.test(t) ? (millisecondsHint(t, "This") || when(Number(t))) : "";
}

/**
 * Runs the core on the form. `user`: the user asked (Verify, an example, Ctrl+Enter), so the
 * verdict is brought into view and focused; `live`: an edit re-checks, focus stays where it is.
 */
function verify({ user = false, live = false, force = false } = {}) {
  clearTimeout(liveTimer);
  const out = $("v-result");
  if (live && !checked && !force) return;
  checked = true;
  let form;
  try {
    form = readForm({ split: !live || force });
  } catch (e) {
    return renderError(out, e.message, { user });
  }
  if (form.stale) return markStale(form.stale);
  let verifier;
  try {
    verifier = new hw.WasmVerifier(JSON.stringify(form.config));
  } catch (e) {
    return renderError(out, `The key material could not be used: ${describeError(e)} Check the secrets, public keys and JWKS fields.`, { user });
  }
  let report, diagnosis = null;
  try {
    // The person reading this typed the secrets: the report may show the expected signatures.
    report = JSON.parse(verifier.verifyDetailed(form.body, form.headers.flat(), form.now, true));
    if (["no_matching_signature", "jwt_body_not_bound"].includes(report.verdict.code)) diagnosis = diagnose(form);
  } finally {
    verifier.free();
  }
  renderReport(out, report, { ...form, diagnosis });
  const v = report.verdict;
  announce(out, v.ok === true ? `Verified: ${v.delivery.id}.` : `Rejected: ${$("verdict").dataset.headline}`);
  if (user) reveal($("verdict"));
}

/**
 * When no signature matches, asks the core about variants of the body that copies often
 * produce (a newline added or lost, other line breaks, JSON reformatted). A variant that
 * verifies names the cause; the check runs at the delivery's own timestamp, so only the
 * signature decides.
 */
function diagnose(form) {
  let text;
  try {
    text = decoder.decode(form.body);
  } catch {
    return null;
  }
  const variants = [];
  if (/\r?\n$/.test(text)) variants.push([text.replace(/\r?\n$/, ""), "without the line break at its end", "a copy or an editor added the final line break"]);
  else variants.push([`${text}\n`, "with a line break added at its end", "the final line break was lost in the copy"]);
  if (text.includes("\r\n")) variants.push([text.replace(/\r\n/g, "\n"), "with LF line breaks instead of CRLF", "the line breaks were converted on the way"]);
  else if (text.includes("\n")) variants.push([text.replace(/\n/g, "\r\n"), "with CRLF line breaks instead of LF", "the sender signed CRLF line breaks; choose “text (CRLF line breaks)” next to the body, or paste the exact bytes"]);
  try {
    const compact = JSON.stringify(JSON.parse(text));
    if (compact !== text) variants.push([compact, "written as compact JSON", "the JSON was re-serialized or reformatted (whitespace, pretty-printing) after signing; verify the raw bytes as received, before any JSON parsing"]);
  } catch {}
  const ts = form.headers.find(([k]) => k.toLowerCase() === "webhook-timestamp")?.[1];
  const at = /^\d+$/.test(ts ?? "") ? Number(ts) : form.now;
  const verifier = new hw.WasmVerifier(JSON.stringify({ ...form.config, payload: "any" }));
  try {
    for (const [variant, how, why] of variants) {
      const r = JSON.parse(verifier.verify(encoder.encode(variant), form.headers.flat(), at));
      if (r.ok) return { how, why, key: describeKey(r.key) };
    }
  } finally {
    verifier.free();
  }
  return null;
}

function markStale(why) {
  const out = $("v-result");
  if (!out.firstChild) return;
  out.classList.add("stale");
  let banner = $("v-stale");
  if (!banner) {
    banner = el("p", { id: "v-stale", class: "stale-note" });
    out.prepend(banner);
  }
  banner.textContent = `Out of date: ${why}.`;
  $("verdict")?.setAttribute("data-stale", "true");
}

/** Any edit of the Verify form: mark the result out of date at once, re-check after a pause. */
function edited() {
  if (!checked) return;
  markStale("re-checking after your edit");
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => verify({ live: true }), 300);
}

/** Words of advice under a failed step: what to look at next. Never a verdict of its own. */
function advice(step, cx) {
  const tips = [];
  switch (step.code) {
    case "no_matching_signature":
      if (cx.diagnosis) tips.push(`The body ${cx.diagnosis.how} verifies with ${cx.diagnosis.key}: ${cx.diagnosis.why}.`);
      else if (step.facts.some((f) => f.kind === "expected_signature")) {
        tips.push("Compare the expected signature with the received one. They differ when the secret is not this endpoint's, or when the body, webhook-id or webhook-timestamp is not byte for byte what was signed: re-serialized or pretty-printed JSON, changed line endings or an added newline all change the signature.");
      } else {
        tips.push("Check that the public key or JWKS is the sender's current one, and that the body, webhook-id and webhook-timestamp are exactly as received.");
      }
      if (/\s$/.test(cx.text ?? "")) tips.push("The body ends with a line break or a space; if your copy added it, remove it.");
      break;
    case "timestamp_too_old":
    case "timestamp_too_new":
    case "invalid_timestamp":
      if (cx.ms) tips.push(cx.ms);
      else if (step.code !== "invalid_timestamp") {
        tips.push(cx.nowOverride
          ? `“Now” is set to ${cx.now}; clear it to check against this browser's clock.`
          : "To check a delivery captured earlier, set “Now” to its webhook-timestamp (a live receiver must still reject it).");
      }
      break;
    case "no_key_for_scheme":
      tips.push("Add a whsec_ secret for v1 entries, a whpk_ key or a JWKS for v1a entries, or a JWKS with the sender's RSA key for a JWT.");
      break;
    case "missing_header":
      tips.push("Paste all three webhook-* headers (svix-* names are read too). A proxy or framework in front of the receiver may have dropped or renamed them.");
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
    case "jwt_body_not_bound":
      if (cx.diagnosis) tips.push(`The body ${cx.diagnosis.how} is bound by the token: ${cx.diagnosis.why}.`);
      break;
    default:
      break;
  }
  return tips;
}

function stepTitle(step) {
  const entry = step.facts.find((f) => f.kind === "entry");
  const base = STEP_TITLES[step.name] ?? step.name;
  return entry ? `${base}, ${entry.value}` : base;
}

/** The headline: the verdict, and for a rejection the likely cause in one sentence. */
function headline(report, cx) {
  const v = report.verdict;
  if (v.ok === true) {
    const d = v.delivery;
    return el("p", { class: "verdict ok", id: "verdict", "data-ok": "true", tabindex: "-1" }, "✓ Verified: ",
      el("code", {}, d.id), ` signed with ${d.scheme} (${describeKey(d.key)})${d.event ? `, event ${d.event.type}` : ""}.`);
  }
  const noKeys = !cx.config.secrets.length && !cx.config.publicKeys.length && !cx.config.jwks;
  let cause;
  let fromCore = false;
  if (noKeys && report.steps.some((s) => s.name === "signature" && !s.ok)) {
    cause = "No secret or key entered: paste the endpoint's signing secret (whsec_…) under “Secrets and public keys”, or the sender's public key (whpk_…) or JWKS.";
  } else if (cx.diagnosis) {
    // The variant verified with a configured key, so the core's generic "check the secret" does not apply.
    cause = `The body is not byte for byte what was signed: ${cx.diagnosis.how} it verifies with ${cx.diagnosis.key}, so ${cx.diagnosis.why}.`;
    fromCore = true;
  } else if (v.code === "no_matching_signature") {
    cause = "No signature matches. Either the secret or key is not this sender's, or the body, webhook-id or webhook-timestamp changed after signing: compare the expected and received signatures below.";
  } else if (cx.ms && report.steps.some((s) => s.name === "timestamp" && !s.ok)) {
    cause = cx.ms;
  } else {
    cause = `${v.message.charAt(0).toUpperCase()}${v.message.slice(1)}.`;
    fromCore = true;
  }
  const node = el("div", { class: "verdict fail", id: "verdict", "data-ok": "false", "data-code": v.code, tabindex: "-1" },
    el("p", { class: "headline" }, `✗ Rejected (HTTP ${v.status}, `, el("code", {}, v.code), "): ", cause),
    fromCore ? "" : el("p", { class: "core-says" }, `The verifier says: ${v.message}.`));
  node.dataset.headline = cause;
  return node;
}

// Facts holding Unix seconds, by the core's machine-readable kind.
const TIME_FACTS = new Set(["signed_at", "now"]);

function factValue(step, f) {
  const dd = el("dd", {}, el("code", {}, f.value));
  if ((TIME_FACTS.has(f.kind) || (f.kind === "header" && f.label === "webhook-timestamp")) && /^\d+$/.test(f.value)) {
    const w = when(Number(f.value));
    if (w) dd.append(el("span", { class: "when" }, ` ${w}`));
  }
  if (f.kind === "jwt_claims") {
    try {
      const claims = JSON.parse(f.value);
      const times = ["iat", "nbf", "exp"].filter((k) => Number.isSafeInteger(claims[k])).map((k) => `${k} ${when(claims[k])}`);
      if (times.length) dd.append(el("span", { class: "when" }, ` ${times.join("; ")}`));
    } catch {}
  }
  if (f.kind === "expected_signature" || f.kind === "received") dd.append(" ", copyButton(f.value, f.kind === "received" ? "the received signature" : `the signature ${f.label}`));
  return dd;
}

function renderReport(out, report, cx) {
  const ok = report.verdict.ok === true;
  let text = null;
  try {
    text = decoder.decode(cx.body);
  } catch {}
  cx.text = text;
  const noKeys = !cx.config.secrets.length && !cx.config.publicKeys.length && !cx.config.jwks;
  const list = el("ol", { class: "steps", "aria-label": "Verification steps" });
  for (const step of report.steps) {
    // The core shows what a body claims to be even when its signature failed (a "note" fact):
    // information, not a pass, so it is drawn neutral rather than green.
    const unverified = step.ok && step.name === "payload" && step.facts.some((f) => f.kind === "unverified");
    // A delivery passes when any entry verifies (a rotation sends one entry per secret), so once
    // the core's verdict is a pass, an entry that matched no key is drawn as "not used", not red.
    const unused = ok && !step.ok && step.name === "signature";
    // An entry no key of its scheme could check: the core marks it `no_key_for_scheme`. It is
    // the failure when that is the verdict; beside another entry's failure it is only a note.
    const untried = !ok && !step.ok && step.name === "signature" && step.code === "no_key_for_scheme" &&
      step.facts.some((f) => f.kind === "entry");
    const state = unused || unverified || (untried && report.verdict.code !== "no_key_for_scheme") ? "info" : step.ok ? "ok" : "fail";
    const facts = el("dl", {});
    for (const f of step.facts) {
      if (f.kind === "entry") continue;
      facts.append(el("dt", {}, f.label), factValue(step, f));
    }
    const tips = state === "fail" ? advice(step, cx) : [];
    const notChecked = ` not checked${noKeys ? " (no secret or key entered)" : " (no key for its scheme)"}`;
    const suffix = untried ? notChecked : state === "fail" ? " failed" : unused ? " not used (another entry verified)" : "";
    const item = el("li", { class: `step ${state}`, "data-step": step.name, "data-ok": String(step.ok), "data-state": state },
      el("span", { class: "mark", "aria-hidden": "true" }, { ok: "✓", fail: "✗", info: "?" }[state]),
      el("span", { class: "sr-only" }, { ok: "Passed. ", fail: "Failed. ", info: "Note. " }[state]),
      el("strong", {}, `${stepTitle(step)}${suffix}: `),
      untried ? "no key of its scheme was there to check it against" : step.message,
      step.code && state === "fail" ? el("span", { class: "code" }, ` (${step.code})`) : "",
      facts.childElementCount ? facts : "",
      ...tips.map((t) => el("p", { class: "tip" }, "What to do: ", t)));
    if (step.name === "payload" && text !== null) item.append(formattedBody(text));
    list.append(item);
  }
  out.classList.remove("stale");
  out.replaceChildren(headline(report, cx), list);
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

// ---- Copy ----------------------------------------------------------------------------------
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el("textarea", { class: "sr-only", "aria-hidden": "true", tabindex: "-1" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

function copyButton(text, what) {
  const b = el("button", { type: "button", class: "copy", "aria-label": `Copy ${what}` }, "Copy");
  b.addEventListener("click", async () => {
    const ok = await copyText(typeof text === "function" ? text() : text);
    b.textContent = ok ? "Copied" : "Copy failed";
    $("copy-status").textContent = ok ? `Copied ${what}.` : `Could not copy ${what}; select it and copy by hand.`;
    setTimeout(() => { b.textContent = "Copy"; }, 1500);
  });
  return b;
}

// ---- JWKS ----------------------------------------------------------------------------------
/** What the core keeps and skips of the pasted JWKS (its own parser, via inspectJwks). */
function showJwksStatus() {
  const text = $("v-jwks").value.trim();
  const status = $("v-jwks-status");
  if (!text) {
    status.textContent = "Fetched only when you press the button, from a sandboxed frame that is given the URL and nothing else.";
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

/**
 * Fetches a URL in jwks-frame.html: a sandboxed frame (an opaque origin, so it cannot reach
 * this page) whose own policy allows https: requests. It is given the URL and nothing else;
 * this page keeps connect-src 'self'.
 */
function fetchInFrame(url) {
  return new Promise((resolve, reject) => {
    const frame = el("iframe", { src: "jwks-frame.html", sandbox: "allow-scripts", title: "JWKS download", class: "fetcher", "aria-hidden": "true", tabindex: "-1" });
    const timer = setTimeout(() => done(new Error("no answer within 20 s")), 20000);
    function onMessage(e) {
      if (e.source !== frame.contentWindow || typeof e.data !== "object" || e.data === null) return;
      if (e.data.ready) frame.contentWindow.postMessage({ url }, "*");
      else if (e.data.error) done(Object.assign(new Error(e.data.error), { network: e.data.network }));
      else done(null, e.data);
    }
    function done(err, data) {
      clearTimeout(timer);
      removeEventListener("message", onMessage);
      frame.remove();
      if (err) reject(err);
      else resolve(data);
    }
    addEventListener("message", onMessage);
    document.body.append(frame);
  });
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
    const res = await fetchInFrame(url);
    if (res.status < 200 || res.status > 299) throw new Error(`the server answered HTTP ${res.status}`);
    const info = JSON.parse(hw.inspectJwks(res.text));
    if (info.error) throw new Error(`the answer is not a usable JWKS: ${info.message}`);
    $("v-jwks").value = res.text;
    showJwksStatus();
    status.textContent = `Fetched from ${new URL(url).host}. ${status.textContent}`;
    edited();
  } catch (e) {
    const why = e.network ? "the request failed (offline, blocked, or the server does not allow browser requests)" : e.message;
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

function outputBlock(title, id, text, what) {
  return [el("div", { class: "out-head" }, el("h3", {}, title), copyButton(text, what)), el("pre", { id, tabindex: "0", "aria-label": title }, text)];
}

function sign() {
  const out = $("s-result");
  const scheme = $("s-scheme-v1a").checked ? "v1a" : "v1";
  // A textarea holds LF line breaks only; the sender may sign CRLF (the Verify tab keeps them).
  const body = $("s-eol").value === "crlf" ? $("s-body").value.replace(/\r?\n/g, "\r\n") : $("s-body").value;
  const id = $("s-id").value.trim() || `msg_${randomHex(12)}`;
  const ts = clock();
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
    renderError(out, `Could not sign: ${describeError(e)} Press “${scheme === "v1" ? "New secret" : "New key"}” to make a valid one.`);
    out.focus();
    return;
  }
  const headers = [["webhook-id", id], ["webhook-timestamp", String(ts)], ["webhook-signature", signature]];
  const headerBlock = headers.map(([k, v]) => `${k}: ${v}`).join("\n");
  const move = el("button", { type: "button", id: "s-to-verify", class: "primary" }, "Verify this delivery");
  move.addEventListener("click", () => {
    $("v-headers").value = headerBlock;
    setBodyExact(body);
    $("v-keys").value = keys;
    $("v-jwks").value = jwks;
    $("v-now").value = "";
    $("v-parsed").textContent = "";
    splitMessage = "";
    $("v-event").checked = /"type"\s*:/.test(body);
    example = null;
    $("example-note").textContent = "The delivery just signed, checked against this browser's clock.";
    showJwksStatus();
    showTab("verify");
    verify({ user: true });
  });
  const url = $("s-url").value.trim() || "http://127.0.0.1:8787/";
  out.replaceChildren(
    el("p", { class: "verdict ok", id: "s-verdict", tabindex: "-1" }, `✓ Signed with ${scheme} at ${ts} (${when(ts)}).`),
    ...outputBlock("Headers", "s-headers", headerBlock, "the headers"),
    ...outputBlock("Body", "s-body-out", body, "the body"),
    ...(scheme === "v1" ? outputBlock("For the receiver: the secret", "s-secret-out", keys, "the secret") : []),
    ...(jwks ? [...outputBlock("For the receiver: the public key", "s-whpk", publicKey, "the public key"), ...outputBlock("For the receiver: the JWKS", "s-jwks", jwks, "the JWKS")] : []),
    ...outputBlock("curl, aimed at a local hookwall worker", "s-curl", curlCommand(url, headers, body), "the curl command"),
    move,
  );
  $("s-status").textContent = `Signed with ${scheme}.`;
  reveal($("s-verdict"));
}

// ---- Sharing: only when the user asks, secrets only when ticked ----------------------------
const toBase64Url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

function shareLink() {
  const state = { v: 1, h: $("v-headers").value, b: $("v-body").value, f: bodyFormat, n: $("v-now").value, t: $("v-tolerance").value, e: $("v-event").checked, j: $("v-jwks").value };
  if ($("v-share-secret").checked) state.k = $("v-keys").value;
  const data = encoder.encode(JSON.stringify(state));
  let bin = [];
  for (let i = 0; i < data.length; i += 0x6000) bin.push(toBase64Url(data.subarray(i, i + 0x6000)));
  // Chunks of 0x6000 bytes are a multiple of 3, so their base64 joins without padding in between.
  return `${location.origin}${location.pathname}#share=${bin.join("")}`;
}

async function copyShareLink() {
  const link = shareLink();
  const withKeys = $("v-share-secret").checked && $("v-keys").value.trim() !== "";
  const ok = await copyText(link);
  $("v-share-status").textContent = ok
    ? `Copied a link of ${link.length} characters${withKeys ? ", with the secrets and keys in it" : ", without secrets or keys"}.`
    : "Could not copy the link.";
}

/** Fills the form from a #share= link, then takes the fragment out of the address bar. */
function loadShared() {
  const m = /^#share=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return false;
  history.replaceState(null, "", location.pathname + location.search);
  let state;
  try {
    state = JSON.parse(new TextDecoder().decode(fromBase64Url(m[1])));
  } catch {
    $("example-note").textContent = "The shared link could not be read; it may have been cut short.";
    return false;
  }
  $("v-headers").value = String(state.h ?? "");
  setBodyFormat(["text", "crlf", "base64", "hex"].includes(state.f) ? state.f : "text");
  $("v-body").value = String(state.b ?? "");
  $("v-keys").value = String(state.k ?? "");
  $("v-jwks").value = String(state.j ?? "");
  $("v-now").value = String(state.n ?? "");
  $("v-tolerance").value = String(state.t ?? "300");
  $("v-event").checked = state.e !== false;
  showBodyInfo();
  showJwksStatus();
  $("example-note").textContent = `Filled from a shared link${state.k ? " that carried secrets or keys" : " (no secrets or keys: paste yours)"}; the link was taken out of the address bar.`;
  return true;
}

// Ctrl+Enter (or Cmd+Enter) runs the form the focused field belongs to.
function shortcut(e) {
  if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
  const section = e.target.closest?.("section");
  if (section?.id === "verify") { e.preventDefault(); whenReady(() => verify({ user: true }))(); }
  if (section?.id === "sign") { e.preventDefault(); whenReady(sign)(); }
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").then(() => navigator.serviceWorker.ready).then(() => {
    $("offline").textContent = "saved in this browser: works offline";
    document.body.dataset.offline = "true";
  }).catch(() => {});
}

function wire() {
  $("tab-verify").addEventListener("click", () => showTab("verify"));
  $("tab-sign").addEventListener("click", () => showTab("sign"));
  for (const b of document.querySelectorAll("[data-example]")) b.addEventListener("click", whenReady(() => loadExample(b.dataset.example)));
  $("v-run").addEventListener("click", whenReady(() => verify({ user: true })));
  $("v-fetch").addEventListener("click", whenReady(fetchJwks));
  $("v-jwks").addEventListener("input", whenReady(showJwksStatus));
  $("v-headers").addEventListener("paste", pasteHeaders);
  $("v-headers").addEventListener("input", () => { splitMessage = ""; });
  $("v-body").addEventListener("paste", pasteBody);
  $("v-body-format").addEventListener("change", () => { changeBodyFormat(); edited(); });
  $("v-body-file").addEventListener("change", loadBodyFile);
  $("v-body").addEventListener("input", () => showBodyInfo());
  $("v-now").addEventListener("input", showNowInfo);
  for (const id of ["v-headers", "v-body", "v-keys", "v-jwks", "v-now", "v-tolerance"]) $(id).addEventListener("input", () => edited());
  $("v-event").addEventListener("change", () => edited());
  $("s-type").addEventListener("change", whenReady(writeBody));
  $("s-generate").addEventListener("click", whenReady(writeBody));
  $("s-new-secret").addEventListener("click", whenReady(newSecret));
  $("s-new-key").addEventListener("click", whenReady(newKey));
  $("s-run").addEventListener("click", whenReady(sign));
  $("v-share").addEventListener("click", () => copyShareLink());
  $("v-share-secret").addEventListener("change", () => { $("v-share-warning").hidden = !$("v-share-secret").checked; });
  document.addEventListener("keydown", shortcut);
}

async function main() {
  wire();
  showNowInfo();
  showBodyInfo();
  await init();
  $("version").textContent = hw.version();
  catalogList = JSON.parse(hw.catalog());
  for (const { type } of catalogList) $("s-type").append(el("option", { value: type }, type));
  writeBody();
  ready = true;
  $("load-status").textContent = "";
  $("load-status").hidden = true;
  document.body.dataset.ready = "true";
  markReady();
  if (loadShared()) verify();
  registerServiceWorker();
}

main().catch((e) => {
  document.body.dataset.ready = "error";
  const status = $("load-status");
  status.hidden = false;
  status.className = "load error";
  status.textContent = `The verifier could not load: ${e.message}. Serve this folder over http(s) (not file://) with .wasm as application/wasm, then reload.`;
});
