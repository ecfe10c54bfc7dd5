//! The `hookwall` binary end to end: keygen → sign → verify round trips for v1, v1a and JWT,
//! the reference vector, `send` against a real local HTTP server, and failing verifications.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;

use hookwall::{Jwks, Secret, Verifier};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hookwall"))
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = bin()
        .args(args)
        .env_remove("HOOKWALL_SECRET")
        .env_remove("HOOKWALL_SIGNING_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hookwall binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookwall-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn sign_reproduces_the_reference_vector() {
    let o = run(
        &["sign", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--timestamp", "1614265330"],
        Some(br#"{"test": 2432232314}"#),
    );
    assert!(o.status.success(), "{o:?}");
    assert!(stdout(&o).contains("webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), "{}", stdout(&o));
}

#[test]
fn two_secrets_give_two_entries() {
    let o = run(
        &["sign", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--secret", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
          "--id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "--timestamp", "1674087231"],
        Some(br#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}"#),
    );
    assert!(stdout(&o).contains(
        "webhook-signature: v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ= v1,O3JAY2pb4EkuEDnVJQDfE4WdWXGF2dh6lCCs5z4PbE0="
    ), "{}", stdout(&o));
}

/// event → sign → verify with the given key options; returns the verify output.
fn round_trip(event_type: &str, sign_keys: &[&str], verify_keys: &[&str], tamper: bool) -> Output {
    let body = stdout(&run(&["event", event_type], None));
    let body_path = tmp(&format!("{event_type}-{}.json", sign_keys.len()));
    let headers_path = tmp(&format!("{event_type}-{}.headers", sign_keys.len()));
    std::fs::write(&body_path, body.trim()).unwrap();
    let mut args = vec!["sign", "--body", body_path.to_str().unwrap()];
    args.extend_from_slice(sign_keys);
    let signed = run(&args, None);
    assert!(signed.status.success(), "{signed:?}");
    std::fs::write(&headers_path, &signed.stdout).unwrap();
    if tamper {
        std::fs::write(&body_path, body.trim().replacen("v1", "v2", 1)).unwrap();
    }
    let mut args = vec!["verify", "--headers", headers_path.to_str().unwrap(), "--body", body_path.to_str().unwrap()];
    args.extend_from_slice(verify_keys);
    run(&args, None)
}

#[test]
fn v1_round_trip_and_tamper() {
    let secret = stdout(&run(&["keygen"], None)).trim().to_string();
    assert!(secret.starts_with("whsec_"));
    let ok = round_trip("batch.succeeded", &["--secret", &secret], &["--secret", &secret], false);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("verified:"));
    let bad = round_trip("batch.succeeded", &["--secret", &secret], &["--secret", &secret], true);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("✗ signature [no_matching_signature]"), "{}", stdout(&bad));
}

#[test]
fn v1a_round_trip_via_jwks() {
    let jwks = tmp("ed.jwks");
    let out = stdout(&run(&["keygen", "--kind", "ed25519", "--kid", "ed", "--jwks-out", jwks.to_str().unwrap()], None));
    let whsk = out.lines().find_map(|l| l.split_whitespace().find(|w| w.starts_with("whsk_"))).unwrap().to_string();
    let ok = round_trip("video.generated", &["--signing-key", &whsk], &["--jwks", jwks.to_str().unwrap()], false);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("via v1a"));
}

#[test]
fn rs256_jwt_round_trip_via_jwks() {
    let key = tmp("rsa.pem");
    let jwks = tmp("rsa.jwks");
    let keygen = run(&["keygen", "--kind", "rsa", "--kid", "r1", "--key-out", key.to_str().unwrap(), "--jwks-out", jwks.to_str().unwrap()], None);
    assert!(keygen.status.success(), "{keygen:?}");
    let parsed = Jwks::parse(&std::fs::read(&jwks).unwrap()).unwrap();
    assert_eq!(parsed.rsa_by_kid("r1").map(|k| k.bits()), Some(2048));
    let ok = round_trip("interaction.completed", &["--jwt-key", key.to_str().unwrap(), "--kid", "r1"], &["--jwks", jwks.to_str().unwrap()], false);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("via jwt"));
    let bad = round_trip("interaction.completed", &["--jwt-key", key.to_str().unwrap(), "--kid", "r1"], &["--jwks", jwks.to_str().unwrap()], true);
    assert!(stdout(&bad).contains("jwt_body_not_bound"), "{}", stdout(&bad));
}

#[test]
fn verify_names_an_expired_timestamp() {
    let body = tmp("old.json");
    let headers = tmp("old.headers");
    std::fs::write(&body, r#"{"type":"batch.expired","data":{"id":"b"}}"#).unwrap();
    let signed = run(&["sign", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--timestamp", "1000", "--body", body.to_str().unwrap()], None);
    std::fs::write(&headers, &signed.stdout).unwrap();
    let o = run(&["verify", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--headers", headers.to_str().unwrap(), "--body", body.to_str().unwrap(), "--now", "2000"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("✗ timestamp [timestamp_too_old]"), "{}", stdout(&o));
    assert!(stdout(&o).contains("✓ signature"), "the signature itself is fine: {}", stdout(&o));
}

/// A one-request-at-a-time HTTP server answering `status`, sending each request to the test.
fn server(statuses: Vec<u16>) -> (String, mpsc::Receiver<(Vec<(String, String)>, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for status in statuses {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len = headers.iter().find(|(k, _)| k == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            tx.send((headers, body)).unwrap();
            let mut stream = stream;
            write!(stream, "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").unwrap();
        }
    });
    (url, rx)
}

#[test]
fn send_posts_a_delivery_the_core_verifies() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (url, rx) = server(vec![200, 200]);
    let o = run(&["send", "batch.failed", "--to", &url, "--secret", secret, "--count", "2", "--repeat-id"], None);
    assert!(o.status.success(), "{o:?}");
    let verifier = Verifier::builder().secret(Secret::parse(secret).unwrap()).build();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (headers, body) = rx.recv().unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let d = verifier.verify(&body, headers.iter().map(|(k, v)| (k.as_str(), v.as_str())), now).expect("the core verifies what send signed");
        assert_eq!(d.event.as_ref().unwrap().event_type, "batch.failed");
        ids.push(d.id);
    }
    assert_eq!(ids[0], ids[1], "--repeat-id reuses the webhook-id");
}

#[test]
fn send_fails_on_a_non_2xx_answer() {
    let (url, _rx) = server(vec![500]);
    let o = run(&["send", "batch.succeeded", "--to", &url, "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], None);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("-> 500"), "{}", stdout(&o));
}

#[test]
fn no_key_is_an_error() {
    let o = run(&["sign", "--id", "m"], Some(b"{}"));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no key"));
}
