//! The event envelope: all nine catalog types typed, unknown types and fields passed through,
//! the `video_uri` fallback, `user_metadata` in `data` or at the top level, no optional field
//! required, invalid payloads refused.

mod common;
use common::*;
use hookwall::{CATALOG, Envelope, Event, PayloadRule, Verifier, sign_v1};
use serde_json::{Value, json};

fn parse(v: &Value) -> Envelope {
    Envelope::parse(v.to_string().as_bytes()).unwrap()
}

#[test]
fn the_catalog_is_the_nine_documented_types() {
    let types: Vec<&str> = CATALOG.iter().map(|(t, _)| *t).collect();
    assert_eq!(
        types,
        [
            "batch.succeeded",
            "batch.failed",
            "batch.cancelled",
            "batch.expired",
            "interaction.requires_action",
            "interaction.completed",
            "interaction.failed",
            "interaction.cancelled",
            "video.generated",
        ]
    );
}

#[test]
fn every_catalog_type_gets_its_typed_view() {
    let code = json!(13);
    let full = |t: &str| {
        parse(&json!({"type": t, "version": "v1", "timestamp": "2026-01-22T12:00:00Z", "data": {
            "id": "x_1", "output_file_uri": "gs://b/o", "file_name": "clip.mp4", "error_code": 13, "error_message": "boom"
        }}))
    };
    let expected = |t: &str| -> Event<'_> {
        let (id, uri, name, msg) = (Some("x_1"), Some("gs://b/o"), Some("clip.mp4"), Some("boom"));
        match t {
            "batch.succeeded" => Event::BatchSucceeded { id, output_file_uri: uri },
            "batch.failed" => Event::BatchFailed { id, error_code: Some(&code), error_message: msg },
            "batch.cancelled" => Event::BatchCancelled { id },
            "batch.expired" => Event::BatchExpired { id },
            "interaction.requires_action" => Event::InteractionRequiresAction { id },
            "interaction.completed" => Event::InteractionCompleted { id },
            "interaction.failed" => Event::InteractionFailed { id, error_code: Some(&code), error_message: msg },
            "interaction.cancelled" => Event::InteractionCancelled { id },
            "video.generated" => Event::VideoGenerated { id, output_file_uri: uri, file_name: name },
            other => panic!("not in the catalog: {other}"),
        }
    };
    for (t, _) in CATALOG {
        let env = full(t);
        assert!(env.is_known_type(), "{t}");
        assert_eq!(env.event_type, *t);
        assert_eq!(env.version.as_deref(), Some("v1"));
        assert_eq!(env.timestamp.as_deref(), Some("2026-01-22T12:00:00Z"));
        assert_eq!(env.event(), expected(t), "{t}");
        // key_fields lists the catalog fields present, in catalog order.
        let names: Vec<&str> = env.key_fields().iter().map(|(n, _)| *n).collect();
        let catalog: Vec<&str> =
            CATALOG.iter().find(|(c, _)| c == t).unwrap().1.iter().copied().filter(|f| *f != "video_uri").collect();
        assert_eq!(names, catalog, "{t}");
    }
}

#[test]
fn error_code_keeps_any_json_type() {
    for code in [json!(7), json!("RESOURCE_EXHAUSTED"), json!({"grpc": 8})] {
        let env = parse(&json!({"type": "interaction.failed", "data": {"error_code": code}}));
        match env.event() {
            Event::InteractionFailed { error_code, id: None, error_message: None } => {
                assert_eq!(error_code, Some(&code))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn video_uri_fallback() {
    let only_video_uri = parse(&json!({"type": "video.generated", "data": {"id": "v", "video_uri": "gs://v.mp4"}}));
    assert_eq!(
        only_video_uri.event(),
        Event::VideoGenerated { id: Some("v"), output_file_uri: Some("gs://v.mp4"), file_name: None }
    );
    // output_file_uri wins when both are present.
    let both = parse(&json!({"type": "video.generated", "data": {"output_file_uri": "gs://a", "video_uri": "gs://b"}}));
    assert_eq!(both.event(), Event::VideoGenerated { id: None, output_file_uri: Some("gs://a"), file_name: None });
    // The fallback is video.generated's alone.
    let batch = parse(&json!({"type": "batch.succeeded", "data": {"video_uri": "gs://b"}}));
    assert_eq!(batch.event(), Event::BatchSucceeded { id: None, output_file_uri: None });
    assert_eq!(batch.data["video_uri"], "gs://b", "still passed through");
}

#[test]
fn user_metadata_in_data_or_at_the_top_level() {
    let meta = json!({"job": "nightly", "n": [1, 2]});
    let in_data = parse(&json!({"type": "batch.succeeded", "data": {"id": "b", "user_metadata": meta}}));
    let top = parse(&json!({"type": "batch.succeeded", "data": {"id": "b"}, "user_metadata": meta}));
    assert_eq!(in_data.user_metadata(), Some(&meta));
    assert_eq!(top.user_metadata(), Some(&meta));
    assert_eq!(top.extra["user_metadata"], meta);
    // Both present: the one in data is returned, the other is still kept.
    let both = parse(&json!({"type": "x", "data": {"user_metadata": {"a": 1}}, "user_metadata": {"b": 2}}));
    assert_eq!(both.user_metadata(), Some(&json!({"a": 1})));
    assert_eq!(both.extra["user_metadata"], json!({"b": 2}));
    assert_eq!(parse(&json!({"type": "x"})).user_metadata(), None);
}

#[test]
fn no_optional_field_is_required() {
    for (t, _) in CATALOG {
        let bare = parse(&json!({"type": t}));
        assert!(bare.data.is_empty() && bare.extra.is_empty() && bare.version.is_none() && bare.timestamp.is_none());
        assert!(!matches!(bare.event(), Event::Unknown(_)), "{t}");
        let null_data = parse(&json!({"type": t, "data": null}));
        assert_eq!(null_data.event(), bare.event());
    }
    assert_eq!(
        parse(&json!({"type": "batch.failed"})).event(),
        Event::BatchFailed { id: None, error_code: None, error_message: None }
    );
    // Fields of the wrong JSON type are absent from the typed view but kept in the envelope.
    let odd = parse(
        &json!({"type": "batch.succeeded", "version": 2, "timestamp": 1700000000, "data": {"id": 5, "output_file_uri": null}}),
    );
    assert_eq!(odd.event(), Event::BatchSucceeded { id: None, output_file_uri: None });
    assert_eq!((odd.version.clone(), odd.timestamp.clone()), (None, None));
    assert_eq!(odd.extra["version"], 2);
    assert_eq!(odd.extra["timestamp"], 1700000000);
    assert_eq!(odd.data["id"], 5);
}

#[test]
fn unknown_types_and_unknown_fields_pass_through() {
    let body = json!({
        "type": "batch.completed", "version": "v2", "data": {"id": "x", "new": [1, {"deep": true}]},
        "top": true, "nested": {"a": null}
    });
    let env = parse(&body);
    assert!(!env.is_known_type());
    let Event::Unknown(kept) = env.event() else { panic!("batch.completed is not in the catalog") };
    assert_eq!((kept.event_type.as_str(), kept.version.as_deref()), ("batch.completed", Some("v2")));
    assert_eq!(kept.data["new"], json!([1, {"deep": true}]));
    assert_eq!((&kept.extra["top"], &kept.extra["nested"]), (&json!(true), &json!({"a": null})));
    assert!(env.key_fields().is_empty());
    // Serialized back, the envelope is the body, member for member.
    assert_eq!(serde_json::to_value(&env).unwrap(), body);
    for t in ["ping", "", "BATCH.SUCCEEDED", "batch.succeeded ", "video.generated.v2"] {
        let env = parse(&json!({"type": t}));
        assert!(matches!(env.event(), Event::Unknown(e) if e.event_type == t), "{t}");
    }
    // Unknown fields of a known type pass through too.
    let known = json!({"type": "batch.succeeded", "data": {"id": "b", "extra_field": {"k": "v"}}, "trace": "t1"});
    let env = parse(&known);
    assert_eq!(serde_json::to_value(&env).unwrap(), known);
}

#[test]
fn the_raw_body_is_parsed_not_reserialized() {
    // Whitespace, key order, escapes and big numbers: the envelope reads them, the verifier
    // authenticates the exact bytes (re-serializing would break the signature).
    let body = br#"{ "data" : {"id":"b\u00e9","n":12345678901234567890}, "type":"batch.succeeded" }"#;
    let env = Envelope::parse(body).unwrap();
    assert_eq!(env.event(), Event::BatchSucceeded { id: Some("bé"), output_file_uri: None });
    let s = hookwall::Secret::parse(secret_1()).unwrap();
    let v = Verifier::builder().secret(s.clone()).build();
    let sig = sign_v1(&s, "m", NOW, body);
    let ok = verify(&v, body, "m", &NOW.to_string(), &sig, NOW).unwrap();
    assert_eq!(ok.event.unwrap(), env);
}

#[test]
fn invalid_payloads() {
    let deep = format!("{{\"type\":\"x\",\"data\":{{\"a\":{}1{}}}}}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<&[u8]> = vec![
        b"",
        b" ",
        b"null",
        b"[]",
        b"[{\"type\":\"batch.succeeded\"}]",
        b"\"batch.succeeded\"",
        b"{}",
        br#"{"type":1}"#,
        br#"{"type":null}"#,
        br#"{"type":["batch.succeeded"]}"#,
        br#"{"data":{"type":"batch.succeeded"}}"#,
        br#"{"type":"x","data":[1]}"#,
        br#"{"type":"x","data":"s"}"#,
        br#"{"type":"x","data":0}"#,
        b"\xff\xfe",
        b"{\"type\":\"x\"",
        b"{\"type\":\"x\"} trailing",
        b"{\"type\":\"\xff\"}",
        deep.as_bytes(),
    ];
    for body in cases {
        let err = Envelope::parse(body).unwrap_err();
        assert_eq!((err.code(), err.http_status()), ("invalid_payload", 400), "{:?}", String::from_utf8_lossy(body));
    }
}

#[test]
fn the_verifier_refuses_an_authentic_non_event_only_under_the_event_rule() {
    let s = hookwall::Secret::parse(secret_1()).unwrap();
    let body = br#"{"test": 2432232314}"#;
    let sig = sign_v1(&s, "m", NOW, body);
    let events = Verifier::builder().secret(s.clone()).build();
    let err = verify(&events, body, "m", &NOW.to_string(), &sig, NOW).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("invalid_payload", 400));
    let any = Verifier::builder().secret(s.clone()).payload(PayloadRule::Any).build();
    assert!(verify(&any, body, "m", &NOW.to_string(), &sig, NOW).unwrap().event.is_none());
    // authenticate() never looks at the body.
    let h = [("webhook-id", "m"), ("webhook-timestamp", &*NOW.to_string()), ("webhook-signature", &*sig)];
    assert!(events.authenticate(body, h, NOW).unwrap().event.is_none());
}
