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
    let ok2 = verify(
        &v1_verifier(&[SECRET_2]),
        body2.as_bytes(),
        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        "1649367553",
        sig2,
        1649367553,
    );
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

/// Both reference vectors: (secret, id, timestamp, body, signature).
const REFERENCE: [(&str, &str, u64, &str, &str); 2] = [
    (SECRET_1, REF_ID, REF_TS, REF_BODY, REF_SIG),
    (
        SECRET_2,
        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        1649367553,
        r#"{"email":"test@example.com","username":"test_user"}"#,
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    ),
];

#[test]
fn bad_signatures() {
    for (secret_text, id, ts, body, valid) in REFERENCE {
        let v = v1_verifier(&[secret_text]);
        let ts_text = ts.to_string();
        assert_eq!(code(verify(&v, body.as_bytes(), id, &ts_text, valid, ts)), "ok");
        let truncated = &valid[..valid.len() - 6];
        let one_char_short = &valid[..valid.len() - 2]; // drops "=" and one base64 digit
        let raw = valid.trim_start_matches("v1,");
        for (sig, want, status) in [
            ("v1,dawfeoifkpqwoekfpqoekf", "malformed_signature", 400),
            ("v1,", "malformed_signature", 400),
            (truncated, "malformed_signature", 400),
            (one_char_short, "malformed_signature", 400),
            ("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "no_matching_signature", 401),
            (&format!("v2,{raw}"), "no_supported_signature", 401),
            (raw, "no_supported_signature", 401),
            (&format!("v1a,{raw}"), "malformed_signature", 400),
            (&format!("V1,{raw}"), "no_supported_signature", 401),
            (&format!("v1 ,{raw}"), "no_supported_signature", 401),
        ] {
            let err = verify(&v, body.as_bytes(), id, &ts_text, sig, ts).unwrap_err();
            assert_eq!((err.code(), err.http_status()), (want, status), "{sig}");
        }
        // The valid MAC with one byte changed, at each end and in the middle: the whole MAC counts.
        let mac = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, raw).unwrap();
        for i in [0, 15, 31] {
            let mut changed = mac.clone();
            changed[i] ^= 0x01;
            let sig = format!("v1,{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &changed));
            assert_eq!(code(verify(&v, body.as_bytes(), id, &ts_text, &sig, ts)), "no_matching_signature", "byte {i}");
        }
        // The signature of the other vector (valid base64, right length, wrong MAC).
        let other = if secret_text == SECRET_1 { REFERENCE[1].4 } else { REFERENCE[0].4 };
        assert_eq!(code(verify(&v, body.as_bytes(), id, &ts_text, other, ts)), "no_matching_signature");
    }
}

#[test]
fn negative_cases_for_both_reference_vectors() {
    for (secret_text, id, ts, body, valid) in REFERENCE {
        let v = v1_verifier(&[secret_text]);
        let ts_text = ts.to_string();
        let b = body.as_bytes();
        let all = [("webhook-id", id), ("webhook-timestamp", ts_text.as_str()), ("webhook-signature", valid)];
        for skip in 0..3 {
            let headers: Vec<(&str, &str)> =
                all.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, h)| *h).collect();
            let err = v.verify(b, headers, ts).unwrap_err();
            assert_eq!(
                err,
                hookwall::Rejection::MissingHeader(
                    [hookwall::HeaderName::Id, hookwall::HeaderName::Timestamp, hookwall::HeaderName::Signature][skip]
                )
            );
            assert_eq!(err.http_status(), 400);
        }
        let err = verify(&v, b, id, "hello", valid, ts).unwrap_err();
        assert_eq!((err.code(), err.http_status()), ("invalid_timestamp", 400));
        let old = verify(&v, b, id, &ts_text, valid, ts + 301).unwrap_err();
        assert_eq!(old, hookwall::Rejection::TimestampTooOld { age_seconds: 301, tolerance_seconds: 300 });
        assert_eq!(old.http_status(), 401);
        let new = verify(&v, b, id, &ts_text, valid, ts - 301).unwrap_err();
        assert_eq!(new, hookwall::Rejection::TimestampTooNew { ahead_seconds: 301, tolerance_seconds: 300 });
        assert_eq!(new.http_status(), 401);
        assert_eq!(code(verify(&v, b, id, &ts_text, valid, ts + 300)), "ok");
        assert_eq!(code(verify(&v, b, id, &ts_text, valid, ts - 300)), "ok");
        // Unknown v2 between wrong v1 entries: the valid entry still verifies.
        let wrong = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let header = format!("{wrong} v2,{} {valid} {wrong}", valid.trim_start_matches("v1,"));
        assert_eq!(code(verify(&v, b, id, &ts_text, &header, ts)), "ok", "{header}");
        let without_valid = format!("{wrong} v2,x {wrong}");
        assert_eq!(code(verify(&v, b, id, &ts_text, &without_valid, ts)), "no_matching_signature");
    }
}

#[test]
fn other_timestamp_forms_are_invalid() {
    let v = reference();
    for ts in [
        "",
        " ",
        "01614265330",
        "+1614265330",
        "-1614265330",
        "1614265330.0",
        "1.6e9",
        "0x60380AF2",
        "99999999999999999999",
        "1614265330\u{0}",
    ] {
        let err = verify(&v, REF_BODY.as_bytes(), REF_ID, ts, REF_SIG, REF_TS).unwrap_err();
        assert!(["invalid_timestamp", "invalid_header"].contains(&err.code()), "{ts:?}: {}", err.code());
        assert_eq!(err.http_status(), 400, "{ts:?}");
    }
    // Surrounding whitespace is header OWS, trimmed like any HTTP stack does.
    assert_eq!(code(verify(&v, REF_BODY.as_bytes(), REF_ID, " 1614265330 ", REF_SIG, REF_TS)), "ok");
}

#[test]
fn huge_tolerances_never_panic() {
    for tolerance in [u64::MAX, 1 << 63, i64::MAX as u64 + 1] {
        let v =
            Verifier::builder().secret(secret(SECRET_1)).tolerance_seconds(tolerance).payload(PayloadRule::Any).build();
        for now in [0, 1 << 63, u64::MAX] {
            let report = v.verify_detailed(
                REF_BODY.as_bytes(),
                [("webhook-id", REF_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", REF_SIG)],
                now,
            );
            let plain = verify(&v, REF_BODY.as_bytes(), REF_ID, "1614265330", REF_SIG, now);
            assert_eq!(plain, report.verdict);
        }
        for (ts, now) in [("0", 1u64 << 63), ("9223372036854775808", 0), ("18446744073709551615", 0), ("0", u64::MAX)] {
            let skew = i128::from(ts.parse::<u64>().unwrap()) - i128::from(now);
            let want = match skew {
                s if s.unsigned_abs() <= u128::from(tolerance) => "no_matching_signature", // the signature decides
                s if s < 0 => "timestamp_too_old",
                _ => "timestamp_too_new",
            };
            assert_eq!(
                code(verify(&v, REF_BODY.as_bytes(), REF_ID, ts, REF_SIG, now)),
                want,
                "{ts} at {now}, tolerance {tolerance}"
            );
        }
    }
}

#[test]
fn duplicate_headers() {
    let v = reference();
    let b = REF_BODY.as_bytes();
    let same = [
        ("webhook-id", REF_ID),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", REF_SIG),
        ("Webhook-Id", REF_ID),
    ];
    assert_eq!(code(v.verify(b, same, REF_TS)), "ok", "a repeated header with the same value is harmless");
    let differ = [
        ("webhook-id", REF_ID),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", REF_SIG),
        ("webhook-timestamp", "1614265331"),
    ];
    let err = v.verify(b, differ, REF_TS).unwrap_err();
    assert_eq!(err, hookwall::Rejection::DuplicateHeader(hookwall::HeaderName::Timestamp));
    assert_eq!(err.http_status(), 400);
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
    assert_eq!(Secret::parse("   ").unwrap_err().code(), "empty_secret");
    assert_eq!(Secret::parse_list(" , ").unwrap_err().code(), "empty_secret");
    assert_eq!(Secret::from_bytes(&[]).unwrap_err().code(), "empty_secret");
    assert_eq!(Secret::parse("whsec_AAAA").unwrap_err().code(), "secret_too_short");
    // With no secret configured at all, a v1 delivery is refused, never accepted.
    let none = Verifier::builder().payload(PayloadRule::Any).build();
    let err = verify(&none, REF_BODY.as_bytes(), REF_ID, "1614265330", REF_SIG, REF_TS).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_key_for_scheme", 401));
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
    let ok = verify(&both, body, GEMINI_ID, "1674087231", "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=", GEMINI_TS)
        .unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::Secret { index: 1 });
}

#[test]
fn gemini_tamper_fails() {
    let tampered = GEMINI_BODY.replace("\"v1\",", "\"v1\", ");
    let v = Verifier::builder().secret(secret(SECRET_1)).build();
    let err = verify(
        &v,
        tampered.as_bytes(),
        GEMINI_ID,
        "1674087231",
        "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=",
        GEMINI_TS,
    )
    .unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
}

const V1A_SIG: &str = "v1a,DXa8VHIz6bpEqNB/LpvX1sMGLDMY2c50Iv8MSHHq4aXkZP3Aae5LGZa5wzbht++A1nJuG45+yNzVCBnRRgSMCQ==";

#[test]
fn gemini_v1a_rfc8032_key_via_jwks() {
    let v = Verifier::builder().jwks(jwks(&[RFC8032_JWK])).any_tenant().build();
    let ok = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1a);
    assert_eq!(ok.key, hookwall::MatchedKey::Jwk { kid: Some("test-key-1".into()) });
    let tampered = GEMINI_BODY.replace("batch_123456", "batch_123457");
    let err = verify(&v, tampered.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap_err();
    assert_eq!(err.code(), "no_matching_signature");
    assert!(err.suggests_key_refresh(), "a v1a miss may mean rotated keys");
}

#[test]
fn rfc8032_seed_gives_the_published_key_and_signature() {
    let sk = hookwall::SigningKey::parse(RFC8032_SEED).unwrap();
    let jwk: serde_json::Value = serde_json::from_str(RFC8032_JWK).unwrap();
    assert_eq!(sk.public_key().to_jwk_x(), jwk["x"].as_str().unwrap());
    assert_eq!(hookwall::sign_v1a(&sk, GEMINI_ID, GEMINI_TS, GEMINI_BODY.as_bytes()), V1A_SIG);
}

#[test]
fn gemini_v1a_negative_cases() {
    let v = Verifier::builder().jwks(jwks(&[RFC8032_JWK])).any_tenant().build();
    let body = GEMINI_BODY.as_bytes();
    let raw = V1A_SIG.trim_start_matches("v1a,");
    for (sig, want) in [
        (&V1A_SIG[..V1A_SIG.len() - 4], "malformed_signature"),
        ("v1a,", "malformed_signature"),
        (&format!("v1,{raw}"), "malformed_signature"),
        (&format!("v1a,{}", "A".repeat(86)), "no_matching_signature"),
    ] {
        assert_eq!(code(verify(&v, body, GEMINI_ID, "1674087231", sig, GEMINI_TS)), want, "{sig}");
    }
    // The signature covers id and timestamp too.
    assert_eq!(code(verify(&v, body, "msg_other", "1674087231", V1A_SIG, GEMINI_TS)), "no_matching_signature");
    assert_eq!(code(verify(&v, body, GEMINI_ID, "1674087232", V1A_SIG, GEMINI_TS)), "no_matching_signature");
    // A key of another curve under the same kid is skipped, so nothing can verify.
    let x25519 = RFC8032_JWK.replace("Ed25519", "X25519");
    let skipped = Verifier::builder().jwks(jwks(&[&x25519])).any_tenant().build();
    assert_eq!(code(verify(&skipped, body, GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS)), "no_key_for_scheme");
}

#[test]
fn gemini_v1a_rfc8032_key_via_whpk() {
    let pk = PublicKey::parse("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").unwrap();
    let v = Verifier::builder().public_key(pk).build();
    let ok = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::PublicKey { index: 0 });
    assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
    let tampered = GEMINI_BODY.replace("\"v1\",", "\"v1\", ");
    let err = verify(&v, tampered.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
}

#[test]
fn v1a_tries_every_jwks_key() {
    let other = hookwall::SigningKey::from_seed(&[9; 32]).public_key().to_jwk_x();
    let decoy = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{other}","kid":"decoy"}}"#);
    let v = Verifier::builder().jwks(jwks(&[&decoy, RFC8032_JWK])).any_tenant().build();
    assert!(verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).is_ok());
}

#[test]
fn no_key_for_scheme() {
    let v = Verifier::builder().build();
    let err = verify(&v, GEMINI_BODY.as_bytes(), GEMINI_ID, "1674087231", V1A_SIG, GEMINI_TS).unwrap_err();
    assert_eq!(err.code(), "no_key_for_scheme");
}
