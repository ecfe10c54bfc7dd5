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
