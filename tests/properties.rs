//! Properties: any single-byte change breaks verification; no input panics; `verify` and
//! `verify_detailed` always agree.

mod common;
use common::*;
use hookwall::{Envelope, Jwks, PayloadRule, SigningKey, Verifier, sign_v1, sign_v1a, signature, timestamp};
use proptest::prelude::*;

const NOW: u64 = 1_767_225_600;

fn both_verifier() -> (Verifier, SigningKey) {
    let sk = SigningKey::from_seed(&[42; 32]);
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}","kid":"p"}}"#, sk.public_key().to_jwk_x());
    let v = Verifier::builder().secret(secret(SECRET_1)).jwks(jwks(&[&jwk])).payload(PayloadRule::Any).build();
    (v, sk)
}

/// Flips bits of one byte of `which` (0 body, 1 id, 2 timestamp) at `pos`.
fn mutate(parts: &mut [Vec<u8>; 3], which: usize, pos: usize, xor: u8) {
    let part = &mut parts[which];
    let i = pos % part.len();
    part[i] ^= xor;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn any_single_byte_change_fails(
        body in proptest::collection::vec(any::<u8>(), 1..512),
        id in "[a-zA-Z0-9_]{1,40}",
        which in 0usize..3,
        pos in any::<usize>(),
        xor in 1u8..=255,
    ) {
        let (v, sk) = both_verifier();
        let ts = NOW.to_string();
        for sig in [sign_v1(&secret(SECRET_1), &id, NOW, &body), sign_v1a(&sk, &id, NOW, &body)] {
            prop_assert!(verify(&v, &body, &id, &ts, &sig, NOW).is_ok());
            let mut parts = [body.clone(), id.clone().into_bytes(), ts.clone().into_bytes()];
            mutate(&mut parts, which, pos, xor);
            let (b, i, t) = (&parts[0], String::from_utf8_lossy(&parts[1]).into_owned(), String::from_utf8_lossy(&parts[2]).into_owned());
            let r = v.verify(b, [("webhook-id", i.as_str()), ("webhook-timestamp", t.as_str()), ("webhook-signature", sig.as_str())], NOW);
            prop_assert!(r.is_err(), "a changed {} still verified", ["body", "id", "timestamp"][which]);
        }
    }

    #[test]
    fn arbitrary_headers_never_panic_and_both_entry_points_agree(
        pairs in proptest::collection::vec(("(?i)(webhook-(id|timestamp|signature)|x-[a-z]{1,5})", ".{0,80}"), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        now in any::<u64>(),
    ) {
        let (v, _) = both_verifier();
        let a = v.verify(&body, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), now);
        let report = v.verify_detailed(&body, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), now);
        prop_assert_eq!(a.as_ref().map(|d| &d.id).map_err(|e| e.code()), report.verdict.as_ref().map(|d| &d.id).map_err(|e| e.code()));
        prop_assert!(!report.steps.is_empty());
    }

    #[test]
    fn arbitrary_byte_headers_never_panic(
        pairs in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..20), proptest::collection::vec(any::<u8>(), 0..200)), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let (v, _) = both_verifier();
        let _ = v.verify(&body, pairs.iter().map(|(k, v)| (k.as_slice(), v.as_slice())), NOW);
    }

    #[test]
    fn signature_lists_with_valid_parts_never_panic_and_agree(
        entries in proptest::collection::vec(prop_oneof![
            "v1,[A-Za-z0-9+/=]{0,50}", "v1a,[A-Za-z0-9+/=]{0,90}", "[A-Za-z0-9_-]{0,20}\\.[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,40}", "v[0-9],.{0,10}", ".{0,12}",
        ], 0..8),
    ) {
        let header = entries.join(" ");
        let _ = signature::parse_list(&header);
        let (v, _) = both_verifier();
        let headers = [("webhook-id", "msg_1"), ("webhook-timestamp", "1767225600"), ("webhook-signature", header.as_str())];
        let a = v.verify(GEMINI_BODY.as_bytes(), headers, NOW).map(|_| ()).map_err(|e| e.code());
        let b = v.verify_detailed(GEMINI_BODY.as_bytes(), headers, NOW).verdict.map(|_| ()).map_err(|e| e.code());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn parsers_never_panic(text in ".{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = timestamp::parse(&text);
        let _ = Jwks::parse(text.as_bytes());
        let _ = Jwks::parse(&bytes);
        let _ = Envelope::parse(&bytes);
        let _ = Envelope::parse(text.as_bytes());
        let _ = hookwall::jwt::decode(&text);
        let _ = hookwall::Secret::parse(&text);
        let _ = hookwall::PublicKey::parse(&text);
        let _ = hookwall::route::Routes::parse(&text);
    }

    #[test]
    fn canonical_timestamps_round_trip(n in any::<u64>()) {
        prop_assert_eq!(timestamp::parse(&n.to_string()), Ok(n));
        let padded = format!("0{n}");
        prop_assert!(timestamp::parse(&padded).is_err());
        let signed = format!("+{n}");
        prop_assert!(timestamp::parse(&signed).is_err());
    }
}
