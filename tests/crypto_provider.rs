//! The crypto-provider seam: the reference vectors, the adversarial table and RS256 tokens give
//! the same verdicts under a second provider, every primitive goes through it, and the rules
//! stay in the core even under a provider laxer than the default.

#[allow(dead_code)]
#[path = "adversarial.rs"]
mod adversarial;
mod common;

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use common::*;
use hookwall::crypto::{CryptoProvider, RUST_CRYPTO};
use hookwall::jwks::RsaKey;
use hookwall::{Jwks, PayloadRule, PublicKey, Secret, SigningKey, Verifier, sign_v1a};
use serde_json::json;

/// Wraps the default provider and counts calls (and, when `lax`, verifies Ed25519 the
/// non-strict way, as a host library might).
#[derive(Debug)]
struct Counting {
    hmac: AtomicUsize,
    sha256: AtomicUsize,
    ed25519: AtomicUsize,
    rsa: AtomicUsize,
    lax: bool,
}

impl Counting {
    const fn new(lax: bool) -> Self {
        Counting {
            hmac: AtomicUsize::new(0),
            sha256: AtomicUsize::new(0),
            ed25519: AtomicUsize::new(0),
            rsa: AtomicUsize::new(0),
            lax,
        }
    }
}

impl CryptoProvider for Counting {
    fn hmac_sha256(&self, key: &Secret, parts: &[&[u8]]) -> [u8; 32] {
        self.hmac.fetch_add(1, Relaxed);
        // Keyed from the exposed bytes, as a host provider does.
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.expose_bytes()).unwrap();
        parts.iter().for_each(|p| mac.update(p));
        mac.finalize().into_bytes().into()
    }
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        self.sha256.fetch_add(1, Relaxed);
        RUST_CRYPTO.sha256(data)
    }
    fn ed25519_verify(&self, key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
        self.ed25519.fetch_add(1, Relaxed);
        if self.lax {
            let key = ed25519_dalek::VerifyingKey::from_bytes(key.as_bytes()).unwrap();
            key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
                || ed25519_dalek::Verifier::verify(&key, message, &ed25519_dalek::Signature::from_bytes(signature))
                    .is_ok()
        } else {
            RUST_CRYPTO.ed25519_verify(key, message, signature)
        }
    }
    fn rsa_pkcs1v15_sha256_verify(&self, key: &RsaKey, message: &[u8], signature: &[u8]) -> bool {
        self.rsa.fetch_add(1, Relaxed);
        // From (n, e) bytes, as a host provider does.
        let n = rsa::BoxedUint::from_be_slice_vartime(key.n_bytes());
        let e = rsa::BoxedUint::from_be_slice_vartime(key.e_bytes());
        let key = rsa::PublicKey::new_with_size_limits(n, e, 512..=8192).unwrap();
        key.pkcs1v15_verify::<sha2::Sha256>(message, signature).is_ok()
    }
}

static COUNTING: Counting = Counting::new(false);
static LAX: Counting = Counting::new(true);

#[test]
fn the_adversarial_table_under_a_second_provider() {
    let before = COUNTING.hmac.load(Relaxed);
    adversarial::adversarial_table(&COUNTING);
    assert!(COUNTING.hmac.load(Relaxed) > before, "v1 went through the provider");
    adversarial::adversarial_table(&LAX);
}

#[test]
fn the_reference_and_gemini_vectors_under_a_second_provider() {
    let start = COUNTING.hmac.load(Relaxed);
    let list = vectors()["reference"].as_array().unwrap();
    for (i, r) in list.iter().enumerate() {
        let secret = secret(text(&format!("/secrets/{}", r["secret"])));
        let ts = r["timestamp"].as_u64().unwrap().to_string();
        let (id, body, sig) =
            (r["id"].as_str().unwrap(), r["body"].as_str().unwrap(), r["signature"].as_str().unwrap());
        for crypto in [&RUST_CRYPTO as &'static dyn CryptoProvider, &COUNTING] {
            let v = Verifier::builder().secret(secret.clone()).payload(PayloadRule::Any).crypto(crypto).build();
            let now = r["timestamp"].as_u64().unwrap();
            assert!(verify(&v, body.as_bytes(), id, &ts, sig, now).is_ok(), "reference {i}");
            let tampered = format!("{body} ");
            assert_eq!(code(verify(&v, tampered.as_bytes(), id, &ts, sig, now)), "no_matching_signature");
        }
    }
    for i in 0..2 {
        let v = Verifier::builder().secret(secret(secret_1())).secret(secret(secret_2())).crypto(&COUNTING).build();
        let sig = text(&format!("/gemini/v1/{i}"));
        let ts = gemini_ts().to_string();
        assert!(verify(&v, gemini_body().as_bytes(), gemini_id(), &ts, sig, gemini_ts()).is_ok());
    }
    let v = Verifier::builder().jwks(jwks(&[rfc8032_jwk()])).any_tenant().crypto(&COUNTING).build();
    let ed = COUNTING.ed25519.load(Relaxed);
    let sig = text("/gemini/v1a");
    let ts = gemini_ts().to_string();
    assert!(verify(&v, gemini_body().as_bytes(), gemini_id(), &ts, sig, gemini_ts()).is_ok());
    assert!(COUNTING.ed25519.load(Relaxed) > ed);
    assert!(COUNTING.hmac.load(Relaxed) >= start + 2 * list.len() + 2);
}

/// A signature with the identity as `R` (order 1), valid under the cofactorless equation:
/// `s = k·a`. Non-strict Ed25519 (some host libraries) accepts it; hookwall must not.
#[test]
fn small_order_r_is_refused_even_by_a_lax_provider() {
    use curve25519_dalek::scalar::Scalar;
    use sha2::Digest;
    let seed = [7u8; 32];
    let sk = SigningKey::from_seed(&seed);
    let pk = sk.public_key();
    let (id, ts, body) = ("msg_1", 1_767_225_600u64, br#"{"type":"x"}"#);
    let message = format!("{id}.{ts}.{}", std::str::from_utf8(body).unwrap());
    let mut r = [0u8; 32];
    r[0] = 1; // the identity
    let h = sha2::Sha512::digest(seed);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let k = Scalar::from_bytes_mod_order_wide(
        &sha2::Sha512::new().chain_update(r).chain_update(pk.as_bytes()).chain_update(&message).finalize().into(),
    );
    let s = k * Scalar::from_bytes_mod_order(a);
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r);
    sig[32..].copy_from_slice(s.as_bytes());
    // The forged signature really is valid under the cofactorless, non-strict rule...
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(pk.as_bytes()).unwrap();
    assert!(
        ed25519_dalek::Verifier::verify(&dalek, message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok()
    );
    assert!(LAX.ed25519_verify(&pk, message.as_bytes(), &sig));
    // ...and refused by the core under every provider.
    assert!(!pk.verify_with(&LAX, message.as_bytes(), &sig));
    assert!(!pk.verify_with(&RUST_CRYPTO, message.as_bytes(), &sig));
    let header = format!("v1a,{}", b64(&sig));
    for crypto in [&LAX as &'static dyn CryptoProvider, &RUST_CRYPTO] {
        let v = Verifier::builder().public_key(pk.clone()).crypto(crypto).build();
        assert_eq!(code(verify(&v, body, id, &ts.to_string(), &header, ts)), "no_matching_signature");
    }
    // An honest signature verifies under both.
    let honest = sign_v1a(&sk, id, ts, body);
    for crypto in [&LAX as &'static dyn CryptoProvider, &RUST_CRYPTO] {
        let v = Verifier::builder().public_key(pk.clone()).crypto(crypto).build();
        assert!(verify(&v, body, id, &ts.to_string(), &honest, ts).is_ok());
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The core's list of small-order encodings is exactly curve25519-dalek's: every torsion
/// point, with either sign bit, and the non-canonical encodings of y = 0 and 1.
#[test]
fn small_order_encodings_match_curve25519_dalek() {
    use curve25519_dalek::edwards::CompressedEdwardsY;
    let mut checked = 0;
    for t in curve25519_dalek::constants::EIGHT_TORSION {
        for sign in [0u8, 0x80] {
            let mut enc = t.compress().to_bytes();
            enc[31] ^= sign;
            if let Some(p) = CompressedEdwardsY(enc).decompress() {
                assert!(p.is_small_order());
                checked += 1;
                // A signature with this R is refused before any provider is asked.
                let mut sig = [0u8; 64];
                sig[..32].copy_from_slice(&enc);
                let pk = SigningKey::from_seed(&[1; 32]).public_key();
                let before = COUNTING.ed25519.load(Relaxed);
                assert!(!pk.verify_with(&COUNTING, b"m", &sig), "{enc:?}");
                assert_eq!(COUNTING.ed25519.load(Relaxed), before);
            }
        }
    }
    assert!(checked >= 8);
    // Random encodings: the core's rule agrees with dalek's wherever dalek decompresses.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2000 {
        let mut enc = [0u8; 32];
        for b in enc.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&enc);
        let small = CompressedEdwardsY(enc).decompress().is_some_and(|p| p.is_small_order());
        assert!(!small);
    }
    // The non-canonical identities (y = p + 1) and zero (y = p) are small order too.
    let pk = SigningKey::from_seed(&[1; 32]).public_key();
    for low in [0xedu8, 0xee] {
        let mut enc = [0xffu8; 32];
        enc[31] = 0x7f;
        enc[0] = low;
        if let Some(p) = CompressedEdwardsY(enc).decompress() {
            assert!(p.is_small_order());
        }
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&enc);
        assert!(!pk.verify_with(&COUNTING, b"m", &sig));
    }
}

#[test]
fn rs256_under_a_second_provider_and_the_length_rules() {
    let (key, _) = rsa_keys();
    let jwks = Jwks::parse(format!(r#"{{"keys":[{}]}}"#, rsa_jwk(key, "k1")).as_bytes()).unwrap();
    let body = r#"{"type":"batch.succeeded","data":{"id":"b1"}}"#;
    let now = 1_767_225_600u64;
    let claims = json!({"iat": now, "exp": now + 300, "aud": "https://rx.example", "event": body});
    let token = rs256_token(key, &json!({"alg": "RS256", "kid": "k1"}), &claims);
    let headers = |sig: &str| {
        vec![
            ("webhook-id".to_string(), "msg_1".to_string()),
            ("webhook-timestamp".into(), now.to_string()),
            ("webhook-signature".into(), sig.to_string()),
        ]
    };
    let run = |crypto: &'static dyn CryptoProvider, sig: &str| {
        let v = Verifier::builder().jwks(jwks.clone()).audience("https://rx.example").crypto(crypto).build();
        let h = headers(sig);
        v.verify(body.as_bytes(), h.iter().map(|(k, v)| (k.as_str(), v.as_str())), now)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    let before = COUNTING.rsa.load(Relaxed);
    assert_eq!(run(&COUNTING, &token), Ok(()));
    assert_eq!(COUNTING.rsa.load(Relaxed), before + 1);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = base64_url(sig);
    // A leading zero byte, a byte short, and the modulus itself: refused by the core, the
    // provider never asked.
    let n = jwks.rsa_by_kid("k1").unwrap().n_bytes().to_vec();
    for bad in [[&[0u8][..], &sig].concat(), sig[1..].to_vec(), n] {
        let forged = format!("{input}.{}", b64url(&bad));
        let calls = COUNTING.rsa.load(Relaxed);
        assert_eq!(run(&COUNTING, &forged), Err("jwt_signature_invalid"));
        assert_eq!(run(&RUST_CRYPTO, &forged), Err("jwt_signature_invalid"));
        assert_eq!(COUNTING.rsa.load(Relaxed), calls);
    }
    let mut flipped = sig.clone();
    flipped[10] ^= 1;
    let forged = format!("{input}.{}", b64url(&flipped));
    assert_eq!(run(&COUNTING, &forged), Err("jwt_signature_invalid"));
    assert_eq!(run(&RUST_CRYPTO, &forged), Err("jwt_signature_invalid"));

    // A body_sha256 binding goes through the provider's SHA-256.
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect()
    };
    let claims = json!({"iat": now, "exp": now + 300, "aud": "https://rx.example", "body_sha256": digest});
    let token = rs256_token(key, &json!({"alg": "RS256", "kid": "k1"}), &claims);
    let sha = COUNTING.sha256.load(Relaxed);
    assert_eq!(run(&COUNTING, &token), Ok(()));
    assert!(COUNTING.sha256.load(Relaxed) > sha);
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}
