//! The adversarial table (`e2e/adversarial-cases.json`, shared with the worker's end-to-end
//! suite): every bad input gets its specific rejection code from the core.

use std::sync::OnceLock;

use hookwall::{Jwks, PublicKey, Secret, Verifier, sign_v1};
use serde_json::Value;

const TABLE: &str = include_str!("../e2e/adversarial-cases.json");
const NOW: u64 = 1_767_225_600;

/// The table's base delivery comes from the protocol vectors (tests/vectors.json, the one
/// copy): the first secret, the Gemini-shaped body, and a JWKS of the RFC 8032 key. Read here,
/// not through tests/common, because tests/crypto_provider.rs includes this file beside it.
fn vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(include_str!("vectors.json")).expect("tests/vectors.json is JSON"))
}

fn base_secret() -> &'static str {
    vectors()["secrets"][0].as_str().expect("tests/vectors.json: secrets[0]")
}

fn base_event() -> &'static str {
    vectors()["gemini"]["body"].as_str().expect("tests/vectors.json: gemini.body")
}

fn default_jwks() -> String {
    format!(r#"{{"keys": [{}]}}"#, vectors()["rfc8032"]["jwk"])
}

/// Expands `{now}`, `{now±N}`, `{repeat:S:N}`, `{repeatjoin:S:N}` and, when `v1` is given,
/// `{v1}` / `{v1:raw}`. Other braces (JSON) are literal.
fn expand(text: &str, v1: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let known = ["now", "repeat:", "repeatjoin:", "v1}", "v1:raw}"].iter().any(|p| after.starts_with(p));
        let end = after.rfind_placeholder_end();
        match (known, end) {
            (true, Some(end)) => {
                out.push_str(&placeholder(&after[..end], v1));
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

trait PlaceholderEnd {
    fn rfind_placeholder_end(&self) -> Option<usize>;
}
impl PlaceholderEnd for str {
    /// The `}` closing a placeholder: the first `}` after a `:<digits>` or a plain name.
    fn rfind_placeholder_end(&self) -> Option<usize> {
        if self.starts_with("repeat") {
            // {repeat:S:N} / {repeatjoin:S:N}: N is digits followed by '}'
            let bytes = self.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b':' {
                    let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
                    if digits > 0 && bytes.get(i + 1 + digits) == Some(&b'}') {
                        return Some(i + 1 + digits);
                    }
                }
                i += 1;
            }
            None
        } else {
            self.find('}')
        }
    }
}

fn placeholder(p: &str, v1: Option<&str>) -> String {
    if p == "now" {
        return NOW.to_string();
    }
    if let Some(n) = p.strip_prefix("now+") {
        return (NOW + n.parse::<u64>().unwrap()).to_string();
    }
    if let Some(n) = p.strip_prefix("now-") {
        return (NOW - n.parse::<u64>().unwrap()).to_string();
    }
    if let Some(spec) = p.strip_prefix("repeatjoin:") {
        let (s, n) = spec.rsplit_once(':').unwrap();
        return vec![s; n.parse().unwrap()].join(" ");
    }
    if let Some(spec) = p.strip_prefix("repeat:") {
        let (s, n) = spec.rsplit_once(':').unwrap();
        return s.repeat(n.parse().unwrap());
    }
    let sig = v1.expect("{v1} needs a signature");
    match p {
        "v1" => sig.to_string(),
        "v1:raw" => sig.trim_start_matches("v1,").to_string(),
        other => panic!("unknown placeholder {other}"),
    }
}

fn field<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case.get(name).and_then(Value::as_str)
}

fn decode_hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn every_adversarial_delivery_gets_its_code() {
    adversarial_table(&hookwall::RUST_CRYPTO);
}

/// The table under a given crypto provider (tests/crypto_provider.rs runs it under a second one).
pub fn adversarial_table(crypto: &'static dyn hookwall::CryptoProvider) {
    let doc: Value = serde_json::from_str(TABLE).unwrap();
    let secret = Secret::parse(base_secret()).unwrap();
    let default_jwks = default_jwks();
    let default_jwks = default_jwks.as_str();
    let cases = doc["deliveries"].as_array().unwrap();
    assert!(cases.len() >= 60, "at least 60 distinct bad inputs, got {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = field(case, "name").unwrap();
        let id = expand(field(case, "id").unwrap_or("msg_adv"), None);
        let ts = expand(field(case, "ts").unwrap_or("{now}"), None);
        let body: Vec<u8> = match (field(case, "body_hex"), field(case, "body")) {
            (Some(hex), _) => decode_hex(hex),
            (None, Some(b)) => expand(b, None).into_bytes(),
            (None, None) => base_event().as_bytes().to_vec(),
        };
        let sign_id = field(case, "sign_id").map_or(id.clone(), String::from);
        let sign_ts = field(case, "sign_ts").map_or(ts.clone(), String::from);
        let sign_body = field(case, "sign_body").map_or(body.clone(), |b| b.as_bytes().to_vec());
        let v1 = sign_v1(&secret, &sign_id, sign_ts.parse().unwrap_or(0), &sign_body);
        let v1 = if sign_ts.parse::<u64>().is_ok() { v1 } else { "v1,AAAA".into() };
        let headers: Vec<(String, String)> = match case.get("headers") {
            Some(list) => list
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap().to_string(), expand(p[1].as_str().unwrap(), Some(&v1))))
                .collect(),
            None => vec![
                ("webhook-id".into(), id.clone()),
                ("webhook-timestamp".into(), ts.clone()),
                ("webhook-signature".into(), expand(field(case, "sig").unwrap_or("{v1}"), Some(&v1))),
            ],
        };
        let jwks = Jwks::parse(field(case, "jwks").unwrap_or(default_jwks).as_bytes()).unwrap();
        let verifier = Verifier::builder().secret(secret.clone()).jwks(jwks).crypto(crypto).build();
        let pairs = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let got = verifier.verify(&body, pairs, NOW);
        let want = (field(case, "expect").unwrap(), case["status"].as_u64().unwrap() as u16);
        match got {
            Ok(_) => failures.push(format!("{name}: verified, expected {want:?}")),
            Err(e) if (e.code(), e.http_status()) != want => {
                failures.push(format!("{name}: got {:?}, expected {want:?}", (e.code(), e.http_status())))
            }
            Err(_) => {}
        }
        // The detailed report reaches the same verdict.
        let report = verifier.verify_detailed(&body, headers.iter().map(|(k, v)| (k.as_str(), v.as_str())), NOW);
        if report.verdict.as_ref().err().map(|e| e.code()) != Some(want.0) {
            failures.push(format!("{name}: verify_detailed disagrees"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn the_unmodified_base_delivery_verifies() {
    // Guards the table: without an override, the base delivery must pass, or every case
    // above would "fail" for the wrong reason.
    let secret = Secret::parse(base_secret()).unwrap();
    let body = base_event().as_bytes();
    let sig = sign_v1(&secret, "msg_adv", NOW, body);
    let v = Verifier::builder().secret(secret).build();
    let now = NOW.to_string();
    assert!(
        v.verify(
            body,
            [("webhook-id", "msg_adv"), ("webhook-timestamp", now.as_str()), ("webhook-signature", sig.as_str())],
            NOW
        )
        .is_ok()
    );
}

#[test]
fn every_bad_secret_key_and_jwks_is_refused_with_its_code() {
    let doc: Value = serde_json::from_str(TABLE).unwrap();
    for case in doc["config"].as_array().unwrap() {
        let name = field(case, "name").unwrap();
        let want = field(case, "expect").unwrap();
        let got = if let Some(s) = field(case, "secret") {
            Secret::parse(s).map(|_| ()).map_err(|e| e.code())
        } else if let Some(k) = field(case, "public_key") {
            PublicKey::parse(k).map(|_| ()).map_err(|e| e.code())
        } else {
            Jwks::parse(field(case, "jwks").unwrap().as_bytes()).map(|_| ()).map_err(|e| e.code())
        };
        assert_eq!(got, Err(want), "{name}");
    }
}
