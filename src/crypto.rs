//! The crypto-provider seam (as in rustls): the four primitives every verification path needs,
//! behind one trait, so that an adapter can hand them to its host's native crypto where that
//! is faster (the npm package: Node's OpenSSL) while the pure-Rust [`RustCrypto`] provider
//! stays the default and the fallback.
//!
//! A provider only computes. Every rule stays in the core, before a provider is called: which
//! keys are accepted (secret length, RSA modulus 2048..=8192 bits, Ed25519 keys canonical and
//! not of small order), Ed25519 strictness (canonical `S`, no small-order `R`), an RSA
//! signature exactly as long as the modulus and below it, and the constant-time comparison of
//! MACs and digests. So any correct provider gives the same verdicts as [`RustCrypto`].
//!
//! Select one with [`VerifierBuilder::crypto`](crate::VerifierBuilder::crypto).

use core::fmt;

use hmac::Mac;

use crate::jwks::RsaKey;
use crate::v1::Secret;
use crate::v1a::PublicKey;

/// The primitives hookwall verifies with. Implementations must be pure functions of their
/// arguments (no verdict of their own); they may delegate any call to [`RUST_CRYPTO`].
pub trait CryptoProvider: fmt::Debug + Send + Sync {
    /// HMAC-SHA256 under `key` ([`Secret::expose_bytes`]) of the concatenation of `parts`
    /// (for `v1`: `[id, ".", timestamp, ".", body]`).
    fn hmac_sha256(&self, key: &Secret, parts: &[&[u8]]) -> [u8; 32];
    /// SHA-256 of `data` (a JWT's `body_sha256` binding).
    fn sha256(&self, data: &[u8]) -> [u8; 32];
    /// Ed25519 verification of `signature` over `message` with `key` ([`PublicKey::as_bytes`]).
    /// The core has already refused non-canonical `S` and small-order `R`.
    fn ed25519_verify(&self, key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool;
    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`, with `key` ([`RsaKey::n_bytes`],
    /// [`RsaKey::e_bytes`]). The core has already checked the modulus size and that
    /// `signature` is as long as the modulus and below it.
    fn rsa_pkcs1v15_sha256_verify(&self, key: &RsaKey, message: &[u8], signature: &[u8]) -> bool;
}

/// The pure-Rust provider (RustCrypto's `hmac`, `sha2`, `ed25519-dalek`, `rsa`): the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

/// The default provider, as a `'static` reference for [`VerifierBuilder::crypto`](crate::VerifierBuilder::crypto).
pub static RUST_CRYPTO: RustCrypto = RustCrypto;

impl CryptoProvider for RustCrypto {
    fn hmac_sha256(&self, key: &Secret, parts: &[&[u8]]) -> [u8; 32] {
        // The key is absorbed once, when the secret is parsed.
        let mut mac = key.keyed().clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }

    fn ed25519_verify(&self, key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
        key.verify_rust(message, signature)
    }

    fn rsa_pkcs1v15_sha256_verify(&self, key: &RsaKey, message: &[u8], signature: &[u8]) -> bool {
        key.key.pkcs1v15_verify::<sha2::Sha256>(message, signature).is_ok()
    }
}

/// Ed25519 strictness, decided by the core whatever the provider: `S` below the group order
/// `L` (RFC 8032 canonical) and `R` not of small order (as `ed25519-dalek`'s `verify_strict`).
pub(crate) fn ed25519_signature_acceptable(signature: &[u8; 64]) -> bool {
    let (r, s) = signature.split_at(32);
    s_is_canonical(s) && !has_small_order(r)
}

/// `L` = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ORDER_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn s_is_canonical(s: &[u8]) -> bool {
    // Little-endian comparison s < L, from the most significant byte.
    for i in (0..32).rev() {
        if s[i] != ORDER_L[i] {
            return s[i] < ORDER_L[i];
        }
    }
    false
}

/// The encodings (sign bit cleared) of every point of small order, canonical or not: y = 0,
/// 1, p-1 (orders 4, 1, 2), p and p+1 (non-canonical 0 and 1) and the two y of the points of
/// order 8 (libsodium's list; `tests` check it against curve25519-dalek).
const SMALL_ORDER: [[u8; 32]; 7] = {
    let mut list = [[0u8; 32]; 7];
    list[1][0] = 1;
    list[2] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ];
    list[3] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];
    let mut k = 4;
    while k < 7 {
        let mut i = 1;
        while i < 31 {
            list[k][i] = 0xff;
            i += 1;
        }
        list[k][31] = 0x7f;
        list[k][0] = 0xec + (k as u8 - 4); // p-1, p, p+1
        k += 1;
    }
    list
};

pub(crate) fn has_small_order(encoded: &[u8]) -> bool {
    let mut y = [0u8; 32];
    y.copy_from_slice(encoded);
    y[31] &= 0x7f;
    SMALL_ORDER.contains(&y)
}

/// Whether a 32-byte Edwards encoding is canonical: y (sign bit cleared) below p = 2^255 - 19.
pub(crate) fn ed25519_encoding_canonical(encoded: &[u8; 32]) -> bool {
    let top = encoded[31] & 0x7f;
    !(top == 0x7f && encoded[1..31].iter().all(|&b| b == 0xff) && encoded[0] >= 0xed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_l_is_the_group_order() {
        // L - 1 is canonical, L and L + 1 are not.
        let mut s = ORDER_L;
        assert!(!s_is_canonical(&s));
        s[0] -= 1;
        assert!(s_is_canonical(&s));
        s[0] += 2;
        assert!(!s_is_canonical(&s));
        assert!(s_is_canonical(&[0u8; 32]));
        assert!(!s_is_canonical(&[0xff; 32]));
    }

    #[test]
    fn canonical_encodings() {
        let mut p = [0xffu8; 32];
        p[31] = 0x7f;
        p[0] = 0xec; // p - 1
        assert!(ed25519_encoding_canonical(&p));
        p[0] = 0xed; // p
        assert!(!ed25519_encoding_canonical(&p));
        p[31] = 0xff; // p with the sign bit
        assert!(!ed25519_encoding_canonical(&p));
    }
}
