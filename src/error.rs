//! Typed rejections and configuration errors, each with a stable snake_case code.
//!
//! A [`Rejection`] is why one delivery was refused: its [`code`](Rejection::code) is stable
//! (adapters put it in the JSON error body and logs), its `Display` text is one sentence
//! that says what to do, and [`http_status`](Rejection::http_status) is what an edge
//! answers. A [`ConfigError`] is raised once, when secrets, keys or a JWKS are loaded.
//! Neither ever carries a secret, a signature or a body.

use alloc::string::String;
use core::fmt;

/// The three `webhook-*` headers of a Standard Webhooks delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderName {
    /// `webhook-id`
    Id,
    /// `webhook-timestamp`
    Timestamp,
    /// `webhook-signature`
    Signature,
}

impl HeaderName {
    /// The lowercase wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeaderName::Id => "webhook-id",
            HeaderName::Timestamp => "webhook-timestamp",
            HeaderName::Signature => "webhook-signature",
        }
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a delivery was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The body is larger than the configured cap.
    BodyTooLarge { limit: usize },
    /// A required header is absent.
    MissingHeader(HeaderName),
    /// A header was sent twice with different values.
    DuplicateHeader(HeaderName),
    /// A header is empty, or holds control characters or non-ASCII bytes.
    InvalidHeader(HeaderName),
    /// A header is longer than hookwall accepts for it.
    HeaderTooLong { header: HeaderName, limit: usize },
    /// `webhook-timestamp` is not a canonical decimal number of seconds.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld { age_seconds: u64, tolerance_seconds: u64 },
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew { ahead_seconds: u64, tolerance_seconds: u64 },
    /// `webhook-signature` lists more entries (or more `v1a` entries) than hookwall will try.
    TooManySignatures { limit: usize },
    /// No entry of `webhook-signature` uses a scheme hookwall knows (`v1`, `v1a`, a JWT).
    NoSupportedSignature,
    /// Every supported entry is malformed (bad base64 or wrong length).
    MalformedSignature,
    /// No key is configured for any scheme the delivery is signed with.
    NoKeyForScheme,
    /// Well-formed signatures, but none verifies with any trusted key.
    NoMatchingSignature { asymmetric: bool },
    /// The JWT is not a well-formed compact JWS with JSON header and claims.
    JwtMalformed,
    /// The JWT's `alg` is anything but RS256.
    JwtAlgNotAllowed,
    /// The JWT header marks extensions critical (`crit`), which hookwall does not implement.
    JwtCritUnsupported,
    /// The JWT header has no `kid`.
    JwtMissingKid,
    /// No RSA key in the JWKS has the JWT's `kid`.
    UnknownKid,
    /// The JWKS key for the `kid` has a modulus below 2048 bits.
    JwtKeyTooSmall { bits: usize },
    /// The RS256 signature does not verify with the key named by `kid`.
    JwtSignatureInvalid,
    /// The JWT claims are not a JSON object, or a registered claim has the wrong type.
    JwtClaimsInvalid,
    /// `exp` is in the past (beyond the tolerance).
    JwtExpired,
    /// `nbf` is in the future (beyond the tolerance).
    JwtNotYetValid,
    /// `iat` is in the future (beyond the tolerance).
    JwtIssuedInFuture,
    /// The JWT has neither `exp` nor `iat`, so nothing limits how long it can be replayed.
    JwtMissingTimeClaim,
    /// `aud` is missing or does not contain the configured audience.
    JwtAudienceMismatch,
    /// The JWT verified, but nothing in it binds the body that came with it.
    JwtBodyNotBound,
    /// The signed body is not a JSON event envelope (`{"type": "...", ...}`).
    InvalidPayload,
    /// Only a fresher JWKS could decide this delivery (its JWKS-signed entries match no key
    /// known now), and a fetch is not possible before `retry_after_seconds` or just failed.
    /// Retryable: the sender tries again later, when [`KeyCache`](crate::keyflow::KeyCache)
    /// may fetch.
    JwksUnavailable { retry_after_seconds: u64 },
}

impl Rejection {
    /// Every code a rejection can carry, for documentation and exhaustive tests.
    pub const CODES: &'static [&'static str] = &[
        "body_too_large",
        "missing_header",
        "duplicate_header",
        "invalid_header",
        "header_too_long",
        "invalid_timestamp",
        "timestamp_too_old",
        "timestamp_too_new",
        "too_many_signatures",
        "no_supported_signature",
        "malformed_signature",
        "no_key_for_scheme",
        "no_matching_signature",
        "jwt_malformed",
        "jwt_alg_not_allowed",
        "jwt_crit_unsupported",
        "jwt_missing_kid",
        "unknown_kid",
        "jwt_key_too_small",
        "jwt_signature_invalid",
        "jwt_claims_invalid",
        "jwt_expired",
        "jwt_not_yet_valid",
        "jwt_issued_in_future",
        "jwt_missing_time_claim",
        "jwt_audience_mismatch",
        "jwt_body_not_bound",
        "invalid_payload",
        "jwks_unavailable",
    ];

    /// The stable snake_case code, for JSON error bodies, logs and metrics.
    pub const fn code(&self) -> &'static str {
        match self {
            Rejection::BodyTooLarge { .. } => "body_too_large",
            Rejection::MissingHeader(_) => "missing_header",
            Rejection::DuplicateHeader(_) => "duplicate_header",
            Rejection::InvalidHeader(_) => "invalid_header",
            Rejection::HeaderTooLong { .. } => "header_too_long",
            Rejection::InvalidTimestamp => "invalid_timestamp",
            Rejection::TimestampTooOld { .. } => "timestamp_too_old",
            Rejection::TimestampTooNew { .. } => "timestamp_too_new",
            Rejection::TooManySignatures { .. } => "too_many_signatures",
            Rejection::NoSupportedSignature => "no_supported_signature",
            Rejection::MalformedSignature => "malformed_signature",
            Rejection::NoKeyForScheme => "no_key_for_scheme",
            Rejection::NoMatchingSignature { .. } => "no_matching_signature",
            Rejection::JwtMalformed => "jwt_malformed",
            Rejection::JwtAlgNotAllowed => "jwt_alg_not_allowed",
            Rejection::JwtCritUnsupported => "jwt_crit_unsupported",
            Rejection::JwtMissingKid => "jwt_missing_kid",
            Rejection::UnknownKid => "unknown_kid",
            Rejection::JwtKeyTooSmall { .. } => "jwt_key_too_small",
            Rejection::JwtSignatureInvalid => "jwt_signature_invalid",
            Rejection::JwtClaimsInvalid => "jwt_claims_invalid",
            Rejection::JwtExpired => "jwt_expired",
            Rejection::JwtNotYetValid => "jwt_not_yet_valid",
            Rejection::JwtIssuedInFuture => "jwt_issued_in_future",
            Rejection::JwtMissingTimeClaim => "jwt_missing_time_claim",
            Rejection::JwtAudienceMismatch => "jwt_audience_mismatch",
            Rejection::JwtBodyNotBound => "jwt_body_not_bound",
            Rejection::InvalidPayload => "invalid_payload",
            Rejection::JwksUnavailable { .. } => "jwks_unavailable",
        }
    }

    /// The HTTP status an edge answers: 413 for size, 400 for a malformed request,
    /// 401 for a request that is well-formed but not authentic (or no longer fresh).
    pub const fn http_status(&self) -> u16 {
        match self {
            Rejection::BodyTooLarge { .. } => 413,
            Rejection::MissingHeader(_)
            | Rejection::DuplicateHeader(_)
            | Rejection::InvalidHeader(_)
            | Rejection::HeaderTooLong { .. }
            | Rejection::InvalidTimestamp
            | Rejection::TooManySignatures { .. }
            | Rejection::MalformedSignature
            | Rejection::JwtMalformed
            | Rejection::JwtClaimsInvalid
            | Rejection::InvalidPayload => 400,
            Rejection::JwksUnavailable { .. } => 503,
            _ => 401,
        }
    }

    /// Seconds after which a retry may succeed, for a `retry-after` header: `Some` only for
    /// retryable rejections ([`Rejection::JwksUnavailable`]).
    pub const fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            Rejection::JwksUnavailable { retry_after_seconds } => Some(*retry_after_seconds),
            _ => None,
        }
    }

    /// True when fresh keys might change the verdict: the JWT's `kid` is unknown, or `v1a`
    /// signatures matched none of the current keys (the sender may have rotated). Adapters
    /// refetch the JWKS on these, at most once per [`CachePolicy::refetch_cooldown`](crate::CachePolicy).
    pub const fn suggests_key_refresh(&self) -> bool {
        matches!(self, Rejection::UnknownKid | Rejection::NoMatchingSignature { asymmetric: true })
    }

    /// False when no key could change the verdict: it was decided before any key was
    /// consulted (body size, headers, timestamp, the size of the signature list) or after one
    /// matched (the payload). True for the signature stage, where a verifier with other keys
    /// (a JWKS it could not fetch, say) might answer differently. An adapter that could not get
    /// its keys answers "retry later" only when this is true.
    ///
    /// ```
    /// use hookwall::Rejection;
    /// assert!(!Rejection::TimestampTooOld { age_seconds: 400, tolerance_seconds: 300 }.depends_on_keys());
    /// assert!(Rejection::NoKeyForScheme.depends_on_keys());
    /// assert!(Rejection::JwtMalformed.depends_on_keys(), "another entry of the list might verify");
    /// ```
    pub const fn depends_on_keys(&self) -> bool {
        match self {
            Rejection::BodyTooLarge { .. }
            | Rejection::MissingHeader(_)
            | Rejection::DuplicateHeader(_)
            | Rejection::InvalidHeader(_)
            | Rejection::HeaderTooLong { .. }
            | Rejection::InvalidTimestamp
            | Rejection::TimestampTooOld { .. }
            | Rejection::TimestampTooNew { .. }
            | Rejection::TooManySignatures { .. }
            | Rejection::NoSupportedSignature
            | Rejection::InvalidPayload => false,
            Rejection::MalformedSignature
            | Rejection::NoKeyForScheme
            | Rejection::NoMatchingSignature { .. }
            | Rejection::JwtMalformed
            | Rejection::JwtAlgNotAllowed
            | Rejection::JwtCritUnsupported
            | Rejection::JwtMissingKid
            | Rejection::UnknownKid
            | Rejection::JwtKeyTooSmall { .. }
            | Rejection::JwtSignatureInvalid
            | Rejection::JwtClaimsInvalid
            | Rejection::JwtExpired
            | Rejection::JwtNotYetValid
            | Rejection::JwtIssuedInFuture
            | Rejection::JwtMissingTimeClaim
            | Rejection::JwtAudienceMismatch
            | Rejection::JwtBodyNotBound
            | Rejection::JwksUnavailable { .. } => true,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::BodyTooLarge { limit } => write!(
                f,
                "the body is larger than {limit} bytes; webhook events are thin pointers, so this is not a delivery to accept"
            ),
            Rejection::MissingHeader(h) => {
                write!(f, "the {h} header is missing; Standard Webhooks deliveries carry webhook-id, webhook-timestamp and webhook-signature")
            }
            Rejection::DuplicateHeader(h) => {
                write!(f, "the {h} header appears more than once with different values; send it once")
            }
            Rejection::InvalidHeader(h) => {
                write!(f, "the {h} header is empty or holds control or non-ASCII characters")
            }
            Rejection::HeaderTooLong { header, limit } => {
                write!(f, "the {header} header is longer than {limit} bytes")
            }
            Rejection::InvalidTimestamp => f.write_str(
                "webhook-timestamp must be whole Unix seconds in plain decimal (no sign, no leading zeros, no fraction)",
            ),
            Rejection::TimestampTooOld { age_seconds, tolerance_seconds } => write!(
                f,
                "the delivery was signed {age_seconds} s ago, more than the {tolerance_seconds} s tolerance; it may be a replay, or the receiver's clock is behind"
            ),
            Rejection::TimestampTooNew { ahead_seconds, tolerance_seconds } => write!(
                f,
                "the timestamp is {ahead_seconds} s in the future, more than the {tolerance_seconds} s tolerance; check the sender's and receiver's clocks"
            ),
            Rejection::TooManySignatures { limit } => {
                write!(f, "webhook-signature lists more than {limit} entries (of one scheme, or in all)")
            }
            Rejection::NoSupportedSignature => f.write_str(
                "webhook-signature has no entry in a supported scheme (v1, v1a or an RS256 JWT)",
            ),
            Rejection::MalformedSignature => f.write_str(
                "every signature entry is malformed: bad base64, or the wrong length for its scheme",
            ),
            Rejection::NoKeyForScheme => f.write_str(
                "the delivery is signed with a scheme for which no secret or key is configured",
            ),
            Rejection::NoMatchingSignature { asymmetric: false } => f.write_str(
                "no signature matches any configured secret; check the secret (and, after a rotation, that the new one is configured)",
            ),
            Rejection::NoMatchingSignature { asymmetric: true } => f.write_str(
                "no signature matches any configured secret or public key; the body, id or timestamp was altered, or the keys changed",
            ),
            Rejection::JwtMalformed => f.write_str(
                "the JWT is not a compact JWS of three base64url parts with a JSON header and claims",
            ),
            Rejection::JwtAlgNotAllowed => f.write_str("the JWT's alg is not RS256, the only algorithm accepted"),
            Rejection::JwtCritUnsupported => f.write_str("the JWT marks header extensions as critical (crit); none are supported"),
            Rejection::JwtMissingKid => f.write_str("the JWT header has no kid to select a key from the JWKS"),
            Rejection::UnknownKid => f.write_str("no RSA signing key in the JWKS has the JWT's kid"),
            Rejection::JwtKeyTooSmall { bits } => {
                write!(f, "the JWKS key for this kid has a {bits}-bit modulus; at least 2048 bits are required")
            }
            Rejection::JwtSignatureInvalid => f.write_str("the JWT's RS256 signature does not verify with the key named by its kid"),
            Rejection::JwtClaimsInvalid => f.write_str("the JWT claims are not a JSON object, or exp/nbf/iat/aud have the wrong type"),
            Rejection::JwtExpired => f.write_str("the JWT has expired (exp is past, beyond the tolerance)"),
            Rejection::JwtNotYetValid => f.write_str("the JWT is not valid yet (nbf is in the future, beyond the tolerance)"),
            Rejection::JwtIssuedInFuture => f.write_str("the JWT was issued in the future (iat, beyond the tolerance); check clocks"),
            Rejection::JwtMissingTimeClaim => f.write_str(
                "the JWT has neither exp nor iat, so a captured token could be replayed forever; the sender must date its tokens",
            ),
            Rejection::JwtAudienceMismatch => f.write_str("the JWT's aud does not contain the configured audience"),
            Rejection::JwtBodyNotBound => f.write_str(
                "the JWT verified but does not bind this body (no matching body_sha256 claim and no embedded event equal to the body), so the body could have been swapped",
            ),
            Rejection::InvalidPayload => f.write_str(
                "the signed body is not a JSON object with a string \"type\"; it is not a webhook event",
            ),
            Rejection::JwksUnavailable { retry_after_seconds } => write!(
                f,
                "no signing key known now verifies this delivery and a fresher key set (JWKS) cannot be fetched yet; retry in {retry_after_seconds} s"
            ),
        }
    }
}

impl core::error::Error for Rejection {}

/// Why a secret, key or JWKS could not be loaded. Raised at configuration time, never per request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A secret is empty (or only its `whsec_` prefix).
    EmptySecret,
    /// A secret is not valid base64 after its `whsec_` prefix.
    SecretNotBase64,
    /// A secret decodes to fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    SecretTooShort { bytes: usize },
    /// A `whpk_` public key is not base64 of 32 bytes, or not a valid Ed25519 point.
    InvalidPublicKey,
    /// A `whsk_` signing key or seed is not base64 (or hex) of 32 bytes.
    InvalidSigningKey,
    /// The JWKS document is not JSON with a `keys` array.
    InvalidJwks,
    /// The JWKS document is larger than the cap.
    JwksTooLarge { limit: usize },
    /// The JWKS lists more keys than the cap.
    JwksTooManyKeys { limit: usize },
    /// The JWKS parses but holds no key hookwall can use (RSA of 2048 to 8192 bits, Ed25519).
    JwksNoUsableKey,
    /// The routing table is not a JSON object of `type`, `prefix.*` or `*` to an allowed URL
    /// ([`crate::endpoint::is_allowed`]).
    InvalidRoutes,
}

impl ConfigError {
    /// The stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            ConfigError::EmptySecret => "empty_secret",
            ConfigError::SecretNotBase64 => "invalid_secret",
            ConfigError::SecretTooShort { .. } => "secret_too_short",
            ConfigError::InvalidPublicKey => "invalid_public_key",
            ConfigError::InvalidSigningKey => "invalid_signing_key",
            ConfigError::InvalidJwks => "invalid_jwks",
            ConfigError::JwksTooLarge { .. } => "jwks_too_large",
            ConfigError::JwksTooManyKeys { .. } => "jwks_too_many_keys",
            ConfigError::JwksNoUsableKey => "jwks_no_usable_key",
            ConfigError::InvalidRoutes => "invalid_routes",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EmptySecret => f.write_str("the secret is empty"),
            ConfigError::SecretNotBase64 => {
                f.write_str("the secret is not base64 after its whsec_ prefix; copy it exactly as the sender issued it")
            }
            ConfigError::SecretTooShort { bytes } => write!(
                f,
                "the secret decodes to {bytes} bytes; at least {} are required (Standard Webhooks secrets are 24 to 64 bytes)",
                crate::MIN_SECRET_BYTES
            ),
            ConfigError::InvalidPublicKey => {
                f.write_str("the public key is not whpk_ + base64 of a 32-byte Ed25519 key")
            }
            ConfigError::InvalidSigningKey => {
                f.write_str("the signing key is not whsk_ + base64 (or hex) of a 32-byte Ed25519 seed")
            }
            ConfigError::InvalidJwks => f.write_str("the JWKS is not a JSON object with a \"keys\" array"),
            ConfigError::JwksTooLarge { limit } => write!(f, "the JWKS document is larger than {limit} bytes"),
            ConfigError::JwksTooManyKeys { limit } => write!(f, "the JWKS lists more than {limit} keys"),
            ConfigError::JwksNoUsableKey => f.write_str("the JWKS holds no usable signing key (RSA of 2048 to 8192 bits, or Ed25519)"),
            ConfigError::InvalidRoutes => f.write_str(
                "routes must be a JSON object mapping an event type, a \"prefix.*\" wildcard or \"*\" to an https:// URL (http:// only for 127.0.0.1 and localhost)",
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

/// A short helper for adapters: the JSON error body `{"error": code, "message": text}`.
pub fn error_body(code: &str, message: &str) -> String {
    let mut out = String::from("{\"error\":");
    out.push_str(&serde_json::Value::from(code).to_string());
    out.push_str(",\"message\":");
    out.push_str(&serde_json::Value::from(message).to_string());
    out.push('}');
    out
}
