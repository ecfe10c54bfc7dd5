//! The hop to the private origin: the original body bytes, the same `webhook-id`, and a fresh
//! `v1` signature with `ORIGIN_SECRET`, so the origin verifies the hop with any Standard
//! Webhooks library. Only a 2xx from the origin counts as delivered.

use hookwall::{Verified, sign_v1};

use crate::config::Config;
use crate::net::{self, NetError, Outbound};
use crate::outcome::EdgeError;

/// How much of an origin's answer is read: a 4xx's reason; a short 2xx is drained (connection reuse).
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
    let timestamp = now.to_string();
    let signature = sign_v1(&config.origin_secret, &delivery.id, now, body);
    let headers = [
        ("content-type", content_type.as_deref().unwrap_or("application/json")),
        ("webhook-id", delivery.id.as_str()),
        ("webhook-timestamp", timestamp.as_str()),
        ("webhook-signature", signature.as_str()),
        ("hookwall-scheme", delivery.scheme.as_str()),
        ("hookwall-event-type", event_type),
        ("user-agent", concat!("hookwall/", env!("CARGO_PKG_VERSION"))),
    ];
    let out = Outbound { method: "POST", url, headers: &headers, body: Some(body) };

    let reply = match net::send(out, config.origin_timeout_ms, REPLY_CAP, |status| (400..500).contains(&status)).await {
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
