//! The claims a sender signs into an RS256 JWT so that the token binds its body the way
//! [`jwt::binding`](crate::jwt::binding) checks it (the sending side of [`Binding`]).
//!
//! One rule per binding, stated here once for every sender (the CLI, tests, a playground):
//! - [`Binding::Claims`]: the claims are the body's members, so the body must be a JSON object
//!   with a `type` and without any member named like a registered claim
//!   ([`REGISTERED_CLAIMS`]): such a member would be overwritten here (`iat`, `exp`, `jti`,
//!   `aud`) or checked by the verifier as the token's own (`nbf`, ...), so a token built from it
//!   would not verify.
//! - [`Binding::EventClaim`]: an `event` claim holds the body as JSON, or as its exact text when
//!   it is not JSON (so the body must be JSON or UTF-8).
//! - [`Binding::BodyHash`]: a `body_sha256` claim holds the hex SHA-256 of the body bytes (any
//!   body).
//!
//! Then `iat` is the webhook timestamp, `exp` is `iat + ttl`, `jti` is the webhook-id and `aud`
//! is set when given.
//!
//! ```
//! use hookwall::jwt::Binding;
//! use hookwall::jwt_claims::{ClaimsError, TokenClaims, build};
//!
//! let t = TokenClaims { id: "msg_1", timestamp: 1_767_225_600, ttl: 300, audience: None };
//! let claims = build(Binding::Claims, br#"{"type":"batch.succeeded","data":{"id":"b1"}}"#, &t)?;
//! assert_eq!((claims["type"].as_str(), claims["exp"].as_u64()), (Some("batch.succeeded"), Some(1_767_225_900)));
//! assert_eq!(build(Binding::Claims, br#"{"type":"x","nbf":1}"#, &t), Err(ClaimsError::ReservedMember("nbf")));
//! # Ok::<(), ClaimsError>(())
//! ```

use alloc::string::String;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::jwt::{Binding, REGISTERED_CLAIMS};

/// The token facts besides the body: what `iat`, `exp`, `jti` and `aud` are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenClaims<'a> {
    /// The webhook-id, signed as `jti`.
    pub id: &'a str,
    /// The webhook timestamp in Unix seconds, signed as `iat`.
    pub timestamp: u64,
    /// The token's lifetime in seconds: `exp` is `timestamp + ttl`.
    pub ttl: u64,
    /// An `aud` claim, when given.
    pub audience: Option<&'a str>,
}

/// Why a body cannot be bound the asked way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsError {
    /// [`Binding::Claims`] needs a JSON object body.
    NotAnObject,
    /// [`Binding::Claims`] needs a `type` member (the verifier binds event envelopes only).
    NoType,
    /// [`Binding::Claims`]: the body has a top-level member named like a registered claim.
    ReservedMember(&'static str),
    /// [`Binding::EventClaim`] needs a JSON or UTF-8 body.
    NotText,
}

impl core::fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClaimsError::NotAnObject => f.write_str("the claims binding needs a JSON object body"),
            ClaimsError::NoType => f.write_str("the claims binding needs a body with a \"type\" member"),
            ClaimsError::ReservedMember(name) => {
                write!(f, "the body has a top-level \"{name}\" member, which the JWT uses itself")
            }
            ClaimsError::NotText => f.write_str("the event binding needs a JSON or UTF-8 body"),
        }
    }
}

impl core::error::Error for ClaimsError {}

/// The claims that bind `body` by `binding`, with `iat`, `exp`, `jti` and `aud` from `token`.
pub fn build(binding: Binding, body: &[u8], token: &TokenClaims<'_>) -> Result<Value, ClaimsError> {
    let mut claims = Map::new();
    match binding {
        Binding::Claims => {
            let Ok(Value::Object(event)) = serde_json::from_slice::<Value>(body) else {
                return Err(ClaimsError::NotAnObject);
            };
            if let Some(clash) = REGISTERED_CLAIMS.iter().find(|k| event.contains_key(**k)) {
                return Err(ClaimsError::ReservedMember(clash));
            }
            if !event.contains_key("type") {
                return Err(ClaimsError::NoType);
            }
            claims = event;
        }
        Binding::EventClaim => {
            let event = match serde_json::from_slice::<Value>(body) {
                Ok(json) => json,
                Err(_) => Value::from(String::from(core::str::from_utf8(body).map_err(|_| ClaimsError::NotText)?)),
            };
            claims.insert("event".into(), event);
        }
        Binding::BodyHash => {
            let hex: String = Sha256::digest(body).iter().map(|b| alloc::format!("{b:02x}")).collect();
            claims.insert("body_sha256".into(), Value::from(hex));
        }
    }
    claims.insert("iat".into(), Value::from(token.timestamp));
    claims.insert("exp".into(), Value::from(token.timestamp.saturating_add(token.ttl)));
    claims.insert("jti".into(), Value::from(token.id));
    if let Some(aud) = token.audience {
        claims.insert("aud".into(), Value::from(aud));
    }
    Ok(Value::Object(claims))
}
