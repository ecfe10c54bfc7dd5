//! The JWKS cache policy and the event envelope.

mod common;
use common::*;
use hookwall::cache::Lookup;
use hookwall::{CATALOG, CachePolicy, Envelope, Event, Verifier};

#[test]
fn ttl_from_cache_control_is_clamped() {
    let p = CachePolicy::default();
    assert_eq!(p.ttl(None), 3600);
    assert_eq!(p.ttl(Some("public, max-age=7200")), 7200);
    assert_eq!(p.ttl(Some("MAX-AGE=\"900\"")), 900);
    assert_eq!(p.ttl(Some("max-age=1")), 300);
    assert_eq!(p.ttl(Some("max-age=999999999")), 86_400);
    assert_eq!(p.ttl(Some("max-age=banana")), 3600);
    assert_eq!(p.ttl(Some("no-cache, max-age=7200")), 300);
    assert_eq!(p.ttl(Some("private, no-store")), 300);
}

#[test]
fn lookup_fresh_stale_and_expired() {
    let p = CachePolicy::default();
    let s = p.fetched(10_000, Some("max-age=600"));
    assert_eq!(p.lookup(None, 10_000), Lookup::FetchRequired);
    assert_eq!(p.lookup(Some(&s), 10_599), Lookup::UseCached);
    assert_eq!(p.lookup(Some(&s), 10_600), Lookup::FetchOrUseStale);
    // Stale but within max_stale past expiry: refetch, keep the old set on failure.
    let horizon = 10_600 + p.max_stale;
    assert_eq!(p.lookup(Some(&s), horizon), Lookup::FetchOrUseStale);
    assert!(p.usable(&s, horizon));
    assert!(!p.usable(&s, horizon + 1));
    assert_eq!(p.lookup(Some(&s), horizon + 1), Lookup::FetchRequired);
}

#[test]
fn failed_fetches_respect_the_cooldown() {
    let p = CachePolicy::default();
    let s = p.fetched(10_000, Some("max-age=600"));
    let failed = p.attempt_failed(Some(s), 11_000);
    assert_eq!(failed.fetched_at, 10_000, "the old document stays");
    assert_eq!(p.lookup(Some(&failed), 11_030), Lookup::UseCached, "stale copy, no fetch storm");
    assert_eq!(p.lookup(Some(&failed), 11_060), Lookup::FetchOrUseStale);
    let nothing = p.attempt_failed(None, 11_000);
    assert_eq!(p.lookup(Some(&nothing), 11_010), Lookup::Unavailable);
    assert_eq!(p.lookup(Some(&nothing), 11_060), Lookup::FetchRequired);
}

#[test]
fn key_miss_refetch_cooldown() {
    let p = CachePolicy { refetch_cooldown: 30, ..CachePolicy::default() };
    assert!(p.may_refetch_on_key_miss(None, 0));
    let s = p.fetched(1_000, None);
    assert!(!p.may_refetch_on_key_miss(Some(&s), 1_029));
    assert!(p.may_refetch_on_key_miss(Some(&s), 1_030));
    let failed = p.attempt_failed(Some(s), 1_100);
    assert!(!p.may_refetch_on_key_miss(Some(&failed), 1_110));
}

#[test]
fn every_catalog_type_is_typed() {
    assert_eq!(CATALOG.len(), 9);
    for (t, fields) in CATALOG {
        let data: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|f| (f.to_string(), serde_json::Value::from(format!("{f}-value")))).collect();
        let body = serde_json::json!({"type": t, "data": data}).to_string();
        let env = Envelope::parse(body.as_bytes()).unwrap();
        assert!(env.is_known_type(), "{t}");
        assert!(!matches!(env.event(), Event::Unknown { .. }), "{t}");
        assert_eq!(env.key_fields().len(), fields.len(), "{t}");
    }
}

#[test]
fn typed_fields() {
    let env = Envelope::parse(br#"{"type":"batch.failed","data":{"id":"b","error_code":7,"error_message":"quota"}}"#).unwrap();
    match env.event() {
        Event::BatchFailed { id, error_code, error_message } => {
            assert_eq!(id, Some("b"));
            assert_eq!(error_code.and_then(|v| v.as_i64()), Some(7));
            assert_eq!(error_message, Some("quota"));
        }
        other => panic!("{other:?}"),
    }
    let video = Envelope::parse(br#"{"type":"video.generated","data":{"id":"v","video_uri":"gs://v.mp4"}}"#).unwrap();
    assert_eq!(video.event(), Event::VideoGenerated { id: Some("v"), output_file_uri: Some("gs://v.mp4"), file_name: None });
}

#[test]
fn nothing_optional_is_required_and_unknowns_pass_through() {
    let bare = Envelope::parse(br#"{"type":"interaction.requires_action"}"#).unwrap();
    assert_eq!(bare.event(), Event::InteractionRequiresAction { id: None });
    assert!(bare.data.is_empty());
    let wrong_types = Envelope::parse(br#"{"type":"batch.succeeded","version":2,"data":{"id":5}}"#).unwrap();
    assert_eq!(wrong_types.event(), Event::BatchSucceeded { id: None, output_file_uri: None });
    assert_eq!(wrong_types.extra["version"], 2, "a non-string version is kept, not dropped");
    let unknown = Envelope::parse(br#"{"type":"batch.completed","data":{"id":"x","new":[1]},"top":true}"#).unwrap();
    assert_eq!(unknown.event(), Event::Unknown { event_type: "batch.completed" });
    assert_eq!(unknown.data["new"][0], 1);
    assert_eq!(unknown.extra["top"], true);
    let meta_in_data = Envelope::parse(br#"{"type":"x","data":{"user_metadata":{"a":1}}}"#).unwrap();
    let meta_top = Envelope::parse(br#"{"type":"x","user_metadata":{"a":1}}"#).unwrap();
    assert_eq!(meta_in_data.user_metadata(), meta_top.user_metadata());
    assert!(meta_top.user_metadata().is_some());
}

#[test]
fn invalid_payloads() {
    for body in [&b""[..], b"null", b"[]", b"{}", br#"{"type":1}"#, br#"{"type":"x","data":[1]}"#, b"\xff\xfe", b"{\"type\":\"x\""] {
        assert_eq!(Envelope::parse(body).unwrap_err().code(), "invalid_payload", "{:?}", String::from_utf8_lossy(body));
    }
    let deep = format!("{{\"type\":\"x\",\"data\":{{\"a\":{}1{}}}}}", "[".repeat(5000), "]".repeat(5000));
    assert_eq!(Envelope::parse(deep.as_bytes()).unwrap_err().code(), "invalid_payload");
}

#[test]
fn serialized_envelope_round_trips_every_member() {
    let body = r#"{"type":"batch.succeeded","version":"v1","timestamp":"t","data":{"id":"b"},"user_metadata":{"k":"v"}}"#;
    let env = Envelope::parse(body.as_bytes()).unwrap();
    let back: serde_json::Value = serde_json::to_value(&env).unwrap();
    assert_eq!(back, serde_json::from_str::<serde_json::Value>(body).unwrap());
}

#[test]
fn detailed_report_names_the_failing_step_and_agrees_with_verify() {
    let v = Verifier::builder().secret(secret(SECRET_1)).build();
    let sig = "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ=";
    let cases: [(&str, u64, Option<&str>); 3] = [
        (GEMINI_BODY, GEMINI_TS, None),
        (&GEMINI_BODY.replace("batch_123456", "batch_123457"), GEMINI_TS, Some("signature")),
        (GEMINI_BODY, GEMINI_TS + 301, Some("timestamp")),
    ];
    for (body, now, failing) in cases {
        let headers = [("webhook-id", GEMINI_ID), ("webhook-timestamp", "1674087231"), ("webhook-signature", sig)];
        let plain = v.verify(body.as_bytes(), headers, now);
        let report = v.verify_detailed(body.as_bytes(), headers, now);
        assert_eq!(plain.as_ref().map_err(|e| e.code()).map(|d| d.id.clone()), report.verdict.as_ref().map_err(|e| e.code()).map(|d| d.id.clone()));
        let red: Vec<&str> = report.steps.iter().filter(|s| !s.ok).map(|s| s.name).collect();
        match failing {
            None => assert!(red.is_empty(), "{red:?}"),
            Some(step) => assert_eq!(red.first(), Some(&step), "{red:?}"),
        }
        // Every step is recorded, the failing one with its code; the HMAC step shows the expected value.
        let names: Vec<&str> = report.steps.iter().map(|s| s.name).collect();
        for n in ["body", "headers", "timestamp", "signature", "payload"] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        let sig_step = report.steps.iter().find(|s| s.name == "signature").unwrap();
        assert!(sig_step.facts.iter().any(|f| f.label.starts_with("expected with secret #1") && f.value.starts_with("v1,")));
    }
}
