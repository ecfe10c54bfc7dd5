//! µs per verification, natively: v1 at 256 B / 4 KiB / 64 KiB, v1 with three secrets of which
//! the last matches, v1a (Ed25519 via JWKS, one key and three), RS256 JWT (2048-bit), and the
//! worst case an unauthenticated sender can force (a fresh timestamp, 32 wrong entries of every
//! scheme, genuine JWTs that bind another body, a body at the 256 KiB cap), next to valid `v1`
//! and `v1a` deliveries of the same body. Run: `cargo bench --bench verify` (about 1 min), or add `-- --quick`.

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

/// An event whose `data` is `size` bytes of small JSON values: the costliest body to parse.
fn dense_body(size: usize) -> Vec<u8> {
    let mut b = br#"{"type":"batch.succeeded","data":{"l":["#.to_vec();
    let item = br#"{"a":[1,2.5,"s",null]},"#;
    while b.len() + item.len() + 4 < size {
        b.extend_from_slice(item);
    }
    b.extend_from_slice(br#"0]}}"#);
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
    g.bench_function("v1/256B/3-secrets-last-matches", |bn| {
        bn.iter(|| three.verify(black_box(&b), black_box(h), NOW).unwrap())
    });

    let sk = SigningKey::from_seed(&[7; 32]);
    let jwks = Jwks::parse(serde_json::json!({"keys": [sk.public_key().to_jwk("e")]}).to_string().as_bytes()).unwrap();
    let v1a = Verifier::builder().jwks(jwks).any_tenant().build();
    let sig = sign_v1a(&sk, ID, NOW, &b);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(v1a.verify(&b, h, NOW).is_ok());
    g.bench_function("v1a/256B", |bn| bn.iter(|| v1a.verify(black_box(&b), black_box(h), NOW).unwrap()));

    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
    let public = key.to_public_key();
    let jwk = hookwall::jwks::RsaKey::from_components(&public.n_bytes(), &public.e_bytes()).unwrap().to_jwk("r");
    let jwks = Jwks::parse(serde_json::json!({ "keys": [jwk] }).to_string().as_bytes()).unwrap();
    let rs = Verifier::builder().jwks(jwks).any_tenant().build();
    let event: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let token = sign_rs256(&key, "r", &serde_json::json!({"event": event, "iat": NOW, "exp": NOW + 300})).unwrap();
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", token.as_str())];
    assert!(rs.verify(&b, h, NOW).is_ok());
    g.bench_function("rs256-jwt/256B", |bn| bn.iter(|| rs.verify(black_box(&b), black_box(h), NOW).unwrap()));

    // Three Ed25519 keys in the JWKS (as reported for Gemini), the last one signs.
    let sks: Vec<SigningKey> = (10u8..13).map(|i| SigningKey::from_seed(&[i; 32])).collect();
    let keys: Vec<_> = sks.iter().enumerate().map(|(i, k)| k.public_key().to_jwk(&format!("k{i}"))).collect();
    let three_keys = Verifier::builder()
        .jwks(Jwks::parse(serde_json::json!({ "keys": keys }).to_string().as_bytes()).unwrap())
        .any_tenant()
        .build();
    let sig = sign_v1a(&sks[2], ID, NOW, &b);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(three_keys.verify(&b, h, NOW).is_ok());
    g.bench_function("v1a/256B/3-jwks-keys-last-matches", |bn| {
        bn.iter(|| three_keys.verify(black_box(&b), black_box(h), NOW).unwrap())
    });

    // A rejection: the body changed in transit (the common failure path).
    let sig = sign_v1(&secret(1), ID, NOW, &b);
    let mut tampered = b.clone();
    tampered[40] ^= 1;
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(one.verify(&tampered, h, NOW).is_err());
    g.bench_function("v1/256B/rejected", |bn| {
        bn.iter(|| one.verify(black_box(&tampered), black_box(h), NOW).unwrap_err())
    });
    g.finish();

    // The most work one unauthenticated request can cause: no valid signature is needed, only a
    // fresh timestamp; well-formed but wrong signatures up to the caps (32 entries, of which at
    // most 4 v1a), 256 KiB body.
    let mut w = c.benchmark_group("worst-case");
    w.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(300));
    let big = body(hookwall::DEFAULT_MAX_BODY_BYTES);
    let wrong_v1 = vec![format!("v1,{}", "A".repeat(43) + "="); hookwall::signature::MAX_ENTRIES].join(" ");
    let rotation = Verifier::builder().secret(secret(1)).secret(secret(2)).build();
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", wrong_v1.as_str())];
    assert_eq!(rotation.verify(&big, h, NOW).unwrap_err().code(), "no_matching_signature");
    w.bench_function("v1/256KiB/32-wrong-entries/2-secrets", |bn| {
        bn.iter(|| rotation.verify(black_box(&big), black_box(h), NOW).unwrap_err())
    });
    // Four distinct entries (identical ones are checked once).
    let wrong_v1a: Vec<String> = (0..hookwall::signature::MAX_ASYMMETRIC_ENTRIES as u8)
        .map(|i| sign_v1a(&SigningKey::from_seed(&[99 - i; 32]), ID, NOW, &big))
        .collect();
    let wrong_v1a = wrong_v1a.join(" ");
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", wrong_v1a.as_str())];
    assert_eq!(three_keys.verify(&big, h, NOW).unwrap_err().code(), "no_matching_signature");
    w.bench_function("v1a/256KiB/4-wrong-entries/3-jwks-keys", |bn| {
        bn.iter(|| three_keys.verify(black_box(&big), black_box(h), NOW).unwrap_err())
    });

    // Every scheme at once against a receiver that trusts everything: 2 secrets, 3 Ed25519
    // JWKS keys and the RSA key. The body is at the cap and made of many small JSON values
    // (the costliest to parse); 28 wrong v1 entries, 2 wrong v1a entries and 2 distinct JWTs
    // with genuine signatures that bind another body (so each gets past RSA to the binding).
    let dense = dense_body(hookwall::DEFAULT_MAX_BODY_BYTES);
    let mut keys: Vec<_> = sks.iter().enumerate().map(|(i, k)| k.public_key().to_jwk(&format!("k{i}"))).collect();
    keys.push(jwk.clone());
    let all_jwks = Jwks::parse(serde_json::json!({ "keys": keys }).to_string().as_bytes()).unwrap();
    let everything = Verifier::builder().secret(secret(1)).secret(secret(2)).jwks(all_jwks).any_tenant().build();
    let mut entries = vec![format!("v1,{}", "A".repeat(43) + "="); hookwall::signature::MAX_ENTRIES - 4];
    for seed in [98u8, 99] {
        entries.push(sign_v1a(&SigningKey::from_seed(&[seed; 32]), ID, NOW, &dense));
    }
    for n in 0..2u64 {
        let claims = serde_json::json!({"type": "x", "body_sha256": "A".repeat(43), "iat": NOW, "exp": NOW + 300 + n});
        entries.push(sign_rs256(&key, "r", &claims).unwrap());
    }
    let all = entries.join(" ");
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", all.as_str())];
    assert_eq!(everything.verify(&dense, h, NOW).unwrap_err().code(), "jwt_body_not_bound");
    w.bench_function("all-schemes/256KiB-dense/28-v1+2-v1a+2-signed-jwt", |bn| {
        bn.iter(|| everything.verify(black_box(&dense), black_box(h), NOW).unwrap_err())
    });
    let wrong_v1a: Vec<String> =
        (90u8..94).map(|seed| sign_v1a(&SigningKey::from_seed(&[seed; 32]), ID, NOW, &dense)).collect();
    let mut entries = vec![format!("v1,{}", "A".repeat(43) + "="); hookwall::signature::MAX_ENTRIES - 4];
    entries.extend(wrong_v1a);
    let all = entries.join(" ");
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", all.as_str())];
    assert_eq!(everything.verify(&dense, h, NOW).unwrap_err().code(), "no_matching_signature");
    w.bench_function("all-schemes/256KiB-dense/28-v1+4-v1a", |bn| {
        bn.iter(|| everything.verify(black_box(&dense), black_box(h), NOW).unwrap_err())
    });
    let mut entries = vec![format!("v1,{}", "A".repeat(43) + "="); hookwall::signature::MAX_ENTRIES - 4];
    for n in 0..4u64 {
        let claims = serde_json::json!({"type": "x", "body_sha256": "A".repeat(43), "iat": NOW, "exp": NOW + 300 + n});
        entries.push(sign_rs256(&key, "r", &claims).unwrap());
    }
    let all = entries.join(" ");
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", all.as_str())];
    assert_eq!(everything.verify(&dense, h, NOW).unwrap_err().code(), "jwt_body_not_bound");
    w.bench_function("all-schemes/256KiB-dense/28-v1+4-signed-jwt", |bn| {
        bn.iter(|| everything.verify(black_box(&dense), black_box(h), NOW).unwrap_err())
    });
    // Valid deliveries of the same body, for scale.
    let sig = sign_v1(&secret(1), ID, NOW, &dense);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(everything.verify(&dense, h, NOW).is_ok());
    w.bench_function("valid-v1/256KiB-dense", |bn| {
        bn.iter(|| everything.verify(black_box(&dense), black_box(h), NOW).unwrap())
    });
    let sig = sign_v1a(&sks[2], ID, NOW, &dense);
    let h = [("webhook-id", ID), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    assert!(everything.verify(&dense, h, NOW).is_ok());
    w.bench_function("valid-v1a/256KiB-dense/3rd-key", |bn| {
        bn.iter(|| everything.verify(black_box(&dense), black_box(h), NOW).unwrap())
    });
    w.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
