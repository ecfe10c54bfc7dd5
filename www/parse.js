// Turning what a person pastes into header pairs and a body. This is input handling only:
// every check on the result is done by the wasm core. Bodies are kept byte for byte: a CR in a
// pasted curl command or HTTP request stays in the body (only line continuations and the
// request head's line breaks are syntax).

/** Splits a shell command line into words (quotes, escapes, line continuations). */
export function shellWords(text) {
  const words = [];
  let word = null;
  let i = 0;
  const push = () => { if (word !== null) words.push(word); word = null; };
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && text[i + 1] === "\n") { i += 2; continue; }
    if (c === "\\" && text[i + 1] === "\r" && text[i + 2] === "\n") { i += 3; continue; }
    if (/\s/.test(c)) { push(); i++; continue; }
    word ??= "";
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated ' quote");
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === "$" && text[i + 1] === "'") {
      i += 2;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === "\\" && i + 1 < text.length) {
          const n = text[i + 1];
          const hex = n === "x" ? /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2)) : n === "u" ? /^[0-9a-fA-F]{1,4}/.exec(text.slice(i + 2)) : null;
          if (hex) {
            word += String.fromCharCode(parseInt(hex[0], 16));
            i += 2 + hex[0].length;
            continue;
          }
          word += { n: "\n", t: "\t", r: "\r", e: "\x1b", a: "\x07", "\\": "\\", "'": "'", '"': '"' }[n] ?? n;
          i += 2;
        } else word += text[i++];
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && text[i + 1] === "\r" && text[i + 2] === "\n") i += 3; // continuation
        else if (text[i] === "\\" && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== "\n") word += text[i + 1];
          i += 2;
        }
        else word += text[i++];
      }
      if (i >= text.length) throw new Error('unterminated " quote');
      i++;
    } else if (c === "\\") {
      word += text[i + 1] ?? "";
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  push();
  return words;
}

function headerLine(line) {
  const at = line.indexOf(":");
  if (at <= 0) return null;
  const name = line.slice(0, at).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return null;
  return [name, line.slice(at + 1).trim()];
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Parses pasted text: `name: value` lines, a raw HTTP request (request line, headers, blank
 * line, body), a curl command (-H/--header, -d/--data/--data-raw/--data-binary), or an object
 * of headers as programs print them: JSON, `console.log(req.headers)` in Node, a Python dict or
 * list of pairs. `svix-*` names are read as their `webhook-*` twins (Svix follows Standard
 * Webhooks). Returns { kind, headers: [[name, value]], body: string | null, url?, notes: [] };
 * the body keeps every character of the paste, CR included.
 */
export function parseDelivery(text) {
  const parsed = parseAny(text);
  return { ...parsed, ...svixNames(parsed.headers, parsed.notes) };
}

function parseAny(text) {
  const trimmed = text.trim().replace(/^\$\s+(?=curl\s)/, "");
  if (/^curl(\.exe)?(\s|$)/.test(trimmed)) return parseCurl(trimmed);
  const object = parseObject(trimmed);
  if (object) return object;
  const start = text.search(/\S/);
  const rest = start < 0 ? "" : text.slice(text.lastIndexOf("\n", start) + 1);
  const first = /^[^\r\n]*/.exec(rest)[0];
  if (/^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/.test(first.trim())) return parseHttp(rest);
  const headers = [];
  const notes = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const h = headerLine(line);
    if (h) headers.push(h);
    else notes.push(`Ignored a line that is not "name: value": ${line.slice(0, 40)}`);
  }
  return { kind: "lines", headers, body: null, notes };
}

/** A raw request: the head's lines end in CRLF or LF; the body after the blank line is kept exactly. */
function parseHttp(text) {
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text.replace(/\r?\n$/, "");
  const body = end ? text.slice(end.index + end[0].length) : null;
  const headers = [];
  const notes = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    const h = headerLine(line);
    if (h) headers.push(h);
    else notes.push(`Ignored a line that is not "name: value": ${line.slice(0, 40)}`);
  }
  return { kind: "http", headers, body, notes: [...notes, ...lengthNote(headers, body)] };
}

// ---- Objects: JSON, Node's util.inspect, Python dicts and lists of pairs -------------------

function objectTokens(text) {
  const out = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"' || (/[bBuUrR]/.test(c) && (text[i + 1] === "'" || text[i + 1] === '"'))) {
      const raw = c !== "'" && c !== '"';
      if (raw) i++;
      const q = text[i];
      let s = "";
      i++;
      while (i < text.length && text[i] !== q) {
        if (text[i] === "\\" && i + 1 < text.length) {
          const n = text[i + 1];
          const hex = n === "x" ? /^[0-9a-fA-F]{2}/.exec(text.slice(i + 2)) : n === "u" ? /^[0-9a-fA-F]{4}/.exec(text.slice(i + 2)) : null;
          if (hex) { s += String.fromCharCode(parseInt(hex[0], 16)); i += 2 + hex[0].length; continue; }
          s += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", 0: "\0" }[n] ?? n;
          i += 2;
        } else s += text[i++];
      }
      if (i >= text.length) return null;
      i++;
      out.push({ t: "str", v: s });
    } else if (c === "=" && text[i + 1] === ">") {
      out.push({ t: "sep" });
      i += 2;
    } else if (c === ":") {
      out.push({ t: "sep" });
      i++;
    } else if ("{}[](),+".includes(c)) {
      out.push({ t: c });
      i++;
    } else {
      const m = /^[^\s{}[\](),:'"+=]+/.exec(text.slice(i));
      if (!m) { out.push({ t: c }); i++; continue; }
      out.push({ t: "word", v: m[0] });
      i += m[0].length;
    }
  }
  // 'a' + 'b' (older Node splits long strings so)
  for (let k = 0; k + 2 < out.length; k++) {
    if (out[k].t === "str" && out[k + 1].t === "+" && out[k + 2].t === "str") {
      out.splice(k, 3, { t: "str", v: out[k].v + out[k + 2].v });
      k--;
    }
  }
  return out;
}

function objectPairs(tokens) {
  const pairs = [];
  const scalar = (tok) => tok && (tok.t === "str" || tok.t === "word");
  for (let k = 0; k < tokens.length; k++) {
    const [a, b, c, d, e] = tokens.slice(k, k + 5);
    if (scalar(a) && b?.t === "sep" && c) {
      if (scalar(c)) { pairs.push([a.v, c.v]); k += 2; continue; }
      if (c.t === "[") {
        const values = [];
        let j = k + 3;
        for (; j < tokens.length && tokens[j].t !== "]"; j++) if (scalar(tokens[j])) values.push(tokens[j].v);
        pairs.push([a.v, values.join(", ")]);
        k = j;
        continue;
      }
    }
    if ((a?.t === "(" || a?.t === "[") && b?.t === "str" && c?.t === "," && d?.t === "str" && (e?.t === ")" || e?.t === "]")) {
      pairs.push([b.v, d.v]);
      k += 4;
    }
  }
  return pairs;
}

function parseObject(text) {
  // Node prints `[Object: null prototype] {`; Python `EnvironHeaders([`, `HTTPHeaderDict({`, `Headers({`.
  const bare = text.replace(/^\[Object: null prototype\]\s*/, "").replace(/^[A-Za-z_][\w.]*\s*(?=[({[])/, "");
  if (!/^[{[(]/.test(bare)) return null;
  let pairs = null;
  try {
    const json = JSON.parse(bare);
    if (json && typeof json === "object") {
      pairs = Array.isArray(json)
        ? json.filter((p) => Array.isArray(p) && p.length === 2).map(([k, v]) => [String(k), String(v)])
        : Object.entries(json).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]);
    }
  } catch {
    const tokens = objectTokens(bare);
    if (tokens) pairs = objectPairs(tokens);
  }
  if (!pairs) return null;
  const headers = [];
  const notes = [];
  for (const [k, v] of pairs) {
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) headers.push([k, v.trim()]);
    else notes.push(`Ignored an entry whose name is not a header name: ${k.slice(0, 40)}`);
  }
  return { kind: "object", headers, body: null, notes };
}

/** svix-id, svix-timestamp and svix-signature are read as webhook-* when those are absent. */
function svixNames(headers, notes) {
  const has = (name) => headers.some(([k]) => k.toLowerCase() === name);
  const mapped = [];
  const out = headers.map(([k, v]) => {
    const m = /^svix-(id|timestamp|signature)$/i.exec(k);
    if (m && !has(`webhook-${m[1].toLowerCase()}`)) {
      mapped.push(k);
      return [`webhook-${m[1].toLowerCase()}`, v];
    }
    return [k, v];
  });
  if (!mapped.length) return { headers, notes };
  return {
    headers: out,
    notes: [...notes, `Read ${mapped.join(", ")} as ${mapped.map((k) => k.toLowerCase().replace("svix-", "webhook-")).join(", ")}: Svix deliveries follow Standard Webhooks, with the same signed content and signature format.`],
  };
}

// ---- curl -----------------------------------------------------------------------------------

// curl options that take a value this parser does not need.
const CURL_VALUE_FLAGS = new Set(["-X", "--request", "-u", "--user", "-o", "--output", "-m", "--max-time", "-A", "--user-agent",
  "-b", "--cookie", "-c", "--cookie-jar", "-e", "--referer", "-w", "--write-out", "--connect-timeout", "--retry", "-x", "--proxy",
  "--cacert", "--cert", "--key", "-T", "--upload-file", "--resolve", "--max-filesize"]);
const CURL_DATA_FLAGS = new Set(["-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"]);

function parseCurl(command) {
  const words = shellWords(command);
  const headers = [];
  const notes = [];
  let body = null;
  let url;
  for (let i = 1; i < words.length; i++) {
    let w = words[i];
    let value = null;
    // -H'name: value' and -d'body' (the value glued to a short option).
    if (/^-[HdXuoAmbewx]./.test(w) && !w.startsWith("--")) {
      value = w.slice(2);
      w = w.slice(0, 2);
    }
    const next = () => value ?? words[++i] ?? "";
    if (w === "-H" || w === "--header") {
      const raw = next();
      const h = headerLine(raw);
      if (h) headers.push(h);
      else notes.push(`Ignored a header that is not "name: value": ${raw.slice(0, 40)}`);
    } else if (CURL_DATA_FLAGS.has(w)) {
      const d = next();
      if (d.startsWith("@") && w !== "--data-raw") notes.push(`The body is read from a file (${d}); load that file as the body (“Load a file”).`);
      else body = body === null ? d : `${body}&${d}`;
      if (w === "--json" && !headers.some(([k]) => k.toLowerCase() === "content-type")) headers.push(["content-type", "application/json"]);
    } else if (w === "--url") {
      url = next();
    } else if (w === "-F" || w === "--form" || w === "--data-urlencode") {
      next();
      notes.push(`${w} builds a body curl encodes itself; paste the raw body instead.`);
    } else if (CURL_VALUE_FLAGS.has(w)) {
      next();
    } else if (w.startsWith("-")) {
      // a flag without a value (-s, -S, -i, -v, --compressed, ...)
    } else {
      url = w;
    }
  }
  if (body === null) notes.push("The command has no body (-d, --data-raw, --data-binary); paste the body separately.");
  return { kind: "curl", headers, body, url, notes: [...notes, ...lengthNote(headers, body)] };
}

/** A Content-Length that disagrees with the pasted body usually means bytes were added or lost in the copy. */
function lengthNote(headers, body) {
  const declared = headers.find(([k]) => k.toLowerCase() === "content-length")?.[1];
  if (body === null || declared === undefined || !/^\d+$/.test(declared)) return [];
  const actual = new TextEncoder().encode(body).length;
  if (Number(declared) === actual) return [];
  return [`Content-Length says ${declared} bytes but the pasted body has ${actual}: the copy may have added or lost bytes (a trailing newline, changed line endings), and any changed byte changes the signature.`];
}

/** A curl command that POSTs the delivery (single-quoted for POSIX shells; CR as $'\r'). */
export function curlCommand(url, headers, body) {
  const q = (s) => {
    const parts = String(s).split("\r").map((p) => `'${p.replace(/'/g, `'\\''`)}'`);
    return parts.join("$'\\r'").replace(/^''(?=\$)/, "").replace(/(?<=')''$/, "");
  };
  const parts = [`curl -sS -X POST ${q(url)}`, `-H ${q("content-type: application/json")}`];
  for (const [k, v] of headers) parts.push(`-H ${q(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${q(body)}`);
  return parts.join(" \\\n  ");
}

// ---- Body bytes ------------------------------------------------------------------------------
// A textarea holds LF line breaks only (the browser turns CR LF and CR into LF), so the body
// field has a format: text with LF line breaks, text with CRLF line breaks, base64 or hex.

/** How to show exact body text in the field: { format: "text" | "crlf" | "base64", value }. */
export function bodyField(text) {
  if (!text.includes("\r")) return { format: "text", value: text };
  const bareCr = /\r(?!\n)/.test(text);
  const bareLf = /(^|[^\r])\n/.test(text);
  if (!bareCr && !bareLf) return { format: "crlf", value: text.replace(/\r\n/g, "\n") };
  return { format: "base64", value: toBase64(new TextEncoder().encode(text)) };
}

/** The body bytes of the field: throws an Error with a sentence when base64 or hex is not valid. */
export function bodyBytes(format, value) {
  if (format === "text") return new TextEncoder().encode(value);
  if (format === "crlf") return new TextEncoder().encode(value.replace(/\r?\n/g, "\r\n"));
  if (format === "base64") {
    const clean = value.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.replace(/=+$/, "").length % 4 === 1) throw new Error("the body is not valid base64");
    const bin = atob(clean.replace(/=+$/, "").padEnd(Math.ceil(clean.replace(/=+$/, "").length / 4) * 4, "="));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  }
  if (format === "hex") {
    const clean = value.replace(/0x/gi, "").replace(/[\s:,]+/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error("the body is not valid hex (two digits per byte)");
    return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
  }
  throw new Error(`unknown body format ${format}`);
}

/** Shows bytes in a format: text formats only when the bytes are UTF-8 (else null). */
export function showBytes(format, bytes) {
  if (format === "base64") return toBase64(bytes);
  if (format === "hex") return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").replace(/(.{64})/g, "$1\n").trimEnd();
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  if (format === "crlf") return /\r(?!\n)|(^|[^\r])\n/.test(text) ? null : text.replace(/\r\n/g, "\n");
  return text.includes("\r") ? null : text;
}

export function toBase64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
