//! The whole entry point: body, id, timestamp and signature from the input (split at 0xFF),
//! with a real secret and Ed25519 key configured. Never panics; verify, verify_detailed (with
//! and without revealed signatures) and evaluate agree on the whole verdict; nothing but a
//! correct signature verifies.
#![no_main]
use std::sync::OnceLock;

use hookwall::{Jwks, PayloadRule, Secret, Verifier};
use libfuzzer_sys::fuzz_target;

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let jwks = Jwks::parse(br#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k"}]}"#).unwrap();
        Verifier::builder()
            .secret(Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap())
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
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let expected = hookwall::sign_v1(&secret, &d.id, d.timestamp, body);
        let sig = std::str::from_utf8(sig).unwrap_or_default();
        assert!(sig.split(' ').any(|e| e == expected || e.trim_end_matches('=') == expected.trim_end_matches('=')) || d.scheme != hookwall::Scheme::V1);
    }
});
