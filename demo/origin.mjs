#!/usr/bin/env node
// A small private origin for hookwall, and a local JWKS endpoint.
//
// As a program (`node demo/origin.mjs [--port 8788]`): prints every event the worker forwards,
// after checking the hop signature with ORIGIN_SECRET using the reference `standardwebhooks`
// package, and serves demo/jwks.json at /.well-known/jwks.json.
// As a module: `startOrigin()` is what the end-to-end tests use, with counters and fault modes.
import http from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Starts an origin on 127.0.0.1.
 * @param {object} o
 * @param {string} o.secret ORIGIN_SECRET (whsec_...), to verify the hop
 * @param {number} [o.port] 0 for an ephemeral port
 * @param {string|null} [o.jwks] JWKS document served at /.well-known/jwks.json (null: 404)
 * @param {(event: object) => void} [o.onEvent]
 * Mode (`origin.mode`): "ok" (200), "fail" (500), "reject" (422), "slow" (answers after `slowMs`),
 * "hang" (never answers), "flap" (500 then 200 alternately).
 */
export function startOrigin({ secret, port = 0, jwks = null, onEvent = () => {} }) {
  const wh = new Webhook(secret);
  const origin = {
    mode: "ok",
    slowMs: 2000,
    jwks,
    jwksMode: "ok", // "ok" | "down" (503) | "garbage" | "slow" | "huge" | "huge-chunked" (padded past 64 KiB)
    jwksCacheControl: "max-age=3600",
    jwksDelayMs: 0, // every JWKS answer (or refusal) waits this long, so concurrent requests overlap a fetch
    received: [], // verified deliveries: { id, type, scheme, body, headers }
    badSignatures: 0, // forwarded requests whose hop signature did not verify
    attempts: 0, // every POST, whatever the outcome
    jwksHits: 0,
    flapCounter: 0,
    jwksBodiesFinished: 0,
    connections: 0, // TCP connections accepted (a sender that reuses connections opens few)
  };
  /** Answers a JWKS request as `jwksMode` says. */
  function serveJwks(res) {
    if (origin.jwks === null || origin.jwksMode === "down") {
      res.writeHead(503).end("down");
      return;
    }
    if (origin.jwksMode === "garbage") {
      res.writeHead(200, { "content-type": "application/json" }).end("<html>not a jwks");
      return;
    }
    if (origin.jwksMode === "huge" || origin.jwksMode === "huge-chunked") {
      // The real set padded with 16 MB of whitespace: still valid JSON. `jwksBodiesFinished`
      // counts the answers read to their end, which a reader that stops at its cap never does
      // (16 MB is more than loopback socket buffers hold).
      const pad = Buffer.alloc(1 << 20, 0x20);
      const head = Buffer.from(origin.jwks.replace(/}\s*$/, ""));
      const headers = { "content-type": "application/json" };
      if (origin.jwksMode === "huge") headers["content-length"] = head.length + 16 * pad.length + 1;
      res.writeHead(200, headers);
      res.on("finish", () => origin.jwksBodiesFinished++);
      let n = 0;
      const more = () => {
        while (n < 16) if (!res.write(n++ === 0 ? Buffer.concat([head, pad]) : pad)) return void res.once("drain", more);
        res.end("}");
      };
      more();
      return;
    }
    const send = () =>
      res.writeHead(200, { "content-type": "application/json", "cache-control": origin.jwksCacheControl }).end(origin.jwks);
    if (origin.jwksMode === "slow") setTimeout(send, 8000);
    else send();
  }
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/.well-known/jwks.json") {
      origin.jwksHits++;
      if (origin.jwksDelayMs > 0) setTimeout(() => serveJwks(res), origin.jwksDelayMs);
      else serveJwks(res);
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      origin.attempts++;
      const body = Buffer.concat(chunks);
      let mode = origin.mode;
      if (mode === "flap") mode = origin.flapCounter++ % 2 === 0 ? "fail" : "ok";
      if (mode === "hang") return; // never answer
      const answer = () => {
        if (mode === "fail") return res.writeHead(500).end("origin is down");
        if (mode === "reject") return res.writeHead(422, { "content-type": "text/plain" }).end("unknown batch id");
        try {
          wh.verify(body.toString("utf8"), req.headers);
        } catch (e) {
          origin.badSignatures++;
          return res.writeHead(401).end("bad hop signature");
        }
        const event = {
          id: req.headers["webhook-id"],
          type: req.headers["hookwall-event-type"],
          scheme: req.headers["hookwall-scheme"],
          body: body.toString("utf8"),
          headers: req.headers,
        };
        origin.received.push(event);
        onEvent(event);
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      };
      if (mode === "slow") setTimeout(answer, origin.slowMs);
      else answer();
    });
  });
  server.on("connection", () => origin.connections++);
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      origin.port = server.address().port;
      origin.url = `http://127.0.0.1:${origin.port}/`;
      origin.close = () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
      resolve(origin);
    });
  });
}

function devVar(name) {
  try {
    const text = readFileSync(new URL("../.dev.vars", import.meta.url), "utf8");
    const m = text.match(new RegExp(`^${name}\\s*=\\s*"?([^"\\n]*)"?`, "m"));
    return m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const port = Number(args[args.indexOf("--port") + 1] || 8788) || 8788;
  const secret = process.env.ORIGIN_SECRET || devVar("ORIGIN_SECRET");
  if (!secret) {
    console.error("origin: set ORIGIN_SECRET (or create .dev.vars from .dev.vars.example)");
    process.exit(2);
  }
  const jwks = readFileSync(`${here}/jwks.json`, "utf8");
  const origin = await startOrigin({
    secret,
    port,
    jwks,
    onEvent: (e) => {
      let data = "";
      try {
        data = JSON.stringify(JSON.parse(e.body).data ?? {});
      } catch {}
      console.log(`origin: ${e.type} id=${e.id} scheme=${e.scheme} hop-signature=ok data=${data}`);
    },
  });
  console.log(`origin: listening on ${origin.url} (verifies the hop with ORIGIN_SECRET; JWKS at ${origin.url}.well-known/jwks.json)`);
}
