//! The Standard Webhooks reference vectors and negative cases, and the Gemini-shaped vectors
//! of docs/protocol.md ("Test vectors").

mod common;
use common::*;
use hookwall::{PayloadRule, PublicKey, Secret, Verifier, sign_v1};

/// A delivery of tests/vectors.json: its secret, id, timestamp (and as header text), body and
/// signature.
#[derive(Clone, Copy, Debug)]
struct Delivery {
    secret: &'static str,
    id: &'static str,
    ts: u64,
    ts_text: &'static str,
    body: &'static str,
    sig: &'static str,
}

/// The reference deliveries (Standard Webhooks' tests), in file order.
fn references() -> &'static [Delivery] {
    static R: std::sync::OnceLock<Vec<Delivery>> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let list = vectors()["reference"].as_array().expect("tests/vectors.json: reference");
        (0..list.len())
            .map(|i| {
                let at = |k: &str| text(&format!("/reference/{i}/{k}"));
                let ts = list[i]["timestamp"].as_u64().expect("timestamp");
                Delivery {
                    secret: text(&format!("/secrets/{}", list[i]["secret"])),
                    id: at("id"),
                    ts,
                    ts_text: Box::leak(ts.to_string().into_boxed_str()),
                    body: at("body"),
                    sig: at("signature"),
                }
            })
            .collect()
    })
}

/// The first reference delivery.
fn ref1() -> Delivery {
    references()[0]
}

/// The Gemini-shaped vector's timestamp as header text.
fn gemini_ts_text() -> &'static str {
    static T: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    T.get_or_init(|| gemini_ts().to_string())
}

/// The Gemini-shaped vector's `v1` signature with secret `i` (0 or 1).
fn gemini_v1(i: usize) -> &'static str {
    text(&format!("/gemini/v1/{i}"))
}

/// The Gemini-shaped vector's body changed as tests/vectors.json says (must fail everywhere).
fn gemini_tampered() -> String {
    gemini_body().replace(text("/gemini/tamper/find"), text("/gemini/tamper/replace"))
}

/// A v1 signature that is well-formed but wrong for every vector.
fn wrong_v1() -> &'static str {
    text("/negative/signatures/2/0")
}

fn reference() -> hookwall::Verifier {
    v1_verifier(&[secret_1()])
}

#[test]
fn reference_vectors_sign_and_verify() {
    for r in references() {
        assert_eq!(sign_v1(&secret(r.secret), r.id, r.ts, r.body.as_bytes()), r.sig, "{r:?}");
        let ok = verify(&v1_verifier(&[r.secret]), r.body.as_bytes(), r.id, r.ts_text, r.sig, r.ts).unwrap();
        assert_eq!((ok.id.as_str(), ok.timestamp), (r.id, r.ts));
    }
    let ok = verify(&reference(), ref1().body.as_bytes(), ref1().id, ref1().ts_text, ref1().sig, ref1().ts).unwrap();
    assert_eq!(ok.id, ref1().id);
    assert_eq!(ok.timestamp, ref1().ts);
    assert!(ok.event.is_none(), "not an envelope, accepted under PayloadRule::Any");
}

#[test]
fn missing_each_header() {
    let v = reference();
    let all = [("webhook-id", ref1().id), ("webhook-timestamp", ref1().ts_text), ("webhook-signature", ref1().sig)];
    for skip in 0..3 {
        let headers: Vec<(&str, &str)> = all.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, h)| *h).collect();
        let err = v.verify(ref1().body.as_bytes(), headers.iter().map(|(k, v)| (*k, *v)), ref1().ts).unwrap_err();
        assert_eq!((err.code(), err.http_status()), ("missing_header", 400), "without {}", all[skip].0);
    }
}

#[test]
fn header_names_are_case_insensitive() {
    let headers = [("Webhook-ID", ref1().id), ("WEBHOOK-TIMESTAMP", ref1().ts_text), ("Webhook-Signature", ref1().sig)];
    assert!(reference().verify(ref1().body.as_bytes(), headers, ref1().ts).is_ok());
}

#[test]
fn invalid_timestamp_hello() {
    let hello = text("/negative/timestamps/0");
    let err = verify(&reference(), ref1().body.as_bytes(), ref1().id, hello, ref1().sig, ref1().ts).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("invalid_timestamp", 400));
}

#[test]
fn tolerance_edges_both_directions() {
    let v = reference();
    let body = ref1().body.as_bytes();
    assert!(verify(&v, body, ref1().id, ref1().ts_text, ref1().sig, ref1().ts + 300).is_ok());
    assert!(verify(&v, body, ref1().id, ref1().ts_text, ref1().sig, ref1().ts - 300).is_ok());
    let old = verify(&v, body, ref1().id, ref1().ts_text, ref1().sig, ref1().ts + 301).unwrap_err();
    assert_eq!((old.code(), old.http_status()), ("timestamp_too_old", 401));
    let new = verify(&v, body, ref1().id, ref1().ts_text, ref1().sig, ref1().ts - 301).unwrap_err();
    assert_eq!((new.code(), new.http_status()), ("timestamp_too_new", 401));
}

#[test]
fn configurable_tolerance() {
    let v = Verifier::builder().secret(secret(secret_1())).tolerance_seconds(10).payload(PayloadRule::Any).build();
    assert_eq!(code(verify(&v, ref1().body.as_bytes(), ref1().id, ref1().ts_text, ref1().sig, ref1().ts + 10)), "ok");
    assert_eq!(
        code(verify(&v, ref1().body.as_bytes(), ref1().id, ref1().ts_text, ref1().sig, ref1().ts + 11)),
        "timestamp_too_old"
    );
}

#[test]
fn bad_signatures() {
    for &Delivery { secret: secret_text, id, ts, ts_text, body, sig: valid } in references() {
        let v = v1_verifier(&[secret_text]);
        assert_eq!(code(verify(&v, body.as_bytes(), id, ts_text, valid, ts)), "ok");
        let truncated = &valid[..valid.len() - 6];
        let one_char_short = &valid[..valid.len() - 2]; // drops "=" and one base64 digit
        let raw = valid.trim_start_matches("v1,");
        // The reference tests' bad signatures.
        for bad in vectors()["negative"]["signatures"].as_array().unwrap() {
            let (sig, want, status) = (bad[0].as_str().unwrap(), bad[1].as_str().unwrap(), bad[2].as_u64().unwrap());
            let err = verify(&v, body.as_bytes(), id, ts_text, sig, ts).unwrap_err();
            assert_eq!((err.code(), u64::from(err.http_status())), (want, status), "{sig}");
        }
        for (sig, want, status) in [
            (truncated, "malformed_signature", 400),
            (one_char_short, "malformed_signature", 400),
            (&format!("v2,{raw}"), "no_supported_signature", 401),
            (raw, "no_supported_signature", 401),
            (&format!("v1a,{raw}"), "malformed_signature", 400),
            (&format!("V1,{raw}"), "no_supported_signature", 401),
            (&format!("v1 ,{raw}"), "no_supported_signature", 401),
        ] {
            let err = verify(&v, body.as_bytes(), id, ts_text, sig, ts).unwrap_err();
            assert_eq!((err.code(), err.http_status()), (want, status), "{sig}");
        }
        // The valid MAC with one byte changed, at each end and in the middle: the whole MAC counts.
        let mac = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, raw).unwrap();
        for i in [0, 15, 31] {
            let mut changed = mac.clone();
            changed[i] ^= 0x01;
            let sig = format!("v1,{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &changed));
            assert_eq!(code(verify(&v, body.as_bytes(), id, ts_text, &sig, ts)), "no_matching_signature", "byte {i}");
        }
        // The signature of the other vector (valid base64, right length, wrong MAC).
        for other in references().iter().filter(|r| r.sig != valid) {
            assert_eq!(code(verify(&v, body.as_bytes(), id, ts_text, other.sig, ts)), "no_matching_signature");
        }
    }
}

#[test]
fn negative_cases_for_both_reference_vectors() {
    let negative = &vectors()["negative"];
    let tolerance = negative["tolerance_seconds"].as_u64().unwrap();
    for &Delivery { secret: secret_text, id, ts, ts_text, body, sig: valid } in references() {
        let v = v1_verifier(&[secret_text]);
        let b = body.as_bytes();
        let all = [("webhook-id", id), ("webhook-timestamp", ts_text), ("webhook-signature", valid)];
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
        for bad_ts in negative["timestamps"].as_array().unwrap() {
            let err = verify(&v, b, id, bad_ts.as_str().unwrap(), valid, ts).unwrap_err();
            assert_eq!((err.code(), err.http_status()), ("invalid_timestamp", 400), "{bad_ts}");
        }
        let past = tolerance + 1;
        let old = verify(&v, b, id, ts_text, valid, ts + past).unwrap_err();
        assert_eq!(old, hookwall::Rejection::TimestampTooOld { age_seconds: past, tolerance_seconds: tolerance });
        assert_eq!(old.http_status(), 401);
        let new = verify(&v, b, id, ts_text, valid, ts - past).unwrap_err();
        assert_eq!(new, hookwall::Rejection::TimestampTooNew { ahead_seconds: past, tolerance_seconds: tolerance });
        assert_eq!(new.http_status(), 401);
        assert_eq!(code(verify(&v, b, id, ts_text, valid, ts + tolerance)), "ok");
        assert_eq!(code(verify(&v, b, id, ts_text, valid, ts - tolerance)), "ok");
        // Unknown v2 between wrong v1 entries: the valid entry still verifies.
        let header = text("/negative/unknown_version_list").replace("{valid}", valid);
        assert_eq!(code(verify(&v, b, id, ts_text, &header, ts)), "ok", "{header}");
        let with_v2 = format!("{wrong} v2,{} {valid} {wrong}", valid.trim_start_matches("v1,"), wrong = wrong_v1());
        assert_eq!(code(verify(&v, b, id, ts_text, &with_v2, ts)), "ok", "{with_v2}");
        let without_valid = format!("{wrong} v2,x {wrong}", wrong = wrong_v1());
        assert_eq!(code(verify(&v, b, id, ts_text, &without_valid, ts)), "no_matching_signature");
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
        let err = verify(&v, ref1().body.as_bytes(), ref1().id, ts, ref1().sig, ref1().ts).unwrap_err();
        assert!(["invalid_timestamp", "invalid_header"].contains(&err.code()), "{ts:?}: {}", err.code());
        assert_eq!(err.http_status(), 400, "{ts:?}");
    }
    // Surrounding whitespace is header OWS, trimmed like any HTTP stack does.
    assert_eq!(code(verify(&v, ref1().body.as_bytes(), ref1().id, " 1614265330 ", ref1().sig, ref1().ts)), "ok");
}

#[test]
fn huge_tolerances_never_panic() {
    for tolerance in [u64::MAX, 1 << 63, i64::MAX as u64 + 1] {
        let v = Verifier::builder()
            .secret(secret(secret_1()))
            .tolerance_seconds(tolerance)
            .payload(PayloadRule::Any)
            .build();
        for now in [0, 1 << 63, u64::MAX] {
            let report = v.verify_detailed(
                ref1().body.as_bytes(),
                [("webhook-id", ref1().id), ("webhook-timestamp", ref1().ts_text), ("webhook-signature", ref1().sig)],
                now,
            );
            let plain = verify(&v, ref1().body.as_bytes(), ref1().id, ref1().ts_text, ref1().sig, now);
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
                code(verify(&v, ref1().body.as_bytes(), ref1().id, ts, ref1().sig, now)),
                want,
                "{ts} at {now}, tolerance {tolerance}"
            );
        }
    }
}

#[test]
fn duplicate_headers() {
    let v = reference();
    let b = ref1().body.as_bytes();
    let same = [
        ("webhook-id", ref1().id),
        ("webhook-timestamp", ref1().ts_text),
        ("webhook-signature", ref1().sig),
        ("Webhook-Id", ref1().id),
    ];
    assert_eq!(code(v.verify(b, same, ref1().ts)), "ok", "a repeated header with the same value is harmless");
    let differ = [
        ("webhook-id", ref1().id),
        ("webhook-timestamp", ref1().ts_text),
        ("webhook-signature", ref1().sig),
        ("webhook-timestamp", "1614265331"),
    ];
    let err = v.verify(b, differ, ref1().ts).unwrap_err();
    assert_eq!(err, hookwall::Rejection::DuplicateHeader(hookwall::HeaderName::Timestamp));
    assert_eq!(err.http_status(), 400);
}

#[test]
fn padding_is_optional_on_signatures() {
    let unpadded = ref1().sig.trim_end_matches('=');
    assert!(verify(&reference(), ref1().body.as_bytes(), ref1().id, ref1().ts_text, unpadded, ref1().ts).is_ok());
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
    let err = verify(&none, ref1().body.as_bytes(), ref1().id, ref1().ts_text, ref1().sig, ref1().ts).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_key_for_scheme", 401));
    let bare = Secret::parse(ref1().secret.trim_start_matches("whsec_")).unwrap();
    assert_eq!(sign_v1(&bare, ref1().id, ref1().ts, ref1().body.as_bytes()), ref1().sig);
    let unpadded = Secret::parse(secret_2()).unwrap();
    assert_eq!(unpadded.len(), 24);
}

#[test]
fn mixed_list_with_unknown_version_verifies() {
    let header = text("/negative/unknown_version_list").replace("{valid}", ref1().sig);
    let ok = verify(&reference(), ref1().body.as_bytes(), ref1().id, ref1().ts_text, &header, ref1().ts).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1);
}

#[test]
fn gemini_vectors_each_secret() {
    let body = gemini_body().as_bytes();
    assert_eq!(body.len(), 154);
    let (s1, s2) = (gemini_v1(0), gemini_v1(1));
    assert_eq!(sign_v1(&secret(secret_1()), gemini_id(), gemini_ts(), body), s1);
    assert_eq!(sign_v1(&secret(secret_2()), gemini_id(), gemini_ts(), body), s2);
    let v = Verifier::builder().secret(secret(secret_1())).build();
    let ok = verify(&v, body, gemini_id(), gemini_ts_text(), s1, gemini_ts()).unwrap();
    let event = ok.event.unwrap();
    assert_eq!(event.event_type, "batch.succeeded");
    assert_eq!(event.data["output_file_uri"], "gs://my-bucket/results.jsonl");
}

#[test]
fn gemini_rotation_two_entries_either_secret() {
    let body = gemini_body().as_bytes();
    let header = &format!("{} {}", gemini_v1(0), gemini_v1(1));
    for s in [secret_1(), secret_2()] {
        let v = Verifier::builder().secret(secret(s)).build();
        assert!(verify(&v, body, gemini_id(), gemini_ts_text(), header, gemini_ts()).is_ok(), "{s}");
    }
    // A receiver holding both secrets (rotation) reports which one matched.
    let both = Verifier::builder().secret(secret(secret_2())).secret(secret(secret_1())).build();
    let ok = verify(&both, body, gemini_id(), gemini_ts_text(), gemini_v1(0), gemini_ts()).unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::Secret { index: 1 });
}

#[test]
fn gemini_tamper_fails() {
    let tampered = gemini_tampered();
    let v = Verifier::builder().secret(secret(secret_1())).build();
    let err = verify(&v, tampered.as_bytes(), gemini_id(), gemini_ts_text(), gemini_v1(0), gemini_ts()).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
}

/// The Gemini-shaped vector's `v1a` signature with the RFC 8032 key.
fn v1a_sig() -> &'static str {
    text("/gemini/v1a")
}

#[test]
fn gemini_v1a_rfc8032_key_via_jwks() {
    let v = Verifier::builder().jwks(jwks(&[rfc8032_jwk()])).any_tenant().build();
    let ok = verify(&v, gemini_body().as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).unwrap();
    assert_eq!(ok.scheme, hookwall::Scheme::V1a);
    assert_eq!(ok.key, hookwall::MatchedKey::Jwk { kid: Some("test-key-1".into()) });
    let tampered = gemini_body().replace("batch_123456", "batch_123457");
    let err = verify(&v, tampered.as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).unwrap_err();
    assert_eq!(err.code(), "no_matching_signature");
    assert!(err.suggests_key_refresh(), "a v1a miss may mean rotated keys");
}

#[test]
fn rfc8032_seed_gives_the_published_key_and_signature() {
    let sk = hookwall::SigningKey::parse(rfc8032_seed()).unwrap();
    let jwk: serde_json::Value = serde_json::from_str(rfc8032_jwk()).unwrap();
    assert_eq!(sk.public_key().to_jwk_x(), jwk["x"].as_str().unwrap());
    assert_eq!(hookwall::sign_v1a(&sk, gemini_id(), gemini_ts(), gemini_body().as_bytes()), v1a_sig());
}

#[test]
fn gemini_v1a_negative_cases() {
    let v = Verifier::builder().jwks(jwks(&[rfc8032_jwk()])).any_tenant().build();
    let body = gemini_body().as_bytes();
    let raw = v1a_sig().trim_start_matches("v1a,");
    for (sig, want) in [
        (&v1a_sig()[..v1a_sig().len() - 4], "malformed_signature"),
        ("v1a,", "malformed_signature"),
        (&format!("v1,{raw}"), "malformed_signature"),
        (&format!("v1a,{}", "A".repeat(86)), "no_matching_signature"),
    ] {
        assert_eq!(code(verify(&v, body, gemini_id(), gemini_ts_text(), sig, gemini_ts())), want, "{sig}");
    }
    // The signature covers id and timestamp too.
    assert_eq!(code(verify(&v, body, "msg_other", gemini_ts_text(), v1a_sig(), gemini_ts())), "no_matching_signature");
    assert_eq!(code(verify(&v, body, gemini_id(), "1674087232", v1a_sig(), gemini_ts())), "no_matching_signature");
    // A key of another curve under the same kid is skipped, so nothing can verify.
    let x25519 = rfc8032_jwk().replace("Ed25519", "X25519");
    let skipped = Verifier::builder().jwks(jwks(&[&x25519])).any_tenant().build();
    assert_eq!(
        code(verify(&skipped, body, gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts())),
        "no_key_for_scheme"
    );
}

#[test]
fn gemini_v1a_rfc8032_key_via_whpk() {
    let pk = PublicKey::parse(text("/rfc8032/whpk")).unwrap();
    let v = Verifier::builder().public_key(pk).build();
    let ok = verify(&v, gemini_body().as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).unwrap();
    assert_eq!(ok.key, hookwall::MatchedKey::PublicKey { index: 0 });
    assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
    let tampered = gemini_tampered();
    let err = verify(&v, tampered.as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
}

#[test]
fn v1a_tries_every_jwks_key() {
    let other = hookwall::SigningKey::from_seed(&[9; 32]).public_key().to_jwk_x();
    let decoy = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{other}","kid":"decoy"}}"#);
    let v = Verifier::builder().jwks(jwks(&[&decoy, rfc8032_jwk()])).any_tenant().build();
    assert!(verify(&v, gemini_body().as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).is_ok());
}

#[test]
fn no_key_for_scheme() {
    let v = Verifier::builder().build();
    let err = verify(&v, gemini_body().as_bytes(), gemini_id(), gemini_ts_text(), v1a_sig(), gemini_ts()).unwrap_err();
    assert_eq!(err.code(), "no_key_for_scheme");
}

#[test]
fn config_error_codes_list_every_variant() {
    use hookwall::ConfigError as E;
    let all = [
        E::EmptySecret,
        E::SecretNotBase64,
        E::SecretTooShort { bytes: 1 },
        E::InvalidPublicKey,
        E::InvalidSigningKey,
        E::InvalidJwks,
        E::JwksTooLarge { limit: 1 },
        E::JwksTooManyKeys { limit: 1 },
        E::JwksNoUsableKey,
        E::InvalidRoutes,
    ];
    assert_eq!(all.map(|e| e.code()).as_slice(), E::CODES);
}
