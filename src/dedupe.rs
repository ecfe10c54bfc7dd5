//! Forwarded once: the dedupe key of a verified delivery and the claim rule every store applies
//! (the worker's KV and its Durable Object), as pure functions.
//!
//! The key covers only what the signature covers, so that no delivery can make another look
//! like a duplicate (id squatting). `v1` and `v1a` sign `webhook-id`: the key is `id:<id>`.
//! An RS256 JWT does not sign `webhook-id`, only the body it binds: the key is
//! `jwt:<id>:<base64url SHA-256 of the body>`, so a captured token re-sent under another
//! delivery's id makes a different key. The sender's own retries (same id, same body) share a
//! key. What this leaves: a captured JWT delivery re-sent under a *new* id within the token's
//! lifetime is forwarded again (the origin sees two distinct ids); nothing is ever lost.
//!
//! A key's [`Record`] moves from nothing to [`Record::InFlight`] (claimed before the hop, for
//! a lease) to [`Record::Forwarded`] (after the origin's 2xx), or back to nothing when the hop
//! failed, so that the sender's retry is forwarded.

use alloc::format;
use alloc::string::String;

use sha2::{Digest, Sha256};

use crate::b64;
use crate::signature::Scheme;
use crate::verifier::Verified;

/// How long a forwarded key is remembered (seconds): the sender retries for 24 h.
pub const REMEMBER_SECONDS: u64 = 48 * 3600;

/// The dedupe key of a verified delivery and its body.
///
/// ```
/// # use hookwall::{Secret, Verifier, sign_v1};
/// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let v = Verifier::builder().secret(secret.clone()).build();
/// let body = br#"{"type":"batch.succeeded"}"#;
/// let sig = sign_v1(&secret, "msg_1", 1_767_225_600, body);
/// let ok = v.verify(body, [("webhook-id", "msg_1"), ("webhook-timestamp", "1767225600"), ("webhook-signature", sig.as_str())], 1_767_225_600)?;
/// assert_eq!(hookwall::dedupe::key(&ok, body), "id:msg_1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn key(delivery: &Verified, body: &[u8]) -> String {
    match delivery.scheme {
        Scheme::V1 | Scheme::V1a => format!("id:{}", delivery.id),
        Scheme::Jwt => format!("jwt:{}:{}", delivery.id, b64::encode_url(&Sha256::digest(body))),
    }
}

/// Which of `shards` claim stores holds `key` (a hash of the key, stable across versions).
pub fn shard(key: &str, shards: u32) -> u32 {
    let digest = Sha256::digest(key.as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % shards.max(1)
}

/// What a store holds for a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// A hop is running somewhere until this time (Unix seconds); past it the claim lapses.
    InFlight {
        /// When the claim lapses (Unix seconds).
        until: u64,
    },
    /// The origin accepted the delivery at this time.
    Forwarded {
        /// When the origin accepted it (Unix seconds).
        at: u64,
    },
}

impl Record {
    /// The stored text: `inflight <until>` or `forwarded <at>`.
    pub fn encode(&self) -> String {
        match self {
            Record::InFlight { until } => format!("inflight {until}"),
            Record::Forwarded { at } => format!("forwarded {at}"),
        }
    }

    /// Reads [`encode`](Self::encode)'s text; a bare number is a forwarded time (what earlier
    /// versions stored). Anything else is `None`, treated as no record.
    pub fn decode(text: &str) -> Option<Record> {
        let (kind, time) = text.trim().split_once(' ').unwrap_or(("forwarded", text.trim()));
        let time = time.parse().ok()?;
        match kind {
            "inflight" => Some(Record::InFlight { until: time }),
            "forwarded" => Some(Record::Forwarded { at: time }),
            _ => None,
        }
    }
}

/// The outcome of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nobody holds the key: store [`Record::InFlight`] with this `until` and forward.
    Claimed {
        /// When the new claim lapses (Unix seconds).
        until: u64,
    },
    /// Already forwarded: answer 200 `duplicate`, forward nothing.
    Duplicate,
    /// Another copy's hop is running: answer retryably after this many seconds.
    InFlight {
        /// Seconds until the running hop's claim lapses.
        retry_after_seconds: u64,
    },
}

/// Decides a claim on `record` at `now`, with a hop lease of `lease_seconds`.
///
/// ```
/// use hookwall::dedupe::{Claim, Record, claim};
/// assert_eq!(claim(None, 100, 15), Claim::Claimed { until: 115 });
/// assert_eq!(claim(Some(Record::InFlight { until: 115 }), 105, 15), Claim::InFlight { retry_after_seconds: 10 });
/// assert_eq!(claim(Some(Record::InFlight { until: 115 }), 115, 15), Claim::Claimed { until: 130 });
/// assert_eq!(claim(Some(Record::Forwarded { at: 90 }), 100, 15), Claim::Duplicate);
/// ```
pub fn claim(record: Option<Record>, now: u64, lease_seconds: u64) -> Claim {
    match record {
        Some(Record::Forwarded { at }) if now < at.saturating_add(REMEMBER_SECONDS) => Claim::Duplicate,
        Some(Record::InFlight { until }) if now < until => Claim::InFlight { retry_after_seconds: until - now },
        _ => Claim::Claimed { until: now.saturating_add(lease_seconds.max(1)) },
    }
}

/// Whether a record can be dropped at `now` (a lapsed lease, a forwarded key past
/// [`REMEMBER_SECONDS`]): what a store's cleanup deletes.
pub fn expired(record: Record, now: u64) -> bool {
    match record {
        Record::InFlight { until } => now >= until,
        Record::Forwarded { at } => now >= at.saturating_add(REMEMBER_SECONDS),
    }
}
