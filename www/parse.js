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
  const trimmed = text.trim();
  const notes = [];
  if (/^curl(\s|$)/.test(trimmed)) {
    const words = shellWords(trimmed);
    const headers = [];
    let body = null;
    let url;
    for (let i = 1; i < words.length; i++) {
      const w = words[i];
      const next = () => words[++i] ?? "";
      if (w === "-H" || w === "--header") {
        const h = headerLine(next());
        if (h) headers.push(h);
      } else if (["-d", "--data", "--data-raw", "--data-binary", "--data-ascii"].includes(w)) {
        const d = next();
        if (d.startsWith("@") && w !== "--data-raw") notes.push(`the body is read from a file (${d}); paste the body itself`);
        else body = body === null ? d : `${body}&${d}`;
      } else if (["-X", "--request", "-u", "--user", "-o", "--output", "-m", "--max-time", "-A", "--user-agent"].includes(w)) {
        next();
      } else if (w.startsWith("-")) {
        // a flag without a value (-s, -S, -i, -v, --compressed, ...)
      } else {
        url = w;
      }
    }
    return { kind: "curl", headers, body, url, notes };
  }
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (/^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/.test(lines[0]?.trim() ?? "")) {
    const headers = [];
    let i = 1;
    for (; i < lines.length && lines[i].trim() !== ""; i++) {
      const h = headerLine(lines[i]);
      if (h) headers.push(h);
    }
    const rest = lines.slice(i + 1).join("\n");
    return { kind: "http", headers, body: i < lines.length ? rest : null, notes };
  }
  const headers = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const h = headerLine(line);
    if (h) headers.push(h);
    else notes.push(`ignored a line that is not "name: value": ${line.slice(0, 40)}`);
  }
  return { kind: "lines", headers, body: null, notes };
}

/** A curl command that POSTs the delivery (single-quoted for POSIX shells). */
export function curlCommand(url, headers, body) {
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const parts = [`curl -sS -X POST ${q(url)}`, `-H ${q("content-type: application/json")}`];
  for (const [k, v] of headers) parts.push(`-H ${q(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${q(body)}`);
  return parts.join(" \\\n  ");
}
