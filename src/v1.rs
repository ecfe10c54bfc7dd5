//! `v1`: HMAC-SHA256 over `{id}.{timestamp}.{body}` with a shared secret (static webhooks).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, KeyInit};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::b64;
use crate::crypto::{CryptoProvider, RUST_CRYPTO};
use crate::error::ConfigError;

/// Shortest decoded secret accepted. The spec asks for 24 to 64 bytes and only warns outside;
/// below 16 bytes (128 bits) hookwall refuses.
pub const MIN_SECRET_BYTES: usize = 16;
/// The range the Standard Webhooks spec recommends for decoded secrets.
pub const RECOMMENDED_SECRET_BYTES: core::ops::RangeInclusive<usize> = 24..=64;

/// A `v1` shared secret, decoded once. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct Secret {
    /// HMAC state with the key already absorbed: cloning it saves two SHA-256 blocks per use.
    keyed: Hmac<Sha256>,
    /// The raw key, for a [`CryptoProvider`] that keys its own HMAC (the host's).
    key: Vec<u8>,
}

impl Secret {
    /// Parses `whsec_` + base64, or bare base64; padding optional. As in the reference
    /// `standardwebhooks` libraries, non-zero bits after the last byte of the base64 are
    /// ignored (the same key, however the sender's encoder filled them).
    ///
    /// ```
    /// use hookwall::Secret;
    /// assert!(Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert_eq!(Secret::parse("whsec_").unwrap_err().code(), "empty_secret");
    /// assert_eq!(Secret::parse("whsec_!!").unwrap_err().code(), "invalid_secret");
    /// ```
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let encoded = text.strip_prefix("whsec_").unwrap_or(text);
        if encoded.is_empty() {
            return Err(ConfigError::EmptySecret);
        }
        let bytes = b64::decode_secret(encoded).ok_or(ConfigError::SecretNotBase64)?;
        Self::from_bytes(&bytes)
    }

    /// Parses several secrets separated by whitespace or commas (the worker's
    /// `WEBHOOK_SECRETS`). An empty list is an error.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, ConfigError> {
        let list = text
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|s| !s.is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() { Err(ConfigError::EmptySecret) } else { Ok(list) }
    }

    /// Uses raw key bytes.
    pub fn from_bytes(key: &[u8]) -> Result<Self, ConfigError> {
        if key.is_empty() {
            return Err(ConfigError::EmptySecret);
        }
        if key.len() < MIN_SECRET_BYTES {
            return Err(ConfigError::SecretTooShort { bytes: key.len() });
        }
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| ConfigError::EmptySecret)?;
        Ok(Secret { keyed, key: key.to_vec() })
    }

    /// Decoded length in bytes.
    pub fn len(&self) -> usize {
        self.key.len()
    }

    /// The raw key bytes, for a [`CryptoProvider`] that computes the HMAC itself. Never log them.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.key
    }

    /// The HMAC state with the key absorbed (the default provider clones it).
    pub(crate) fn keyed(&self) -> &Hmac<Sha256> {
        &self.keyed
    }

    /// Never true: a `Secret` cannot be empty.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether the length is in the spec's recommended 24..=64 bytes.
    pub fn is_recommended_length(&self) -> bool {
        RECOMMENDED_SECRET_BYTES.contains(&self.key.len())
    }

    /// The raw 32-byte MAC of `{id}.{timestamp}.{body}`.
    pub fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        self.mac_with(&RUST_CRYPTO, id, timestamp, body)
    }

    /// [`mac`](Self::mac), computed by this provider.
    pub fn mac_with(&self, crypto: &dyn CryptoProvider, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        crypto.hmac_sha256(self, &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])
    }

    /// Constant-time check of a decoded `v1` signature.
    pub fn verify(&self, id: &str, timestamp: &str, body: &[u8], signature: &[u8; 32]) -> bool {
        self.mac(id, timestamp, body).ct_eq(signature).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.key.len())
    }
}

/// Encodes raw key bytes as a `whsec_` secret (for generating secrets from caller-supplied
/// randomness). Refuses what [`Secret::from_bytes`] refuses.
///
/// ```
/// let s = hookwall::v1::encode_secret(&[7u8; 24]).unwrap();
/// assert!(s.starts_with("whsec_") && hookwall::Secret::parse(&s).unwrap().len() == 24);
/// assert_eq!(hookwall::v1::encode_secret(&[7u8; 8]).unwrap_err().code(), "secret_too_short");
/// ```
pub fn encode_secret(bytes: &[u8]) -> Result<String, ConfigError> {
    Secret::from_bytes(bytes)?;
    Ok(alloc::format!("whsec_{}", b64::encode_standard(bytes)))
}

/// Signs a delivery: returns a `webhook-signature` entry `v1,<base64>`.
///
/// ```
/// use hookwall::{sign_v1, Secret};
/// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// assert_eq!(
///     sign_v1(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// );
/// ```
pub fn sign_v1(secret: &Secret, id: &str, timestamp: u64, body: &[u8]) -> String {
    let ts = timestamp.to_string();
    let mut out = String::from("v1,");
    out.push_str(&b64::encode_standard(&secret.mac(id, &ts, body)));
    out
}
