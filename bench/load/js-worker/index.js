// The baseline for the load comparison: a plain JavaScript Worker that does what Google's
// cookbook sample does (verify with the standardwebhooks package), plus the same edge duties as
// hookwall (KV dedupe, re-signed forward, 2xx only after the origin's 2xx), so both sides do the
// same work.
import { Webhook } from "standardwebhooks";

// One JSON log line per request, like hookwall's, so both sides do the same work.
function log(fields, started) {
  console.log(JSON.stringify({ service: "js-baseline", ...fields, latency_ms: Date.now() - started }));
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const response = await handle(request, env);
    log({ status: response.status }, started);
    return response;
  },
};

async function handle(request, env) {
  {
    if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    let event;
    try {
      event = new Webhook(env.WEBHOOK_SECRET).verify(body, headers);
    } catch (e) {
      return Response.json({ error: "verification_failed", message: String(e.message) }, { status: 401 });
    }
    const id = headers["webhook-id"];
    if (await env.SEEN_IDS.get(`id:${id}`)) return Response.json({ status: "duplicate" });
    const now = new Date();
    const signature = new Webhook(env.ORIGIN_SECRET).sign(id, now, body);
    let res;
    try {
      res = await fetch(env.ORIGIN_URL, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(now / 1000)),
          "webhook-signature": signature, "hookwall-event-type": String(event.type ?? ""),
        },
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return Response.json({ error: "origin_unreachable" }, { status: 503 });
    }
    if (!res.ok) return Response.json({ error: "origin_failed" }, { status: 502 });
    await env.SEEN_IDS.put(`id:${id}`, "1", { expirationTtl: 172800 });
    return Response.json({ status: "forwarded" });
  }
}
