//! RS256 JWT deliveries: round trips with each body binding, and the attacks a strict
//! verifier must refuse.

mod common;
use std::sync::OnceLock;

use common::*;
use hookwall::jwt::sign_rs256;
use hookwall::{Jwks, Verifier};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NOW: u64 = 1_767_225_600;
/// A 1024-bit modulus (public only): too small to be trusted.
const WEAK_N: &str = "15BfnifQfKGUfmS4TzDuVS-lhanJmIBfd__8zktlqFG51BQ3H7WcwFGtzS5T8CI4u_OLT5FnToul0HCkj8IJPc1EGpPyKeiomDNLj6MzKTTiDFFD-JS1Jk_6yxRoncvaHur_tmhYsGHEUdkVm2Efusm9GnmY75tzimEr3O0kh9s";

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Two 2048-bit keys generated once per test binary.
fn keys() -> &'static (rsa::PrivateKey, rsa::PrivateKey) {
    static KEYS: OnceLock<(rsa::PrivateKey, rsa::PrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| (rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap(), rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap()))
}

fn rsa_jwk(key: &rsa::PrivateKey, kid: &str) -> String {
    let public = key.to_public_key();
    hookwall::jwks::RsaKey::from_components(&public.n_bytes(), &public.e_bytes()).unwrap().to_jwk(kid).to_string()
}

fn jwks_doc() -> Jwks {
    let weak = json!({"kty": "RSA", "kid": "weak", "n": WEAK_N, "e": "AQAB"}).to_string();
    jwks(&[&rsa_jwk(&keys().0, "k1"), &weak])
}

fn verifier() -> Verifier {
    Verifier::builder().jwks(jwks_doc()).build()
}

fn event() -> Value {
    serde_json::from_str(GEMINI_BODY).unwrap()
}

fn claims_with(extra: Value) -> Value {
    let mut c = json!({"iat": NOW, "exp": NOW + 300});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn run(v: &Verifier, token: &str, body: &str) -> Result<hookwall::Verified, hookwall::Rejection> {
    verify(v, body.as_bytes(), "msg_jwt", &NOW.to_string(), token, NOW)
}

fn unsigned(header: Value, claims: Value, sig: &[u8]) -> String {
    format!("{}.{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()), b64url(sig))
}

#[test]
fn claims_carrying_the_event_bind_the_body() {
    let mut claims = claims_with(json!({}));
    for (k, v) in event().as_object().unwrap() {
        claims[k] = v.clone();
    }
    let token = sign_rs256(&keys().0, "k1", &claims).unwrap();
    let ok = run(&verifier(), &token, GEMINI_BODY).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::Jwt);
    assert_eq!(ok.key, hookwall::MatchedKey::Jwk { kid: Some("k1".into()) });
    assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
}

#[test]
fn event_claim_binds_the_body() {
    let token = sign_rs256(&keys().0, "k1", &claims_with(json!({"event": event()}))).unwrap();
    assert!(run(&verifier(), &token, GEMINI_BODY).is_ok());
    let as_string = sign_rs256(&keys().0, "k1", &claims_with(json!({"event": GEMINI_BODY}))).unwrap();
    assert!(run(&verifier(), &as_string, GEMINI_BODY).is_ok());
}

#[test]
fn body_hash_claim_binds_the_body() {
    let digest = Sha256::digest(GEMINI_BODY.as_bytes());
    let b64 = sign_rs256(&keys().0, "k1", &claims_with(json!({"body_sha256": b64url(&digest)}))).unwrap();
    assert!(run(&verifier(), &b64, GEMINI_BODY).is_ok());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let hexed = sign_rs256(&keys().0, "k1", &claims_with(json!({"body_sha256": hex}))).unwrap();
    assert!(run(&verifier(), &hexed, GEMINI_BODY).is_ok());
    let other = GEMINI_BODY.replace("batch_123456", "batch_999999");
    assert_eq!(code(run(&verifier(), &b64, &other)), "jwt_body_not_bound");
}

#[test]
fn a_token_without_binding_is_refused() {
    let token = sign_rs256(&keys().0, "k1", &claims_with(json!({"iss": "google"}))).unwrap();
    let err = run(&verifier(), &token, GEMINI_BODY).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("jwt_body_not_bound", 401));
}

#[test]
fn body_swapped_under_a_valid_token_is_refused() {
    let token = sign_rs256(&keys().0, "k1", &claims_with(json!({"event": event()}))).unwrap();
    let swapped = GEMINI_BODY.replace("results.jsonl", "evil.jsonl");
    assert_eq!(code(run(&verifier(), &token, &swapped)), "jwt_body_not_bound");
}

#[test]
fn alg_none_is_refused() {
    let token = unsigned(json!({"alg": "none", "kid": "k1"}), claims_with(json!({"event": event()})), b"");
    assert_eq!(code(run(&verifier(), &token, GEMINI_BODY)), "jwt_alg_not_allowed");
}

#[test]
fn hs256_with_the_rsa_public_key_as_secret_is_refused() {
    use hmac::{Hmac, KeyInit, Mac};
    let public_der = keys().0.to_public_key().n_bytes(); // what an attacker would try as the "secret"
    let header = json!({"alg": "HS256", "kid": "k1"});
    let claims = claims_with(json!({"event": event()}));
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&public_der).unwrap();
    mac.update(input.as_bytes());
    let token = format!("{input}.{}", b64url(&mac.finalize().into_bytes()));
    assert_eq!(code(run(&verifier(), &token, GEMINI_BODY)), "jwt_alg_not_allowed");
}

#[test]
fn unknown_kid_is_refused_and_suggests_a_refresh() {
    let token = sign_rs256(&keys().0, "nope", &claims_with(json!({"event": event()}))).unwrap();
    let err = run(&verifier(), &token, GEMINI_BODY).unwrap_err();
    assert_eq!(err.code(), "unknown_kid");
    assert!(err.suggests_key_refresh());
}

#[test]
fn key_from_the_request_headers_is_never_used() {
    // The attacker signs with their own key and ships it in `jwk`, points `jku`/`x5u` at it,
    // and names a kid that is not in the configured JWKS.
    let attacker = &keys().1;
    let jwk: Value = serde_json::from_str(&rsa_jwk(attacker, "attacker")).unwrap();
    let claims = claims_with(json!({"event": event()}));
    let header = json!({"alg": "RS256", "kid": "attacker", "jwk": jwk, "jku": "https://evil.example/jwks", "x5u": "https://evil.example/cert"});
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let sig = attacker.pkcs1v15_sign::<Sha256>(input.as_bytes()).unwrap();
    let token = format!("{input}.{}", b64url(&sig));
    assert_eq!(code(run(&verifier(), &token, GEMINI_BODY)), "unknown_kid");
    // Same, but naming the trusted kid: the signature is checked with the JWKS key and fails.
    let header = json!({"alg": "RS256", "kid": "k1", "jwk": jwk});
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let sig = attacker.pkcs1v15_sign::<Sha256>(input.as_bytes()).unwrap();
    assert_eq!(code(run(&verifier(), &format!("{input}.{}", b64url(&sig)), GEMINI_BODY)), "jwt_signature_invalid");
}

#[test]
fn a_1024_bit_key_is_refused() {
    let token = unsigned(json!({"alg": "RS256", "kid": "weak"}), claims_with(json!({"event": event()})), &[1; 128]);
    let err = run(&verifier(), &token, GEMINI_BODY).unwrap_err();
    assert_eq!(err.code(), "jwt_key_too_small");
    assert_eq!(err, hookwall::Rejection::JwtKeyTooSmall { bits: 1024 });
}

#[test]
fn time_claims() {
    let v = verifier();
    let with = |extra: Value| {
        let mut c = json!({"event": event()});
        for (k, val) in extra.as_object().unwrap() {
            c[k] = val.clone();
        }
        sign_rs256(&keys().0, "k1", &c).unwrap()
    };
    assert_eq!(code(run(&v, &with(json!({"exp": NOW - 301})), GEMINI_BODY)), "jwt_expired");
    assert_eq!(code(run(&v, &with(json!({"exp": NOW - 300})), GEMINI_BODY)), "ok");
    assert_eq!(code(run(&v, &with(json!({"nbf": NOW + 301})), GEMINI_BODY)), "jwt_not_yet_valid");
    assert_eq!(code(run(&v, &with(json!({"iat": NOW + 301})), GEMINI_BODY)), "jwt_issued_in_future");
    assert_eq!(code(run(&v, &with(json!({"exp": "tomorrow"})), GEMINI_BODY)), "jwt_claims_invalid");
    assert_eq!(code(run(&v, &with(json!({})), GEMINI_BODY)), "ok", "time claims are optional");
}

#[test]
fn audience_when_configured() {
    let v = Verifier::builder().jwks(jwks_doc()).audience("https://my.receiver/hook").build();
    let mk = |aud: Value| sign_rs256(&keys().0, "k1", &claims_with(json!({"event": event(), "aud": aud}))).unwrap();
    assert_eq!(code(run(&v, &mk(json!("https://my.receiver/hook")), GEMINI_BODY)), "ok");
    assert_eq!(code(run(&v, &mk(json!(["x", "https://my.receiver/hook"])), GEMINI_BODY)), "ok");
    assert_eq!(code(run(&v, &mk(json!("https://someone.else")), GEMINI_BODY)), "jwt_audience_mismatch");
    let no_aud = sign_rs256(&keys().0, "k1", &claims_with(json!({"event": event()}))).unwrap();
    assert_eq!(code(run(&v, &no_aud, GEMINI_BODY)), "jwt_audience_mismatch");
}

#[test]
fn crit_and_malformed_tokens() {
    let claims = claims_with(json!({"event": event()}));
    let crit = unsigned(json!({"alg": "RS256", "kid": "k1", "crit": ["b64"], "b64": false}), claims.clone(), &[0; 256]);
    assert_eq!(code(run(&verifier(), &crit, GEMINI_BODY)), "jwt_crit_unsupported");
    let no_kid = unsigned(json!({"alg": "RS256"}), claims.clone(), &[0; 256]);
    assert_eq!(code(run(&verifier(), &no_kid, GEMINI_BODY)), "jwt_missing_kid");
    assert_eq!(code(run(&verifier(), "a.b.c", GEMINI_BODY)), "jwt_malformed");
    let not_object = format!("{}.{}.{}", b64url(b"[1]"), b64url(b"{}"), b64url(b"x"));
    assert_eq!(code(run(&verifier(), &not_object, GEMINI_BODY)), "jwt_malformed");
}

#[test]
fn another_keys_signature_with_the_right_kid_is_refused() {
    let token = sign_rs256(&keys().1, "k1", &claims_with(json!({"event": event()}))).unwrap();
    let err = run(&verifier(), &token, GEMINI_BODY).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("jwt_signature_invalid", 401));
}
