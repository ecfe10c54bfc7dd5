//! Properties: any single-byte change breaks verification; no input panics; `verify` and
//! `verify_detailed` always agree on the whole verdict.

mod common;
use common::*;
use hookwall::{
    Envelope, Jwks, PayloadRule, Secret, SigningKey, Verifier, WebhookHeaders, sign_v1, sign_v1a, signature, timestamp,
};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Debug builds run Ed25519 slowly; these counts keep the whole file to a few seconds.
const CASES: u32 = 64;

fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_seed(&[42; 32]))
}

fn other_secret() -> Secret {
    Secret::from_bytes(&[7; 32]).unwrap()
}

/// Trusts secret_1(), the `whsec` of [7; 32] and the Ed25519 key of [`signing_key`] (via a JWKS).
fn both_verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(build_both_verifier)
}

fn build_both_verifier() -> Verifier {
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}","kid":"p"}}"#, signing_key().public_key().to_jwk_x());
    Verifier::builder()
        .secret(secret(secret_1()))
        .secret(other_secret())
        .jwks(jwks(&[&jwk]))
        .payload(PayloadRule::Any)
        .any_tenant()
        .build()
}

fn byte_change(bytes: &mut [u8], pos: usize, xor: u8) {
    let i = pos % bytes.len();
    bytes[i] ^= xor;
}

/// What a well-formed delivery is refused with when only its signed content changed.
fn is_content_mismatch(code: &str) -> bool {
    code == "no_matching_signature"
}

fn header_strategy() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let name = prop_oneof![
        3 => "(?i)webhook-(id|timestamp|signature)".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..24),
    ];
    let value = prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..120),
        1 => "[ -~]{0,60}".prop_map(String::into_bytes),
        1 => "( ?(v1|v1a|v2),[A-Za-z0-9+/=]{0,90}){1,4}".prop_map(String::into_bytes),
        1 => "[0-9]{1,12}".prop_map(String::into_bytes),
    ];
    (name, value)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, .. ProptestConfig::default() })]

    /// One changed byte of the body, the id or the timestamp: v1 and v1a both refuse. When the
    /// changed delivery is still well-formed and fresh, the refusal is the signature's.
    #[test]
    fn any_single_byte_change_fails(
        body in proptest::collection::vec(any::<u8>(), 1..400),
        id in "[a-zA-Z0-9_-]{1,40}",
        which in 0usize..3,
        pos in any::<usize>(),
        xor in 1u8..=255,
    ) {
        let v = both_verifier();
        let ts = NOW.to_string();
        for sig in [sign_v1(&secret(secret_1()), &id, NOW, &body), sign_v1a(signing_key(), &id, NOW, &body)] {
            prop_assert!(verify(v, &body, &id, &ts, &sig, NOW).is_ok());
            let mut parts = [body.clone(), id.clone().into_bytes(), ts.clone().into_bytes()];
            byte_change(&mut parts[which], pos, xor);
            let headers = [("webhook-id", &parts[1][..]), ("webhook-timestamp", &parts[2][..]), ("webhook-signature", sig.as_bytes())];
            let err = v.verify(&parts[0], headers, NOW);
            prop_assert!(err.is_err(), "a changed {} still verified", ["body", "id", "timestamp"][which]);
            let err = err.unwrap_err();
            let still_well_formed = WebhookHeaders::from_pairs(headers).is_ok_and(|h| {
                timestamp::parse(h.timestamp).is_ok_and(|t| timestamp::check(t, NOW, v.tolerance_seconds()).is_ok())
            });
            if still_well_formed {
                prop_assert!(is_content_mismatch(err.code()), "{} for a changed {}", err.code(), ["body", "id", "timestamp"][which]);
            }
        }
    }

    /// A timestamp header that differs from the signed one but is still fresh: refused by the
    /// signature check, not the clock.
    #[test]
    fn a_different_fresh_timestamp_fails_the_signature(delta in -300i64..=300, body in proptest::collection::vec(any::<u8>(), 0..64)) {
        prop_assume!(delta != 0);
        let v = both_verifier();
        let shown = NOW.checked_add_signed(delta).unwrap().to_string();
        for sig in [sign_v1(&secret(secret_1()), "m", NOW, &body), sign_v1a(signing_key(), "m", NOW, &body)] {
            let err = verify(v, &body, "m", &shown, &sig, NOW).unwrap_err();
            prop_assert_eq!(err.code(), "no_matching_signature");
        }
    }

    /// Any name/value byte pairs and any body: no panic, and the two entry points agree.
    #[test]
    fn arbitrary_headers_never_panic_and_both_entry_points_agree(
        pairs in proptest::collection::vec(header_strategy(), 0..7),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        now in prop_oneof![Just(NOW), any::<u64>()],
    ) {
        let v = both_verifier();
        let plain = v.verify(&body, pairs.iter().map(|(k, v)| (k, v.as_slice())), now);
        let report = v.verify_detailed(&body, pairs.iter().map(|(k, v)| (k, v.as_slice())), now);
        prop_assert_eq!(&plain, &report.verdict);
        prop_assert!(!report.steps.is_empty());
        // A failed verdict is always shown as a failed step with the same code.
        if let Err(e) = &plain {
            prop_assert!(report.steps.iter().any(|s| !s.ok && s.code == Some(e.code())), "{:?}", report.steps);
        }
        let _ = v.authenticate(&body, pairs.iter().map(|(k, v)| (k, v.as_slice())), now);
    }

    /// Deliveries built from valid and invalid parts (several valid entries, stale or future
    /// timestamps, altered bodies, unknown versions, JWT-shaped junk): same verdict, to the key.
    #[test]
    fn verify_and_verify_detailed_agree_on_mixed_deliveries(
        picks in proptest::collection::vec(0usize..7, 0..6),
        skew in prop_oneof![Just(0i64), -400i64..400, Just(301), Just(-301)],
        alter_body in any::<bool>(),
        envelope in any::<bool>(),
        rule_any in any::<bool>(),
        tenancy in 0usize..4,
    ) {
        let body: &[u8] = if envelope { gemini_body().as_bytes() } else { b"\x00 not json" };
        let ts = NOW.to_string();
        let entries: Vec<String> = picks.iter().map(|p| match p {
            0 => sign_v1(&secret(secret_1()), "m", NOW, body),
            1 => sign_v1(&other_secret(), "m", NOW, body),
            2 => sign_v1a(signing_key(), "m", NOW, body),
            3 => sign_v1(&Secret::from_bytes(&[9; 32]).unwrap(), "m", NOW, body),
            4 => String::from("v2,abc"),
            5 => String::from("eyJhbGciOiJSUzI1NiJ9.e30.AAAA"),
            _ => String::from("v1a,AAAA"),
        }).collect();
        let header = entries.join(" ");
        let mut sent = body.to_vec();
        if alter_body { sent.push(b' '); }
        static EVENTS_ONLY: OnceLock<Verifier> = OnceLock::new();
        static TENANTS: OnceLock<[Verifier; 3]> = OnceLock::new();
        let tenants = TENANTS.get_or_init(|| {
            let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}","kid":"p"}}"#, signing_key().public_key().to_jwk_x());
            let base = Verifier::builder().secret(secret(secret_1())).jwks(jwks(&[&jwk]));
            [
                base.clone().build(), // JWKS deliveries unbound: tenant_unbound
                base.clone().tenant_field("data.id", "batch_123456").build(),
                base.tenant_field("data.id", "another_tenant").build(),
            ]
        });
        let v = match (tenancy, rule_any) {
            (1..=3, _) => &tenants[tenancy - 1],
            (_, true) => both_verifier(),
            (_, false) => EVENTS_ONLY.get_or_init(|| Verifier::builder().secret(secret(secret_1())).secret(other_secret()).public_key(signing_key().public_key()).build()),
        };
        let now = NOW.checked_add_signed(skew).unwrap();
        let h = [("webhook-id", "m"), ("webhook-timestamp", ts.as_str()), ("webhook-signature", header.as_str())];
        let plain = v.verify(&sent, h, now);
        let report = v.verify_detailed(&sent, h, now);
        prop_assert_eq!(&plain, &report.verdict);
        let revealing = v.verify_detailed_with(&sent, h, now, hookwall::ReportOptions { reveal_expected_signatures: true });
        prop_assert_eq!(&plain, &revealing.verdict);
        prop_assert_eq!(&plain, &v.evaluate(&sent, h, now).verdict());
        if let Err(e) = &plain {
            prop_assert!(report.steps.iter().any(|s| !s.ok && s.code == Some(e.code())), "{:?}", report.steps);
        }
        // No oracle: unless the sender already sent it, the default report never holds the
        // signature a configured secret makes for this id, timestamp and body.
        let text = serde_json::to_string(&report).unwrap();
        for s in [secret(secret_1()), other_secret()] {
            let forged = sign_v1(&s, "m", NOW, &sent);
            let mac = forged.trim_start_matches("v1,");
            prop_assert!(header.contains(mac) || !text.contains(mac), "{}", text);
        }
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let lossy = String::from_utf8_lossy(&bytes);
        for t in [text.as_str(), &lossy] {
            let _ = timestamp::parse(t);
            let _ = signature::parse_list(t);
            let _ = hookwall::jwt::decode(t);
            let _ = hookwall::Secret::parse(t);
            let _ = hookwall::Secret::parse_list(t);
            let _ = hookwall::PublicKey::parse(t);
            let _ = hookwall::SigningKey::parse(t);
            let _ = hookwall::route::Routes::parse(t);
            let _ = hookwall::needs_jwks(t);
            let _ = hookwall::CachePolicy::default().ttl(Some(t));
        }
        for b in [text.as_bytes(), &bytes] {
            let _ = Jwks::parse(b);
            let _ = Envelope::parse(b);
        }
    }

    /// Structured junk reaches deeper than random text: JWKS entries with every member kind.
    #[test]
    fn jwks_with_odd_members_never_panics(
        kty in prop_oneof![Just("OKP"), Just("RSA"), Just("EC"), Just("oct")],
        crv in prop_oneof![Just("Ed25519"), Just("X25519"), Just("P-256")],
        x in "[A-Za-z0-9_-]{0,90}",
        n in "[A-Za-z0-9_-]{0,700}",
        e in "[A-Za-z0-9_-]{0,12}",
        extra in prop_oneof![Just(""), Just(r#","use":"enc""#), Just(r#","key_ops":[]"#), Just(r#","alg":7"#), Just(r#","kid":null"#)],
    ) {
        let doc = format!(r#"{{"keys":[{{"kty":"{kty}","crv":"{crv}","x":"{x}","n":"{n}","e":"{e}","kid":"k"{extra}}}]}}"#);
        let jwks = Jwks::parse(doc.as_bytes()).unwrap();
        prop_assert_eq!(jwks.keys().len() + jwks.skipped().len(), 1);
    }

    #[test]
    fn signature_lists_never_panic(
        entries in proptest::collection::vec(prop_oneof![
            "v1,[A-Za-z0-9+/=]{0,50}", "v1a,[A-Za-z0-9+/=]{0,90}",
            "[A-Za-z0-9_-]{0,20}\\.[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,40}", "v[0-9],.{0,10}", ".{0,12}",
        ], 0..40),
    ) {
        let header = entries.join(" ");
        match signature::parse_list(&header) {
            Ok(list) => prop_assert!(list.len() <= signature::MAX_ENTRIES),
            Err(e) => prop_assert_eq!(e.code(), "too_many_signatures"),
        }
    }

    #[test]
    fn canonical_timestamps_round_trip(n in any::<u64>()) {
        prop_assert_eq!(timestamp::parse(&n.to_string()), Ok(n));
        for bad in [format!("0{n}"), format!("+{n}"), format!("{n} "), format!("-{n}")] {
            prop_assert!(timestamp::parse(&bad).is_err(), "{} parsed", bad);
        }
    }

    /// The tolerance window, against exact (i128) arithmetic, for every tolerance including huge ones.
    #[test]
    fn timestamp_check_matches_exact_arithmetic(
        ts in prop_oneof![any::<u64>(), Just(0u64), Just(u64::MAX)],
        now in prop_oneof![any::<u64>(), Just(0u64), Just(1u64 << 63), Just(u64::MAX)],
        tolerance in prop_oneof![any::<u64>(), 0u64..1000, Just(u64::MAX)],
    ) {
        let skew = i128::from(ts) - i128::from(now);
        let verdict = timestamp::check(ts, now, tolerance);
        match verdict {
            Ok(s) => {
                prop_assert!(skew.unsigned_abs() <= u128::from(tolerance));
                prop_assert_eq!(i128::from(s), skew.clamp(i128::from(i64::MIN), i128::from(i64::MAX)));
            }
            Err(e) => {
                prop_assert!(skew.unsigned_abs() > u128::from(tolerance));
                prop_assert_eq!(e.code(), if skew < 0 { "timestamp_too_old" } else { "timestamp_too_new" });
            }
        }
    }
}
