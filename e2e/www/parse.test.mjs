// Unit tests of the playground's input handling (www/parse.js), in Node without a browser:
// pasted curl commands, raw HTTP requests and header lines become header pairs and a body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDelivery, shellWords, curlCommand, bodyField, bodyBytes, showBytes } from "../../www/parse.js";
import { inspect } from "node:util";
import { GEMINI } from "../vectors.mjs";

const BODY = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_1","note":"it\'s done"}}';
const HEADERS = [
  ["webhook-id", GEMINI.id],
  ["webhook-timestamp", String(GEMINI.timestamp)],
  ["webhook-signature", `${GEMINI.v1[0]} v1a,AAAA`],
];
const webhookHeaders = (parsed) => parsed.headers.filter(([k]) => k.toLowerCase().startsWith("webhook-"));

test("shell words: quotes, escapes, $'...' and line continuations", () => {
  assert.deepEqual(shellWords(`a 'b c' "d \\"e\\" $x" f\\ g \\\n h $'i\\nj\\'k'`), ["a", "b c", 'd "e" $x', "f g", "h", "i\nj'k"]);
  assert.deepEqual(shellWords(`'a'"b"c`), ["abc"]);
  assert.deepEqual(shellWords(`''`), [""]);
  assert.throws(() => shellWords("curl 'open"), /unterminated/);
  assert.throws(() => shellWords('curl "open'), /unterminated/);
});

test("the playground's own curl command parses back to the same headers and body", () => {
  const cmd = curlCommand("http://127.0.0.1:8787/", HEADERS, BODY);
  const parsed = parseDelivery(cmd);
  assert.equal(parsed.kind, "curl");
  assert.equal(parsed.url, "http://127.0.0.1:8787/");
  assert.equal(parsed.body, BODY);
  assert.deepEqual(webhookHeaders(parsed), HEADERS);
  assert.deepEqual(parsed.notes, []);
});

test("curl as copied from a browser: $'...' body, double quotes, glued -H, a prompt, CRLF continuations", () => {
  const cmd = `$ curl 'https://example.com/hook' \\\r\n  -H "webhook-id: msg_1" \\\r\n  -H'webhook-timestamp: 1674087231' \\\r\n  --header 'webhook-signature: v1,abc=' \\\r\n  --compressed -s --data-raw $'{"a":"it\\'s\\\\n"}'`;
  const parsed = parseDelivery(cmd);
  assert.equal(parsed.kind, "curl");
  assert.deepEqual(parsed.headers, [["webhook-id", "msg_1"], ["webhook-timestamp", "1674087231"], ["webhook-signature", "v1,abc="]]);
  assert.equal(parsed.body, `{"a":"it's\\n"}`);
  assert.equal(parsed.url, "https://example.com/hook");
});

test("curl: -d parts join with &, --json sets the content type, @file and a missing body are explained", () => {
  assert.equal(parseDelivery("curl -d a=1 -d b=2 http://x/").body, "a=1&b=2");
  const json = parseDelivery(`curl --json '{"type":"x"}' http://x/`);
  assert.equal(json.body, '{"type":"x"}');
  assert.deepEqual(json.headers, [["content-type", "application/json"]]);
  assert.match(parseDelivery("curl -H 'webhook-id: 1' --data-binary @body.json http://x/").notes.join(" "), /read from a file/);
  assert.match(parseDelivery("curl -H 'webhook-id: 1' http://x/").notes.join(" "), /no body/);
  // Options that take a value do not swallow the URL or the body.
  const p = parseDelivery("curl -X POST -A agent -m 5 http://x/ -d body");
  assert.equal(p.url, "http://x/");
  assert.equal(p.body, "body");
});

test("a raw HTTP request: CRLF or LF, any header case, the body kept exactly", () => {
  for (const eol of ["\r\n", "\n"]) {
    const req = ["POST /hook HTTP/1.1", "Host: example.com", "Webhook-Id: msg_1", "WEBHOOK-TIMESTAMP:1674087231", "webhook-signature:  v1,abc= ", "", BODY].join(eol);
    const parsed = parseDelivery(req);
    assert.equal(parsed.kind, "http");
    assert.deepEqual(parsed.headers, [["Host", "example.com"], ["Webhook-Id", "msg_1"], ["WEBHOOK-TIMESTAMP", "1674087231"], ["webhook-signature", "v1,abc="]]);
    assert.equal(parsed.body, BODY);
  }
  // A body that itself has blank lines, and a trailing newline, is kept as is.
  assert.equal(parseDelivery("POST / HTTP/1.1\nA: b\n\nline1\n\nline3\n").body, "line1\n\nline3\n");
  // Only a head: no body.
  assert.equal(parseDelivery("POST / HTTP/2\nA: b").body, null);
});

test("a Content-Length that disagrees with the pasted body is pointed out", () => {
  const req = (len, body) => `POST / HTTP/1.1\nContent-Length: ${len}\n\n${body}`;
  assert.deepEqual(parseDelivery(req(5, "hello")).notes, []);
  assert.match(parseDelivery(req(5, "hello\n")).notes.join(" "), /Content-Length says 5 bytes but the pasted body has 6/);
  // Counted in UTF-8 bytes, not characters.
  assert.deepEqual(parseDelivery(req(2, "é")).notes, []);
});

test("header lines: blank lines skipped, other lines reported, values may hold colons", () => {
  const parsed = parseDelivery("\nwebhook-id: a:b\n\nnot a header\nwebhook-timestamp: 1\n");
  assert.equal(parsed.kind, "lines");
  assert.equal(parsed.body, null);
  assert.deepEqual(parsed.headers, [["webhook-id", "a:b"], ["webhook-timestamp", "1"]]);
  assert.match(parsed.notes.join(" "), /Ignored a line that is not "name: value": not a header/);
  assert.deepEqual(parseDelivery("").headers, []);
});

test("curlCommand quotes single quotes safely for POSIX shells", () => {
  const cmd = curlCommand("http://h/", [["a", "it's"]], "x'y");
  assert.match(cmd, /-H 'a: it'\\''s'/);
  assert.equal(parseDelivery(cmd).body, "x'y");
});

const CRLF = '{"a":1,\r\n"b":2}\r\n';

test("CR bytes survive: curl $'\\r\\n', a raw CR inside quotes, CRLF continuations, and the HTTP body", () => {
  assert.equal(parseDelivery(`curl http://x/ \\\r\n  -H 'webhook-id: 1' \\\r\n  --data-raw $'{"a":1,\\r\\n"b":2}\\r\\n'`).body, CRLF);
  assert.equal(parseDelivery(`curl http://x/ --data-binary '${CRLF}'`).body, CRLF);
  assert.equal(parseDelivery(`curl http://x/ --data-binary "${CRLF.replace(/"/g, '\\"')}"`).body, CRLF);
  const req = parseDelivery(`POST / HTTP/1.1\r\nWebhook-Id: 1\r\n\r\n${CRLF}`);
  assert.deepEqual(req.headers, [["Webhook-Id", "1"]]);
  assert.equal(req.body, CRLF);
  // $'...' escapes as browsers write them: \xHH and \uHHHH.
  assert.deepEqual(shellWords("$'\\x41\\u00e9\\t'"), ["A\u00e9\t"]);
  // The playground's own curl command keeps a CR body through a round trip.
  assert.equal(parseDelivery(curlCommand("http://x/", HEADERS, CRLF)).body, CRLF);
});

test("headers as objects: JSON, Node's util.inspect, a Python dict, a list of pairs", () => {
  const obj = { host: "example.com", "webhook-id": "msg_1", "webhook-timestamp": "1674087231", "webhook-signature": "v1,a= v1,b=", "set-cookie": ["a=1", "b=2"] };
  const expected = [["host", "example.com"], ["webhook-id", "msg_1"], ["webhook-timestamp", "1674087231"], ["webhook-signature", "v1,a= v1,b="], ["set-cookie", "a=1, b=2"]];
  for (const text of [JSON.stringify(obj, null, 2), inspect(obj), `[Object: null prototype] ${inspect(obj)}`,
    "{'host': 'example.com', 'webhook-id': 'msg_1', 'webhook-timestamp': '1674087231', 'webhook-signature': 'v1,a= v1,b=', 'set-cookie': ['a=1', 'b=2']}"]) {
    const parsed = parseDelivery(text);
    assert.equal(parsed.kind, "object", text);
    assert.deepEqual(parsed.headers, expected, text);
  }
  const pairs = parseDelivery("EnvironHeaders([('Host', 'example.com'), ('Webhook-Id', 'msg_1')])");
  assert.deepEqual(pairs.headers, [["Host", "example.com"], ["Webhook-Id", "msg_1"]]);
  // A JSON number is read as its digits; a name that is not a header name is reported.
  const odd = parseDelivery('{"webhook-timestamp": 1674087231, "not a name": "x"}');
  assert.deepEqual(odd.headers, [["webhook-timestamp", "1674087231"]]);
  assert.match(odd.notes.join(" "), /not a header name: not a name/);
});

test("svix-* names are read as webhook-* with a note, unless webhook-* are there too", () => {
  const p = parseDelivery("svix-id: msg_1\nSvix-Timestamp: 1\nsvix-signature: v1,a=");
  assert.deepEqual(p.headers, [["webhook-id", "msg_1"], ["webhook-timestamp", "1"], ["webhook-signature", "v1,a="]]);
  assert.match(p.notes.join(" "), /Svix deliveries follow Standard Webhooks/);
  const both = parseDelivery("svix-id: a\nwebhook-id: b");
  assert.deepEqual(both.headers, [["svix-id", "a"], ["webhook-id", "b"]]);
  assert.deepEqual(both.notes, []);
});

test("body field formats: CRLF and mixed line breaks, base64 and hex, both ways", () => {
  assert.deepEqual(bodyField("a\nb"), { format: "text", value: "a\nb" });
  assert.deepEqual(bodyField(CRLF), { format: "crlf", value: CRLF.replace(/\r\n/g, "\n") });
  const mixed = bodyField("a\r\nb\nc");
  assert.equal(mixed.format, "base64");
  assert.equal(Buffer.from(mixed.value, "base64").toString(), "a\r\nb\nc");
  assert.equal(bodyField("a\rb").format, "base64", "a bare CR cannot live in a textarea");
  assert.equal(Buffer.from(bodyBytes("crlf", "a\nb")).toString(), "a\r\nb");
  const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(bodyBytes("base64", Buffer.from(bin).toString("base64")), bin);
  assert.deepEqual(bodyBytes("base64", Buffer.from(bin).toString("base64url")), bin, "url-safe and unpadded");
  assert.deepEqual(bodyBytes("hex", showBytes("hex", bin)), bin);
  assert.deepEqual(bodyBytes("hex", "0x41 42:43"), Uint8Array.from([0x41, 0x42, 0x43]));
  assert.throws(() => bodyBytes("hex", "abc"), /not valid hex/);
  assert.throws(() => bodyBytes("base64", "a$b"), /not valid base64/);
  assert.equal(showBytes("text", bin), null, "not UTF-8");
  assert.equal(showBytes("text", new TextEncoder().encode(CRLF)), null, "text LF cannot show CR");
  assert.equal(showBytes("crlf", new TextEncoder().encode(CRLF)), CRLF.replace(/\r\n/g, "\n"));
});

test("adversarial pastes: random mixes of quotes, brackets, CR and curl/HTTP/object prefixes never hang or throw anything but a reason", () => {
  // A fixed-seed generator, so a failure reproduces.
  let seed = 0x9e3779b9;
  const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const atoms = ["'", '"', "$'", "\\", "\r", "\n", "\r\n", "{", "}", "[", "]", "(", ")", ":", "=>", ",", "+", " ", "-H", "--data-raw", "-d", "@",
    "webhook-id", "svix-signature", "v1,", "b'", "\\x4", "\\u00", "[Object: null prototype]", "é", "\0", "POST / HTTP/1.1", "curl ", "$ curl "];
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    let text = ["", "curl ", "POST / HTTP/1.1\r\n", "{", "[(", "Headers({"][rand(6)];
    for (let j = rand(40); j > 0; j--) text += atoms[rand(atoms.length)];
    let parsed;
    try {
      parsed = parseDelivery(text);
    } catch (e) {
      assert.match(e.message, /unterminated/, JSON.stringify(text));
      continue;
    }
    assert.ok(["lines", "http", "curl", "object"].includes(parsed.kind), JSON.stringify(text));
    for (const [k, v] of parsed.headers) {
      assert.match(k, /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, JSON.stringify(text));
      assert.equal(typeof v, "string");
    }
    assert.ok(parsed.body === null || typeof parsed.body === "string");
  }
  // A large paste stays fast: a 1 MB raw request and a 200 kB Node-style object.
  const big = `POST / HTTP/1.1\r\nwebhook-id: x\r\n\r\n${"a\r\n".repeat(350_000)}`;
  assert.equal(parseDelivery(big).body.length, 1_050_000);
  const obj = `{ ${Array.from({ length: 5000 }, (_, k) => `'x-h${k}': 'value ${k}'`).join(",\n  ")} }`;
  assert.equal(parseDelivery(obj).headers.length, 5000);
  assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
});
