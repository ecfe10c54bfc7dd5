//! The hop to the private origin: the original body bytes, the same `webhook-id`, and a fresh
//! `v1` signature with `ORIGIN_SECRET`, so the origin verifies the hop with any Standard
//! Webhooks library. Only a 2xx from the origin counts as delivered. The transport is a URL, or
//! a Fetcher binding (`ORIGIN_SERVICE`, or `service:NAME` in `ROUTES`), with Cloudflare Access
//! service-token headers when configured.

use std::borrow::Cow;

use hookwall::delivery::{self, retry_after_seconds};
use hookwall::route::Target;
use hookwall::{Verified, sign_v1};
use worker::Context;

use crate::config::Config;
use crate::net::{self, NetError, Outbound};
use crate::outcome::EdgeError;

/// How much of an origin's answer is read: a 4xx's reason; a short 2xx is drained (connection reuse).
const REPLY_CAP: usize = 4096;

/// Longest `hookwall-event-type` value sent; a longer type is left to the body alone.
const EVENT_TYPE_HEADER_CAP: usize = 256;

/// The event type as a header value: visible ASCII as is, every other byte (and `%`)
/// percent-encoded, since the runtime throws on a header value it cannot send, and a verified
/// delivery that can never be forwarded would be retried for a day and lost. `None` past the cap.
fn event_type_header(event_type: &str) -> Option<Cow<'_, str>> {
    let plain = |b: u8| b.is_ascii_graphic() && b != b'%';
    let value = if event_type.bytes().all(plain) {
        Cow::Borrowed(event_type)
    } else {
        let mut out = String::with_capacity(event_type.len() * 3);
        for b in event_type.bytes() {
            if plain(b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        Cow::Owned(out)
    };
    (value.len() <= EVENT_TYPE_HEADER_CAP).then_some(value)
}

/// What the hop needs to know about a delivery (from the verdict, or from a queued parcel).
pub struct Hop<'a> {
    pub id: &'a str,
    pub scheme: &'a str,
    pub event_type: &'a str,
}

impl<'a> Hop<'a> {
    pub fn of(delivery: &'a Verified) -> Self {
        let event_type = delivery.event.as_ref().map_or("", |e| e.event_type.as_str());
        Hop { id: &delivery.id, scheme: delivery.scheme.as_str(), event_type }
    }
}

/// Forwards a verified delivery to the origin its type routes to (a URL, or a Fetcher binding
/// with `service:NAME`); `Ok(status)` only for a 2xx. `background` lets an unread answer drain
/// after the caller answers.
pub async fn forward(
    background: Option<&Context>,
    config: &Config,
    hop: &Hop<'_>,
    body: &[u8],
    content_type: Option<&str>,
    now: u64,
) -> Result<u16, EdgeError> {
    let (url, via) = match config.routes.select(hop.event_type).and_then(Target::parse) {
        Some(Target::Url(url)) => (url, None),
        Some(Target::Service(name)) => (config.origin_url.as_str(), config.services.get(name)),
        None => (config.origin_url.as_str(), config.origin_service.as_ref()),
    };
    let timestamp = now.to_string();
    let signature = sign_v1(&config.origin_secret, hop.id, now, body);
    let type_header = event_type_header(hop.event_type);
    let mut headers = vec![
        ("content-type", content_type.unwrap_or("application/json")),
        ("webhook-id", hop.id),
        ("webhook-timestamp", timestamp.as_str()),
        ("webhook-signature", signature.as_str()),
        ("hookwall-scheme", hop.scheme),
        ("user-agent", concat!("hookwall/", env!("CARGO_PKG_VERSION"))),
    ];
    if let Some(value) = type_header.as_deref() {
        headers.push(("hookwall-event-type", value));
    }
    // Cloudflare Access in front of the origin (a Tunnel): the service token, from secrets.
    if let Some((id, secret)) = &config.access_token {
        headers.push(("cf-access-client-id", id.as_str()));
        headers.push(("cf-access-client-secret", secret.as_str()));
    }
    let out = Outbound { method: "POST", url, headers: &headers, body: Some(body), via };

    let reply =
        match net::send(out, config.origin_timeout_ms, REPLY_CAP, |status| (400..500).contains(&status), background)
            .await
        {
            Ok(r) => r,
            Err(NetError::Timeout) => return Err(EdgeError::OriginTimeout { after_ms: config.origin_timeout_ms }),
            Err(NetError::Unreachable(why)) => return Err(EdgeError::OriginUnreachable(why)),
        };
    let retry_after = retry_after_seconds(reply.retry_after.as_deref());
    match reply.status {
        200..=299 => Ok(reply.status),
        400..=499 => {
            let text = String::from_utf8_lossy(&reply.body);
            let reason: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
            Err(EdgeError::OriginRejected { status: reply.status, reason, retry_after })
        }
        status => Err(EdgeError::OriginFailed { status, retry_after }),
    }
}

/// The status the origin answered with, if it answered (for the log).
pub fn answered_status(result: &Result<u16, EdgeError>) -> Option<u16> {
    match outcome(result) {
        delivery::Hop::Answered { status, .. } => Some(status),
        delivery::Hop::NoAnswer => None,
    }
}

/// The hop's outcome as the core's delivery policy reads it.
pub fn outcome(result: &Result<u16, EdgeError>) -> delivery::Hop {
    match result {
        Ok(status) => delivery::Hop::Answered { status: *status, retry_after_seconds: None },
        Err(
            EdgeError::OriginRejected { status, retry_after, .. } | EdgeError::OriginFailed { status, retry_after },
        ) => delivery::Hop::Answered { status: *status, retry_after_seconds: *retry_after },
        Err(_) => delivery::Hop::NoAnswer,
    }
}

#[cfg(test)]
mod tests {
    use super::event_type_header;

    #[test]
    fn event_type_header_values() {
        assert_eq!(event_type_header("batch.succeeded").as_deref(), Some("batch.succeeded"));
        assert_eq!(event_type_header("").as_deref(), Some(""));
        assert_eq!(event_type_header("a b%\u{1}é").as_deref(), Some("a%20b%25%01%C3%A9"));
        assert_eq!(event_type_header(&"x".repeat(256)).map(|v| v.len()), Some(256));
        assert_eq!(event_type_header(&"x".repeat(257)), None);
        assert_eq!(event_type_header(&"é".repeat(50)), None, "300 bytes once encoded");
    }
}
