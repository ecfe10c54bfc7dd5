//! The hop to the private origin: the original body bytes, the same `webhook-id`, and a fresh
//! `v1` signature with `ORIGIN_SECRET`, so the origin verifies the hop with any Standard
//! Webhooks library. Only a 2xx from the origin counts as delivered.

use hookwall::{Verified, sign_v1};
use worker::js_sys::Uint8Array;
use worker::{Headers, Method, Request, RequestInit, RequestRedirect};

use crate::config::Config;
use crate::net::{self, NetError};
use crate::outcome::EdgeError;

/// How much of an origin's 4xx answer is read (enough for its reason); other answers are not read.
const REPLY_CAP: usize = 4096;

/// Forwards a verified delivery; `Ok(status)` only for a 2xx.
pub async fn forward(
    config: &Config,
    delivery: &Verified,
    body: &[u8],
    content_type: Option<String>,
    now: u64,
) -> Result<u16, EdgeError> {
    let event_type = delivery.event.as_ref().map_or("", |e| e.event_type.as_str());
    let url = config.routes.select(event_type).unwrap_or(&config.origin_url);
    let headers = Headers::new();
    let set = |name: &str, value: &str| {
        headers.set(name, value).map_err(|e| EdgeError::OriginUnreachable(format!("header {name}: {e}")))
    };
    set("content-type", content_type.as_deref().unwrap_or("application/json"))?;
    set("webhook-id", &delivery.id)?;
    set("webhook-timestamp", &now.to_string())?;
    set("webhook-signature", &sign_v1(&config.origin_secret, &delivery.id, now, body))?;
    set("hookwall-scheme", delivery.scheme.as_str())?;
    set("hookwall-event-type", event_type)?;
    set("user-agent", concat!("hookwall/", env!("CARGO_PKG_VERSION")))?;

    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(Uint8Array::from(body).into()));
    let request = Request::new_with_init(url, &init).map_err(|e| EdgeError::OriginUnreachable(e.to_string()))?;

    let reply =
        match net::send(request, config.origin_timeout_ms, REPLY_CAP, |status| (400..500).contains(&status)).await {
            Ok(r) => r,
            Err(NetError::Timeout) => return Err(EdgeError::OriginTimeout { after_ms: config.origin_timeout_ms }),
            Err(NetError::Unreachable(why)) => return Err(EdgeError::OriginUnreachable(why)),
        };
    match reply.status {
        200..=299 => Ok(reply.status),
        400..=499 => {
            let text = String::from_utf8_lossy(&reply.body);
            let reason: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
            Err(EdgeError::OriginRejected { status: reply.status, reason })
        }
        status => Err(EdgeError::OriginFailed { status }),
    }
}
