//! `v1a`: Ed25519 over `{id}.{timestamp}.{body}` (dynamic webhooks as delivered).
//!
//! Public keys come as `whpk_` + base64 (Standard Webhooks) or from a JWKS (`OKP`/`Ed25519`,
//! see [`crate::jwks`]). Verification is strict (RFC 8032 canonical `S`, no small-order keys).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey as DalekSigningKey, VerifyingKey};

use crate::b64;
use crate::crypto::{self, CryptoProvider, RUST_CRYPTO};
use crate::error::ConfigError;

/// An Ed25519 public key trusted for `v1a`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Parses `whpk_` + base64 (padding optional), or bare base64, of the 32-byte key.
    ///
    /// ```
    /// use hookwall::PublicKey;
    /// let pk = PublicKey::parse("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").unwrap();
    /// assert_eq!(pk.to_whpk(), "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    /// assert_eq!(PublicKey::parse("whpk_AAAA").unwrap_err().code(), "invalid_public_key");
    /// ```
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let encoded = text.strip_prefix("whpk_").unwrap_or(text);
        let bytes = b64::decode_standard(encoded).ok_or(ConfigError::InvalidPublicKey)?;
        Self::from_bytes(&bytes)
    }

    /// Uses the 32 raw key bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ConfigError> {
        let raw: &[u8; 32] = bytes.try_into().map_err(|_| ConfigError::InvalidPublicKey)?;
        // Canonical encodings only, so that every provider reads the same point.
        if !crypto::ed25519_encoding_canonical(raw) {
            return Err(ConfigError::InvalidPublicKey);
        }
        let key = VerifyingKey::from_bytes(raw).map_err(|_| ConfigError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(ConfigError::InvalidPublicKey);
        }
        Ok(PublicKey { key })
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// `whpk_` + standard base64.
    pub fn to_whpk(&self) -> String {
        let mut s = String::from("whpk_");
        s.push_str(&b64::encode_standard(self.key.as_bytes()));
        s
    }

    /// The JWK `x` value (base64url, no padding).
    pub fn to_jwk_x(&self) -> String {
        b64::encode_url(self.key.as_bytes())
    }

    /// The public JWK (`kty` OKP, `crv` Ed25519, `alg` EdDSA, `use` sig) with this `kid`.
    pub fn to_jwk(&self, kid: &str) -> serde_json::Value {
        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": self.to_jwk_x(), "kid": kid, "alg": "EdDSA", "use": "sig"})
    }

    /// The raw 32 bytes, by reference (for a [`CryptoProvider`]).
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Strict verification of a 64-byte signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.verify_with(&RUST_CRYPTO, message, signature)
    }

    /// [`verify`](Self::verify) by this provider. The strictness rules (canonical `S`, no
    /// small-order `R`) are checked here, before the provider is asked.
    pub fn verify_with(&self, crypto: &dyn CryptoProvider, message: &[u8], signature: &[u8; 64]) -> bool {
        crypto::ed25519_signature_acceptable(signature) && crypto.ed25519_verify(self, message, signature)
    }

    /// `ed25519-dalek`'s strict verification (the default provider's).
    pub(crate) fn verify_rust(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = Signature::from_bytes(signature);
        self.key.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_whpk())
    }
}

/// An Ed25519 signing key, for tests, the CLI's demo sender and the playground.
#[derive(Clone)]
pub struct SigningKey {
    key: DalekSigningKey,
}

impl SigningKey {
    /// From a 32-byte seed (RFC 8032 "secret key").
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SigningKey { key: DalekSigningKey::from_bytes(seed) }
    }

    /// Parses `whsk_` + base64 of the seed, or the seed as 64 hex digits.
    ///
    /// ```
    /// use hookwall::SigningKey;
    /// let sk = SigningKey::parse("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
    /// assert_eq!(sk.public_key().to_jwk_x(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    /// ```
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let bytes = if let Some(encoded) = text.strip_prefix("whsk_") {
            b64::decode_standard(encoded).ok_or(ConfigError::InvalidSigningKey)?
        } else if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            decode_hex(text).ok_or(ConfigError::InvalidSigningKey)?
        } else {
            b64::decode_standard(text).ok_or(ConfigError::InvalidSigningKey)?
        };
        let seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| ConfigError::InvalidSigningKey)?;
        Ok(Self::from_seed(&seed))
    }

    /// `whsk_` + standard base64 of the seed.
    pub fn to_whsk(&self) -> String {
        let mut s = String::from("whsk_");
        s.push_str(&b64::encode_standard(self.key.as_bytes()));
        s
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { key: self.key.verifying_key() }
    }

    /// Signs arbitrary bytes.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {}, secret redacted)", self.public_key().to_whpk())
    }
}

/// The signed content `{id}.{timestamp}.{body}` as one buffer (Ed25519 needs it contiguous).
pub fn signed_content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    m.extend_from_slice(id.as_bytes());
    m.push(b'.');
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'.');
    m.extend_from_slice(body);
    m
}

/// Signs a delivery: returns a `webhook-signature` entry `v1a,<base64>`.
///
/// ```
/// use hookwall::{sign_v1a, SigningKey};
/// let sk = SigningKey::parse("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
/// let body = br#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}"#;
/// assert_eq!(
///     sign_v1a(&sk, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1674087231, body),
///     "v1a,DXa8VHIz6bpEqNB/LpvX1sMGLDMY2c50Iv8MSHHq4aXkZP3Aae5LGZa5wzbht++A1nJuG45+yNzVCBnRRgSMCQ==",
/// );
/// ```
pub fn sign_v1a(key: &SigningKey, id: &str, timestamp: u64, body: &[u8]) -> String {
    let content = signed_content(id, &timestamp.to_string(), body);
    let mut out = String::from("v1a,");
    out.push_str(&b64::encode_standard(&key.sign(&content)));
    out
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes().chunks(2).map(|p| Some(nibble(p[0])? << 4 | nibble(*p.get(1)?)?)).collect()
}
