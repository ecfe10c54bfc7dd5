// Unit tests of the playground's input handling (www/parse.js), in Node without a browser:
// pasted curl commands, raw HTTP requests and header lines become header pairs and a body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDelivery, shellWords, curlCommand } from "../../www/parse.js";

const BODY = '{"type":"batch.succeeded","version":"v1","data":{"id":"batch_1","note":"it\'s done"}}';
const HEADERS = [
  ["webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"],
  ["webhook-timestamp", "1674087231"],
  ["webhook-signature", "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ= v1a,AAAA"],
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
