//! Dedupe keys cover only what the signature covers (no id squatting), and the claim rule.

mod common;

use common::{NOW, rs256_token, rsa_jwk, rsa_keys};
use hookwall::dedupe::{self, Claim, Record, claim};
use hookwall::{Jwks, PayloadRule, Verifier};
use serde_json::json;

fn jwt_delivery(v: &Verifier, id: &str, body: &[u8]) -> hookwall::Verified {
    let (key, _) = rsa_keys();
    let event: serde_json::Value = serde_json::from_slice(body).unwrap();
    let token =
        rs256_token(key, &json!({"alg": "RS256", "kid": "k"}), &json!({"iat": NOW, "exp": NOW + 300, "event": event}));
    let ts = NOW.to_string();
    v.verify(body, [("webhook-id", id), ("webhook-timestamp", ts.as_str()), ("webhook-signature", token.as_str())], NOW)
        .unwrap()
}

#[test]
fn a_captured_jwt_resent_under_another_deliverys_id_gets_its_own_key() {
    let (key, _) = rsa_keys();
    let jwks = Jwks::parse(format!("{{\"keys\":[{}]}}", rsa_jwk(key, "k")).as_bytes()).unwrap();
    let v = Verifier::builder().jwks(jwks).payload(PayloadRule::Any).any_tenant().build();
    let genuine = br#"{"type":"batch.succeeded","data":{"id":"batch_victim"}}"#;
    let captured = br#"{"type":"batch.succeeded","data":{"id":"batch_other"}}"#;
    // The JWT does not sign webhook-id: the attacker re-sends a captured delivery under "msg_X".
    let squat = jwt_delivery(&v, "msg_X", captured);
    let real = jwt_delivery(&v, "msg_X", genuine);
    assert_ne!(dedupe::key(&squat, captured), dedupe::key(&real, genuine));
    // The sender's own retry of the genuine delivery shares its key.
    assert_eq!(dedupe::key(&jwt_delivery(&v, "msg_X", genuine), genuine), dedupe::key(&real, genuine));
    assert!(dedupe::key(&real, genuine).starts_with("jwt:msg_X:"));
}

#[test]
fn claim_lifecycle_and_records() {
    // Claimed, then a concurrent copy waits out the lease, then forwarded copies are duplicates.
    let Claim::Claimed { until } = claim(None, NOW, 15) else { panic!() };
    assert_eq!(claim(Some(Record::InFlight { until }), NOW + 1, 15), Claim::InFlight { retry_after_seconds: 14 });
    assert_eq!(claim(Some(Record::Forwarded { at: NOW + 2 }), NOW + 3, 15), Claim::Duplicate);
    // Remembered for 48 h, then forgotten.
    assert_eq!(
        claim(Some(Record::Forwarded { at: NOW }), NOW + dedupe::REMEMBER_SECONDS, 15),
        Claim::Claimed { until: NOW + dedupe::REMEMBER_SECONDS + 15 }
    );
    for r in [Record::InFlight { until: NOW }, Record::Forwarded { at: NOW }] {
        assert_eq!(Record::decode(&r.encode()), Some(r));
    }
    assert_eq!(
        Record::decode("1767225600"),
        Some(Record::Forwarded { at: 1_767_225_600 }),
        "what earlier versions stored"
    );
    assert_eq!(Record::decode("garbage"), None);
    assert!(dedupe::expired(Record::InFlight { until: NOW }, NOW));
    assert!(!dedupe::expired(Record::Forwarded { at: NOW }, NOW + 10));
    // Shards are stable and in range.
    assert_eq!(dedupe::shard("id:msg_1", 64), dedupe::shard("id:msg_1", 64));
    assert!((0..1000).all(|i| dedupe::shard(&format!("id:{i}"), 64) < 64));
}
