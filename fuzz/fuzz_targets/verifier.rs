//! The whole entry point: body, id, timestamp and signature from the input (split at 0xFF),
//! with a real secret and Ed25519 key configured. Never panics; verify, verify_detailed (with
//! and without revealed signatures) and evaluate agree on the whole verdict; nothing but a
//! correct signature verifies.
#![no_main]
use std::sync::OnceLock;

use hookwall::{Jwks, PayloadRule, Secret, Verifier};
use libfuzzer_sys::fuzz_target;

/// tests/vectors.json, the one copy of the protocol vectors, read as text (no JSON parser here).
const VECTORS: &str = include_str!("../../tests/vectors.json");

/// The text of VECTORS after `key` from the first `open` to the first `close` after it
/// (inclusive when `keep`): the vectors' flat strings and objects need no more.
fn vector(key: &str, open: char, close: char, keep: bool) -> &'static str {
    let rest = &VECTORS[VECTORS.find(key).expect("key in tests/vectors.json") + key.len()..];
    let start = rest.find(open).unwrap();
    let end = start + 1 + rest[start + 1..].find(close).unwrap();
    if keep { &rest[start..=end] } else { &rest[start + 1..end] }
}

/// The first secret of the vectors.
fn secret_text() -> &'static str {
    vector("\"secrets\"", '"', '"', false)
}

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        // The RFC 8032 key, as a JWKS of its one entry.
        let jwks = Jwks::parse(format!(r#"{{"keys":[{}]}}"#, vector("\"jwk\"", '{', '}', true)).as_bytes()).unwrap();
        Verifier::builder()
            .secret(Secret::parse(secret_text()).unwrap())
            .jwks(jwks)
            .payload(PayloadRule::Any)
            .any_tenant()
            .build()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0xff);
    let (body, id, ts, sig) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let headers = [(&b"webhook-id"[..], id), (b"webhook-timestamp", ts), (b"webhook-signature", sig)];
    let now = 1_614_265_330;
    let plain = verifier().verify(body, headers, now);
    let detailed = verifier().verify_detailed(body, headers, now);
    assert_eq!(plain, detailed.verdict);
    let revealing = verifier().verify_detailed_with(body, headers, now, hookwall::ReportOptions { reveal_expected_signatures: true });
    assert_eq!(plain, revealing.verdict);
    assert_eq!(plain, verifier().evaluate(body, headers, now).verdict());
    if let Ok(d) = plain {
        // Anything that verifies must carry the v1 signature of the secret (or the v1a of the key).
        let secret = Secret::parse(secret_text()).unwrap();
        let expected = hookwall::sign_v1(&secret, &d.id, d.timestamp, body);
        let sig = std::str::from_utf8(sig).unwrap_or_default();
        assert!(sig.split(' ').any(|e| e == expected || e.trim_end_matches('=') == expected.trim_end_matches('=')) || d.scheme != hookwall::Scheme::V1);
    }
});
