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

/// The value given to an optional column of [`rejections!`], else the default.
macro_rules! or_default {
    (; $default:expr) => {
        $default
    };
    ($value:expr; $default:expr) => {
        $value
    };
}

/// Declares [`Rejection`] and everything derived from its table: one row per variant with its
/// code, HTTP status, whether keys could change it, and its message (plus, where they apply,
/// whether it suggests a key refresh and its retry-after). Adding a rejection is adding a row.
macro_rules! rejections {
    ($(
        $(#[$doc:meta])*
        $name:ident $( ( $($tn:ident : $tt:ty),* ) )? $( { $( $(#[$fdoc:meta])* $sn:ident : $st:ty),* } )?
            => $code:literal, $status:literal, keys: $keys:literal
            $(, refresh: $refresh:expr)? $(, retry: $retry:expr)?
            ; |$f:ident| $msg:expr;
    )*) => {
        /// Why a delivery was rejected.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Rejection {
            $( $(#[$doc])* $name $( ( $($tt),* ) )? $( { $( $(#[$fdoc])* $sn: $st),* } )?, )*
        }

        impl Rejection {
            /// Every code a rejection can carry, for documentation and exhaustive tests.
            pub const CODES: &'static [&'static str] = &[$($code),*];

            /// The registry: each code with its HTTP status and whether it depends on keys, in
            /// the order of [`CODES`](Self::CODES). Adapters generate their code lists from it
            /// (the npm package's `WebhookErrorCode` union).
            pub const REGISTRY: &'static [CodeInfo] = &[$(CodeInfo {
                code: $code,
                status: $status,
                depends_on_keys: $keys,
                retryable: or_default!($( { let _ = stringify!($retry); true } )?; false),
            }),*];

            /// The stable snake_case code, for JSON error bodies, logs and metrics.
            pub const fn code(&self) -> &'static str {
                match self { $( Self::$name { .. } => $code, )* }
            }

            /// The HTTP status an edge answers: 413 for size, 400 for a malformed request,
            /// 401 for a request that is well-formed but not authentic (or no longer fresh),
            /// 403 for an authentic delivery meant for another receiver, 503 when keys could
            /// not be fetched.
            pub const fn http_status(&self) -> u16 {
                match self { $( Self::$name { .. } => $status, )* }
            }

            /// False when no key could change the verdict: it was decided before any key was
            /// consulted (body size, headers, timestamp, the size of the signature list) or
            /// after one matched (the payload, the tenant binding). True for the signature
            /// stage, where a verifier with other keys (a JWKS it could not fetch, say) might
            /// answer differently. An adapter that could not get its keys answers "retry
            /// later" only when this is true.
            ///
            /// ```
            /// use hookwall::Rejection;
            /// assert!(!Rejection::TimestampTooOld { age_seconds: 400, tolerance_seconds: 300 }.depends_on_keys());
            /// assert!(Rejection::NoKeyForScheme.depends_on_keys());
            /// assert!(Rejection::JwtMalformed.depends_on_keys(), "another entry of the list might verify");
            /// ```
            pub const fn depends_on_keys(&self) -> bool {
                match self { $( Self::$name { .. } => $keys, )* }
            }

            /// True when fresh keys might change the verdict: the JWT's `kid` is unknown, or
            /// `v1a` signatures matched none of the current keys (the sender may have rotated).
            /// Adapters refetch the JWKS on these, at most once per
            /// [`CachePolicy::refetch_cooldown`](crate::CachePolicy).
            #[allow(unused_variables)]
            pub const fn suggests_key_refresh(&self) -> bool {
                match self {
                    $( Self::$name $( ( $($tn),* ) )? $( { $($sn),* } )? => {
                        or_default!($($refresh)?; false)
                    } )*
                }
            }

            /// Seconds after which a retry may succeed, for a `retry-after` header: `Some` only
            /// for retryable rejections ([`Rejection::JwksUnavailable`]).
            #[allow(unused_variables)]
            pub const fn retry_after_seconds(&self) -> Option<u64> {
                match self {
                    $( Self::$name $( ( $($tn),* ) )? $( { $($sn),* } )? => {
                        or_default!($(Some($retry))?; None)
                    } )*
                }
            }
        }

        impl fmt::Display for Rejection {
            #[allow(unused_variables)]
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Self::$name $( ( $($tn),* ) )? $( { $($sn),* } )? => {
                        let $f = &mut *formatter;
                        $msg
                    } )*
                }
            }
        }
    };
}

/// One row of the rejection registry ([`Rejection::REGISTRY`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CodeInfo {
    /// The stable snake_case code.
    pub code: &'static str,
    /// The HTTP status an edge answers.
    pub status: u16,
    /// Whether other keys could change the verdict ([`Rejection::depends_on_keys`]).
    pub depends_on_keys: bool,
    /// Whether the rejection carries a retry-after ([`Rejection::retry_after_seconds`]).
    pub retryable: bool,
}

rejections! {
    /// The body is larger than the configured cap.
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize
    } => "body_too_large", 413, keys: false;
        |f| write!(f, "the body is larger than {limit} bytes; webhook events are thin pointers, so this is not a delivery to accept");
    /// A required header is absent.
    MissingHeader(h: HeaderName) => "missing_header", 400, keys: false;
        |f| write!(f, "the {h} header is missing; Standard Webhooks deliveries carry webhook-id, webhook-timestamp and webhook-signature");
    /// A header was sent twice with different values.
    DuplicateHeader(h: HeaderName) => "duplicate_header", 400, keys: false;
        |f| write!(f, "the {h} header appears more than once with different values; send it once");
    /// A header is empty, or holds control characters or non-ASCII bytes.
    InvalidHeader(h: HeaderName) => "invalid_header", 400, keys: false;
        |f| write!(f, "the {h} header is empty or holds control or non-ASCII characters");
    /// A header is longer than hookwall accepts for it.
    HeaderTooLong {
        /// The header that is too long.
        header: HeaderName,
        /// Its cap, in bytes.
        limit: usize
    } => "header_too_long", 400, keys: false;
        |f| write!(f, "the {header} header is longer than {limit} bytes");
    /// `webhook-timestamp` is not a canonical decimal number of seconds.
    InvalidTimestamp => "invalid_timestamp", 400, keys: false;
        |f| f.write_str("webhook-timestamp must be whole Unix seconds in plain decimal (no sign, no leading zeros, no fraction)");
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld {
        /// How long ago the delivery was signed.
        age_seconds: u64,
        /// The configured tolerance.
        tolerance_seconds: u64
    } => "timestamp_too_old", 401, keys: false;
        |f| write!(f, "the delivery was signed {age_seconds} s ago, more than the {tolerance_seconds} s tolerance; it may be a replay, or the receiver's clock is behind");
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew {
        /// How far in the future the timestamp is.
        ahead_seconds: u64,
        /// The configured tolerance.
        tolerance_seconds: u64
    } => "timestamp_too_new", 401, keys: false;
        |f| write!(f, "the timestamp is {ahead_seconds} s in the future, more than the {tolerance_seconds} s tolerance; check the sender's and receiver's clocks");
    /// `webhook-signature` lists more entries (or more `v1a` and JWT entries) than hookwall
    /// will try.
    TooManySignatures {
        /// The most entries hookwall tries.
        limit: usize
    } => "too_many_signatures", 400, keys: false;
        |f| write!(
            f,
            "webhook-signature lists more than {limit} entries of a kind hookwall caps: at most {} in all, and at most {} v1a and JWT entries together (each costs a public-key check)",
            crate::signature::MAX_ENTRIES,
            crate::signature::MAX_ASYMMETRIC_ENTRIES
        );
    /// No entry of `webhook-signature` uses a scheme hookwall knows (`v1`, `v1a`, a JWT).
    NoSupportedSignature => "no_supported_signature", 401, keys: false;
        |f| f.write_str("webhook-signature has no entry in a supported scheme (v1, v1a or an RS256 JWT)");
    /// Every supported entry is malformed (bad base64 or wrong length).
    MalformedSignature => "malformed_signature", 400, keys: true;
        |f| f.write_str("every signature entry is malformed: bad base64, or the wrong length for its scheme");
    /// No key is configured for any scheme the delivery is signed with.
    NoKeyForScheme => "no_key_for_scheme", 401, keys: true;
        |f| f.write_str("the delivery is signed with a scheme for which no secret or key is configured");
    /// Well-formed signatures, but none verifies with any trusted key.
    NoMatchingSignature {
        /// Whether a `v1a` (public-key) entry was left unverified, so a fresher key set
        /// might verify it.
        asymmetric: bool
    } => "no_matching_signature", 401, keys: true, refresh: *asymmetric;
        |f| f.write_str(if *asymmetric {
            "no signature matches any configured secret or public key; the body, id or timestamp was altered, or the keys changed"
        } else {
            "no signature matches any configured secret; check the secret (and, after a rotation, that the new one is configured)"
        });
    /// The JWT is not a well-formed compact JWS with JSON header and claims.
    JwtMalformed => "jwt_malformed", 400, keys: true;
        |f| f.write_str("the JWT is not a compact JWS of three base64url parts with a JSON header and claims");
    /// The JWT's `alg` is anything but RS256.
    JwtAlgNotAllowed => "jwt_alg_not_allowed", 401, keys: true;
        |f| f.write_str("the JWT's alg is not RS256, the only algorithm accepted");
    /// The JWT header marks extensions critical (`crit`), which hookwall does not implement.
    JwtCritUnsupported => "jwt_crit_unsupported", 401, keys: true;
        |f| f.write_str("the JWT marks header extensions as critical (crit); none are supported");
    /// The JWT header has no `kid`.
    JwtMissingKid => "jwt_missing_kid", 401, keys: true;
        |f| f.write_str("the JWT header has no kid to select a key from the JWKS");
    /// No RSA key in the JWKS has the JWT's `kid`.
    UnknownKid => "unknown_kid", 401, keys: true, refresh: true;
        |f| f.write_str("no RSA signing key in the JWKS has the JWT's kid");
    /// The JWKS key for the `kid` has a modulus below 2048 bits.
    JwtKeyTooSmall {
        /// The key's modulus size in bits.
        bits: usize
    } => "jwt_key_too_small", 401, keys: true;
        |f| write!(f, "the JWKS key for this kid has a {bits}-bit modulus; at least 2048 bits are required");
    /// The RS256 signature does not verify with the key named by `kid`.
    JwtSignatureInvalid => "jwt_signature_invalid", 401, keys: true;
        |f| f.write_str("the JWT's RS256 signature does not verify with the key named by its kid");
    /// The JWT claims are not a JSON object, or a registered claim has the wrong type.
    JwtClaimsInvalid => "jwt_claims_invalid", 400, keys: true;
        |f| f.write_str("the JWT claims are not a JSON object, or exp/nbf/iat/aud/iss have the wrong type");
    /// `exp` is in the past (beyond the tolerance).
    JwtExpired => "jwt_expired", 401, keys: true;
        |f| f.write_str("the JWT has expired (exp is past, beyond the tolerance)");
    /// `nbf` is in the future (beyond the tolerance).
    JwtNotYetValid => "jwt_not_yet_valid", 401, keys: true;
        |f| f.write_str("the JWT is not valid yet (nbf is in the future, beyond the tolerance)");
    /// `iat` is in the future (beyond the tolerance).
    JwtIssuedInFuture => "jwt_issued_in_future", 401, keys: true;
        |f| f.write_str("the JWT was issued in the future (iat, beyond the tolerance); check clocks");
    /// The JWT has neither `exp` nor `iat`, so nothing limits how long it can be replayed.
    JwtMissingTimeClaim => "jwt_missing_time_claim", 401, keys: true;
        |f| f.write_str("the JWT has neither exp nor iat, so a captured token could be replayed forever; the sender must date its tokens");
    /// `aud` is missing or does not contain the configured audience.
    JwtAudienceMismatch => "jwt_audience_mismatch", 401, keys: true;
        |f| f.write_str("the JWT's aud does not contain the configured audience");
    /// `iss` is missing or is not the configured issuer.
    JwtIssuerMismatch => "jwt_issuer_mismatch", 401, keys: true;
        |f| f.write_str("the JWT's iss is not the configured issuer");
    /// The JWT verified, but nothing in it binds the body that came with it.
    JwtBodyNotBound => "jwt_body_not_bound", 401, keys: true;
        |f| f.write_str("the JWT verified but does not bind this body (no matching body_sha256 claim and no embedded event equal to the body), so the body could have been swapped");
    /// A delivery verified with a JWKS key (which signs every project's webhooks) whose signed
    /// body field does not hold this receiver's configured value: another tenant's delivery.
    TenantMismatch => "tenant_mismatch", 403, keys: false;
        |f| f.write_str("the delivery is genuine but for another receiver: the configured signed body field (tenant_field) does not hold this receiver's value");
    /// A delivery verified with a JWKS key (which signs every project's webhooks), with nothing
    /// configured to bind it to this receiver.
    TenantUnbound => "tenant_unbound", 403, keys: false;
        |f| f.write_str("the delivery is signed with a key from the sender's shared JWKS, which signs every project's webhooks, and nothing binds it to this receiver; configure a JWT audience (audience), a signed body field (tenant_field), a secret webhook path of at least 128 bits (secret_path_asserted), or accept any tenant explicitly (any_tenant)");
    /// The signed body is not a JSON event envelope (`{"type": "...", ...}`).
    InvalidPayload => "invalid_payload", 400, keys: false;
        |f| f.write_str("the signed body is not a JSON object with a string \"type\"; it is not a webhook event");
    /// Only a fresher JWKS could decide this delivery (its JWKS-signed entries match no key
    /// known now), and a fetch is not possible before `retry_after_seconds` or just failed.
    /// Retryable: the sender tries again later, when [`KeyCache`](crate::keyflow::KeyCache)
    /// may fetch.
    JwksUnavailable {
        /// Seconds until a fetch may be tried again.
        retry_after_seconds: u64
    } => "jwks_unavailable", 503, keys: true, retry: *retry_after_seconds;
        |f| write!(f, "no signing key known now verifies this delivery and a fresher key set (JWKS) cannot be fetched yet; retry in {retry_after_seconds} s");
}

impl core::error::Error for Rejection {}

/// Declares [`ConfigError`] from one row per variant: its code and its message.
macro_rules! config_errors {
    ($(
        $(#[$doc:meta])*
        $name:ident $( { $( $(#[$fdoc:meta])* $sn:ident : $st:ty),* } )? => $code:literal; |$f:ident| $msg:expr;
    )*) => {
        /// Why a secret, key or JWKS could not be loaded. Raised at configuration time, never per request.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum ConfigError {
            $( $(#[$doc])* $name $( { $( $(#[$fdoc])* $sn: $st),* } )?, )*
        }

        impl ConfigError {
            /// Every code a configuration error can carry.
            pub const CODES: &'static [&'static str] = &[$($code),*];

            /// The stable snake_case code.
            pub const fn code(&self) -> &'static str {
                match self { $( Self::$name { .. } => $code, )* }
            }
        }

        impl fmt::Display for ConfigError {
            #[allow(unused_variables)]
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Self::$name $( { $($sn),* } )? => {
                        let $f = &mut *formatter;
                        $msg
                    } )*
                }
            }
        }
    };
}

config_errors! {
    /// A secret is empty (or only its `whsec_` prefix).
    EmptySecret => "empty_secret"; |f| f.write_str("the secret is empty");
    /// A secret is not valid base64 after its `whsec_` prefix.
    SecretNotBase64 => "invalid_secret";
        |f| f.write_str("the secret is not base64 after its whsec_ prefix; copy it exactly as the sender issued it");
    /// A secret decodes to fewer than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) bytes.
    SecretTooShort {
        /// How many bytes the secret decodes to.
        bytes: usize
    } => "secret_too_short";
        |f| write!(
            f,
            "the secret decodes to {bytes} bytes; at least {} are required (Standard Webhooks secrets are 24 to 64 bytes)",
            crate::MIN_SECRET_BYTES
        );
    /// A `whpk_` public key is not base64 of 32 bytes, or not a valid Ed25519 point.
    InvalidPublicKey => "invalid_public_key";
        |f| f.write_str("the public key is not whpk_ + base64 of a 32-byte Ed25519 key");
    /// A `whsk_` signing key or seed is not base64 (or hex) of 32 bytes.
    InvalidSigningKey => "invalid_signing_key";
        |f| f.write_str("the signing key is not whsk_ + base64 (or hex) of a 32-byte Ed25519 seed");
    /// The JWKS document is not JSON with a `keys` array.
    InvalidJwks => "invalid_jwks"; |f| f.write_str("the JWKS is not a JSON object with a \"keys\" array");
    /// The JWKS document is larger than the cap.
    JwksTooLarge {
        /// The cap, in bytes.
        limit: usize
    } => "jwks_too_large"; |f| write!(f, "the JWKS document is larger than {limit} bytes");
    /// The JWKS lists more keys than the cap.
    JwksTooManyKeys {
        /// The most keys accepted.
        limit: usize
    } => "jwks_too_many_keys"; |f| write!(f, "the JWKS lists more than {limit} keys");
    /// The JWKS parses but holds no key hookwall can use (RSA of 2048 to 8192 bits, Ed25519).
    JwksNoUsableKey => "jwks_no_usable_key";
        |f| f.write_str("the JWKS holds no usable signing key (RSA of 2048 to 8192 bits, or Ed25519)");
    /// The routing table is not a JSON object of `type`, `prefix.*` or `*` to an allowed URL
    /// ([`crate::endpoint::is_allowed`]) or a `service:NAME` binding ([`crate::route::Target`]).
    InvalidRoutes => "invalid_routes";
        |f| f.write_str(
            "routes must be a JSON object mapping an event type, a \"prefix.*\" wildcard or \"*\" to an https:// URL (http:// only for 127.0.0.1 and localhost) or service:NAME (a Fetcher binding)",
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code with the status and keys flag it had before the table: the registry is the
    /// same API, so none of these may change.
    const PINNED: &[(&str, u16, bool)] = &[
        ("body_too_large", 413, false),
        ("missing_header", 400, false),
        ("duplicate_header", 400, false),
        ("invalid_header", 400, false),
        ("header_too_long", 400, false),
        ("invalid_timestamp", 400, false),
        ("timestamp_too_old", 401, false),
        ("timestamp_too_new", 401, false),
        ("too_many_signatures", 400, false),
        ("no_supported_signature", 401, false),
        ("malformed_signature", 400, true),
        ("no_key_for_scheme", 401, true),
        ("no_matching_signature", 401, true),
        ("jwt_malformed", 400, true),
        ("jwt_alg_not_allowed", 401, true),
        ("jwt_crit_unsupported", 401, true),
        ("jwt_missing_kid", 401, true),
        ("unknown_kid", 401, true),
        ("jwt_key_too_small", 401, true),
        ("jwt_signature_invalid", 401, true),
        ("jwt_claims_invalid", 400, true),
        ("jwt_expired", 401, true),
        ("jwt_not_yet_valid", 401, true),
        ("jwt_issued_in_future", 401, true),
        ("jwt_missing_time_claim", 401, true),
        ("jwt_audience_mismatch", 401, true),
        ("jwt_body_not_bound", 401, true),
        ("invalid_payload", 400, false),
        ("jwks_unavailable", 503, true),
        ("jwt_issuer_mismatch", 401, true),
        ("tenant_mismatch", 403, false),
        ("tenant_unbound", 403, false),
    ];

    #[test]
    fn the_registry_keeps_every_code_status_and_flag() {
        for &(code, status, keys) in PINNED {
            let row = Rejection::REGISTRY.iter().find(|r| r.code == code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!((row.status, row.depends_on_keys), (status, keys), "{code}");
        }
        let codes: alloc::vec::Vec<_> = Rejection::REGISTRY.iter().map(|r| r.code).collect();
        assert_eq!(codes, Rejection::CODES);
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "codes are unique");
    }

    #[test]
    fn instances_agree_with_their_row() {
        use alloc::string::ToString;
        let samples = [
            Rejection::BodyTooLarge { limit: 7 },
            Rejection::MissingHeader(HeaderName::Id),
            Rejection::HeaderTooLong { header: HeaderName::Signature, limit: 9 },
            Rejection::NoMatchingSignature { asymmetric: true },
            Rejection::NoMatchingSignature { asymmetric: false },
            Rejection::UnknownKid,
            Rejection::JwksUnavailable { retry_after_seconds: 30 },
            Rejection::InvalidPayload,
        ];
        for r in samples {
            let row = Rejection::REGISTRY.iter().find(|row| row.code == r.code()).unwrap();
            assert_eq!((row.status, row.depends_on_keys), (r.http_status(), r.depends_on_keys()));
            assert_eq!(row.retryable, r.retry_after_seconds().is_some());
            assert!(!r.to_string().is_empty());
        }
        assert!(Rejection::NoMatchingSignature { asymmetric: true }.suggests_key_refresh());
        assert!(!Rejection::NoMatchingSignature { asymmetric: false }.suggests_key_refresh());
        assert!(Rejection::UnknownKid.suggests_key_refresh());
        assert!(!Rejection::JwtExpired.suggests_key_refresh());
        assert_eq!(Rejection::JwksUnavailable { retry_after_seconds: 30 }.retry_after_seconds(), Some(30));
        assert!(Rejection::BodyTooLarge { limit: 7 }.to_string().contains("7 bytes"));
        assert!(
            Rejection::HeaderTooLong { header: HeaderName::Signature, limit: 9 }
                .to_string()
                .contains("webhook-signature header is longer than 9")
        );
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn config_codes_are_kept() {
        assert_eq!(
            ConfigError::CODES,
            [
                "empty_secret",
                "invalid_secret",
                "secret_too_short",
                "invalid_public_key",
                "invalid_signing_key",
                "invalid_jwks",
                "jwks_too_large",
                "jwks_too_many_keys",
                "jwks_no_usable_key",
                "invalid_routes",
            ]
        );
        assert_eq!(ConfigError::JwksNoUsableKey.code(), "jwks_no_usable_key");
        use alloc::string::ToString;
        assert!(
            ConfigError::SecretTooShort { bytes: 3 }
                .to_string()
                .starts_with("the secret decodes to 3 bytes; at least 16")
        );
    }
}
