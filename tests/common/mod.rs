//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hookwall::{Jwks, PayloadRule, Rejection, Secret, Verified, Verifier};

pub const SECRET_1: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const SECRET_2: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
pub const GEMINI_ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
pub const GEMINI_TS: u64 = 1674087231;
pub const GEMINI_BODY: &str = r#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}"#;
pub const RFC8032_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
pub const RFC8032_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"test-key-1","alg":"EdDSA","use":"sig"}"#;

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
