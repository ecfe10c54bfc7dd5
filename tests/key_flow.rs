//! The key flow (`hookwall::keyflow`), every scenario once, driven as an adapter would:
//! cold, fresh, expired with the refetch succeeding or failing, the stale-if-error limit,
//! unknown keys inside and past the cooldown, a rotation during the cooldown, the endpoint
//! down, single flight among concurrent deliveries, and a shared store written by another
//! instance. Adapters' own tests only check that they drive this flow.

mod common;

use common::{NOW, rs256_token, rsa_jwk, rsa_keys};
use hookwall::keyflow::{FETCH_TIMEOUT_MS, STALE_FETCH_TIMEOUT_MS, Stored};
use hookwall::{
    CachePolicy, KeyCache, KeyFlow, Next, PayloadRule, Rejection, SigningKey, Verified, Verifier, WebhookHeaders,
    sign_v1a,
};
use serde_json::json;

const BODY: &[u8] = br#"{"type":"batch.succeeded","data":{"id":"batch_1"}}"#;

fn signer(n: u8) -> SigningKey {
    SigningKey::from_seed(&[n; 32])
}

fn doc(keys: &[u8]) -> String {
    let keys: Vec<_> = keys.iter().map(|&n| signer(n).public_key().to_jwk(&format!("ed-{n}"))).collect();
    json!({ "keys": keys }).to_string()
}

fn verifier() -> Verifier {
    Verifier::builder().payload(PayloadRule::Any).any_tenant().build()
}

/// A `v1a` delivery signed at `ts` by key `n`.
fn delivery(n: u8, ts: u64) -> (String, String) {
    (ts.to_string(), sign_v1a(&signer(n), "msg_1", ts, BODY))
}

/// The headers of a delivery made by [`delivery`].
fn headers(signed: &(String, String)) -> WebhookHeaders<'_> {
    let pairs =
        [("webhook-id", "msg_1"), ("webhook-timestamp", signed.0.as_str()), ("webhook-signature", signed.1.as_str())];
    WebhookHeaders::from_pairs(pairs).unwrap()
}

/// The JWKS endpoint as the test scripts it: each fetch pops the next answer.
struct Endpoint {
    answers: Vec<Option<(String, Option<&'static str>)>>,
    fetches: usize,
}

impl Endpoint {
    fn new(answers: Vec<Option<(String, Option<&'static str>)>>) -> Self {
        Endpoint { answers, fetches: 0 }
    }
    fn serving(d: String) -> Self {
        Self::new(vec![Some((d, None)); 8])
    }
}

/// Drives one delivery to its verdict, performing fetches synchronously; returns the verdict
/// and the fetch deadlines the flow asked for.
fn drive(
    cache: &mut KeyCache,
    ep: &mut Endpoint,
    signed: &(String, String),
    now: u64,
) -> (Result<Verified, Rejection>, Vec<u64>) {
    let h = headers(signed);
    let v = verifier();
    let mut flow = KeyFlow::new();
    let mut deadlines = Vec::new();
    for _ in 0..8 {
        match cache.next(&v, BODY, &h, now, &mut flow) {
            Next::Done(verdict) => return (verdict, deadlines),
            Next::Fetch { timeout_ms } => {
                deadlines.push(timeout_ms);
                ep.fetches += 1;
                match ep.answers.remove(0) {
                    Some((d, cc)) => cache.fetched(d.as_bytes(), cc, now).unwrap(),
                    None => cache.fetch_failed(now),
                }
            }
            Next::Load => cache.restore(None),
            Next::Wait => panic!("nothing else is in flight"),
        }
    }
    panic!("the flow did not settle");
}

fn code(r: &Result<Verified, Rejection>) -> &'static str {
    r.as_ref().map_or_else(|e| e.code(), |_| "ok")
}

fn retry_after(r: &Result<Verified, Rejection>) -> Option<u64> {
    r.as_ref().err().and_then(Rejection::retry_after_seconds)
}

#[test]
fn cold_cache_fetches_once_then_serves_from_memory() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let mut ep = Endpoint::serving(doc(&[1]));
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(1, NOW), NOW);
    assert_eq!((code(&r), deadlines), ("ok", vec![FETCH_TIMEOUT_MS]));
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(1, NOW + 100), NOW + 100);
    assert_eq!((code(&r), deadlines.len(), ep.fetches), ("ok", 0, 1));
}

#[test]
fn v1_only_and_settled_verdicts_never_fetch() {
    let mut cache = KeyCache::new(CachePolicy::default(), true);
    let mut ep = Endpoint::serving(doc(&[1]));
    // A stale timestamp is final whatever the keys: no fetch.
    let (r, _) = drive(&mut cache, &mut ep, &delivery(1, NOW - 1000), NOW);
    assert_eq!(code(&r), "timestamp_too_old");
    // No v1a or JWT entry: no fetch.
    let (r, _) =
        drive(&mut cache, &mut ep, &(NOW.to_string(), "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=".into()), NOW);
    assert_eq!(code(&r), "no_key_for_scheme");
    assert_eq!(ep.fetches, 0);
}

#[test]
fn expired_set_is_refreshed_and_a_failed_refresh_serves_the_stale_set_until_max_stale() {
    let policy = CachePolicy::default();
    let mut cache = KeyCache::new(policy, false);
    let mut ep = Endpoint::new(vec![Some((doc(&[1]), Some("max-age=600"))), Some((doc(&[1, 2]), None)), None, None]);
    assert_eq!(code(&drive(&mut cache, &mut ep, &delivery(1, NOW), NOW).0), "ok");
    // Expired: refetched (short deadline, a stale set is in hand), key 2 now known.
    let t = NOW + 601;
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(2, t), t);
    assert_eq!((code(&r), deadlines), ("ok", vec![STALE_FETCH_TIMEOUT_MS]));
    // Expired again and the endpoint down: the stale set serves.
    let t = t + 3601;
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(2, t), t);
    assert_eq!((code(&r), deadlines.len()), ("ok", 1));
    // Past ttl + max_stale nothing is usable: the next attempt fails too, and the answer is retryable.
    let t = NOW + 601 + 3600 + policy.max_stale + 1;
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(2, t), t);
    assert_eq!((code(&r), deadlines, retry_after(&r)), ("jwks_unavailable", vec![FETCH_TIMEOUT_MS], Some(60)));
    assert_eq!(ep.fetches, 4);
}

#[test]
fn endpoint_down_when_cold_is_retryable_and_one_attempt_per_cooldown() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let mut ep = Endpoint::new(vec![None, None]);
    let (r, _) = drive(&mut cache, &mut ep, &delivery(1, NOW), NOW);
    assert_eq!((code(&r), r.as_ref().unwrap_err().http_status(), retry_after(&r)), ("jwks_unavailable", 503, Some(60)));
    // Inside the cooldown: no new attempt; retry-after is what is left of it.
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(1, NOW + 45), NOW + 45);
    assert_eq!((code(&r), deadlines.len(), retry_after(&r)), ("jwks_unavailable", 0, Some(15)));
    // After it: one new attempt.
    let _ = drive(&mut cache, &mut ep, &delivery(1, NOW + 60), NOW + 60);
    assert_eq!(ep.fetches, 2);
}

#[test]
fn unknown_key_refetches_past_the_cooldown_and_is_retryable_inside_it() {
    // The sender rotates to key 2 while the cache holds a fresh set with key 1 only.
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let mut ep = Endpoint::new(vec![Some((doc(&[1]), None)), Some((doc(&[1, 2]), None))]);
    assert_eq!(code(&drive(&mut cache, &mut ep, &delivery(1, NOW), NOW).0), "ok");
    // 20 s later the genuine delivery signed with the new key: the set is fresh but a fetch is
    // not allowed for 40 s more. Not 401: a fresher set could verify it.
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(2, NOW + 20), NOW + 20);
    assert_eq!((code(&r), deadlines.len(), retry_after(&r)), ("jwks_unavailable", 0, Some(40)));
    // The sender's retry after the cooldown: one refetch, verified.
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(2, NOW + 61), NOW + 61);
    assert_eq!((code(&r), deadlines.len()), ("ok", 1));
    assert_eq!(ep.fetches, 2);
}

#[test]
fn a_key_miss_after_this_deliverys_own_refetch_is_final() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let mut ep = Endpoint::serving(doc(&[1]));
    let _ = drive(&mut cache, &mut ep, &delivery(1, NOW), NOW);
    // Past the cooldown a forged v1a (key 9, never published) refetches once and is refused.
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(9, NOW + 70), NOW + 70);
    assert_eq!((code(&r), r.as_ref().unwrap_err().http_status(), deadlines.len()), ("no_matching_signature", 401, 1));
    // The next forgery inside the new cooldown: no fetch, retryable.
    let (r, deadlines) = drive(&mut cache, &mut ep, &delivery(9, NOW + 71), NOW + 71);
    assert_eq!((code(&r), deadlines.len(), retry_after(&r)), ("jwks_unavailable", 0, Some(59)));
    assert_eq!(ep.fetches, 2);
}

#[test]
fn unknown_kid_jwt_follows_the_same_flow() {
    let (key, _) = rsa_keys();
    let set =
        json!({ "keys": [serde_json::from_str::<serde_json::Value>(&rsa_jwk(key, "rsa-1")).unwrap()] }).to_string();
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let mut ep = Endpoint::serving(set);
    let token = |kid: &str| {
        let claims = json!({ "iat": NOW, "exp": NOW + 300, "event": serde_json::from_slice::<serde_json::Value>(BODY).unwrap() });
        rs256_token(key, &json!({ "alg": "RS256", "kid": kid }), &claims)
    };
    let (r, _) = drive(&mut cache, &mut ep, &(NOW.to_string(), token("rsa-1")), NOW);
    assert_eq!(code(&r), "ok");
    let (r, _) = drive(&mut cache, &mut ep, &(NOW.to_string(), token("rsa-new")), NOW + 10);
    assert_eq!((code(&r), retry_after(&r)), ("jwks_unavailable", Some(50)));
    let (r, deadlines) = drive(&mut cache, &mut ep, &(NOW.to_string(), token("rsa-new")), NOW + 60);
    assert_eq!((code(&r), deadlines.len()), ("unknown_kid", 1));
}

#[test]
fn concurrent_deliveries_share_one_fetch() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let v = verifier();
    let signed = delivery(1, NOW);
    let h = headers(&signed);
    let mut flows = [KeyFlow::new(); 20];
    let mut asked = Vec::new();
    for flow in &mut flows {
        asked.push(match cache.next(&v, BODY, &h, NOW, flow) {
            Next::Fetch { .. } => "fetch",
            Next::Wait => "wait",
            other => panic!("unexpected {other:?}"),
        });
    }
    assert_eq!(asked.iter().filter(|&&a| a == "fetch").count(), 1, "{asked:?}");
    assert!(cache.fetching());
    cache.fetched(doc(&[1]).as_bytes(), None, NOW + 1).unwrap();
    for flow in &mut flows {
        assert!(matches!(cache.next(&v, BODY, &h, NOW + 1, flow), Next::Done(Ok(_))));
    }
}

#[test]
fn waiters_on_a_failed_fetch_are_answered_retryably() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let v = verifier();
    let signed = delivery(1, NOW);
    let h = headers(&signed);
    let (mut a, mut b) = (KeyFlow::new(), KeyFlow::new());
    assert!(matches!(cache.next(&v, BODY, &h, NOW, &mut a), Next::Fetch { .. }));
    assert!(matches!(cache.next(&v, BODY, &h, NOW, &mut b), Next::Wait));
    cache.fetch_failed(NOW + 5);
    for flow in [&mut a, &mut b] {
        match cache.next(&v, BODY, &h, NOW + 5, flow) {
            Next::Done(Err(Rejection::JwksUnavailable { retry_after_seconds })) => assert_eq!(retry_after_seconds, 55),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn shared_store_is_loaded_before_fetching_and_its_newer_set_is_used() {
    // Instance B wrote a set with key 2 to the shared store; instance A holds key 1 only.
    let mut a = KeyCache::new(CachePolicy::default(), true);
    let mut ep = Endpoint::serving(doc(&[1]));
    let v = verifier();
    // A, cold: loads (store empty), then fetches.
    assert_eq!(code(&drive(&mut a, &mut ep, &delivery(1, NOW), NOW).0), "ok");
    let mut b = KeyCache::new(CachePolicy::default(), true);
    b.restore(a.stored());
    let mut ep_b = Endpoint::serving(doc(&[1, 2]));
    assert_eq!(code(&drive(&mut b, &mut ep_b, &delivery(2, NOW + 70), NOW + 70).0), "ok");
    let written = b.stored().unwrap();
    // A meets key 2: loads the store first and verifies without fetching.
    let signed = delivery(2, NOW + 80);
    let h = headers(&signed);
    let mut flow = KeyFlow::new();
    assert!(matches!(a.next(&v, BODY, &h, NOW + 80, &mut flow), Next::Load));
    a.restore(Some(written.clone()));
    assert!(matches!(a.next(&v, BODY, &h, NOW + 80, &mut flow), Next::Done(Ok(_))));
    // The store's attempt time counts for A's cooldown too: a forgery now is not refetched.
    let (r, deadlines) = drive(&mut a, &mut ep, &delivery(9, NOW + 90), NOW + 90);
    assert_eq!((code(&r), deadlines.len()), ("jwks_unavailable", 0));
    // A corrupt store entry is ignored.
    a.restore(Some(Stored { doc: Some("{not json".into()), ..written }));
    assert_eq!(code(&drive(&mut a, &mut ep, &delivery(2, NOW + 95), NOW + 95).0), "ok");
}

#[test]
fn a_document_without_usable_keys_is_a_failed_attempt() {
    let mut cache = KeyCache::new(CachePolicy::default(), false);
    let signed = delivery(1, NOW);
    let h = headers(&signed);
    let mut flow = KeyFlow::new();
    assert!(matches!(cache.next(&verifier(), BODY, &h, NOW, &mut flow), Next::Fetch { .. }));
    assert_eq!(cache.fetched(br#"{"keys":[]}"#, None, NOW).unwrap_err().code(), "jwks_no_usable_key");
    assert!(matches!(
        cache.next(&verifier(), BODY, &h, NOW, &mut flow),
        Next::Done(Err(Rejection::JwksUnavailable { .. }))
    ));
}
