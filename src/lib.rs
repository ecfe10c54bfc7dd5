//! # hookwall
//!
//! A sans-IO verifier for [Standard Webhooks](https://www.standardwebhooks.com/) deliveries as
//! the Gemini API sends them: `v1` (HMAC-SHA256, static webhooks, several secrets during a
//! rotation), `v1a` (Ed25519, dynamic webhooks, keys from a JWKS) and RS256 JWTs (dynamic
//! webhooks as documented). It does no I/O: callers feed bytes, headers, keys and the clock
//! in, and take a verified event or a typed [`Rejection`] out. The Cloudflare worker, the npm
//! package and the browser playground are thin adapters around it.
//!
//! ```
//! use hookwall::{Secret, Verifier, sign_v1};
//!
//! let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let verifier = Verifier::builder().secret(secret.clone()).tolerance_seconds(300).build();
//!
//! let body = br#"{"type":"batch.succeeded","data":{"id":"batch_1","output_file_uri":"gs://b/r.jsonl"}}"#;
//! let now = 1_767_225_600;
//! let signature = sign_v1(&secret, "msg_1", now, body);
//! let headers = [("webhook-id", "msg_1"), ("webhook-timestamp", "1767225600"), ("webhook-signature", signature.as_str())];
//!
//! let delivery = verifier.verify(body, headers, now + 3)?;
//! assert_eq!(delivery.event.unwrap().event_type, "batch.succeeded");
//!
//! let mut tampered = body.to_vec();
//! tampered[10] ^= 1;
//! let rejection = verifier.verify(&tampered, headers, now + 3).unwrap_err();
//! assert_eq!((rejection.code(), rejection.http_status()), ("no_matching_signature", 401));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Modules, one concern each: [`headers`], [`timestamp`], [`signature`] (the list),
//! [`v1`] (HMAC), [`v1a`] (Ed25519), [`jwt`], [`jwks`], [`cache`] (JWKS cache policy),
//! [`keyflow`] (when to load, fetch or wait for keys), [`event`] (the envelope), [`json`] (the
//! body parsed once), [`tenant`] (binding JWKS-signed deliveries to this receiver), [`route`]
//! (type → origin), [`endpoint`] (which URLs adapters may call), [`verifier`] (the entry point),
//! [`evaluate`] (the checks as data), [`report`] (the narration), [`error`] (codes),
//! [`dedupe`] (forwarded once), [`delivery`] (queued delivery: retry and dead letters).
//! For senders (demos, tests, the playground): [`jwt_claims`] (the claims that bind a body to a
//! JWT, per binding) and [`sample`] (sample events).

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

extern crate alloc;

mod b64;
pub mod cache;
pub mod crypto;
pub mod dedupe;
pub mod delivery;
pub mod endpoint;
pub mod error;
pub mod evaluate;
pub mod event;
pub mod headers;
pub mod json;
pub mod jwks;
pub mod jwt;
pub mod jwt_claims;
pub mod keyflow;
pub mod report;
pub mod route;
pub mod sample;
pub mod signature;
pub mod tenant;
pub mod timestamp;
pub mod v1;
pub mod v1a;
pub mod verifier;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use cache::CachePolicy;
pub use crypto::{CryptoProvider, RUST_CRYPTO, RustCrypto};
pub use error::{CodeInfo, ConfigError, HeaderName, Rejection, error_body};
pub use evaluate::Evaluation;
pub use event::{CATALOG, Envelope, Event};
pub use headers::WebhookHeaders;
pub use jwks::Jwks;
pub use keyflow::{KeyCache, KeyFlow, Next};
pub use report::{ReportOptions, StepName};
pub use signature::Scheme;
pub use timestamp::DEFAULT_TOLERANCE_SECONDS;
pub use v1::{MIN_SECRET_BYTES, Secret, sign_v1};
pub use v1a::{PublicKey, SigningKey, sign_v1a};
pub use verifier::{
    DEFAULT_MAX_BODY_BYTES, MatchedKey, PayloadRule, Report, Step, Verified, Verifier, VerifierBuilder, needs_jwks,
};
