//! One request, start to finish.

use std::rc::Rc;

use futures_util::StreamExt;
use hookwall::{Rejection, Verifier, WebhookHeaders, needs_jwks};
use serde_json::json;
use worker::{Date, Env, Method, Request, Response};

use crate::config::{self, Config};
use crate::outcome::{EdgeError, LogLine, ok_json};
use crate::{jwks_cache, origin, seen};

pub async fn handle(mut req: Request, env: &Env) -> Response {
    let started = Date::now().as_millis();
    let mut log = LogLine::default();
    let response = match run(&mut req, env, &mut log).await {
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
    log.emit(Date::now().as_millis().saturating_sub(started));
    response
}

async fn run(req: &mut Request, env: &Env, log: &mut LogLine) -> Result<Response, EdgeError> {
    let config = config::get(env)?;
    let path = req.path();
    if path == "/healthz" && path != config.webhook_path {
        log.verdict = "health";
        return match req.method() {
            Method::Get | Method::Head => {
                Ok(ok_json(200, &json!({"status": "ok", "service": "hookwall", "version": env!("CARGO_PKG_VERSION")})))
            }
            _ => Err(EdgeError::MethodNotAllowed),
        };
    }
    if path != config.webhook_path {
        return Err(EdgeError::NotFound);
    }
    if req.method() != Method::Post {
        return Err(EdgeError::MethodNotAllowed);
    }
    let now = Date::now().as_millis() / 1000;
    let body = read_body(req, config.verifier.max_body_bytes()).await?;
    let headers: Vec<(String, String)> = req.headers().entries().collect();

    let delivery = verify(env, &config, &body, &headers, now, log).await?;
    let event_type = delivery.event.as_ref().map(|e| e.event_type.clone());
    log.scheme = Some(delivery.scheme.as_str());
    log.event_type = event_type.clone();
    log.webhook_id = Some(delivery.id.clone());

    match seen::was_forwarded(env, &delivery.id).await {
        Ok(true) => {
            log.verdict = "duplicate";
            return Ok(ok_json(200, &json!({"status": "duplicate", "webhook_id": delivery.id})));
        }
        Ok(false) => {}
        Err(why) => log.notes.push(format!("SEEN_IDS read failed, forwarding anyway: {why}")),
    }

    let content_type = req.headers().get("content-type").ok().flatten();
    let origin_status = origin::forward(&config, &delivery, &body, content_type, now).await;
    log.origin_status = match &origin_status {
        Ok(s) | Err(EdgeError::OriginRejected { status: s, .. } | EdgeError::OriginFailed { status: s }) => Some(*s),
        Err(_) => None,
    };
    let origin_status = origin_status?;
    if let Err(why) = seen::remember(env, &delivery.id, now).await {
        log.notes.push(format!("SEEN_IDS write failed (a retry may be forwarded again): {why}"));
    }
    log.verdict = "forwarded";
    Ok(ok_json(
        200,
        &json!({"status": "forwarded", "webhook_id": delivery.id, "event_type": event_type, "origin_status": origin_status}),
    ))
}

/// Runs the core verifier, with JWKS keys only when the signature list needs them.
async fn verify(
    env: &Env,
    config: &Config,
    body: &[u8],
    headers: &[(String, String)],
    now: u64,
    log: &mut LogLine,
) -> Result<hookwall::Verified, EdgeError> {
    // The core finds the headers once; a malformed set is rejected before any key lookup.
    let found = WebhookHeaders::from_pairs(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(EdgeError::Rejected)?;
    if !needs_jwks(found.signature) {
        return config.verifier.verify_headers(body, &found, now).map_err(EdgeError::Rejected);
    }
    let (verifier, jwks_error): (Option<Rc<Verifier>>, Option<EdgeError>) =
        match jwks_cache::verifier(env, config, now).await {
            Ok((v, source)) => {
                log.jwks = Some(source);
                (Some(v), None)
            }
            Err(e) => {
                log.jwks = Some("unavailable");
                (None, Some(e))
            }
        };
    let result = verifier.as_deref().unwrap_or(&config.verifier).verify_headers(body, &found, now);
    match result {
        Ok(d) => Ok(d),
        // Without keys, an asymmetric signature could not be checked: let the sender retry.
        Err(_) if jwks_error.is_some() => Err(jwks_error.unwrap_or(EdgeError::JwksUnavailable(String::new()))),
        Err(e) if e.suggests_key_refresh() => match jwks_cache::refetch_on_key_miss(env, config, now).await {
            Some(fresh) => {
                log.jwks = Some("refetched");
                fresh.verify_headers(body, &found, now).map_err(EdgeError::Rejected)
            }
            None => Err(EdgeError::Rejected(e)),
        },
        Err(e) => Err(EdgeError::Rejected(e)),
    }
}

/// Reads the body without ever holding more than `cap` bytes: refused from `content-length`
/// when it says too much, and while streaming otherwise.
async fn read_body(req: &mut Request, cap: usize) -> Result<Vec<u8>, EdgeError> {
    let too_large = || EdgeError::Rejected(Rejection::BodyTooLarge { limit: cap });
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > cap as u64 => return Err(too_large()),
        // The runtime enforces the declared length, so one read cannot exceed the cap.
        Some(_) => return req.bytes().await.map_err(|_| EdgeError::Rejected(Rejection::InvalidPayload)),
        None => {}
    }
    let mut body = Vec::new();
    let Ok(mut stream) = req.stream() else { return Ok(body) };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| EdgeError::Rejected(Rejection::InvalidPayload))?;
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
