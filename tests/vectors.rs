//! The Standard Webhooks reference vectors and negative cases, and the Gemini-shaped vectors
//! of protocol.md section 7.

mod common;
use common::*;
use hookwall::{PayloadRule, PublicKey, Secret, Verifier, sign_v1};

const REF_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const REF_TS: u64 = 1614265330;
const REF_BODY: &str = r#"{"test": 2432232314}"#;
const REF_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn reference() -> hookwall::Verifier {
    v1_verifier(&[SECRET_1])
}

#[test]
fn reference_vectors_sign_and_verify() {
    assert_eq!(sign_v1(&secret(SECRET_1), REF_ID, REF_TS, REF_BODY.as_bytes()), REF_SIG);
    let body2 = r#"{"email":"test@example.com","username":"test_user"}"#;
    let sig2 = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    assert_eq!(sign_v1(&secret(SECRET_2), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1649367553, body2.as_bytes()), sig2);
    let ok = verify(&reference(), REF_BODY.as_bytes(), REF_ID, "1614265330", REF_SIG, REF_TS).unwrap();
    assert_eq!(ok.id, REF_ID);
    assert_eq!(ok.timestamp, REF_TS);
    assert!(ok.event.is_none(), "not an envelope, accepted under PayloadRule::Any");
    let ok2 = verify(&v1_verifier(&[SECRET_2]), body2.as_bytes(), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", sig2, 1649367553);
    assert!(ok2.is_ok());
}

#[test]
fn missing_each_header() {
    let v = reference();
    let all = [("webhook-id", REF_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", REF_SIG)];
    for skip in 0..3 {
        let headers: Vec<(&str, &str)> = all.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, h)| *h).collect();
        let err = v.verify(REF_BODY.as_bytes(), headers.iter().map(|(k, v)| (*k, *v)), REF_TS).unwrap_err();
        assert_eq!((err.code(), err.http_status()), ("missing_header", 400), "without {}", all[skip].0);
    }
}

#[test]
fn header_names_are_case_insensitive() {
    let headers = [("Webhook-ID", REF_ID), ("WEBHOOK-TIMESTAMP", "1614265330"), ("Webhook-Signature", REF_SIG)];
    assert!(reference().verify(REF_BODY.as_bytes(), headers, REF_TS).is_ok());
}

#[test]
fn invalid_timestamp_hello() {
    let err = verify(&reference(), REF_BODY.as_bytes(), REF_ID, "hello", REF_SIG, REF_TS).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("invalid_timestamp", 400));
}

#[test]
fn tolerance_edges_both_directions() {
    let v = reference();
    let body = REF_BODY.as_bytes();
    assert!(verify(&v, body, REF_ID, "1614265330", REF_SIG, REF_TS + 300).is_ok());
    assert!(verify(&v, body, REF_ID, "1614265330", REF_SIG, REF_TS - 300).is_ok());
    let old = verify(&v, body, REF_ID, "1614265330", REF_SIG, REF_TS + 301).unwrap_err();
    assert_eq!((old.code(), old.http_status()), ("timestamp_too_old", 401));
    let new = verify(&v, body, REF_ID, "1614265330", REF_SIG, REF_TS - 301).unwrap_err();
    assert_eq!((new.code(), new.http_status()), ("timestamp_too_new", 401));
}

#[test]
fn configurable_tolerance() {
    let v = Verifier::builder().secret(secret(SECRET_1)).tolerance_seconds(10).payload(PayloadRule::Any).build();
    assert_eq!(code(verify(&v, REF_BODY.as_bytes(), REF_ID, "1614265330", REF_SIG, REF_TS + 10)), "ok");
    assert_eq!(code(verify(&v, REF_BODY.as_bytes(), REF_ID, "1614265330", REF_SIG, REF_TS + 11)), "timestamp_too_old");
}

#[test]
fn bad_signatures() {
    let v = reference();
    let b = REF_BODY.as_bytes();
    let truncated = &REF_SIG[..REF_SIG.len() - 6];
    for (sig, want, status) in [
        ("v1,dawfeoifkpqwoekfpqoekf", "malformed_signature", 400),
        ("v1,", "malformed_signature", 400),
        (truncated, "malformed_signature", 400),
        ("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "no_matching_signature", 401),
        ("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "no_supported_signature", 401),
        ("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "no_supported_signature", 401),
    ] {
        let err = verify(&v, b, REF_ID, "1614265330", sig, REF_TS).unwrap_err();
        assert_eq!((err.code(), err.http_status()), (want, status), "{sig}");
    }
}

#[test]
fn padding_is_optional_on_signatures() {
    let unpadded = REF_SIG.trim_end_matches('=');
    assert!(verify(&reference(), REF_BODY.as_bytes(), REF_ID, "1614265330", unpadded, REF_TS).is_ok());
}

#[test]
fn empty_and_bare_secrets() {
    assert_eq!(Secret::parse("").unwrap_err().code(), "empty_secret");
    assert_eq!(Secret::parse("whsec_").unwrap_err().code(), "empty_secret");
    let bare = Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(sign_v1(&bare, REF_ID, REF_TS, REF_BODY.as_bytes()), REF_SIG);
    let unpadded = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
    assert_eq!(unpadded.len(), 24);
}

#[test]
fn mixed_list_with_unknown_version_verifies() {
    let wrong = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let header = format!("{wrong} v2,xyzxyz {REF_SIG} {wrong}");
    let ok = verify(&reference(), REF_BODY.as_bytes(), REF_ID, "1614265330", &header, REF_TS).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1);
}

#[test]
fn gemini_vectors_each_secret() {
    let body = GEMINI_BODY.as_bytes();
    assert_eq!(body.len(), 154);
    let s1 = "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=";
    let s2 = "v1,O3JAY2pb4EkuEDnVJQDfE4WdWXGF2dh6lCCs5z4PbE0=";
    assert_eq!(sign_v1(&secret(SECRET_1), GEMINI_ID, GEMINI_TS, body), s1);
    assert_eq!(sign_v1(&secret(SECRET_2), GEMINI_ID, GEMINI_TS, body), s2);
    let v = Verifier::builder().secret(secret(SECRET_1)).build();
    let ok = verify(&v, body, GEMINI_ID, "1674087231", s1, GEMINI_TS).unwrap();
    let event = ok.event.unwrap();
    assert_eq!(event.event_type, "batch.succeeded");
    assert_eq!(event.data["output_file_uri"], "gs://my-bucket/results.jsonl");
}

#[test]
fn gemini_rotation_two_entries_either_secret() {
    let body = GEMINI_BODY.as_bytes();
    let header = "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ= v1,O3JAY2pb4EkuEDnVJQDfE4WdWXGF2dh6lCCs5z4PbE0=";
    for s in [SECRET_1, SECRET_2] {
        let v = Verifier::builder().secret(secret(s)).build();
        assert!(verify(&v, body, GEMINI_ID, "1674087231", header, GEMINI_TS).is_ok(), "{s}");
    }
    // A receiver holding both secrets (rotation) reports which one matched.
    let both = Verifier::builder().secret(secret(SECRET_2)).secret(secret(SECRET_1)).build();
    let ok = verify(&both, body, GEMINI_ID, "1674087231", "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=", GEMINI_TS).unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::Secret { index: 1 });
}

#[test]
fn gemini_tamper_fails() {
    let tampered = GEMINI_BODY.replace("\"v1\",", "\"v1\", ");
    let v = Verifier::builder().secret(secret(SECRET_1)).build();
    let err = verify(&v, tampered.as_bytes(), GEMINI_ID, "1674087231", "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=", GEMINI_TS)
        .unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
}

const V1A_SIG: &str = "v1a,DXa8VHIz6bpEqNB/LpvX1sMGLDMY2c50Iv8MSHHq4aXkZP3Aae5LGZa5wzbht++A1nJuG45+yNzVCBnRRgSMCQ==";

#[test]
fn gemini_v1a_rfc8032_key_via_jwks() {
    let v = Verifier::builder().jwks(jwks(&[RFC8032_JWK])).build();
    let ok = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1a);
    assert_eq!(ok.key, hookwall::MatchedKey::Jwk { kid: Some("test-key-1".into()) });
    let tampered = GEMINI_BODY.replace("batch_123456", "batch_123457");
    let err = verify(&v, tampered.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap_err();
    assert_eq!(err.code(), "no_matching_signature");
    assert!(err.suggests_key_refresh(), "a v1a miss may mean rotated keys");
}

#[test]
fn gemini_v1a_rfc8032_key_via_whpk() {
    let pk = PublicKey::parse("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").unwrap();
    let v = Verifier::builder().public_key(pk).build();
    let ok = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::PublicKey { index: 0 });
}

#[test]
fn v1a_tries_every_jwks_key() {
    let other = hookwall::SigningKey::from_seed(&[9; 32]).public_key().to_jwk_x();
    let decoy = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{other}","kid":"decoy"}}"#);
    let v = Verifier::builder().jwks(jwks(&[&decoy, RFC8032_JWK])).build();
    assert!(verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).is_ok());
}

#[test]
fn no_key_for_scheme() {
    let v = Verifier::builder().build();
    let err = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap_err();
    assert_eq!(err.code(), "no_key_for_scheme");
}
