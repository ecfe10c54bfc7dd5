// The baseline for the load comparison: a plain JavaScript Worker that does what Google's
// cookbook sample does (verify with the standardwebhooks package), plus the same edge duties as
// hookwall (KV dedupe, re-signed forward, 2xx only after the origin's 2xx), so both sides do the
// same work.
import { Webhook } from "standardwebhooks";

// One JSON log line per request with the facts hookwall logs (verdict, code, scheme, event
// type, webhook-id, origin status, latency; absent ones left out), so both sides do the same work.
function log(facts, started) {
  console.log(JSON.stringify({ service: "js-baseline", ...facts, latency_ms: Date.now() - started }));
}

export default {
  async fetch(request, env) {
    const started = Date.now();
    const facts = { verdict: "error" };
    const response = await handle(request, env, facts);
    facts.status = response.status;
    log(facts, started);
    return response;
  },
};

async function handle(request, env, facts) {
  {
    if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    let event;
    try {
      event = new Webhook(env.WEBHOOK_SECRET).verify(body, headers);
    } catch (e) {
      facts.verdict = "rejected";
      facts.code = "verification_failed";
      return Response.json({ error: "verification_failed", message: String(e.message) }, { status: 401 });
    }
    const id = headers["webhook-id"];
    Object.assign(facts, { scheme: "v1", event_type: event.type, webhook_id: id });
    if (await env.SEEN_IDS.get(`id:${id}`)) {
      facts.verdict = "duplicate";
      return Response.json({ status: "duplicate" });
    }
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
      facts.code = "origin_unreachable";
      return Response.json({ error: "origin_unreachable" }, { status: 503 });
    }
    facts.origin_status = res.status;
    if (!res.ok) {
      facts.code = "origin_failed";
      return Response.json({ error: "origin_failed" }, { status: 502 });
    }
    await env.SEEN_IDS.put(`id:${id}`, "1", { expirationTtl: 172800 });
    facts.verdict = "forwarded";
    return Response.json({ status: "forwarded" });
  }
}
