//! One request, start to finish.

use std::rc::Rc;

use hookwall::{Rejection, WebhookHeaders};
use serde_json::json;
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Context, Env, Response, web_sys};

use crate::claims::Claims;
use crate::config::Delivery;
use crate::config::{self, Config};
use crate::once::{self, Turn};
use crate::origin::Hop;
use crate::outcome::{EdgeError, LogLine, ok_json};
use crate::queue::{self, Parcel};
use crate::{admin, keys, net, origin};
use hookwall::dedupe::Claim;
use hookwall::delivery::fits_in_queue;
use worker::Queue;

/// The only request headers hookwall reads: the core's names (`webhook-*` and Svix's `svix-*`).
/// The runtime joins repeated headers into one value (`a, b`), which the core then refuses, so
/// reading these by name loses nothing that a walk over every header would show, and it costs
/// the runtime a few calls instead of one per header.
const READ_HEADERS: [&str; 6] = hookwall::headers::NAMES;

/// The runtime's clock in milliseconds (`Date.now()`, without creating a `Date` object).
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The path of an absolute URL as the runtime serialises it (`scheme://host[:port]/path?query`).
fn path_of(url: &str) -> &str {
    let rest = url.find("://").map_or(url, |i| &url[i + 3..]);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("/")
}

pub async fn handle(req: web_sys::Request, env: &Env, ctx: &Context) -> Response {
    let started = now_ms();
    let mut log = LogLine::default();
    let response = match run(&req, env, ctx, &mut log).await {
        Ok(r) => r,
        Err(e) => {
            log.verdict = match e {
                EdgeError::Rejected(_) => "rejected",
                _ => "error",
            };
            log.code = Some(e.code());
            e.response()
        }
    };
    log.status = response.status_code();
    log.emit(now_ms().saturating_sub(started));
    response
}

async fn run(req: &web_sys::Request, env: &Env, ctx: &Context, log: &mut LogLine) -> Result<Response, EdgeError> {
    let config = config::get(env)?;
    let url = req.url();
    let path = path_of(&url);
    let method = req.method();
    if path == "/healthz" && path != config.webhook_path {
        log.verdict = "health";
        return match method.as_str() {
            "GET" | "HEAD" => {
                Ok(ok_json(200, &json!({"status": "ok", "service": "hookwall", "version": env!("CARGO_PKG_VERSION")})))
            }
            _ => Err(EdgeError::MethodNotAllowed),
        };
    }
    if admin::is_admin_path(path) && path != config.webhook_path {
        log.verdict = "admin";
        return admin::handle(&config, req, path).await;
    }
    if path != config.webhook_path {
        return Err(EdgeError::NotFound);
    }
    if method != "POST" {
        return Err(EdgeError::MethodNotAllowed);
    }
    let now = now_ms() / 1000;
    let request_headers = req.headers();
    let header = |name: &str| request_headers.get(name).ok().flatten();
    let body = read_body(req, header("content-length"), config.verifier.max_body_bytes()).await?;
    let headers: Vec<(&str, String)> =
        READ_HEADERS.iter().filter_map(|&name| header(name).map(|value| (name, value))).collect();

    let delivery = verify(&config, &body, &headers, now, log).await?;
    log.scheme = Some(delivery.scheme.as_str());
    log.event_type = delivery.event.as_ref().map(|e| e.event_type.clone());
    log.webhook_id = Some(delivery.id.clone());

    // One hop per delivery: copies in this isolate join the first one's hop; across isolates
    // the claim store decides (crate::claims).
    let key = hookwall::dedupe::key(&delivery, &body);
    let leader = match once::enter(&key).await {
        Turn::Followed(Ok(())) => return Ok(duplicate(&delivery.id, log)),
        Turn::Followed(Err(e)) => return Err(e),
        Turn::Lead(leader) => leader,
    };
    let content_type = header("content-type");
    let result = forward_once(ctx, &config, &delivery, &body, &key, content_type, now, log).await;
    leader.finish(result.as_ref().map(drop).map_err(EdgeError::clone));
    result
}

fn duplicate(id: &str, log: &mut LogLine) -> Response {
    log.verdict = "duplicate";
    ok_json(200, &json!({"status": "duplicate", "webhook_id": id}))
}

/// Claims the delivery's key, forwards, and records the outcome in the claim store.
#[allow(clippy::too_many_arguments)]
async fn forward_once(
    ctx: &Context,
    config: &Config,
    delivery: &hookwall::Verified,
    body: &[u8],
    key: &str,
    content_type: Option<String>,
    now: u64,
    log: &mut LogLine,
) -> Result<Response, EdgeError> {
    match config.claims.claim(key, now, config.hop_lease_seconds()).await {
        Ok(Claim::Claimed { .. }) => {}
        Ok(Claim::Duplicate) => return Ok(duplicate(&delivery.id, log)),
        Ok(Claim::InFlight { retry_after_seconds }) => return Err(EdgeError::InFlight { retry_after_seconds }),
        // KV mode keeps its promise of at-least-once: forward anyway. The strong mode never
        // forwards unclaimed: the sender retries.
        Err(why) => match &config.claims {
            Claims::Kv(_) => log.notes.push(format!("SEEN_IDS claim failed, forwarding anyway: {why}")),
            Claims::Object(_) => {
                log.notes.push(format!("DEDUPE_CLAIMS claim failed: {why}"));
                return Err(EdgeError::DedupeUnavailable);
            }
        },
    }
    let hop = Hop::of(delivery);
    if let Delivery::Queue { queue, .. } = &config.delivery {
        if fits_in_queue(body.len()) {
            return enqueue(config, queue, &hop, body, content_type.as_deref(), key, now, log).await;
        }
        log.notes.push("too large for a queue message: forwarded synchronously".into());
    }
    let origin_status = origin::forward(Some(ctx), config, &hop, body, content_type.as_deref(), now).await;
    log.origin_status = origin::answered_status(&origin_status);
    let origin_status = match origin_status {
        Ok(s) => s,
        Err(e) => {
            release(config, key, log).await;
            return Err(e);
        }
    };
    if let Err(why) = config.claims.forwarded(key, now).await {
        log.notes.push(format!("forwarded record failed (a retry may be forwarded again): {why}"));
    }
    log.verdict = "forwarded";
    Ok(ok_json(
        200,
        &json!({"status": "forwarded", "webhook_id": delivery.id, "event_type": hop.event_type, "origin_status": origin_status}),
    ))
}

/// `DELIVERY = "queue"`: 202 only once the queue holds the event; the claim then stands for
/// "accepted", so the sender's retries are duplicates.
#[allow(clippy::too_many_arguments)]
async fn enqueue(
    config: &Config,
    queue: &Queue,
    hop: &Hop<'_>,
    body: &[u8],
    content_type: Option<&str>,
    key: &str,
    now: u64,
    log: &mut LogLine,
) -> Result<Response, EdgeError> {
    let parcel = Parcel::new(hop, body, content_type, key, now);
    if let Err(why) = queue::send(queue, &parcel, 0).await {
        release(config, key, log).await;
        log.notes.push(format!("queue send failed: {why}"));
        return Err(EdgeError::QueueUnavailable);
    }
    if let Err(why) = config.claims.forwarded(key, now).await {
        log.notes.push(format!("accepted record failed (a retry may be queued again): {why}"));
    }
    log.verdict = "accepted";
    Ok(ok_json(202, &json!({"status": "accepted", "webhook_id": hop.id, "event_type": hop.event_type})))
}

/// Gives the claim up when nothing was handed on, so the sender's retry is forwarded.
async fn release(config: &Config, key: &str, log: &mut LogLine) {
    if let Err(why) = config.claims.release(key).await {
        log.notes.push(format!("claim release failed (a retry waits for the lease): {why}"));
    }
}

/// A small request body as text (admin requests).
pub async fn read_text(req: &web_sys::Request) -> Option<String> {
    let promise = req.text().ok()?;
    JsFuture::from(promise).await.ok()?.as_string()
}

/// Runs the core verifier through the key flow ([`keys`]): JWKS keys only when needed.
async fn verify(
    config: &Rc<Config>,
    body: &[u8],
    headers: &[(&str, String)],
    now: u64,
    log: &mut LogLine,
) -> Result<hookwall::Verified, EdgeError> {
    // The core finds the headers once; a malformed set is rejected before any key lookup.
    let found =
        WebhookHeaders::from_pairs(headers.iter().map(|(k, v)| (*k, v.as_str()))).map_err(EdgeError::Rejected)?;
    keys::verify(config, body, &found, now, log).await.map_err(EdgeError::Rejected)
}

/// Reads the body without ever holding more than `cap` bytes: refused from `content-length`
/// when it says too much, and while streaming otherwise.
async fn read_body(req: &web_sys::Request, content_length: Option<String>, cap: usize) -> Result<Vec<u8>, EdgeError> {
    let too_large = || EdgeError::Rejected(Rejection::BodyTooLarge { limit: cap });
    let invalid = |_| EdgeError::Rejected(Rejection::InvalidPayload);
    match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(len) if len > cap as u64 => return Err(too_large()),
        // The runtime enforces the declared length, so one read cannot exceed the cap.
        Some(_) => {
            let buffer = JsFuture::from(req.array_buffer().map_err(invalid)?).await.map_err(invalid)?;
            return Ok(Uint8Array::new(&buffer).to_vec());
        }
        None => {}
    }
    let Some(stream) = req.body() else { return Ok(Vec::new()) };
    match net::read_capped(stream, cap).await {
        Ok((body, false)) => Ok(body),
        Ok((_, true)) => Err(too_large()),
        Err(_) => Err(EdgeError::Rejected(Rejection::InvalidPayload)),
    }
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn path_of_runtime_urls() {
        assert_eq!(path_of("https://edge.example/"), "/");
        assert_eq!(path_of("https://edge.example"), "/");
        assert_eq!(path_of("http://127.0.0.1:8787/healthz"), "/healthz");
        assert_eq!(path_of("https://edge.example/hooks/gemini?x=1"), "/hooks/gemini");
        assert_eq!(path_of("https://edge.example/a#frag"), "/a");
    }
}
