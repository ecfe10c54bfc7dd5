//! What the edge answers, and the one log line per request.
//!
//! Every failure is a typed [`EdgeError`] with a stable code; the HTTP status and the small
//! JSON body `{"error": code, "message": text}` follow from it. Never a 3xx.

use hookwall::{Rejection, error_body};
use serde::Serialize;
use serde_json::Value;
use worker::{Headers, Response};

/// Why the edge did not answer 2xx.
#[derive(Clone, Debug)]
pub enum EdgeError {
    /// The core refused the delivery (400/401/413).
    Rejected(Rejection),
    /// Not POST on the webhook path (405).
    MethodNotAllowed,
    /// Unknown path (404).
    NotFound,
    /// A variable or binding is missing or invalid (500): names it.
    Config { variable: &'static str, problem: String },
    /// The origin answered 4xx (502: the sender retries; the reason is passed back).
    OriginRejected { status: u16, reason: String, retry_after: Option<u64> },
    /// The origin answered 5xx or 3xx (502).
    OriginFailed { status: u16, retry_after: Option<u64> },
    /// The origin did not answer in time (504).
    OriginTimeout { after_ms: u64 },
    /// The origin could not be reached (503).
    OriginUnreachable(String),
    /// Another copy of this delivery is being forwarded elsewhere (503, retry after its lease).
    InFlight { retry_after_seconds: u64 },
    /// The strong dedupe store could not be asked (503): nothing is forwarded unclaimed.
    DedupeUnavailable,
    /// `DELIVERY = "queue"`: the event could not be sent to the queue (503: not accepted).
    QueueUnavailable,
    /// An admin request without the right bearer token (401).
    Unauthorized,
    /// An admin request whose body is not the JSON expected (400).
    BadAdminRequest,
}

impl EdgeError {
    pub fn code(&self) -> &'static str {
        match self {
            EdgeError::Rejected(r) => r.code(),
            EdgeError::MethodNotAllowed => "method_not_allowed",
            EdgeError::NotFound => "not_found",
            EdgeError::Config { .. } => "config_invalid",
            EdgeError::OriginRejected { .. } => "origin_rejected",
            EdgeError::OriginFailed { .. } => "origin_failed",
            EdgeError::OriginTimeout { .. } => "origin_timeout",
            EdgeError::OriginUnreachable(_) => "origin_unreachable",
            EdgeError::InFlight { .. } => "delivery_in_flight",
            EdgeError::DedupeUnavailable => "dedupe_unavailable",
            EdgeError::QueueUnavailable => "queue_unavailable",
            EdgeError::Unauthorized => "unauthorized",
            EdgeError::BadAdminRequest => "bad_request",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            EdgeError::Rejected(r) => r.http_status(),
            EdgeError::MethodNotAllowed => 405,
            EdgeError::NotFound => 404,
            EdgeError::Config { .. } => 500,
            EdgeError::OriginUnreachable(_)
            | EdgeError::InFlight { .. }
            | EdgeError::DedupeUnavailable
            | EdgeError::QueueUnavailable => 503,
            EdgeError::Unauthorized => 401,
            EdgeError::BadAdminRequest => 400,
            EdgeError::OriginRejected { .. } | EdgeError::OriginFailed { .. } => 502,
            EdgeError::OriginTimeout { .. } => 504,
        }
    }

    /// Seconds for `retry-after` on failures the sender should retry.
    fn retry_after(&self) -> Option<u64> {
        match self {
            EdgeError::Rejected(r) => r.retry_after_seconds(),
            EdgeError::InFlight { retry_after_seconds } => Some(*retry_after_seconds),
            EdgeError::DedupeUnavailable | EdgeError::QueueUnavailable => Some(30),
            EdgeError::OriginRejected { .. }
            | EdgeError::OriginFailed { .. }
            | EdgeError::OriginTimeout { .. }
            | EdgeError::OriginUnreachable(_) => Some(30),
            _ => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            EdgeError::Rejected(r @ Rejection::TenantUnbound) => format!(
                "{r} (in this worker: JWT_AUDIENCE, TENANT_FIELD=path=value, TENANT_BINDING=path with a secret WEBHOOK_PATH, or TENANT_BINDING=any)"
            ),
            EdgeError::Rejected(r) => r.to_string(),
            EdgeError::MethodNotAllowed => "webhooks are delivered with POST".into(),
            EdgeError::NotFound => "no webhook endpoint at this path".into(),
            EdgeError::Config { variable, problem } => format!("configuration error in {variable}: {problem}"),
            EdgeError::OriginRejected { status, reason, .. } => {
                format!("the origin refused the verified event with {status}: {reason}")
            }
            EdgeError::OriginFailed { status, .. } => format!("the origin answered {status}; retry later"),
            EdgeError::OriginTimeout { after_ms } => {
                format!("the origin did not answer within {after_ms} ms; retry later")
            }
            EdgeError::OriginUnreachable(why) => format!("the origin could not be reached ({why}); retry later"),
            EdgeError::InFlight { retry_after_seconds } => format!(
                "another copy of this delivery is being forwarded right now; retry in {retry_after_seconds} s (it will then be a duplicate, or forwarded if that copy failed)"
            ),
            EdgeError::DedupeUnavailable => {
                "the dedupe store could not be reached; nothing was forwarded; retry later".into()
            }
            EdgeError::QueueUnavailable => "the event could not be queued; it was not accepted; retry later".into(),
            EdgeError::Unauthorized => "this endpoint needs the admin bearer token".into(),
            EdgeError::BadAdminRequest => "expected a JSON body {\"keys\": [...]} or none".into(),
        }
    }

    pub fn response(&self) -> Response {
        let headers = Headers::new();
        let _ = headers.set("content-type", "application/json");
        if let Some(secs) = self.retry_after() {
            let _ = headers.set("retry-after", &secs.to_string());
        }
        if matches!(self, EdgeError::MethodNotAllowed) {
            let _ = headers.set("allow", "POST");
        }
        let body = error_body(self.code(), &self.message());
        Response::builder().with_status(self.status()).with_headers(headers).fixed(body.into_bytes())
    }
}

/// A JSON success response.
pub fn ok_json(status: u16, body: &Value) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    Response::builder().with_status(status).with_headers(headers).fixed(body.to_string().into_bytes())
}

/// Facts gathered while handling one request, printed as one JSON log line. Holds no secret,
/// signature or body. Facts that do not apply to a request (no code for a forwarded delivery,
/// no id for a rejected one, ...) are left out of the line rather than printed as `null`.
#[derive(Default, Serialize)]
pub struct LogLine {
    pub verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_status: Option<u16>,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The printed line: the service name, the facts, the latency.
#[derive(Serialize)]
struct Printed<'a> {
    service: &'static str,
    #[serde(flatten)]
    facts: &'a LogLine,
    latency_ms: u64,
}

impl LogLine {
    pub fn emit(&self, latency_ms: u64) {
        let line = Printed { service: "hookwall", facts: self, latency_ms };
        worker::console_log!("{}", serde_json::to_string(&line).unwrap_or_default());
    }
}

/// One JSON log line per queued message the consumer handled: never the body.
#[derive(Serialize)]
pub struct QueueLine {
    service: &'static str,
    pub stage: &'static str,
    /// `delivered`, `retry`, `dead_letter`, `parked`, `duplicate`, `in_flight`, or `failed`.
    pub outcome: &'static str,
    pub webhook_id: String,
    pub event_type: String,
    pub attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl QueueLine {
    pub fn new(parcel: &crate::queue::Parcel) -> Self {
        QueueLine {
            service: "hookwall",
            stage: "queue",
            outcome: "failed",
            webhook_id: parcel.id.clone(),
            event_type: parcel.event_type.clone(),
            attempt: parcel.attempt,
            origin_status: None,
            retry_in: None,
            reason: None,
            note: None,
        }
    }

    pub fn emit(&self) {
        worker::console_log!("{}", serde_json::to_string(self).unwrap_or_default());
    }
}
