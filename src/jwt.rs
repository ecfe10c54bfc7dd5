//! RS256 JWTs in `webhook-signature` (dynamic webhooks as Google's docs describe them).
//!
//! Strict by construction: `alg` must be `RS256` (never `none`, never `HS*`, so an RSA public
//! key can never be used as an HMAC secret); the key is the JWKS's RSA key with the token's
//! `kid` (never `jwk`/`jku`/`x5u`/`x5c` from the request); moduli under 2048 bits are refused;
//! `crit` is refused; `exp`/`nbf`/`iat` are checked with the delivery's tolerance, at least one
//! of `exp`/`iat` is required, and without `exp` a token expires [`MAX_TOKEN_AGE_SECONDS`] after
//! its `iat` (bounding replays under a fresh webhook-id); `aud` is enforced when configured. Because the docs do not say how the body is bound to the token,
//! a verified token is accepted only when it binds the body (see [`Binding`]).

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::b64;
use crate::error::Rejection;
use crate::json;
use crate::jwks::{Jwks, MIN_RSA_BITS};

/// How a verified token binds the body that came with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// A `body_sha256` claim (base64url or hex) equals SHA-256 of the raw body.
    BodyHash,
    /// An `event` claim equals the body (as JSON, or as the exact string).
    EventClaim,
    /// The claims carry the event itself: every member of the JSON body is a claim with an
    /// equal value, and every claim but the registered ones ([`REGISTERED_CLAIMS`]) is a member
    /// of the body (so no signed member can be stripped from the body).
    Claims,
}

impl Binding {
    /// A short name for reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Binding::BodyHash => "body_sha256",
            Binding::EventClaim => "event_claim",
            Binding::Claims => "claims",
        }
    }
}

/// What the token's policy checks need from the delivery and configuration.
#[derive(Clone, Copy, Debug)]
pub struct JwtContext<'a> {
    /// Unix seconds.
    pub now: u64,
    /// Allowed clock skew for `exp`/`nbf`/`iat`, in seconds.
    pub tolerance: u64,
    /// Required audience, if configured.
    pub audience: Option<&'a str>,
    /// Required issuer (`iss`), if configured.
    pub issuer: Option<&'a str>,
    /// The raw body bytes.
    pub body: &'a [u8],
}

/// A token that verified: its `kid` and how it binds the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedJwt {
    /// The JWKS key id that verified the signature.
    pub kid: String,
    /// The body binding that was found.
    pub binding: Binding,
}

/// A compact JWS split and decoded, not yet verified.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The payload bytes (claims JSON, unparsed).
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// `header.payload` as sent: the signing input.
    pub signing_input: &'a str,
}

/// Splits a compact JWS and decodes its parts; the header must be a JSON object.
pub fn decode(token: &str) -> Result<Decoded<'_>, Rejection> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Rejection::JwtMalformed);
    };
    let header_bytes = b64::decode_url(h).ok_or(Rejection::JwtMalformed)?;
    let header = match serde_json::from_slice::<Value>(&header_bytes) {
        Ok(Value::Object(m)) => m,
        _ => return Err(Rejection::JwtMalformed),
    };
    Ok(Decoded {
        header,
        payload: b64::decode_url(p).ok_or(Rejection::JwtMalformed)?,
        signature: b64::decode_url(s).ok_or(Rejection::JwtMalformed)?,
        signing_input: &token[..h.len() + 1 + p.len()],
    })
}

/// The claims of a decoded token, parsed (for display; [`verify`] parses them after the
/// signature check).
pub fn claims(decoded: &Decoded<'_>) -> Result<Map<String, Value>, Rejection> {
    match serde_json::from_slice::<Value>(&decoded.payload) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Rejection::JwtClaimsInvalid),
    }
}

/// Verifies a compact RS256 JWS against the JWKS and the delivery.
pub fn verify(token: &str, jwks: &Jwks, cx: &JwtContext<'_>) -> Result<VerifiedJwt, Rejection> {
    verify_body(token, jwks, cx, &json::Body::new(cx.body), &crate::crypto::RUST_CRYPTO)
}

/// [`verify`] with the request's body, parsed at most once for every entry that needs it.
pub(crate) fn verify_body(
    token: &str,
    jwks: &Jwks,
    cx: &JwtContext<'_>,
    body: &json::Body<'_>,
    crypto: &dyn crate::crypto::CryptoProvider,
) -> Result<VerifiedJwt, Rejection> {
    let decoded = decode(token)?;
    let header = &decoded.header;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(Rejection::JwtAlgNotAllowed);
    }
    if header.contains_key("crit") {
        return Err(Rejection::JwtCritUnsupported);
    }
    let kid = header.get("kid").and_then(Value::as_str).ok_or(Rejection::JwtMissingKid)?;
    let key = jwks.rsa_by_kid(kid).ok_or(Rejection::UnknownKid)?;
    if key.bits() < MIN_RSA_BITS {
        return Err(Rejection::JwtKeyTooSmall { bits: key.bits() });
    }
    if !key.verify_rs256_with(crypto, decoded.signing_input.as_bytes(), &decoded.signature) {
        return Err(Rejection::JwtSignatureInvalid);
    }
    let parsed_claims = json::parse(&decoded.payload);
    let Some(Value::Object(claims)) = parsed_claims.value else { return Err(Rejection::JwtClaimsInvalid) };
    check_times(&claims, cx)?;
    check_audience(&claims, cx.audience)?;
    check_issuer(&claims, cx.issuer)?;
    let claims_len = decoded.payload.len();
    let binding = binding_body(&claims, parsed_claims.exact, claims_len, body).ok_or(Rejection::JwtBodyNotBound)?;
    Ok(VerifiedJwt { kid: String::from(kid), binding })
}

fn numeric(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, Rejection> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .map(Some)
            .ok_or(Rejection::JwtClaimsInvalid),
    }
}

/// Longest a token may be used after its `iat` when it has no `exp`: the sender's 24 h retry
/// window (plus the tolerance). It bounds replays of a captured token under a fresh webhook-id.
pub const MAX_TOKEN_AGE_SECONDS: u64 = 24 * 3600;

fn check_times(claims: &Map<String, Value>, cx: &JwtContext<'_>) -> Result<(), Rejection> {
    let now = i128::from(cx.now);
    let tol = i128::from(cx.tolerance);
    let exp = numeric(claims, "exp")?;
    let iat = numeric(claims, "iat")?;
    if exp.is_none() && iat.is_none() {
        return Err(Rejection::JwtMissingTimeClaim);
    }
    if let Some(exp) = exp
        && now > i128::from(exp) + tol
    {
        return Err(Rejection::JwtExpired);
    }
    if let Some(nbf) = numeric(claims, "nbf")?
        && now + tol < i128::from(nbf)
    {
        return Err(Rejection::JwtNotYetValid);
    }
    if let Some(iat) = iat {
        if i128::from(iat) > now + tol {
            return Err(Rejection::JwtIssuedInFuture);
        }
        if exp.is_none() && now - i128::from(iat) > i128::from(MAX_TOKEN_AGE_SECONDS) + tol {
            return Err(Rejection::JwtExpired);
        }
    }
    Ok(())
}

fn check_audience(claims: &Map<String, Value>, audience: Option<&str>) -> Result<(), Rejection> {
    let Some(want) = audience else { return Ok(()) };
    let ok = match claims.get("aud") {
        Some(Value::String(s)) => s == want,
        Some(Value::Array(list)) => list.iter().any(|v| v.as_str() == Some(want)),
        Some(Value::Null) | None => false,
        Some(_) => return Err(Rejection::JwtClaimsInvalid),
    };
    if ok { Ok(()) } else { Err(Rejection::JwtAudienceMismatch) }
}

fn check_issuer(claims: &Map<String, Value>, issuer: Option<&str>) -> Result<(), Rejection> {
    let Some(want) = issuer else { return Ok(()) };
    match claims.get("iss") {
        Some(Value::String(s)) if s == want => Ok(()),
        Some(Value::String(_) | Value::Null) | None => Err(Rejection::JwtIssuerMismatch),
        Some(_) => Err(Rejection::JwtClaimsInvalid),
    }
}

/// The JWT's own claims (RFC 7519 section 4.1): the only claims a body carried in the claims
/// may lack.
pub const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Finds how the claims bind `body`, if they do.
///
/// The JSON-equality bindings hold only for an exact body (see [`json::Parsed::exact`]: no
/// duplicate key, no integer beyond 2^53, every number written as it prints) and compare
/// numbers as literals ([`json::exact_eq`]), so the origin can read no number the sender did
/// not sign. A string `event` claim binds the exact bytes only.
///
/// A body is compared by JSON equality only when it is at most [`max_json_bound_body`] of the
/// claims' size: a JSON-equal body is about as long as the claims, and the cap keeps a genuine
/// token from making the receiver parse a body of any size it likes.
pub fn binding(claims: &Map<String, Value>, body: &[u8]) -> Option<Binding> {
    let claims_len = serde_json::to_vec(claims).map_or(0, |v| v.len());
    binding_body(claims, true, claims_len, &json::Body::new(body))
}

/// The largest body the JSON-equality bindings consider for claims of `claims_len` bytes:
/// twice that plus 1 KiB (room for whitespace and escapes), at most about 25 KiB since the
/// `webhook-signature` header is capped at 16 KiB.
pub const fn max_json_bound_body(claims_len: usize) -> usize {
    claims_len.saturating_mul(2).saturating_add(1024)
}

fn binding_body(
    claims: &Map<String, Value>,
    claims_exact: bool,
    claims_len: usize,
    parsed_body: &json::Body<'_>,
) -> Option<Binding> {
    let body = parsed_body.bytes();
    if let Some(Value::String(claimed)) = claims.get("body_sha256") {
        let digest = parsed_body.sha256();
        // 64 hex digits are also valid base64url (of 48 bytes), so try each reading.
        let matches = |d: Option<Vec<u8>>| d.is_some_and(|d| d.len() == 32 && bool::from(d.ct_eq(digest.as_slice())));
        if matches(b64::decode_url(claimed)) || matches(decode_hex32(claimed)) {
            return Some(Binding::BodyHash);
        }
    }
    match claims.get("event") {
        Some(Value::String(s)) if s.as_bytes() == body => return Some(Binding::EventClaim),
        // A string claim binds the bytes only: never a body that is that string JSON-encoded.
        Some(Value::String(_)) => {}
        Some(event)
            if claims_exact
                && body.len() <= max_json_bound_body(claims_len)
                && parsed_body.parsed().exact_value().is_some_and(|b| json::exact_eq(event, b)) =>
        {
            return Some(Binding::EventClaim);
        }
        _ => {}
    }
    if !claims_exact || body.len() > max_json_bound_body(claims_len) {
        return None;
    }
    if let Some(Value::Object(body_obj)) = parsed_body.parsed().exact_value() {
        let carries = body_obj.contains_key("type")
            && body_obj.iter().all(|(k, v)| claims.get(k).is_some_and(|c| json::exact_eq(c, v)))
            && claims.keys().all(|k| body_obj.contains_key(k) || REGISTERED_CLAIMS.contains(&k.as_str()));
        if carries {
            return Some(Binding::Claims);
        }
    }
    None
}

fn decode_hex32(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..32).map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

/// Builds and signs a compact RS256 JWS (for tests and the CLI's demo sender).
#[cfg(feature = "rsa-signing")]
pub fn sign_rs256(key: &rsa::PrivateKey, kid: &str, claims: &Value) -> Result<String, rsa::Error> {
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let mut token = b64::encode_url(header.to_string().as_bytes());
    token.push('.');
    token.push_str(&b64::encode_url(claims.to_string().as_bytes()));
    let sig = key.pkcs1v15_sign::<sha2::Sha256>(token.as_bytes())?;
    token.push('.');
    token.push_str(&b64::encode_url(&sig));
    Ok(token)
}
