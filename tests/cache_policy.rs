//! The JWKS cache policy: TTL from `Cache-Control` with clamps, the stale-if-error horizon,
//! and the refetch cooldown on key misses and on failed fetches.

use hookwall::CachePolicy;
use hookwall::cache::{CacheState, Lookup};

const T0: u64 = 1_767_225_600;

#[test]
fn defaults_are_the_protocol_values() {
    let p = CachePolicy::default();
    assert_eq!((p.default_ttl, p.min_ttl, p.max_ttl, p.max_stale, p.refetch_cooldown), (3600, 300, 86_400, 86_400, 60));
}

#[test]
fn ttl_from_cache_control_is_clamped() {
    let p = CachePolicy::default();
    for (header, want) in [
        (None, 3600),
        (Some(""), 3600),
        (Some("public, max-age=7200"), 7200),
        (Some("max-age=300"), 300), // exactly the lower clamp
        (Some("max-age=299"), 300), // just below: clamped up
        (Some("max-age=0"), 300),
        (Some("max-age=86400"), 86_400),                 // exactly the upper clamp
        (Some("max-age=86401"), 86_400),                 // just above: clamped down
        (Some("max-age=99999999999999999999999"), 3600), // overflows u64: ignored, default
        (Some("MAX-AGE=\"900\""), 900),
        (Some("public,max-age = 1200 , must-revalidate"), 1200),
        (Some("max-age=banana"), 3600),
        (Some("max-age=-5"), 3600),
        (Some("s-maxage=60"), 3600), // shared-cache directive, not ours
        (Some("no-cache, max-age=7200"), 300),
        (Some("max-age=7200, no-store"), 300),
        (Some("private, NO-STORE"), 300),
    ] {
        assert_eq!(p.ttl(header), want, "{header:?}");
    }
    // Custom clamps are honoured.
    let custom = CachePolicy { min_ttl: 60, max_ttl: 600, default_ttl: 120, ..CachePolicy::default() };
    assert_eq!(custom.ttl(Some("max-age=30")), 60);
    assert_eq!(custom.ttl(Some("max-age=6000")), 600);
    assert_eq!(custom.ttl(None), 120);
}

#[test]
fn fetched_state_records_ttl_and_attempt() {
    let p = CachePolicy::default();
    let s = p.fetched(T0, Some("max-age=600"));
    assert_eq!(s, CacheState { fetched_at: T0, ttl: 600, last_attempt: T0 });
    assert!(p.fresh(&s, T0 + 599));
    assert!(!p.fresh(&s, T0 + 600));
}

#[test]
fn lookup_fresh_then_stale_then_gone() {
    let p = CachePolicy::default();
    let s = p.fetched(T0, Some("max-age=600"));
    assert_eq!(p.lookup(None, T0), Lookup::FetchRequired, "nothing cached");
    assert_eq!(p.lookup(Some(&s), T0), Lookup::UseCached);
    assert_eq!(p.lookup(Some(&s), T0 + 599), Lookup::UseCached);
    assert_eq!(p.lookup(Some(&s), T0 + 600), Lookup::FetchOrUseStale, "expired: refetch, keep it on failure");
    // Stale-if-error horizon: usable up to max_stale past expiry, inclusive.
    let horizon = T0 + 600 + p.max_stale;
    assert!(p.usable(&s, horizon));
    assert_eq!(p.lookup(Some(&s), horizon), Lookup::FetchOrUseStale);
    assert!(!p.usable(&s, horizon + 1));
    assert_eq!(p.lookup(Some(&s), horizon + 1), Lookup::FetchRequired, "too stale to fall back on");
    // A shorter horizon moves the boundary.
    let short = CachePolicy { max_stale: 60, ..p };
    assert!(short.usable(&s, T0 + 660));
    assert!(!short.usable(&s, T0 + 661));
}

#[test]
fn failed_fetches_keep_the_stale_set_and_respect_the_cooldown() {
    let p = CachePolicy::default();
    let s = p.fetched(T0, Some("max-age=600"));
    let failed_at = T0 + 1000;
    let failed = p.attempt_failed(Some(s), failed_at);
    assert_eq!((failed.fetched_at, failed.ttl, failed.last_attempt), (T0, 600, failed_at), "the old document stays");
    // Within the cooldown: no new fetch, the stale copy serves.
    assert_eq!(p.lookup(Some(&failed), failed_at), Lookup::UseCached);
    assert_eq!(p.lookup(Some(&failed), failed_at + 59), Lookup::UseCached);
    // Cooldown over: try again, still falling back on the stale copy.
    assert_eq!(p.lookup(Some(&failed), failed_at + 60), Lookup::FetchOrUseStale);
    // Failures past the stale horizon during a cooldown leave nothing usable and no fetch.
    let late = T0 + 600 + p.max_stale + 10;
    let failed_late = p.attempt_failed(Some(s), late);
    assert_eq!(p.lookup(Some(&failed_late), late + 1), Lookup::Unavailable);
    assert_eq!(p.lookup(Some(&failed_late), late + 60), Lookup::FetchRequired);
}

#[test]
fn a_first_fetch_that_fails_is_also_rate_limited() {
    let p = CachePolicy::default();
    let nothing = p.attempt_failed(None, T0);
    assert!(!p.usable(&nothing, T0), "a failed first fetch caches no document");
    assert!(!p.fresh(&nothing, T0));
    assert_eq!(p.lookup(Some(&nothing), T0 + 1), Lookup::Unavailable);
    assert_eq!(p.lookup(Some(&nothing), T0 + 59), Lookup::Unavailable);
    assert_eq!(p.lookup(Some(&nothing), T0 + 60), Lookup::FetchRequired);
    assert!(!p.may_refetch_on_key_miss(Some(&nothing), T0 + 59));
    assert!(p.may_refetch_on_key_miss(Some(&nothing), T0 + 60));
}

#[test]
fn key_miss_refetch_cooldown() {
    let p = CachePolicy { refetch_cooldown: 30, ..CachePolicy::default() };
    assert!(p.may_refetch_on_key_miss(None, T0), "nothing cached: fetch");
    let s = p.fetched(T0, None);
    // A fresh set and an unknown kid: refetch only once the cooldown since the last attempt is over.
    assert!(!p.may_refetch_on_key_miss(Some(&s), T0));
    assert!(!p.may_refetch_on_key_miss(Some(&s), T0 + 29));
    assert!(p.may_refetch_on_key_miss(Some(&s), T0 + 30));
    // Every attempt (failed or not) restarts the cooldown.
    let failed = p.attempt_failed(Some(s), T0 + 100);
    assert!(!p.may_refetch_on_key_miss(Some(&failed), T0 + 129));
    assert!(p.may_refetch_on_key_miss(Some(&failed), T0 + 130));
    let refetched = p.fetched(T0 + 200, None);
    assert!(!p.may_refetch_on_key_miss(Some(&refetched), T0 + 229));
}

#[test]
fn a_request_stream_with_unknown_kids_fetches_at_most_once_per_cooldown() {
    // Simulate an adapter: every request misses the key and asks to refetch; fetches fail.
    let p = CachePolicy::default();
    let mut state = Some(p.fetched(T0, Some("max-age=3600")));
    let mut fetches = 0;
    for now in T0..T0 + 600 {
        for _ in 0..10 {
            if p.may_refetch_on_key_miss(state.as_ref(), now) {
                fetches += 1;
                state = Some(p.attempt_failed(state, now));
            }
        }
    }
    // Fetched at T0, so refetches at T0+60, T0+120, ..., T0+540: nine in 600 s, not 6000.
    assert_eq!(fetches, 9, "600 s of key misses at 10 req/s with a 60 s cooldown");
}

#[test]
fn saturating_arithmetic_at_the_end_of_time() {
    let p = CachePolicy { refetch_cooldown: u64::MAX, max_stale: u64::MAX, ..CachePolicy::default() };
    let s = p.fetched(u64::MAX - 10, Some("max-age=86400"));
    assert!(p.usable(&s, u64::MAX));
    assert!(p.fresh(&s, u64::MAX - 1));
    assert!(!p.may_refetch_on_key_miss(Some(&s), u64::MAX - 1));
    assert_eq!(p.lookup(Some(&s), u64::MAX - 1), Lookup::UseCached);
}

#[test]
fn policy_serializes_for_adapters() {
    let p = CachePolicy::default();
    let json = serde_json::to_value(p).unwrap();
    assert_eq!(json["refetch_cooldown"], 60);
    let back: CachePolicy = serde_json::from_value(json).unwrap();
    assert_eq!(back, p);
    let s = p.fetched(T0, None);
    let back: CacheState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}
