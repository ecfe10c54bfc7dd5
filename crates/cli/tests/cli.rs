//! The `hookwall` binary end to end: the vectors of docs/protocol.md ("Test vectors"), keygen →
//! sign → verify round trips for v1, v1a and RS256 JWTs (each body binding), `send` against a real
//! local HTTP receiver that checks every delivery with the core `Verifier`, and failing
//! verifications with their step.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{OnceLock, mpsc};
use std::thread;

use hookwall::{CATALOG, Envelope, Jwks, PayloadRule, PublicKey, Secret, Verifier};
use serde_json::Value;

/// tests/vectors.json, the one copy of the protocol vectors (docs/protocol.md, "Test vectors").
fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(include_str!("../../../tests/vectors.json")).expect("tests/vectors.json"))
}

/// The string at a JSON pointer of tests/vectors.json.
fn vector(pointer: &str) -> &'static str {
    vectors().pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("tests/vectors.json: no {pointer}"))
}

fn secret_1() -> &'static str {
    vector("/secrets/0")
}
fn secret_2() -> &'static str {
    vector("/secrets/1")
}
fn rfc8032_seed() -> &'static str {
    vector("/rfc8032/seed")
}
fn gemini_id() -> &'static str {
    vector("/gemini/id")
}
/// The Gemini-shaped vector's timestamp, as the CLI takes it.
fn gemini_ts() -> &'static str {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| vectors()["gemini"]["timestamp"].to_string())
}
fn gemini_body() -> &'static str {
    vector("/gemini/body")
}

fn run_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookwall"));
    cmd.args(args).env_remove("HOOKWALL_SECRET").env_remove("HOOKWALL_SIGNING_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hookwall binary runs");
    let mut stdin_pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        // The binary may exit (a usage error) before it reads its input: a broken pipe is fine.
        if let Err(e) = stdin_pipe.write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    drop(stdin_pipe);
    child.wait_with_output().unwrap()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_env(args, stdin, &[])
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(o.status.success(), "exit {:?}\nstdout: {}\nstderr: {}", o.status.code(), out(&o), err(&o));
    o
}

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hookwall-cli-test-{}", std::process::id())).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn header<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

// ---------------------------------------------------------------------------------------------
// sign: the vectors of docs/protocol.md ("Test vectors")

#[test]
fn sign_reproduces_the_standard_webhooks_vectors() {
    let vectors = vectors()["reference"].as_array().unwrap().iter().map(|v| {
        let secret = vector(&format!("/secrets/{}", v["secret"]));
        (
            secret,
            v["id"].as_str().unwrap(),
            v["timestamp"].to_string(),
            v["body"].as_str().unwrap(),
            v["signature"].as_str().unwrap(),
        )
    });
    for (secret, id, ts, body, sig) in vectors {
        let o = ok(run(&["sign", "--secret", secret, "--id", id, "--timestamp", &ts], Some(body.as_bytes())));
        assert_eq!(out(&o), format!("webhook-id: {id}\nwebhook-timestamp: {ts}\nwebhook-signature: {sig}\n"));
    }
}

#[test]
fn sign_reproduces_the_gemini_vectors_in_key_order() {
    let o = ok(run(
        &[
            "sign",
            "--secret",
            secret_1(),
            "--secret",
            secret_2(),
            "--signing-key",
            rfc8032_seed(),
            "--id",
            gemini_id(),
            "--timestamp",
            gemini_ts(),
        ],
        Some(gemini_body().as_bytes()),
    ));
    assert_eq!(
        header(&out(&o), "webhook-signature"),
        format!("{} {} {}", vector("/gemini/v1/0"), vector("/gemini/v1/1"), vector("/gemini/v1a"))
    );
}

#[test]
fn keys_from_the_environment_sign_and_are_never_printed() {
    let env =
        [("HOOKWALL_SECRET", &*format!("{} {}", secret_1(), secret_2())), ("HOOKWALL_SIGNING_KEY", rfc8032_seed())];
    for format in ["headers", "json", "curl", "http"] {
        let o = ok(run_env(
            &["sign", "--id", gemini_id(), "--timestamp", gemini_ts(), "--format", format],
            Some(gemini_body().as_bytes()),
            &env,
        ));
        let text = out(&o);
        assert!(
            text.contains(&format!("{} {} {}", vector("/gemini/v1/0"), vector("/gemini/v1/1"), vector("/gemini/v1a"))),
            "{format}: {text}"
        );
        let bare = |s: &'static str| s.trim_start_matches("whsec_");
        for secret in [bare(secret_1()), bare(secret_2()), rfc8032_seed()] {
            assert!(!text.contains(secret) && !err(&o).contains(secret), "{format} printed a key");
        }
    }
    // --help does not show the environment's values either.
    let help = out(&ok(run_env(&["sign", "--help"], None, &env)));
    assert!(help.contains("HOOKWALL_SECRET") && !help.contains(secret_1().trim_start_matches("whsec_")), "{help}");
}

#[test]
fn sign_formats_json_curl_and_http() {
    let args = [
        "sign",
        "--secret",
        secret_1(),
        "--id",
        gemini_id(),
        "--timestamp",
        gemini_ts(),
        "--url",
        "http://127.0.0.1:8787/hooks?x=1",
    ];
    let json_out = out(&ok(run(&[&args[..], &["--format", "json"]].concat(), Some(gemini_body().as_bytes()))));
    let v: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(v["body"], gemini_body());
    assert_eq!(v["headers"]["webhook-id"], gemini_id());
    assert_eq!(v["headers"]["webhook-timestamp"], gemini_ts());
    assert_eq!(v["headers"]["webhook-signature"], vector("/gemini/v1/0"));

    let curl = out(&ok(run(&[&args[..], &["--format", "curl"]].concat(), Some(gemini_body().as_bytes()))));
    assert!(curl.starts_with("curl -sS -X POST 'http://127.0.0.1:8787/hooks?x=1'"), "{curl}");
    assert!(curl.contains(&format!("-H 'webhook-signature: {}'", vector("/gemini/v1/0"))), "{curl}");
    assert!(curl.contains(&format!("--data-binary '{}'", gemini_body())), "{curl}");

    let http = ok(run(&[&args[..], &["--format", "http"]].concat(), Some(gemini_body().as_bytes()))).stdout;
    let text = String::from_utf8(http).unwrap();
    assert!(text.starts_with("POST /hooks?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8787\r\n"), "{text}");
    assert!(text.contains(&format!("content-length: {}\r\n", gemini_body().len())), "{text}");
    assert!(text.ends_with(&format!("\r\n\r\n{}", gemini_body())), "{text}");
}

#[test]
fn an_http_request_from_sign_verifies_and_a_changed_one_does_not() {
    let d = dir("http");
    let req = d.join("req.http");
    let http = ok(run(
        &["sign", "--secret", secret_1(), "--id", gemini_id(), "--timestamp", gemini_ts(), "--format", "http"],
        Some(gemini_body().as_bytes()),
    ));
    std::fs::write(&req, &http.stdout).unwrap();
    let v = ok(run(&["verify", "--secret", secret_1(), "--now", gemini_ts(), "--request", p(&req)], None));
    assert!(out(&v).contains(&format!("verified: {} via v1", gemini_id())), "{}", out(&v));
    // The docs/protocol.md negative: `"v1",` -> `"v1", ` in the body.
    let changed = String::from_utf8(http.stdout).unwrap().replacen(
        vector("/gemini/tamper/find"),
        vector("/gemini/tamper/replace"),
        1,
    );
    std::fs::write(&req, changed).unwrap();
    let bad = run(&["verify", "--secret", secret_1(), "--now", gemini_ts(), "--request", p(&req)], None);
    assert_eq!(bad.status.code(), Some(1), "{}", out(&bad));
    assert!(out(&bad).contains("✗ signature [no_matching_signature]"), "{}", out(&bad));
}

#[test]
fn sign_refuses_without_a_key_and_with_a_bad_one() {
    let o = run(&["sign", "--id", "m"], Some(b"{}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no key"), "{}", err(&o));
    let o = run(&["sign", "--secret", "whsec_!!"], Some(b"{}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--secret: the secret is not base64"), "{}", err(&o));
    let o = run(&["sign", "--signing-key", "whsk_AAAA"], Some(b"{}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--signing-key"), "{}", err(&o));
}

// ---------------------------------------------------------------------------------------------
// event

#[test]
fn event_builds_every_catalog_type_gemini_shaped() {
    for (event_type, fields) in CATALOG {
        let o = ok(run(&["event", event_type], None));
        assert!(err(&o).is_empty(), "{event_type}: {}", err(&o));
        let text = out(&o);
        let body = text.trim_end().as_bytes();
        assert!(text.starts_with(&format!(r#"{{"type":"{event_type}","version":"v1","timestamp":""#)), "{text}");
        assert!(text.contains(r#""data":{"id":""#), "{text}");
        let envelope = Envelope::parse(body).unwrap();
        assert!(envelope.is_known_type(), "{event_type}");
        let v: Value = serde_json::from_slice(body).unwrap();
        let ts = v["timestamp"].as_str().unwrap();
        assert!(ts.len() == 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T', "RFC 3339: {ts}");
        for field in fields.iter().filter(|f| **f != "video_uri") {
            assert!(v["data"].get(field).is_some(), "{event_type} has data.{field}: {text}");
        }
        let id = v["data"]["id"].as_str().unwrap();
        assert!(id.starts_with(&format!("{}_", event_type.split('.').next().unwrap())), "{id}");
        if let Some(uri) = v["data"].get("output_file_uri") {
            assert!(uri.as_str().unwrap().starts_with("gs://"), "{uri}");
        }
        // A typed event exactly as the core reads it.
        assert_eq!(envelope.event_type, *event_type);
    }
}

#[test]
fn event_options_and_unknown_types() {
    let o = ok(run(
        &[
            "event",
            "batch.failed",
            "--resource-id",
            "batch_42",
            "--set",
            "error_code=7",
            "--set",
            "note=hi",
            "--user-metadata",
            r#"{"job":"nightly"}"#,
        ],
        None,
    ));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["data"]["id"], "batch_42");
    assert_eq!(v["data"]["error_code"], 7);
    assert_eq!(v["data"]["note"], "hi");
    assert_eq!(
        Envelope::parse(out(&o).trim().as_bytes()).unwrap().user_metadata(),
        Some(&serde_json::json!({"job": "nightly"}))
    );

    let o = ok(run(&["event", "webhook.ping"], None));
    assert!(err(&o).contains("warning: webhook.ping is not in the documented catalog"), "{}", err(&o));
    assert!(!Envelope::parse(out(&o).trim().as_bytes()).unwrap().is_known_type());

    assert_eq!(run(&["event", "batch.failed", "--user-metadata", "[1]"], None).status.code(), Some(2));
    assert_eq!(run(&["event", "batch.failed", "--set", "novalue"], None).status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// keygen → sign → verify

/// event → sign (with `sign_keys`) → verify (with `verify_keys`), optionally with the body changed
/// after signing.
fn round_trip(d: &Path, event_type: &str, sign_keys: &[&str], verify_keys: &[&str], tamper: bool) -> Output {
    let body = out(&ok(run(&["event", event_type], None)));
    let body_path = d.join("body.json");
    let headers_path = d.join("headers.txt");
    std::fs::write(&body_path, body.trim()).unwrap();
    let signed = ok(run(&[&["sign", "--body", p(&body_path)], sign_keys].concat(), None));
    std::fs::write(&headers_path, &signed.stdout).unwrap();
    if tamper {
        std::fs::write(&body_path, body.trim().replacen(r#""version":"v1""#, r#""version":"v2""#, 1)).unwrap();
    }
    run(&[&["verify", "--headers", p(&headers_path), "--body", p(&body_path)], verify_keys].concat(), None)
}

#[test]
fn v1_round_trip_and_tampered_body() {
    let d = dir("v1");
    let secret = out(&ok(run(&["keygen"], None))).trim().to_string();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(Secret::parse(&secret).unwrap().len(), 32);
    let good = round_trip(&d, "batch.succeeded", &["--secret", &secret], &["--secret", &secret], false);
    assert!(good.status.success(), "{}", out(&good));
    assert!(out(&good).contains("✓ signature") && out(&good).contains("verified: msg_"), "{}", out(&good));

    let bad = round_trip(&d, "batch.succeeded", &["--secret", &secret], &["--secret", &secret], true);
    assert_eq!(bad.status.code(), Some(1));
    assert!(out(&bad).contains("✗ signature [no_matching_signature]"), "{}", out(&bad));
    assert!(out(&bad).contains("rejected: 401 no_matching_signature"), "{}", out(&bad));

    let other = out(&ok(run(&["keygen"], None))).trim().to_string();
    assert_ne!(other, secret, "two keygens give two secrets");
    let wrong = round_trip(&d, "batch.succeeded", &["--secret", &secret], &["--secret", &other], false);
    assert_eq!(wrong.status.code(), Some(1));
}

#[test]
fn v1a_round_trip_via_whpk_and_jwks() {
    let d = dir("v1a");
    let jwks = d.join("jwks.json");
    let keys: Value = serde_json::from_str(&out(&ok(run(
        &["keygen", "--kind", "ed25519", "--kid", "ed", "--jwks-out", p(&jwks), "--json"],
        None,
    ))))
    .unwrap();
    let whsk = keys["signing_key"].as_str().unwrap();
    let whpk = keys["public_key"].as_str().unwrap();
    assert!(whsk.starts_with("whsk_") && whpk.starts_with("whpk_"));
    PublicKey::parse(whpk).unwrap();
    let parsed = Jwks::parse(&std::fs::read(&jwks).unwrap()).unwrap();
    assert_eq!(
        parsed.ed25519().map(|(kid, k)| (kid.map(str::to_string), k.to_whpk())).collect::<Vec<_>>(),
        vec![(Some("ed".to_string()), whpk.to_string())]
    );
    assert_eq!(keys["jwks"], serde_json::from_slice::<Value>(&std::fs::read(&jwks).unwrap()).unwrap());

    let by_jwks = round_trip(&d, "video.generated", &["--signing-key", whsk], &["--jwks", p(&jwks)], false);
    assert!(by_jwks.status.success(), "{}", out(&by_jwks));
    assert!(out(&by_jwks).contains("via v1a"), "{}", out(&by_jwks));
    let by_whpk = round_trip(&d, "video.generated", &["--signing-key", whsk], &["--public-key", whpk], false);
    assert!(by_whpk.status.success(), "{}", out(&by_whpk));
    let tampered = round_trip(&d, "video.generated", &["--signing-key", whsk], &["--public-key", whpk], true);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(out(&tampered).contains("✗ signature ["), "{}", out(&tampered));

    // The text output names the same keys.
    let text = out(&ok(run(&["keygen", "--kind", "ed25519"], None)));
    assert!(text.lines().next().unwrap().starts_with("signing key (keep secret): whsk_"), "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("public key:                whpk_"), "{text}");
    assert!(text.lines().nth(2).unwrap().starts_with("jwks: {\"keys\":[{"), "{text}");
}

#[test]
fn rs256_round_trips_for_pem_and_jwk_keys_and_every_binding() {
    let d = dir("rsa");
    let pem = d.join("k.pem");
    let jwks = d.join("jwks.json");
    let kg = ok(run(&["keygen", "--kind", "rsa", "--kid", "r1", "--key-out", p(&pem), "--jwks-out", p(&jwks)], None));
    assert!(out(&kg).starts_with("jwks: "), "{}", out(&kg));
    assert!(!out(&kg).contains("PRIVATE"), "the private key is not printed");
    assert!(std::fs::read_to_string(&pem).unwrap().starts_with("-----BEGIN PRIVATE KEY-----"));
    let parsed = Jwks::parse(&std::fs::read(&jwks).unwrap()).unwrap();
    assert_eq!(parsed.rsa_by_kid("r1").map(|k| k.bits()), Some(2048));

    for binding in ["claims", "event", "hash"] {
        let sign = ["--jwt-key", p(&pem), "--kid", "r1", "--jwt-binding", binding];
        let good = round_trip(&d, "interaction.completed", &sign, &["--jwks", p(&jwks)], false);
        assert!(good.status.success(), "{binding}: {}", out(&good));
        let expect = match binding {
            "claims" => "body bound by claims",
            "event" => "body bound by event_claim",
            _ => "body bound by body_sha256",
        };
        assert!(out(&good).contains(expect) && out(&good).contains("via jwt"), "{binding}: {}", out(&good));
        let bad = round_trip(&d, "interaction.completed", &sign, &["--jwks", p(&jwks)], true);
        assert_eq!(bad.status.code(), Some(1), "{binding}");
        assert!(out(&bad).contains("✗ signature [jwt_body_not_bound]"), "{binding}: {}", out(&bad));
    }

    // A JWK private key carries its kid.
    let out_dir = d.join("jwk");
    let kg = ok(run(
        &["keygen", "--kind", "rsa", "--kid", "r2", "--out-dir", p(&out_dir), "--key-format", "jwk", "--json"],
        None,
    ));
    let info: Value = serde_json::from_str(&out(&kg)).unwrap();
    assert_eq!(info["key_file"], p(&out_dir.join("rsa.jwk.json")));
    assert_eq!(info["jwks_file"], p(&out_dir.join("jwks.json")));
    let jwk: Value = serde_json::from_slice(&std::fs::read(out_dir.join("rsa.jwk.json")).unwrap()).unwrap();
    assert_eq!((jwk["kty"].as_str(), jwk["kid"].as_str()), (Some("RSA"), Some("r2")));
    assert!(jwk["d"].is_string() && jwk["qi"].is_string());
    let good = round_trip(
        &d,
        "batch.cancelled",
        &["--jwt-key", p(&out_dir.join("rsa.jwk.json"))],
        &["--jwks", p(&out_dir.join("jwks.json"))],
        false,
    );
    assert!(good.status.success(), "{}", out(&good));
    assert!(out(&good).contains("JWKS key r2"), "{}", out(&good));
    // ... but not the other key set's kid.
    let wrong = round_trip(
        &d,
        "batch.cancelled",
        &["--jwt-key", p(&out_dir.join("rsa.jwk.json"))],
        &["--jwks", p(&jwks)],
        false,
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", out(&wrong));
}

#[test]
fn jwt_audience_hash_binding_for_any_body_and_claim_clashes() {
    let d = dir("jwt-extra");
    ok(run(&["keygen", "--kind", "rsa", "--kid", "a", "--out-dir", p(&d)], None));
    let (key, jwks) = (d.join("rsa.pem"), d.join("jwks.json"));
    let body = d.join("plain.txt");
    let headers = d.join("h.txt");
    std::fs::write(&body, b"not json \xff").unwrap();
    let signed = ok(run(
        &[
            "sign",
            "--jwt-key",
            p(&key),
            "--kid",
            "a",
            "--jwt-binding",
            "hash",
            "--jwt-audience",
            "https://me.example",
            "--body",
            p(&body),
        ],
        None,
    ));
    std::fs::write(&headers, &signed.stdout).unwrap();
    let verify = |extra: &[&str]| {
        run(
            &[&["verify", "--jwks", p(&jwks), "--headers", p(&headers), "--body", p(&body), "--any-payload"], extra]
                .concat(),
            None,
        )
    };
    let good = verify(&["--audience", "https://me.example"]);
    assert!(good.status.success(), "{}", out(&good));
    let other = verify(&["--audience", "https://other.example"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(out(&other).contains("jwt_audience_mismatch"), "{}", out(&other));

    // With --jwt-binding claims, a non-JSON body is refused, and so is one using a JWT claim name.
    let o = run(&["sign", "--jwt-key", p(&key), "--kid", "a", "--body", p(&body)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--jwt-binding hash"), "{}", err(&o));
    let o = run(&["sign", "--jwt-key", p(&key), "--kid", "a"], Some(br#"{"type":"x","exp":1}"#));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("\"exp\""), "{}", err(&o));
    // A PEM key needs --kid.
    let o = run(&["sign", "--jwt-key", p(&key)], Some(b"{}"));
    assert!(err(&o).contains("--kid is required"), "{}", err(&o));
}

/// With `--jwt-binding claims`, the body's members become claims: a body that uses the name of
/// any claim the core reads as the token's own (nbf too, not only iat/exp/jti/aud) would be signed
/// into a token the core rejects, so sign refuses it; a body without a `type` likewise (the core
/// binds event envelopes only). What sign does accept verifies.
#[test]
fn jwt_claims_binding_refuses_every_registered_claim_name() {
    let d = dir("jwt-registered");
    ok(run(&["keygen", "--kind", "rsa", "--kid", "a", "--out-dir", p(&d)], None));
    let (key, jwks) = (d.join("rsa.pem"), d.join("jwks.json"));
    let ts = now().to_string();
    let sign =
        |body: &str| run(&["sign", "--jwt-key", p(&key), "--kid", "a", "--timestamp", &ts], Some(body.as_bytes()));
    for name in hookwall::jwt::REGISTERED_CLAIMS {
        let o = sign(&format!(r#"{{"type":"x","{name}":"{}"}}"#, now() + 3600));
        assert_eq!(o.status.code(), Some(2), "{name}: {}", out(&o));
        assert!(err(&o).contains(&format!("\"{name}\"")) && err(&o).contains("--jwt-binding"), "{name}: {}", err(&o));
    }
    let o = sign(r#"{"data":{"id":"b"}}"#);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(err(&o).contains("\"type\""), "{}", err(&o));

    let body = r#"{"type":"x","not_before":1}"#;
    let headers = d.join("h.txt");
    let body_path = d.join("b.json");
    std::fs::write(&headers, ok(sign(body)).stdout).unwrap();
    std::fs::write(&body_path, body).unwrap();
    ok(run(&["verify", "--jwks", p(&jwks), "--headers", p(&headers), "--body", p(&body_path)], None));
}

#[test]
fn keygen_files_are_private_and_not_overwritten() {
    let d = dir("keygen-files");
    let o = ok(run(&["keygen", "--out-dir", p(&d)], None));
    assert!(out(&o).is_empty(), "the secret went to the file only: {}", out(&o));
    let secret = std::fs::read_to_string(d.join("secret.txt")).unwrap();
    Secret::parse(secret.trim()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(d.join("secret.txt")).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again = run(&["keygen", "--out-dir", p(&d)], None);
    assert_eq!(again.status.code(), Some(2));
    assert!(err(&again).contains("--force"), "{}", err(&again));
    assert_eq!(std::fs::read_to_string(d.join("secret.txt")).unwrap(), secret, "unchanged");
    ok(run(&["keygen", "--out-dir", p(&d), "--force"], None));
    assert_ne!(std::fs::read_to_string(d.join("secret.txt")).unwrap(), secret);

    let o = ok(run(&["keygen", "--kind", "ed25519", "--out-dir", p(&d), "--kid", "e"], None));
    assert!(!out(&o).contains("whsk_"), "{}", out(&o));
    let whsk = std::fs::read_to_string(d.join("ed25519.whsk")).unwrap();
    let jwks = Jwks::parse(&std::fs::read(d.join("jwks.json")).unwrap()).unwrap();
    let pk = hookwall::SigningKey::parse(whsk.trim().strip_prefix("whsk_").map(|_| whsk.trim()).unwrap())
        .unwrap()
        .public_key();
    assert_eq!(jwks.ed25519().next().unwrap().1.to_whpk(), pk.to_whpk());

    let o = run(&["keygen", "--jwks-out", p(&d.join("x.json"))], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no public key"), "{}", err(&o));
}

#[test]
fn verify_names_the_failing_step_and_reports_json() {
    let d = dir("verify");
    let body = d.join("old.json");
    let headers = d.join("old.headers");
    std::fs::write(&body, r#"{"type":"batch.expired","data":{"id":"b"}}"#).unwrap();
    let signed =
        ok(run(&["sign", "--secret", secret_1(), "--timestamp", "1000", "--id", "msg_old", "--body", p(&body)], None));
    std::fs::write(&headers, &signed.stdout).unwrap();
    let args = ["verify", "--secret", secret_1(), "--headers", p(&headers), "--body", p(&body)];
    let o = run(&[&args[..], &["--now", "2000"]].concat(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("✗ timestamp [timestamp_too_old]"), "{}", out(&o));
    assert!(out(&o).contains("✓ signature"), "the signature itself is fine: {}", out(&o));
    // Within a wider tolerance it verifies.
    ok(run(&[&args[..], &["--now", "2000", "--tolerance", "1000"]].concat(), None));

    let o = run(&[&args[..], &["--now", "1001", "--format", "json"]].concat(), None);
    let report: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(report["verdict"]["ok"], true, "{report}");
    assert_eq!(report["verdict"]["delivery"]["id"], "msg_old", "{report}");
    assert!(report["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true), "{report}");

    // A key that does not parse is a usage error (2), not a rejection (1).
    let o = run(&["verify", "--secret", "whsec_", "--headers", p(&headers), "--body", p(&body)], None);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    // A missing header is named.
    std::fs::write(&headers, "webhook-id: a\nwebhook-timestamp: 1000\n").unwrap();
    let o = run(&[&args[..], &["--now", "1000"]].concat(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("✗ headers [missing_header]") && out(&o).contains("webhook-signature"), "{}", out(&o));
}

// ---------------------------------------------------------------------------------------------
// send, against a real local receiver that verifies with the core

struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    verdict: Result<hookwall::Verified, hookwall::Rejection>,
}

/// An HTTP receiver for `requests` requests: it verifies each with `verifier` and answers 204, or
/// 401 with the rejection code; every request and verdict goes to the test.
fn receiver(verifier: Verifier, requests: usize) -> (String, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for _ in 0..requests {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            assert!(line.starts_with("POST /hook HTTP/1.1"), "{line}");
            let mut headers = Vec::new();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                let (k, v) = line.split_once(':').unwrap();
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
            let len = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map(|(_, v)| v.parse().unwrap())
                .expect("content-length");
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let verdict = verifier.verify(&body, headers.iter().map(|(k, v)| (k.as_str(), v.as_str())), now());
            let mut stream = stream;
            match &verdict {
                Ok(_) => write!(stream, "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").unwrap(),
                Err(e) => {
                    let code = e.code();
                    write!(
                        stream,
                        "HTTP/1.1 401 Unauthorized\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{code}",
                        code.len()
                    )
                    .unwrap()
                }
            }
            tx.send(Received { headers, body, verdict }).unwrap();
        }
    });
    (url, rx)
}

fn get<'a>(r: &'a Received, name: &str) -> &'a str {
    &r.headers.iter().find(|(k, _)| k == name).unwrap().1
}

#[test]
fn send_with_every_key_kind_is_verified_by_the_core() {
    let d = dir("send-all");
    let ed: Value =
        serde_json::from_str(&out(&ok(run(&["keygen", "--kind", "ed25519", "--kid", "ed", "--json"], None)))).unwrap();
    ok(run(&["keygen", "--kind", "rsa", "--kid", "r", "--out-dir", p(&d)], None));
    let mut jwks = serde_json::from_slice::<Value>(&std::fs::read(d.join("jwks.json")).unwrap()).unwrap();
    jwks["keys"].as_array_mut().unwrap().push(ed["jwks"]["keys"][0].clone());
    let jwks = Jwks::parse(jwks.to_string().as_bytes()).unwrap();

    // Three receivers, each trusting one kind of key only: every entry must verify on its own.
    let only_v1 = Verifier::builder().secret(Secret::parse(secret_2()).unwrap()).build();
    let only_v1a =
        Verifier::builder().public_key(PublicKey::parse(ed["public_key"].as_str().unwrap()).unwrap()).build();
    let only_jwt = {
        let mut rsa_only = serde_json::from_slice::<Value>(&std::fs::read(d.join("jwks.json")).unwrap()).unwrap();
        rsa_only["keys"].as_array_mut().unwrap().truncate(1);
        Verifier::builder().jwks(Jwks::parse(rsa_only.to_string().as_bytes()).unwrap()).any_tenant().build()
    };
    let all = Verifier::builder().jwks(jwks).any_tenant().build();
    for (name, verifier, scheme) in
        [("v1", only_v1, "v1"), ("v1a", only_v1a, "v1a"), ("jwt", only_jwt, "jwt"), ("jwks", all, "v1a")]
    {
        let (url, rx) = receiver(verifier, 1);
        let o = run_env(
            &[
                "send",
                "batch.succeeded",
                "--to",
                &url,
                "--secret",
                secret_2(),
                "--jwt-key",
                p(&d.join("rsa.pem")),
                "--kid",
                "r",
                "--format",
                "json",
            ],
            None,
            &[("HOOKWALL_SIGNING_KEY", ed["signing_key"].as_str().unwrap())],
        );
        let r = rx.recv().unwrap();
        let delivery = r.verdict.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(delivery.scheme.to_string(), scheme, "{name}");
        assert_eq!(delivery.event.as_ref().unwrap().event_type, "batch.succeeded");
        assert_eq!(get(&r, "content-type"), "application/json");
        assert_eq!(get(&r, "webhook-signature").split(' ').count(), 3, "{name}");
        let line: Value = serde_json::from_str(out(&ok(o)).trim()).unwrap();
        assert_eq!((line["n"].as_u64(), line["status"].as_u64()), (Some(1), Some(204)), "{line}");
        assert_eq!(line["id"], get(&r, "webhook-id"));
        assert_eq!(line["timestamp"].to_string(), get(&r, "webhook-timestamp"));
    }
}

#[test]
fn send_repeat_id_reuses_the_webhook_id_and_count_sends_fresh_events() {
    let verifier = Verifier::builder().secret(Secret::parse(secret_1()).unwrap()).build();
    let (url, rx) = receiver(verifier.clone(), 2);
    let o =
        ok(run(&["send", "batch.failed", "--to", &url, "--secret", secret_1(), "--count", "2", "--repeat-id"], None));
    let (a, b) = (rx.recv().unwrap(), rx.recv().unwrap());
    let (a_ok, b_ok) = (a.verdict.unwrap(), b.verdict.unwrap());
    assert_eq!(a_ok.id, b_ok.id, "--repeat-id reuses the webhook-id");
    assert_eq!(a_ok.event.unwrap().event_type, "batch.failed");
    let lines: Vec<String> = out(&o).lines().map(str::to_string).collect();
    assert_eq!(lines, vec![format!("[1] {} -> 204", a_ok.id), format!("[2] {} -> 204", a_ok.id)]);

    let (url, rx) = receiver(verifier, 3);
    ok(run_env(
        &["send", "interaction.failed", "--to", &url, "--count", "3"],
        None,
        &[("HOOKWALL_SECRET", secret_1())],
    ));
    let got: Vec<Received> = (0..3).map(|_| rx.recv().unwrap()).collect();
    let ids: std::collections::HashSet<&str> = got.iter().map(|r| get(r, "webhook-id")).collect();
    assert_eq!(ids.len(), 3, "fresh webhook-ids without --repeat-id");
    let bodies: std::collections::HashSet<&[u8]> = got.iter().map(|r| r.body.as_slice()).collect();
    assert_eq!(bodies.len(), 3, "fresh events");
    assert!(got.iter().all(|r| r.verdict.is_ok()));
}

#[test]
fn send_exits_non_zero_when_the_receiver_refuses() {
    let verifier = Verifier::builder().secret(Secret::parse(secret_1()).unwrap()).build();
    let (url, rx) = receiver(verifier.clone(), 1);
    let o = run(&["send", "video.generated", "--to", &url, "--secret", secret_1(), "--tamper"], None);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("-> 401 no_matching_signature"), "{}", out(&o));
    assert!(err(&o).contains("1 of 1 deliveries were not accepted"), "{}", err(&o));
    assert_eq!(rx.recv().unwrap().verdict.unwrap_err().code(), "no_matching_signature");

    // --tamper changes what a JWT binds too (the JSON, not only the bytes).
    let d = dir("tamper-jwt");
    let (pem, jwks) = (d.join("k.pem"), d.join("jwks.json"));
    ok(run(&["keygen", "--kind", "rsa", "--kid", "t1", "--key-out", p(&pem), "--jwks-out", p(&jwks)], None));
    let jwt_verifier =
        Verifier::builder().jwks(Jwks::parse(&std::fs::read(&jwks).unwrap()).unwrap()).any_tenant().build();
    let (url, rx) = receiver(jwt_verifier, 2);
    let send = |extra: &[&str]| {
        run(&[&["send", "batch.succeeded", "--to", &url, "--jwt-key", p(&pem), "--kid", "t1"], extra].concat(), None)
    };
    assert_eq!(send(&[]).status.code(), Some(0));
    assert!(rx.recv().unwrap().verdict.is_ok());
    assert_eq!(send(&["--tamper"]).status.code(), Some(1));
    assert_eq!(rx.recv().unwrap().verdict.unwrap_err().code(), "jwt_body_not_bound");

    // A stale timestamp, and the wrong secret.
    let (url, rx) = receiver(verifier.clone(), 2);
    let stale = (now() - 3600).to_string();
    assert_eq!(
        run(&["send", "batch.expired", "--to", &url, "--secret", secret_1(), "--timestamp", &stale], None)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(run(&["send", "batch.expired", "--to", &url, "--secret", secret_2()], None).status.code(), Some(1));
    assert_eq!(rx.recv().unwrap().verdict.unwrap_err().code(), "timestamp_too_old");
    assert_eq!(rx.recv().unwrap().verdict.unwrap_err().code(), "no_matching_signature");

    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let o = run(&["send", "batch.expired", "--to", &format!("http://127.0.0.1:{port}/"), "--secret", secret_1()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("-> error: "), "{}", out(&o));
}

#[test]
fn send_a_body_file_as_is() {
    let d = dir("send-body");
    let body = d.join("b.json");
    std::fs::write(&body, "{\"anything\": [1, 2]}\n").unwrap();
    let verifier = Verifier::builder().secret(Secret::parse(secret_1()).unwrap()).payload(PayloadRule::Any).build();
    let (url, rx) = receiver(verifier, 1);
    ok(run(&["send", "--body", p(&body), "--to", &url, "--secret", secret_1(), "--id", "msg_fixed"], None));
    let r = rx.recv().unwrap();
    assert_eq!(r.body, std::fs::read(&body).unwrap(), "the exact bytes");
    assert_eq!(r.verdict.unwrap().id, "msg_fixed");
}

#[test]
fn help_documents_the_catalog_formats_and_exit_status() {
    let top = out(&ok(run(&["--help"], None)));
    assert!(top.contains("Exit status: 0") && top.contains("HOOKWALL_SIGNING_KEY"), "{top}");
    let send = out(&ok(run(&["send", "--help"], None)));
    for (t, _) in CATALOG {
        assert!(send.contains(t), "send --help lists {t}");
    }
    let sign = out(&ok(run(&["sign", "--help"], None)));
    for f in ["headers", "curl", "http", "json"] {
        assert!(sign.contains(f), "sign --help names --format {f}");
    }
}

#[test]
fn the_readme_sequence_works_as_written() {
    // README.md "The hookwall command": event > event.json; sign --body event.json > headers.txt; verify.
    let d = dir("readme");
    let (event, headers) = (d.join("event.json"), d.join("headers.txt"));
    std::fs::write(&event, ok(run(&["event", "batch.failed"], None)).stdout).unwrap();
    std::fs::write(&headers, ok(run(&["sign", "--secret", secret_1(), "--body", p(&event)], None)).stdout).unwrap();
    let v = ok(run(&["verify", "--secret", secret_1(), "--headers", p(&headers), "--body", p(&event)], None));
    assert!(out(&v).contains("✓ payload: event batch.failed"), "{}", out(&v));
    // The body from standard input is the same bytes as from the file.
    let from_stdin = ok(run(
        &["sign", "--secret", secret_1(), "--id", "m", "--timestamp", "5"],
        Some(&std::fs::read(&event).unwrap()),
    ));
    let from_file =
        ok(run(&["sign", "--secret", secret_1(), "--id", "m", "--timestamp", "5", "--body", p(&event)], None));
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn send_speaks_tls_to_https_urls() {
    // No certificate is available offline, so check the first bytes: a TLS ClientHello record.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/", listener.local_addr().unwrap().port());
    let first = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = [0u8; 3];
        stream.read_exact(&mut head).unwrap();
        head
    });
    let o = run(&["send", "batch.succeeded", "--to", &url, "--secret", secret_1(), "--timeout", "5"], None);
    let head = first.join().unwrap();
    assert_eq!(head[0], 0x16, "a TLS handshake record, not plain HTTP: {head:?}");
    assert_eq!(head[1], 0x03, "TLS record version 3.x");
    assert_eq!(o.status.code(), Some(1), "no answer is not an acceptance: {}", out(&o));
    assert!(out(&o).contains("-> error: "), "{}", out(&o));
}
