//! µs per verification, natively: v1 at 256 B / 4 KiB / 64 KiB, v1 with three secrets of which
//! the last matches, v1a (Ed25519 via JWKS), RS256 JWT (2048-bit). Run: `cargo bench --bench verify`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hookwall::jwt::sign_rs256;
use hookwall::{Jwks, Secret, SigningKey, Verifier, sign_v1, sign_v1a};
use rsa::traits::PublicKeyParts;

const ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const NOW: u64 = 1_767_225_600;

/// A Gemini-shaped event padded with a filler field to `size` bytes.
fn body(size: usize) -> Vec<u8> {
    let head = r#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl","pad":""#;
    let tail = "\"}}";
    let mut b = head.as_bytes().to_vec();
    b.resize(size - tail.len(), b'x');
    b.extend_from_slice(tail.as_bytes());
    b
}

fn secret(seed: u8) -> Secret {
    Secret::from_bytes(&[seed; 32]).unwrap()
}

fn bench(c: &mut Criterion) {
    let ts = NOW.to_string();
    let mut g = c.benchmark_group("verify");
    g.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));

    let one = Verifier::builder().secret(secret(1)).build();
    for size in [256, 4096, 65536] {
        let b = body(size);
        let sig = sign_v1(&secret(1), ID, NOW, &b);
        let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
        assert!(one.verify(&b, h, NOW).is_ok());
        g.bench_function(format!("v1/{size}B"), |bn| bn.iter(|| one.verify(black_box(&b), black_box(h), NOW).unwrap()));
    }

    let three = Verifier::builder().secret(secret(2)).secret(secret(3)).secret(secret(1)).build();
    let b = body(256);
    let sig = sign_v1(&secret(1), ID, NOW, &b);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(three.verify(&b, h, NOW).is_ok());
    g.bench_function("v1/256B/3-secrets-last-matches", |bn| bn.iter(|| three.verify(black_box(&b), black_box(h), NOW).unwrap()));

    let sk = SigningKey::from_seed(&[7; 32]);
    let jwks = Jwks::parse(serde_json::json!({"keys": [sk.public_key().to_jwk("e")]}).to_string().as_bytes()).unwrap();
    let v1a = Verifier::builder().jwks(jwks).build();
    let sig = sign_v1a(&sk, ID, NOW, &b);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(v1a.verify(&b, h, NOW).is_ok());
    g.bench_function("v1a/256B", |bn| bn.iter(|| v1a.verify(black_box(&b), black_box(h), NOW).unwrap()));

    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
    let public = key.to_public_key();
    let jwk = hookwall::jwks::RsaKey::from_components(&public.n_bytes(), &public.e_bytes()).unwrap().to_jwk("r");
    let jwks = Jwks::parse(serde_json::json!({ "keys": [jwk] }).to_string().as_bytes()).unwrap();
    let rs = Verifier::builder().jwks(jwks).build();
    let event: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let token = sign_rs256(&key, "r", &serde_json::json!({"event": event, "iat": NOW, "exp": NOW + 300})).unwrap();
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", token.as_str())];
    assert!(rs.verify(&b, h, NOW).is_ok());
    g.bench_function("rs256-jwt/256B", |bn| bn.iter(|| rs.verify(black_box(&b), black_box(h), NOW).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
