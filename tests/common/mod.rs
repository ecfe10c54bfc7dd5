//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::OnceLock;

use hookwall::{Jwks, PayloadRule, Rejection, Secret, Verified, Verifier};
use serde_json::Value;

/// tests/vectors.json, the one copy of the protocol vectors (docs/protocol.md, "Test vectors").
pub fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(include_str!("../vectors.json")).expect("tests/vectors.json is JSON"))
}

/// The string at a JSON pointer of tests/vectors.json.
pub fn text(pointer: &str) -> &'static str {
    vectors()
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("tests/vectors.json: no string at {pointer}"))
}

/// The first reference secret (`whsec_MfKQ...`).
pub fn secret_1() -> &'static str {
    text("/secrets/0")
}

/// The second reference secret (`whsec_C2FV...`, 24 bytes, unpadded base64).
pub fn secret_2() -> &'static str {
    text("/secrets/1")
}

/// The Gemini-shaped vector's webhook-id.
pub fn gemini_id() -> &'static str {
    text("/gemini/id")
}

/// The Gemini-shaped vector's timestamp.
pub fn gemini_ts() -> u64 {
    vectors()["gemini"]["timestamp"].as_u64().expect("tests/vectors.json: gemini.timestamp")
}

/// The Gemini-shaped vector's body (154 bytes).
pub fn gemini_body() -> &'static str {
    text("/gemini/body")
}

/// The RFC 8032 section 7.1 TEST 1 seed, as hex.
pub fn rfc8032_seed() -> &'static str {
    text("/rfc8032/seed")
}

/// The RFC 8032 TEST 1 public key as one JWKS entry (JSON text).
pub fn rfc8032_jwk() -> &'static str {
    static J: OnceLock<String> = OnceLock::new();
    J.get_or_init(|| vectors()["rfc8032"]["jwk"].to_string())
}

pub fn secret(s: &str) -> Secret {
    Secret::parse(s).expect("valid test secret")
}

pub fn v1_verifier(secrets: &[&str]) -> Verifier {
    Verifier::builder().secrets(secrets.iter().map(|s| secret(s))).payload(PayloadRule::Any).build()
}

pub fn jwks(keys: &[&str]) -> Jwks {
    Jwks::parse(format!("{{\"keys\":[{}]}}", keys.join(",")).as_bytes()).expect("valid test JWKS")
}

pub fn verify(v: &Verifier, body: &[u8], id: &str, ts: &str, sig: &str, now: u64) -> Result<Verified, Rejection> {
    v.verify(body, [("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", sig)], now)
}

pub fn code(r: Result<Verified, Rejection>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

pub const NOW: u64 = 1_767_225_600;

pub fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Two distinct 2048-bit RSA keys, generated once per test binary (never stored in the repo).
pub fn rsa_keys() -> &'static (rsa::PrivateKey, rsa::PrivateKey) {
    static KEYS: std::sync::OnceLock<(rsa::PrivateKey, rsa::PrivateKey)> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let generate = || rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).expect("RSA key generation");
        (generate(), generate())
    })
}

/// The public JWK of an RSA key: `kty` RSA, `n`/`e` base64url of the big-endian bytes.
pub fn rsa_jwk(key: &rsa::PrivateKey, kid: &str) -> String {
    use rsa::traits::PublicKeyParts;
    let public = key.to_public_key();
    serde_json::json!({"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig", "n": b64url(&public.n_bytes()), "e": b64url(&public.e_bytes())})
        .to_string()
}

/// A compact JWS with any header and claims, signed RS256 by `key` (what an attacker can mint
/// with their own key, or what a sender mints with the real one).
pub fn rs256_token(key: &rsa::PrivateKey, header: &serde_json::Value, claims: &serde_json::Value) -> String {
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let sig = key.pkcs1v15_sign::<sha2::Sha256>(input.as_bytes()).expect("RS256 signature");
    format!("{input}.{}", b64url(&sig))
}
