// Turning what a person pastes into header pairs and a body. This is input handling only:
// every check on the result is done by the wasm core.

/** Splits a shell command line into words (quotes, escapes, line continuations). */
export function shellWords(text) {
  const words = [];
  let word = null;
  let i = 0;
  const push = () => { if (word !== null) words.push(word); word = null; };
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && text[i + 1] === "\n") { i += 2; continue; }
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
          word += { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' }[n] ?? n;
          i += 2;
        } else word += text[i++];
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && '"\\$`\n'.includes(text[i + 1])) { word += text[i + 1]; i += 2; }
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

/**
 * Parses pasted text: `name: value` lines, a raw HTTP request (request line, headers, blank
 * line, body) or a curl command (-H/--header, -d/--data/--data-raw/--data-binary).
 * Returns { kind, headers: [[name, value]], body: string | null, url?, notes: [] }.
 */
export function parseDelivery(text) {
  const trimmed = text.trim().replace(/^\$\s+(?=curl\s)/, "");
  if (/^curl(\.exe)?(\s|$)/.test(trimmed)) return parseCurl(trimmed.replace(/\r\n/g, "\n"));
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  while (lines.length && !lines[0].trim()) lines.shift();
  const notes = [];
  if (/^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/.test(lines[0]?.trim() ?? "")) {
    const headers = [];
    let i = 1;
    for (; i < lines.length && lines[i].trim() !== ""; i++) {
      const h = headerLine(lines[i]);
      if (h) headers.push(h);
      else notes.push(`Ignored a line that is not "name: value": ${lines[i].slice(0, 40)}`);
    }
    const body = i < lines.length ? lines.slice(i + 1).join("\n") : null;
    return { kind: "http", headers, body, notes: [...notes, ...lengthNote(headers, body)] };
  }
  const headers = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const h = headerLine(line);
    if (h) headers.push(h);
    else notes.push(`Ignored a line that is not "name: value": ${line.slice(0, 40)}`);
  }
  return { kind: "lines", headers, body: null, notes };
}

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
      if (d.startsWith("@") && w !== "--data-raw") notes.push(`The body is read from a file (${d}); paste the body itself.`);
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

/** A curl command that POSTs the delivery (single-quoted for POSIX shells). */
export function curlCommand(url, headers, body) {
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const parts = [`curl -sS -X POST ${q(url)}`, `-H ${q("content-type: application/json")}`];
  for (const [k, v] of headers) parts.push(`-H ${q(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${q(body)}`);
  return parts.join(" \\\n  ");
}
