//! Sign/verify round trips for every scheme (v1 with several secrets, v1a with a key from a
//! seed via `whpk_` and via a JWKS built here, RS256 JWTs with each body binding), and the
//! agreement of `verify_detailed` with `verify`.

mod common;
use common::*;
use hookwall::jwt::sign_rs256;
use hookwall::{
    Jwks, MatchedKey, PayloadRule, PublicKey, Rejection, Scheme, Secret, SigningKey, Verified, Verifier, sign_v1,
    sign_v1a,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> [(&'static str, &'a str); 3] {
    [("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", sig)]
}

fn event() -> Value {
    serde_json::from_str(gemini_body()).unwrap()
}

/// Secrets of different lengths and encodings, each a distinct key.
fn secrets() -> Vec<Secret> {
    vec![
        Secret::parse(secret_1()).unwrap(),
        Secret::parse(secret_2()).unwrap(),
        Secret::from_bytes(&[0x11; 64]).unwrap(),
        Secret::parse(&hookwall::v1::encode_secret(&[0xa5; 16]).unwrap()).unwrap(),
    ]
}

// ---------------------------------------------------------------- v1

#[test]
fn v1_every_secret_round_trips_and_the_last_one_matches() {
    let all = secrets();
    let v = Verifier::builder().secrets(all.clone()).build();
    let ts = NOW.to_string();
    for (i, s) in all.iter().enumerate() {
        let sig = sign_v1(s, "msg_rt", NOW, gemini_body().as_bytes());
        let ok = v.verify(gemini_body().as_bytes(), headers("msg_rt", &ts, &sig), NOW).unwrap();
        assert_eq!((ok.scheme, ok.key), (Scheme::V1, MatchedKey::Secret { index: i }), "secret #{i}");
        assert_eq!(ok.id, "msg_rt");
        assert_eq!(ok.timestamp, NOW);
        assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
    }
    // A secret that is not configured never verifies, even among several configured ones.
    let stranger = Secret::from_bytes(&[0x22; 32]).unwrap();
    let sig = sign_v1(&stranger, "msg_rt", NOW, gemini_body().as_bytes());
    let err = v.verify(gemini_body().as_bytes(), headers("msg_rt", &ts, &sig), NOW).unwrap_err();
    assert_eq!(err, Rejection::NoMatchingSignature { asymmetric: false });
    assert!(!err.suggests_key_refresh(), "a v1 miss is not fixed by fetching keys");
}

#[test]
fn v1_rotation_header_with_old_and_new_entries() {
    let all = secrets();
    let (old, new) = (&all[0], &all[1]);
    let body = gemini_body().as_bytes();
    let header = format!("{} {}", sign_v1(old, "msg_rot", NOW, body), sign_v1(new, "msg_rot", NOW, body));
    let ts = NOW.to_string();
    // Receiver still on the old secret, already on the new one, or holding both (the first
    // entry, signed with the old secret, is the one that verifies: secret #2 of [new, old]).
    for (configured, want) in [(vec![old.clone()], 0), (vec![new.clone()], 0), (vec![new.clone(), old.clone()], 1)] {
        let v = Verifier::builder().secrets(configured).build();
        let ok = v.verify(body, headers("msg_rot", &ts, &header), NOW).unwrap();
        assert_eq!(ok.key, MatchedKey::Secret { index: want });
    }
}

#[test]
fn v1_binary_and_empty_bodies_round_trip() {
    let v = Verifier::builder().secrets(secrets()).payload(PayloadRule::Any).build();
    let ts = NOW.to_string();
    for body in [&b""[..], b"\x00\xff\xfe not utf-8 \x80", &[0u8; 70_000][..]] {
        let sig = sign_v1(&secrets()[3], "msg_bin", NOW, body);
        let ok = v.verify(body, headers("msg_bin", &ts, &sig), NOW).unwrap();
        assert_eq!(ok.key, MatchedKey::Secret { index: 3 });
        assert!(ok.event.is_none());
    }
}

// ---------------------------------------------------------------- v1a

fn seed_key() -> SigningKey {
    SigningKey::from_seed(&[0x5e; 32])
}

#[test]
fn v1a_key_from_seed_via_whpk() {
    let sk = seed_key();
    // The whsk_ text of the seed parses back to the same key.
    let reparsed = SigningKey::parse(&sk.to_whsk()).unwrap();
    assert_eq!(reparsed.public_key(), sk.public_key());
    let whpk = sk.public_key().to_whpk();
    assert!(whpk.starts_with("whpk_"));
    let v = Verifier::builder().public_key(PublicKey::parse(&whpk).unwrap()).build();
    let ts = NOW.to_string();
    let sig = sign_v1a(&reparsed, "msg_v1a", NOW, gemini_body().as_bytes());
    let ok = v.verify(gemini_body().as_bytes(), headers("msg_v1a", &ts, &sig), NOW).unwrap();
    assert_eq!((ok.scheme, ok.key), (Scheme::V1a, MatchedKey::PublicKey { index: 0 }));
    // Signed by another seed: refused, and a refresh of the keys may help.
    let other = sign_v1a(&SigningKey::from_seed(&[0x5f; 32]), "msg_v1a", NOW, gemini_body().as_bytes());
    let err = v.verify(gemini_body().as_bytes(), headers("msg_v1a", &ts, &other), NOW).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("no_matching_signature", 401));
    assert!(err.suggests_key_refresh());
}

#[test]
fn v1a_key_from_seed_via_a_jwks_document() {
    let keys: Vec<SigningKey> = (1u8..=3).map(|i| SigningKey::from_seed(&[i; 32])).collect();
    // Built by hand from the JWK fields, as the sender's document would list them.
    let doc = json!({"keys": keys.iter().enumerate().map(|(i, k)| json!({
        "kty": "OKP", "crv": "Ed25519", "x": k.public_key().to_jwk_x(), "kid": format!("ed-{i}"), "use": "sig", "alg": "EdDSA"
    })).collect::<Vec<_>>()});
    let jwks = Jwks::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(jwks.keys().len(), 3);
    assert!(jwks.skipped().is_empty());
    let v = Verifier::builder().jwks(jwks).any_tenant().build();
    let ts = NOW.to_string();
    for (i, k) in keys.iter().enumerate() {
        let sig = sign_v1a(k, "msg_jwks", NOW, gemini_body().as_bytes());
        let ok = v.verify(gemini_body().as_bytes(), headers("msg_jwks", &ts, &sig), NOW).unwrap();
        assert_eq!(ok.key, MatchedKey::Jwk { kid: Some(format!("ed-{i}")) });
        // A JWK without kid, alg or use is still an Ed25519 signing key.
        let bare = Jwks::parse(
            json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": k.public_key().to_jwk_x()}]}).to_string().as_bytes(),
        )
        .unwrap();
        let ok = Verifier::builder()
            .jwks(bare)
            .any_tenant()
            .build()
            .verify(gemini_body().as_bytes(), headers("msg_jwks", &ts, &sig), NOW)
            .unwrap();
        assert_eq!(ok.key, MatchedKey::Jwk { kid: None });
        // PublicKey::to_jwk publishes the same key, which verifies the same delivery.
        let published = Jwks::parse(json!({"keys": [k.public_key().to_jwk("p")]}).to_string().as_bytes()).unwrap();
        let ok = Verifier::builder()
            .jwks(published)
            .any_tenant()
            .build()
            .verify(gemini_body().as_bytes(), headers("msg_jwks", &ts, &sig), NOW)
            .unwrap();
        assert_eq!(ok.key, MatchedKey::Jwk { kid: Some("p".into()) });
    }
}

#[test]
fn v1a_and_v1_entries_in_one_header() {
    let sk = seed_key();
    let s = Secret::parse(secret_1()).unwrap();
    let body = gemini_body().as_bytes();
    let header = format!("{} {}", sign_v1a(&sk, "m", NOW, body), sign_v1(&s, "m", NOW, body));
    let ts = NOW.to_string();
    let only_v1 = Verifier::builder().secret(s.clone()).build();
    assert_eq!(only_v1.verify(body, headers("m", &ts, &header), NOW).unwrap().scheme, Scheme::V1);
    let only_v1a = Verifier::builder().public_key(sk.public_key()).build();
    assert_eq!(only_v1a.verify(body, headers("m", &ts, &header), NOW).unwrap().scheme, Scheme::V1a);
}

// ---------------------------------------------------------------- RS256 JWT

fn rsa_verifier() -> Verifier {
    // kid "k1" is the signer; "k2" is another trusted key that must not be confused with it.
    Verifier::builder().jwks(jwks(&[&rsa_jwk(&rsa_keys().1, "k2"), &rsa_jwk(&rsa_keys().0, "k1")])).any_tenant().build()
}

fn claims_with(extra: Value) -> Value {
    let mut c = json!({"iss": "https://generativelanguage.googleapis.com", "iat": NOW, "exp": NOW + 300});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn run_jwt(v: &Verifier, token: &str, body: &str) -> Result<Verified, Rejection> {
    verify(v, body.as_bytes(), "msg_jwt", &NOW.to_string(), token, NOW)
}

#[test]
fn rs256_jwks_built_from_a_generated_key() {
    use rsa::traits::PublicKeyParts;
    let public = rsa_keys().0.to_public_key();
    assert_eq!(public.n_bytes().len(), 256, "2048-bit modulus");
    let jwk: Value = serde_json::from_str(&rsa_jwk(&rsa_keys().0, "k1")).unwrap();
    assert_eq!(jwk["e"], "AQAB");
    assert!(!jwk["n"].as_str().unwrap().contains(['=', '+', '/']), "base64url without padding");
    let parsed = jwks(&[&jwk.to_string()]);
    let key = parsed.rsa_by_kid("k1").expect("the key is kept under its kid");
    assert_eq!(key.bits(), 2048);
    assert!(parsed.rsa_by_kid("k2").is_none());
    // The core's own JWK export of the parsed key is the same document.
    assert_eq!(key.to_jwk("k1"), jwk);
}

#[test]
fn rs256_body_sha256_claim_binds_the_body() {
    let digest = Sha256::digest(gemini_body().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    for claimed in [b64url(&digest), hex.clone(), hex.to_uppercase()] {
        let token = sign_rs256(&rsa_keys().0, "k1", &claims_with(json!({"body_sha256": claimed}))).unwrap();
        let ok = run_jwt(&rsa_verifier(), &token, gemini_body()).unwrap();
        assert_eq!((ok.scheme, ok.key.clone()), (Scheme::Jwt, MatchedKey::Jwk { kid: Some("k1".into()) }), "{claimed}");
        assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
        // One byte more in the body (even whitespace) and the hash no longer binds it.
        let spaced = format!("{} ", gemini_body());
        assert_eq!(code(run_jwt(&rsa_verifier(), &token, &spaced)), "jwt_body_not_bound");
    }
}

#[test]
fn rs256_event_claim_binds_the_body() {
    let as_json = sign_rs256(&rsa_keys().0, "k1", &claims_with(json!({"event": event()}))).unwrap();
    assert_eq!(code(run_jwt(&rsa_verifier(), &as_json, gemini_body())), "ok");
    let as_text = sign_rs256(&rsa_keys().0, "k1", &claims_with(json!({"event": gemini_body()}))).unwrap();
    assert_eq!(code(run_jwt(&rsa_verifier(), &as_text, gemini_body())), "ok");
    let other = gemini_body().replace("results.jsonl", "other.jsonl");
    assert_eq!(code(run_jwt(&rsa_verifier(), &as_json, &other)), "jwt_body_not_bound");
    assert_eq!(code(run_jwt(&rsa_verifier(), &as_text, &other)), "jwt_body_not_bound");
}

#[test]
fn rs256_claims_carrying_the_event_bind_the_body() {
    let mut claims = claims_with(json!({}));
    for (k, v) in event().as_object().unwrap() {
        claims[k] = v.clone();
    }
    let token = sign_rs256(&rsa_keys().0, "k1", &claims).unwrap();
    let ok = run_jwt(&rsa_verifier(), &token, gemini_body()).unwrap();
    assert_eq!(ok.key, MatchedKey::Jwk { kid: Some("k1".into()) });
    assert_eq!(ok.event.unwrap().data["id"], "batch_123456");
    // A body with a member the claims do not carry is not bound.
    let extra = gemini_body().replacen('{', r#"{"injected":true,"#, 1);
    assert_eq!(code(run_jwt(&rsa_verifier(), &token, &extra)), "jwt_body_not_bound");
}

#[test]
fn rs256_token_from_the_core_signer_and_a_hand_made_one_agree() {
    // The test's own RS256 signer (rsa's pkcs1v15_sign) and the core's sign_rs256 produce tokens
    // that both verify: PKCS#1 v1.5 is deterministic, so they are identical for the same input.
    let claims = claims_with(json!({"event": event()}));
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "k1"});
    let by_hand = rs256_token(&rsa_keys().0, &header, &claims);
    assert_eq!(by_hand, sign_rs256(&rsa_keys().0, "k1", &claims).unwrap());
    assert_eq!(code(run_jwt(&rsa_verifier(), &by_hand, gemini_body())), "ok");
}

/// The sender's side of each binding (`jwt_claims::build`) agrees with the verifier's: every
/// body it accepts is signed into a token the core verifies with that binding, and every body it
/// refuses is one whose token the core would not accept (a registered claim name, no `type`).
#[test]
fn rs256_claims_built_by_the_core_verify_for_every_binding() {
    use hookwall::jwt::{Binding, JwtContext, REGISTERED_CLAIMS};
    use hookwall::jwt_claims::{ClaimsError, TokenClaims, build};
    use hookwall::sample::Sample;

    let keys = jwks(&[&rsa_jwk(&rsa_keys().0, "k1")]);
    let t = TokenClaims { id: "msg_jwt", timestamp: NOW, ttl: 300, audience: None };
    let sample = Sample::new("video.generated", "video_1", NOW).render();
    let bodies: [&[u8]; 5] =
        [gemini_body().as_bytes(), sample.as_bytes(), br#"{"type":"x","not_before":1}"#, b"plain text", b"\xff"];
    for binding in [Binding::Claims, Binding::EventClaim, Binding::BodyHash] {
        for body in bodies {
            let Ok(claims) = build(binding, body, &t) else { continue };
            let token = sign_rs256(&rsa_keys().0, "k1", &claims).unwrap();
            let cx = JwtContext { now: NOW + 1, tolerance: 300, audience: None, issuer: None, body };
            let ok = hookwall::jwt::verify(&token, &keys, &cx)
                .unwrap_or_else(|e| panic!("{binding:?} {:?}: {e:?}", String::from_utf8_lossy(body)));
            assert_eq!(ok.binding, binding, "{:?}", String::from_utf8_lossy(body));
        }
    }
    assert_eq!(build(Binding::Claims, b"plain text", &t), Err(ClaimsError::NotAnObject));
    assert_eq!(build(Binding::EventClaim, b"\xff", &t), Err(ClaimsError::NotText));
    assert_eq!(build(Binding::Claims, br#"{"data":{}}"#, &t), Err(ClaimsError::NoType));
    for name in REGISTERED_CLAIMS {
        let body = format!(r#"{{"type":"x","{name}":"{}"}}"#, NOW + 3600);
        assert_eq!(build(Binding::Claims, body.as_bytes(), &t), Err(ClaimsError::ReservedMember(name)), "{name}");
    }
}

// ---------------------------------------------------------------- verify_detailed

fn same_verdict(v: &Verifier, body: &[u8], h: [(&str, &str); 3], now: u64) -> hookwall::Report {
    let plain = v.verify(body, h, now);
    let report = v.verify_detailed(body, h, now);
    assert_eq!(plain, report.verdict, "verify and verify_detailed disagree");
    report
}

fn failing_steps(report: &hookwall::Report) -> Vec<(&'static str, Option<&'static str>)> {
    report.steps.iter().filter(|s| !s.ok).map(|s| (s.name.as_str(), s.code)).collect()
}

#[test]
fn detailed_report_valid_tampered_expired() {
    let v = Verifier::builder().secret(Secret::parse(secret_1()).unwrap()).build();
    let sig = text("/gemini/v1/0");
    let ts = gemini_ts().to_string();
    let h = headers(gemini_id(), &ts, sig);
    let tampered = gemini_body().replace("batch_123456", "batch_123457");

    let valid = same_verdict(&v, gemini_body().as_bytes(), h, gemini_ts());
    assert!(valid.verdict.is_ok());
    assert!(failing_steps(&valid).is_empty());
    let names: Vec<&str> = valid.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["body", "headers", "timestamp", "signature", "payload"]);

    let bad = same_verdict(&v, tampered.as_bytes(), h, gemini_ts());
    assert_eq!(failing_steps(&bad), [("signature", Some("no_matching_signature"))]);
    let sig_step = bad.steps.iter().find(|s| s.name == "signature").unwrap();
    let expected = sign_v1(&Secret::parse(secret_1()).unwrap(), gemini_id(), gemini_ts(), tampered.as_bytes());
    // No oracle: the default report never holds the signature the secret expects.
    let json = serde_json::to_string(&bad).unwrap();
    assert!(!json.contains(expected.trim_start_matches("v1,")), "{json}");
    assert!(!sig_step.facts.iter().any(|f| f.kind == hookwall::report::FactKind::ExpectedSignature));
    // Only when the caller asks.
    let reveal = hookwall::ReportOptions { reveal_expected_signatures: true };
    let shown = v.verify_detailed_with(tampered.as_bytes(), h, gemini_ts(), reveal);
    assert_eq!(shown.verdict, bad.verdict);
    let sig_step = shown.steps.iter().find(|s| s.name == "signature").unwrap();
    assert!(sig_step.facts.iter().any(|f| f.label == "expected with secret #1" && f.value == expected), "{sig_step:?}");

    let expired = same_verdict(&v, gemini_body().as_bytes(), h, gemini_ts() + 301);
    assert_eq!(failing_steps(&expired), [("timestamp", Some("timestamp_too_old"))]);
    // It keeps going past the stale timestamp: the signature step still ran, and passed.
    assert!(expired.steps.iter().any(|s| s.name == "signature" && s.ok));

    // Expired and tampered: both steps fail, the verdict is the first failure, as verify says.
    let both = same_verdict(&v, tampered.as_bytes(), h, gemini_ts() + 301);
    assert_eq!(failing_steps(&both).iter().map(|s| s.0).collect::<Vec<_>>(), ["timestamp", "signature"]);
    assert_eq!(both.verdict.unwrap_err().code(), "timestamp_too_old");
}

#[test]
fn detailed_report_for_v1a_and_jwt() {
    let sk = seed_key();
    let v = Verifier::builder()
        .public_key(sk.public_key())
        .jwks(jwks(&[&rsa_jwk(&rsa_keys().0, "k1")]))
        .any_tenant()
        .build();
    let ts = NOW.to_string();
    let v1a = sign_v1a(&sk, "m", NOW, gemini_body().as_bytes());
    let r = same_verdict(&v, gemini_body().as_bytes(), headers("m", &ts, &v1a), NOW);
    assert!(r.verdict.is_ok());
    let r = same_verdict(&v, b"{\"type\":\"x\"}", headers("m", &ts, &v1a), NOW);
    assert_eq!(failing_steps(&r), [("signature", Some("no_matching_signature"))]);

    let token = sign_rs256(&rsa_keys().0, "k1", &claims_with(json!({"event": event()}))).unwrap();
    let r = same_verdict(&v, gemini_body().as_bytes(), headers("m", &ts, &token), NOW);
    assert!(r.verdict.is_ok());
    let sig_step = r.steps.iter().find(|s| s.name == "signature").unwrap();
    assert!(sig_step.facts.iter().any(|f| f.label == "JWT header" && f.value.contains("\"kid\":\"k1\"")));
    let r = same_verdict(&v, gemini_body().as_bytes(), headers("m", &ts, &token), NOW + 1000);
    assert_eq!(failing_steps(&r), [("timestamp", Some("timestamp_too_old")), ("signature", Some("jwt_expired"))]);
}

/// Regression: with two matching entries (a rotation header and a receiver holding both
/// secrets), `verify` reports the first match; `verify_detailed` used to report the last one.
#[test]
fn detailed_report_names_the_same_key_when_several_entries_match() {
    let all = secrets();
    let body = gemini_body().as_bytes();
    let header = format!("{} {}", sign_v1(&all[0], "m", NOW, body), sign_v1(&all[1], "m", NOW, body));
    let v = Verifier::builder().secrets([all[0].clone(), all[1].clone()]).build();
    let report = same_verdict(&v, body, headers("m", &NOW.to_string(), &header), NOW);
    assert_eq!(report.verdict.unwrap().key, MatchedKey::Secret { index: 0 });
    // Mixed schemes: v1a first, then v1; both verify.
    let sk = seed_key();
    let header = format!("{} {}", sign_v1a(&sk, "m", NOW, body), sign_v1(&all[0], "m", NOW, body));
    let v = Verifier::builder().secret(all[0].clone()).public_key(sk.public_key()).build();
    let report = same_verdict(&v, body, headers("m", &NOW.to_string(), &header), NOW);
    assert_eq!(report.verdict.unwrap().scheme, Scheme::V1a);
}

/// Up to the 32-entry cap, the matching v1 entry is found at any position with the right secret
/// (the verifier computes each secret's MAC once and compares it with every entry).
#[test]
fn v1_many_entries_any_position() {
    let all = secrets();
    let v = Verifier::builder().secrets(all.clone()).build();
    let body = gemini_body().as_bytes();
    let wrong = sign_v1(&Secret::from_bytes(&[0x33; 32]).unwrap(), "m", NOW, body);
    let max = hookwall::signature::MAX_ENTRIES;
    for (pos, secret_index) in [(0, 3), (15, 1), (max - 1, 2), (max - 1, 0)] {
        let mut entries = vec![wrong.clone(); max];
        entries[pos] = sign_v1(&all[secret_index], "m", NOW, body);
        let header = entries.join(" ");
        let h = headers("m", &NOW.to_string(), &header).map(|(k, v)| (k, v.to_string()));
        let pairs = h.iter().map(|(k, v)| (*k, v.as_str()));
        assert_eq!(v.verify(body, pairs, NOW).unwrap().key, MatchedKey::Secret { index: secret_index }, "entry {pos}");
        let report = v.verify_detailed(body, h.iter().map(|(k, v)| (*k, v.as_str())), NOW);
        assert_eq!(report.verdict.unwrap().key, MatchedKey::Secret { index: secret_index });
    }
    let too_many = vec![wrong; max + 1].join(" ");
    let err = verify(&v, body, "m", &NOW.to_string(), &too_many, NOW).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("too_many_signatures", 400));
}

/// A secret whose base64 has non-zero trailing bits (`...Dx==` for the bytes of `...Dw==`) is
/// the same key to the reference library. Vector from node_modules/standardwebhooks (1.0):
/// `new Webhook("whsec_AAECAwQFBgcICQoLDA0ODx==").sign("msg_1", new Date(1767225600000), '{"type":"ping"}')`.
#[test]
fn a_secret_with_non_zero_trailing_bits_is_the_same_key_as_in_standardwebhooks() {
    let odd = Secret::parse("whsec_AAECAwQFBgcICQoLDA0ODx==").unwrap();
    let canonical = Secret::parse("whsec_AAECAwQFBgcICQoLDA0ODw==").unwrap();
    let body = br#"{"type":"ping"}"#;
    let reference = "v1,HApYEtge76CD0qnuR9PG6/P+sG1T1CgXj6HFCbLZ/6Q=";
    assert_eq!(sign_v1(&odd, "msg_1", 1_767_225_600, body), reference);
    assert_eq!(sign_v1(&canonical, "msg_1", 1_767_225_600, body), reference);
    let v = Verifier::builder().secret(odd).build();
    let ts = "1767225600";
    let h = [("webhook-id", "msg_1"), ("webhook-timestamp", ts), ("webhook-signature", reference)];
    assert!(v.verify(body, h, 1_767_225_600).is_ok());
    // Still refused: characters outside the alphabet.
    assert_eq!(Secret::parse("whsec_AAECAwQFBgcICQoLDA0OD!==").unwrap_err().code(), "invalid_secret");
}
