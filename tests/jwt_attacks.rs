//! The attacks a strict RS256 verifier must refuse, each with its exact code and status:
//! `alg` confusion (none, HS256 keyed with the RSA public key), keys smuggled in the token
//! header, weak keys, time claims, audience, `crit`, body swaps, forged signatures.

mod common;
use std::sync::OnceLock;

use common::*;
use hookwall::jwt::sign_rs256;
use hookwall::{Jwks, Rejection, Verified, Verifier};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A real 1024-bit key (generated per run): too small to be trusted even with a valid signature.
fn weak_key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap())
}

fn trusted() -> &'static rsa::PrivateKey {
    &rsa_keys().0
}

fn attacker() -> &'static rsa::PrivateKey {
    &rsa_keys().1
}

/// The receiver's JWKS: the trusted key as `k1`, a 1024-bit key as `weak`, an Ed25519 key as `ed`.
fn jwks_doc() -> Jwks {
    let ed = json!({"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": hookwall::SigningKey::from_seed(&[1; 32]).public_key().to_jwk_x()});
    jwks(&[&rsa_jwk(trusted(), "k1"), &rsa_jwk(weak_key(), "weak"), &ed.to_string()])
}

fn verifier() -> Verifier {
    Verifier::builder().jwks(jwks_doc()).any_tenant().build()
}

fn event() -> Value {
    serde_json::from_str(gemini_body()).unwrap()
}

fn claims_with(extra: Value) -> Value {
    let mut c = json!({"iat": NOW, "exp": NOW + 300, "event": event()});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn run(v: &Verifier, token: &str, body: &str) -> Result<Verified, Rejection> {
    verify(v, body.as_bytes(), "msg_jwt", &NOW.to_string(), token, NOW)
}

/// Asserts the exact rejection code and HTTP status.
#[track_caller]
fn refused(v: &Verifier, token: &str, body: &str, want: (&str, u16)) {
    match run(v, token, body) {
        Ok(d) => panic!("accepted: {d:?}"),
        Err(e) => assert_eq!((e.code(), e.http_status()), want, "{e}"),
    }
}

fn encode(header: &Value, claims: &Value, sig: &[u8]) -> String {
    format!("{}.{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()), b64url(sig))
}

fn hs256(key: &[u8], header: &Value, claims: &Value) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64url(&mac.finalize().into_bytes()))
}

#[test]
fn the_honest_token_verifies() {
    // The baseline every attack below departs from by one thing.
    let token = sign_rs256(trusted(), "k1", &claims_with(json!({}))).unwrap();
    assert_eq!(code(run(&verifier(), &token, gemini_body())), "ok");
}

#[test]
fn alg_none_in_every_spelling() {
    let claims = claims_with(json!({}));
    for alg in [json!("none"), json!("None"), json!("NONE"), json!(""), json!(null), json!(["RS256"])] {
        let token = encode(&json!({"alg": alg, "kid": "k1"}), &claims, b"");
        refused(&verifier(), &token, gemini_body(), ("jwt_alg_not_allowed", 401));
    }
    let no_alg = encode(&json!({"kid": "k1"}), &claims, b"");
    refused(&verifier(), &no_alg, gemini_body(), ("jwt_alg_not_allowed", 401));
    // An empty signature part with RS256 claimed is just a bad signature.
    let stripped = encode(&json!({"alg": "RS256", "kid": "k1"}), &claims, b"");
    refused(&verifier(), &stripped, gemini_body(), ("jwt_signature_invalid", 401));
}

#[test]
fn hs256_keyed_with_the_rsa_public_key_in_every_form_an_attacker_would_try() {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::traits::PublicKeyParts;
    let public = trusted().to_public_key();
    let forms: Vec<Vec<u8>> = vec![
        public.to_public_key_pem(LineEnding::LF).unwrap().into_bytes(),
        public.to_public_key_pem(LineEnding::CRLF).unwrap().into_bytes(),
        public.to_public_key_der().unwrap().as_bytes().to_vec(),
        public.to_pkcs1_pem(LineEnding::LF).unwrap().into_bytes(),
        public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        public.n_bytes().to_vec(),
        rsa_jwk(trusted(), "k1").into_bytes(),
    ];
    let claims = claims_with(json!({}));
    for key in &forms {
        for alg in ["HS256", "HS384", "HS512", "hs256"] {
            let token = hs256(key, &json!({"alg": alg, "kid": "k1", "typ": "JWT"}), &claims);
            refused(&verifier(), &token, gemini_body(), ("jwt_alg_not_allowed", 401));
        }
    }
    // Other asymmetric algorithms are refused too, even over a genuine RS256 signature.
    let genuine = sign_rs256(trusted(), "k1", &claims).unwrap();
    let sig = genuine.rsplit('.').next().unwrap();
    for alg in ["RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256"] {
        let header = b64url(json!({"alg": alg, "kid": "k1"}).to_string().as_bytes());
        let token = format!("{header}.{}.{sig}", genuine.split('.').nth(1).unwrap());
        refused(&verifier(), &token, gemini_body(), ("jwt_alg_not_allowed", 401));
    }
}

#[test]
fn unknown_kid_is_refused_and_suggests_a_refresh() {
    let token = sign_rs256(trusted(), "k9", &claims_with(json!({}))).unwrap();
    refused(&verifier(), &token, gemini_body(), ("unknown_kid", 401));
    assert!(run(&verifier(), &token, gemini_body()).unwrap_err().suggests_key_refresh());
    // A kid that names the Ed25519 key: never used for RS256.
    let ed = sign_rs256(trusted(), "ed", &claims_with(json!({}))).unwrap();
    refused(&verifier(), &ed, gemini_body(), ("unknown_kid", 401));
    // No kid: nothing selects a key (the JWKS is never searched by trial).
    let no_kid = rs256_token(trusted(), &json!({"alg": "RS256"}), &claims_with(json!({})));
    refused(&verifier(), &no_kid, gemini_body(), ("jwt_missing_kid", 401));
    // The kid must be a string; a numeric one is no kid at all.
    let numeric = encode(&json!({"alg": "RS256", "kid": 1}), &claims_with(json!({})), &[0; 256]);
    refused(&verifier(), &numeric, gemini_body(), ("jwt_missing_kid", 401));
    // No JWKS at all: every kid is unknown.
    let empty = Verifier::builder().build();
    refused(
        &empty,
        &sign_rs256(trusted(), "k1", &claims_with(json!({}))).unwrap(),
        gemini_body(),
        ("unknown_kid", 401),
    );
}

#[test]
fn keys_smuggled_in_the_token_header_are_ignored() {
    let jwk: Value = serde_json::from_str(&rsa_jwk(attacker(), "evil")).unwrap();
    let claims = claims_with(json!({}));
    let x5c = b64url(b"not really a certificate");
    let smuggled = [
        json!({"alg": "RS256", "kid": "evil", "jwk": jwk}),
        json!({"alg": "RS256", "kid": "evil", "jku": "https://evil.example/jwks.json"}),
        json!({"alg": "RS256", "kid": "evil", "x5u": "https://evil.example/cert.pem"}),
        json!({"alg": "RS256", "kid": "evil", "x5c": [x5c]}),
        json!({"alg": "RS256", "kid": "evil", "jwk": jwk, "jku": "https://evil.example/jwks.json"}),
    ];
    for header in &smuggled {
        let token = rs256_token(attacker(), header, &claims);
        refused(&verifier(), &token, gemini_body(), ("unknown_kid", 401));
    }
    // Naming the trusted kid while shipping the attacker's key: checked with the JWKS key, fails.
    let token = rs256_token(attacker(), &json!({"alg": "RS256", "kid": "k1", "jwk": jwk}), &claims);
    refused(&verifier(), &token, gemini_body(), ("jwt_signature_invalid", 401));
}

#[test]
fn a_1024_bit_key_in_the_jwks_is_refused_even_with_a_valid_signature() {
    let jwks = jwks_doc();
    let weak = jwks.rsa_by_kid("weak").expect("kept so the refusal names the reason");
    assert_eq!(weak.bits(), 1024);
    let token = sign_rs256(weak_key(), "weak", &claims_with(json!({}))).unwrap();
    refused(&verifier(), &token, gemini_body(), ("jwt_key_too_small", 401));
    assert_eq!(run(&verifier(), &token, gemini_body()).unwrap_err(), Rejection::JwtKeyTooSmall { bits: 1024 });
    // The low-level check refuses it as well, whatever the caller does.
    let (input, sig) = token.rsplit_once('.').unwrap();
    assert!(!weak.verify_rs256(input.as_bytes(), &b64url_decode(sig)));
}

fn b64url_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

#[test]
fn time_claims() {
    let v = verifier();
    let mk = |extra: Value| {
        let mut c = json!({"event": event(), "iat": NOW});
        for (k, val) in extra.as_object().unwrap() {
            c[k] = val.clone();
        }
        sign_rs256(trusted(), "k1", &c).unwrap()
    };
    refused(&v, &mk(json!({"exp": NOW - 301})), gemini_body(), ("jwt_expired", 401));
    refused(&v, &mk(json!({"exp": 0})), gemini_body(), ("jwt_expired", 401));
    assert_eq!(code(run(&v, &mk(json!({"exp": NOW - 300})), gemini_body())), "ok", "within the tolerance");
    refused(&v, &mk(json!({"nbf": NOW + 301})), gemini_body(), ("jwt_not_yet_valid", 401));
    assert_eq!(code(run(&v, &mk(json!({"nbf": NOW + 300})), gemini_body())), "ok");
    refused(&v, &mk(json!({"iat": NOW + 301})), gemini_body(), ("jwt_issued_in_future", 401));
    // A time claim is required, and without exp a token lives 24 h (+ tolerance) after iat.
    let undated = sign_rs256(trusted(), "k1", &json!({"event": event()})).unwrap();
    refused(&v, &undated, gemini_body(), ("jwt_missing_time_claim", 401));
    let day = hookwall::jwt::MAX_TOKEN_AGE_SECONDS;
    assert_eq!(code(run(&v, &mk(json!({"iat": NOW - day - 300})), gemini_body())), "ok", "24 h + tolerance");
    refused(&v, &mk(json!({"iat": NOW - day - 301})), gemini_body(), ("jwt_expired", 401));
    assert_eq!(
        code(run(&v, &mk(json!({"iat": NOW - day - 301, "exp": NOW + 60})), gemini_body())),
        "ok",
        "exp decides when present"
    );
    refused(&v, &mk(json!({"exp": (NOW - 301) as f64 + 0.5})), gemini_body(), ("jwt_expired", 401));
    for bad in [json!("tomorrow"), json!(true), json!([1]), json!({"t": 1})] {
        refused(&v, &mk(json!({"exp": bad})), gemini_body(), ("jwt_claims_invalid", 400));
        refused(&v, &mk(json!({"nbf": bad})), gemini_body(), ("jwt_claims_invalid", 400));
    }
    // Extreme values neither panic nor pass: a far-past exp is expired, a far-future nbf not valid.
    refused(&v, &mk(json!({"exp": i64::MIN})), gemini_body(), ("jwt_expired", 401));
    refused(&v, &mk(json!({"exp": -1e300})), gemini_body(), ("jwt_expired", 401));
    refused(&v, &mk(json!({"nbf": u64::MAX})), gemini_body(), ("jwt_not_yet_valid", 401));
    refused(&v, &mk(json!({"nbf": 1e300})), gemini_body(), ("jwt_not_yet_valid", 401));
    // The tolerance is the verifier's: a tighter one refuses sooner.
    let tight = Verifier::builder().jwks(jwks_doc()).tolerance_seconds(10).any_tenant().build();
    refused(&tight, &mk(json!({"exp": NOW - 11})), gemini_body(), ("jwt_expired", 401));
    assert_eq!(code(run(&tight, &mk(json!({"exp": NOW - 10})), gemini_body())), "ok");
}

#[test]
fn audience_when_configured() {
    let want = "https://my.receiver/hook";
    let v = Verifier::builder().jwks(jwks_doc()).audience(want).build();
    let mk = |aud: Value| sign_rs256(trusted(), "k1", &claims_with(json!({"aud": aud}))).unwrap();
    assert_eq!(code(run(&v, &mk(json!(want)), gemini_body())), "ok");
    assert_eq!(code(run(&v, &mk(json!(["x", want])), gemini_body())), "ok");
    refused(&v, &mk(json!("https://someone.else")), gemini_body(), ("jwt_audience_mismatch", 401));
    refused(&v, &mk(json!("https://my.receiver/hook/")), gemini_body(), ("jwt_audience_mismatch", 401));
    refused(&v, &mk(json!(["https://someone.else"])), gemini_body(), ("jwt_audience_mismatch", 401));
    refused(&v, &mk(json!([])), gemini_body(), ("jwt_audience_mismatch", 401));
    refused(&v, &mk(json!(null)), gemini_body(), ("jwt_audience_mismatch", 401));
    refused(&v, &mk(json!(7)), gemini_body(), ("jwt_claims_invalid", 400));
    let missing = sign_rs256(trusted(), "k1", &claims_with(json!({}))).unwrap();
    refused(&v, &missing, gemini_body(), ("jwt_audience_mismatch", 401));
    // Not configured: any aud (or none) is fine.
    assert_eq!(code(run(&verifier(), &mk(json!("https://someone.else")), gemini_body())), "ok");
}

#[test]
fn crit_header_is_refused() {
    let claims = claims_with(json!({}));
    for crit in [json!(["b64"]), json!(["exp"]), json!([]), json!("b64")] {
        let token = rs256_token(trusted(), &json!({"alg": "RS256", "kid": "k1", "crit": crit, "b64": false}), &claims);
        refused(&verifier(), &token, gemini_body(), ("jwt_crit_unsupported", 401));
    }
}

#[test]
fn a_verified_token_with_a_swapped_body_is_refused() {
    let swapped = gemini_body().replace("gs://my-bucket/results.jsonl", "gs://attacker/evil.jsonl");
    let digest = Sha256::digest(gemini_body().as_bytes());
    let mut carrying = json!({"iat": NOW});
    for (k, val) in event().as_object().unwrap() {
        carrying[k] = val.clone();
    }
    let tokens = [
        sign_rs256(trusted(), "k1", &json!({"iat": NOW, "event": event()})).unwrap(),
        sign_rs256(trusted(), "k1", &json!({"iat": NOW, "event": gemini_body()})).unwrap(),
        sign_rs256(trusted(), "k1", &json!({"iat": NOW, "body_sha256": b64url(&digest)})).unwrap(),
        sign_rs256(trusted(), "k1", &carrying).unwrap(),
    ];
    for token in &tokens {
        assert_eq!(code(run(&verifier(), token, gemini_body())), "ok");
        refused(&verifier(), token, &swapped, ("jwt_body_not_bound", 401));
        refused(&verifier(), token, "{}", ("jwt_body_not_bound", 401));
        refused(&verifier(), token, "", ("jwt_body_not_bound", 401));
    }
    // A token that binds nothing at all is refused even for the "right" body.
    let unbound = sign_rs256(trusted(), "k1", &json!({"iat": NOW, "iss": "google"})).unwrap();
    refused(&verifier(), &unbound, gemini_body(), ("jwt_body_not_bound", 401));
    // Claims carrying only part of the body do not bind the rest of it.
    let partial = sign_rs256(trusted(), "k1", &json!({"type": "batch.succeeded", "iat": NOW})).unwrap();
    refused(&verifier(), &partial, gemini_body(), ("jwt_body_not_bound", 401));
    // Claims carrying the event do not bind a body with signed members stripped from it.
    let mut stripped = event();
    stripped.as_object_mut().unwrap().remove("data");
    refused(&verifier(), &tokens[3], &stripped.to_string(), ("jwt_body_not_bound", 401));
    let mut no_uri = event();
    no_uri["data"].as_object_mut().unwrap().remove("output_file_uri");
    refused(&verifier(), &tokens[3], &no_uri.to_string(), ("jwt_body_not_bound", 401));
    // A claim that is neither a member of the body nor a registered JWT claim binds nothing.
    let mut extra = carrying.clone();
    extra["note"] = json!("signed but not in the body");
    let extra = sign_rs256(trusted(), "k1", &extra).unwrap();
    refused(&verifier(), &extra, gemini_body(), ("jwt_body_not_bound", 401));
    // The registered claims may accompany the event without appearing in the body.
    let mut registered = carrying.clone();
    for (k, v) in [("iss", json!("sender")), ("sub", json!("project")), ("jti", json!("j1")), ("nbf", json!(NOW))] {
        registered[k] = v;
    }
    let registered = sign_rs256(trusted(), "k1", &registered).unwrap();
    assert_eq!(code(run(&verifier(), &registered, gemini_body())), "ok");
    // A body_sha256 of the wrong length or alphabet binds nothing.
    for claimed in [b64url(&digest[..31]), format!("{}00", b64url(&digest)), "z".repeat(64)] {
        let t = sign_rs256(trusted(), "k1", &json!({"body_sha256": claimed, "iat": NOW})).unwrap();
        refused(&verifier(), &t, gemini_body(), ("jwt_body_not_bound", 401));
    }
}

#[test]
fn another_keys_signature_with_the_right_kid_is_refused() {
    let token = sign_rs256(attacker(), "k1", &claims_with(json!({}))).unwrap();
    refused(&verifier(), &token, gemini_body(), ("jwt_signature_invalid", 401));
    assert!(!run(&verifier(), &token, gemini_body()).unwrap_err().suggests_key_refresh());
}

#[test]
fn altered_claims_under_the_original_signature_are_refused() {
    let token = sign_rs256(trusted(), "k1", &claims_with(json!({}))).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    // Extend exp: re-encode the claims, keep the signature.
    let mut claims: Value = serde_json::from_slice(&b64url_decode(parts[1])).unwrap();
    claims["exp"] = json!(NOW + 86_400 * 365);
    let forged = format!("{}.{}.{}", parts[0], b64url(claims.to_string().as_bytes()), parts[2]);
    refused(&verifier(), &forged, gemini_body(), ("jwt_signature_invalid", 401));
    // One flipped bit in the signature.
    let mut sig = b64url_decode(parts[2]);
    sig[100] ^= 1;
    let flipped = format!("{}.{}.{}", parts[0], parts[1], b64url(&sig));
    refused(&verifier(), &flipped, gemini_body(), ("jwt_signature_invalid", 401));
    // Padding or standard-alphabet variants of the same parts are not a different token.
    refused(&verifier(), &format!("{token}."), gemini_body(), ("no_supported_signature", 401));
}

#[test]
fn malformed_tokens() {
    for (token, want) in [
        ("a.b.c", ("jwt_malformed", 400)), // the header is not base64url of JSON
        ("..", ("jwt_malformed", 400)),
        ("W10.e30.AA", ("jwt_malformed", 400)),     // header `[]`
        ("e30.e30.", ("jwt_alg_not_allowed", 401)), // header `{}`: no alg
        ("eyJhbGciOiJSUzI1NiJ9.!!!.AA", ("no_supported_signature", 401)), // not JWS-shaped
        ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.A", ("jwt_malformed", 400)), // 1 base64 digit
    ] {
        refused(&verifier(), token, gemini_body(), want);
    }
    let not_object = format!("{}.{}.{}", b64url(b"[1]"), b64url(b"{}"), b64url(b"x"));
    refused(&verifier(), &not_object, gemini_body(), ("jwt_malformed", 400));
    // Valid signature over claims that are not a JSON object.
    let input = format!("{}.{}", b64url(json!({"alg": "RS256", "kid": "k1"}).to_string().as_bytes()), b64url(b"[1,2]"));
    let sig = trusted().pkcs1v15_sign::<Sha256>(input.as_bytes()).unwrap();
    refused(&verifier(), &format!("{input}.{}", b64url(&sig)), gemini_body(), ("jwt_claims_invalid", 400));
}

#[test]
fn jwks_keys_that_must_not_be_used_for_rs256() {
    let claims = claims_with(json!({}));
    let token = sign_rs256(trusted(), "k1", &claims).unwrap();
    let jwk: Value = serde_json::from_str(&rsa_jwk(trusted(), "k1")).unwrap();
    let variant = |k: &str, v: Value| {
        let mut j = jwk.clone();
        j[k] = v;
        j.to_string()
    };
    for (doc, reason) in [
        (variant("use", json!("enc")), "not_for_signing"),
        (variant("alg", json!("RS512")), "alg_mismatch"),
        (variant("key_ops", json!(["encrypt"])), "not_for_signing"),
        (variant("kty", json!("oct")), "unsupported_kty"),
        (variant("n", json!("AQAB")), "rsa_modulus_too_small"),
    ] {
        let set = jwks(&[&doc]);
        assert_eq!(set.skipped().first().map(|s| s.reason), Some(reason), "{doc}");
        refused(&Verifier::builder().jwks(set).any_tenant().build(), &token, gemini_body(), ("unknown_kid", 401));
    }
    let mut no_kid = jwk.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let set = jwks(&[&no_kid.to_string()]);
    assert_eq!(set.skipped()[0].reason, "rsa_key_without_kid");
}

#[test]
fn a_jwt_error_is_the_verdict_even_beside_other_entries() {
    // An expired token next to an unknown-version entry: the token's own reason is reported.
    let expired = sign_rs256(trusted(), "k1", &json!({"exp": NOW - 1000, "event": event()})).unwrap();
    let header = format!("v2,abc {expired}");
    let err = verify(&verifier(), gemini_body().as_bytes(), "m", &NOW.to_string(), &header, NOW).unwrap_err();
    assert_eq!(err.code(), "jwt_expired");
    // Beside a valid v1 entry, the v1 entry verifies the delivery.
    let s = hookwall::Secret::parse(secret_1()).unwrap();
    let v = Verifier::builder().secret(s.clone()).jwks(jwks_doc()).any_tenant().build();
    let header = format!("{expired} {}", hookwall::sign_v1(&s, "m", NOW, gemini_body().as_bytes()));
    let ok = verify(&v, gemini_body().as_bytes(), "m", &NOW.to_string(), &header, NOW).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1);
}

// Weaknesses of the JWT path found while writing this suite, now closed: a token without `exp`
// expires 24 h after `iat`, and the JSON-equality bindings refuse bodies another parser could
// read differently.

#[test]
fn a_captured_token_cannot_be_replayed_under_a_fresh_id_and_timestamp() {
    // Captured: a token with iat only. Replayed 30 days later with a new id (defeats dedupe).
    let token = sign_rs256(trusted(), "k1", &json!({"event": event(), "iat": NOW})).unwrap();
    let later = NOW + 30 * 86_400;
    let r = verify(&verifier(), gemini_body().as_bytes(), "msg_replayed", &later.to_string(), &token, later);
    assert!(r.is_err(), "replayed 30 days later under a new webhook-id and accepted");
}

#[test]
fn a_body_with_duplicate_keys_is_not_bound_by_json_equality() {
    // serde_json keeps the last of duplicate keys, so this body "equals" the event; a
    // first-wins parser at the origin reads the attacker's type and data instead.
    let mut carrying = event();
    carrying["iat"] = json!(NOW);
    for token in [
        sign_rs256(trusted(), "k1", &json!({"event": event(), "iat": NOW})).unwrap(),
        sign_rs256(trusted(), "k1", &carrying).unwrap(),
    ] {
        assert_eq!(code(run(&verifier(), &token, gemini_body())), "ok", "the body as signed binds");
        let dup = gemini_body().replacen('{', r#"{"type":"batch.failed","data":{"id":"evil"},"#, 1);
        refused(&verifier(), &token, &dup, ("jwt_body_not_bound", 401));
        // The same inside a nested object.
        let nested = gemini_body().replacen(r#""data":{"#, r#""data":{"id":"evil","#, 1);
        refused(&verifier(), &token, &nested, ("jwt_body_not_bound", 401));
    }
    // Integers beyond f64 precision compare equal after rounding.
    let t = sign_rs256(trusted(), "k1", &json!({"event": {"type": "x", "n": 1e23}, "iat": NOW})).unwrap();
    refused(&verifier(), &t, r#"{"type":"x","n":100000000000000000000001}"#, ("jwt_body_not_bound", 401));
    // Exact numbers and floats still bind.
    let exact = json!({"type": "x", "a": 9_007_199_254_740_992_u64, "b": 1.5, "c": -0.0, "d": -3, "e": 0.1});
    let t = sign_rs256(trusted(), "k1", &json!({"event": exact, "iat": NOW})).unwrap();
    assert_eq!(code(run(&verifier(), &t, &exact.to_string())), "ok");
}

/// Number literals the sender never signed: each body reads as the same f64 as the claims, but
/// an exact-decimal (or big-integer) parser at the origin reads another value.
#[test]
fn json_equality_compares_numbers_as_literals() {
    let cases: &[(Value, &str)] = &[
        (json!({"type": "x", "amount": 0.1}), r#"{"type":"x","amount":0.1000000000000000055511151231257827}"#),
        (json!({"type": "x", "amount": 0.1}), r#"{"type":"x","amount":0.10}"#),
        (json!({"type": "x", "amount": 0.0}), r#"{"type":"x","amount":-0.0}"#),
        (json!({"type": "x", "amount": 1}), r#"{"type":"x","amount":1.0}"#),
        (json!({"type": "x", "amount": 100}), r#"{"type":"x","amount":1e2}"#),
        (json!({"type": "x", "amount": 0}), r#"{"type":"x","amount":-0}"#),
    ];
    for (signed, body) in cases {
        let as_event = sign_rs256(trusted(), "k1", &json!({"event": signed, "iat": NOW})).unwrap();
        let mut carrying = signed.clone();
        carrying["iat"] = json!(NOW);
        let as_claims = sign_rs256(trusted(), "k1", &carrying).unwrap();
        for token in [&as_event, &as_claims] {
            assert_eq!(code(run(&verifier(), token, &signed.to_string())), "ok", "the literal as signed binds");
            refused(&verifier(), token, body, ("jwt_body_not_bound", 401));
        }
    }
}

#[test]
fn integers_beyond_2_pow_53_are_not_bound_by_json_equality() {
    for n in [9_007_199_254_740_993_u64, u64::MAX] {
        let body = json!({"type": "x", "n": n});
        let t = sign_rs256(trusted(), "k1", &json!({"event": body, "iat": NOW})).unwrap();
        refused(&verifier(), &t, &body.to_string(), ("jwt_body_not_bound", 401));
    }
    let body = json!({"type": "x", "n": -9_007_199_254_740_993_i64});
    let t = sign_rs256(trusted(), "k1", &json!({"event": body, "iat": NOW})).unwrap();
    refused(&verifier(), &t, &body.to_string(), ("jwt_body_not_bound", 401));
    // A body_sha256 claim still binds such a body: it binds the bytes.
    let digest = Sha256::digest(body.to_string().as_bytes());
    let t = sign_rs256(trusted(), "k1", &json!({"body_sha256": b64url(&digest), "iat": NOW})).unwrap();
    assert_eq!(code(run(&verifier(), &t, &body.to_string())), "ok");
}

#[test]
fn a_string_event_claim_binds_the_exact_bytes_only() {
    let token = sign_rs256(trusted(), "k1", &json!({"event": gemini_body(), "iat": NOW})).unwrap();
    assert_eq!(code(run(&verifier(), &token, gemini_body())), "ok");
    // JSON.stringify(body): a JSON string whose value is the signed text.
    let encoded = serde_json::to_string(gemini_body()).unwrap();
    refused(&verifier(), &token, &encoded, ("jwt_body_not_bound", 401));
    let short = sign_rs256(trusted(), "k1", &json!({"event": "hello", "iat": NOW})).unwrap();
    refused(&verifier(), &short, r#""hello""#, ("jwt_body_not_bound", 401));
}

/// A genuine token cannot make the receiver parse a body of any size: JSON equality considers a
/// body only up to twice the claims' size plus 1 KiB (whitespace, escapes); body_sha256 binds
/// bodies of any size.
#[test]
fn json_equality_considers_bodies_about_the_size_of_the_claims() {
    let token = sign_rs256(trusted(), "k1", &json!({"event": event(), "iat": NOW})).unwrap();
    let pretty = serde_json::to_string_pretty(&event()).unwrap();
    assert_eq!(code(run(&verifier(), &token, &pretty)), "ok", "a pretty-printed body still binds");
    let padded = format!("{}{}", gemini_body(), " ".repeat(4096));
    refused(&verifier(), &token, &padded, ("jwt_body_not_bound", 401));
    let digest = Sha256::digest(padded.as_bytes());
    let hashed = sign_rs256(trusted(), "k1", &json!({"body_sha256": b64url(&digest), "iat": NOW})).unwrap();
    assert_eq!(code(run(&verifier(), &hashed, &padded)), "ok");
}
