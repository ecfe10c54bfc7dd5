//! The JWKS model: a JSON Web Key Set in, usable signing keys out.
//!
//! Pure data: fetching and caching belong to adapters (the cache *policy* is in
//! [`crate::cache`]). Kept: `RSA` keys (for RS256 JWTs, selected by `kid`) and `OKP`/`Ed25519`
//! keys (for `v1a`, each one tried). Skipped, with a reason: unknown `kty`/`crv`, `use` other
//! than `sig`, an `alg` that does not fit the key, undecodable or out-of-range material.
//! `jku`, `x5u`, `x5c` and every other member are never followed.

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};

use crate::b64;
use crate::crypto::{CryptoProvider, RUST_CRYPTO};
use crate::error::ConfigError;
use crate::v1a::PublicKey;

/// Largest JWKS document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// Most entries a JWKS may list (usable or not).
pub const MAX_JWKS_KEYS: usize = 64;
/// Smallest RSA modulus used for RS256 verification.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted in a JWKS (larger keys are skipped: verification cost).
pub const MAX_RSA_BITS: usize = 8192;

/// A usable key from a JWKS.
#[derive(Clone, Debug)]
pub struct Jwk {
    /// The key id, when the JWKS gives one.
    pub kid: Option<String>,
    /// The key.
    pub key: KeyMaterial,
}

/// Key material hookwall can verify with.
#[derive(Clone, Debug)]
pub enum KeyMaterial {
    /// `OKP` / `Ed25519`, for `v1a`.
    Ed25519(PublicKey),
    /// `RSA`, for RS256 JWTs. Keys under [`MIN_RSA_BITS`] are kept so that a JWT naming one
    /// is refused as `jwt_key_too_small` rather than `unknown_kid`; they never verify anything.
    Rsa(RsaKey),
}

/// An RSA public key and its modulus size.
#[derive(Clone, Debug)]
pub struct RsaKey {
    pub(crate) key: rsa::PublicKey,
    bits: usize,
    /// Big-endian modulus and exponent without leading zeros (for a [`CryptoProvider`]).
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaKey {
    /// Builds a key from big-endian modulus and exponent bytes.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, &'static str> {
        let bits = bit_length(n);
        if bits > MAX_RSA_BITS {
            return Err("rsa_modulus_too_large");
        }
        if bits < 512 {
            return Err("rsa_modulus_too_small");
        }
        let n_int = rsa::BoxedUint::from_be_slice_vartime(n);
        let e_int = rsa::BoxedUint::from_be_slice_vartime(e);
        let key =
            rsa::PublicKey::new_with_size_limits(n_int, e_int, 512..=MAX_RSA_BITS).map_err(|_| "rsa_invalid_key")?;
        let strip = |b: &[u8]| b[b.iter().position(|&x| x != 0).unwrap_or(b.len())..].to_vec();
        Ok(RsaKey { key, bits, n: strip(n), e: strip(e) })
    }

    /// The public JWK (`kty` RSA, `alg` RS256, `use` sig) with this `kid`, for publishing a JWKS.
    pub fn to_jwk(&self, kid: &str) -> Value {
        use rsa::traits::PublicKeyParts;
        serde_json::json!({
            "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": b64::encode_url(&self.key.n_bytes()), "e": b64::encode_url(&self.key.e_bytes()),
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The modulus, big-endian, without leading zeros.
    pub fn n_bytes(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian, without leading zeros.
    pub fn e_bytes(&self) -> &[u8] {
        &self.e
    }

    /// Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature (never for keys under [`MIN_RSA_BITS`]).
    pub fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify_rs256_with(&RUST_CRYPTO, message, signature)
    }

    /// [`verify_rs256`](Self::verify_rs256) by this provider. The rules are checked here: the
    /// modulus size, and a signature exactly as long as the modulus and below it.
    pub fn verify_rs256_with(&self, crypto: &dyn CryptoProvider, message: &[u8], signature: &[u8]) -> bool {
        self.bits >= MIN_RSA_BITS
            && signature.len() == self.n.len()
            && signature < self.n.as_slice()
            && crypto.rsa_pkcs1v15_sha256_verify(self, message, signature)
    }
}

/// A key the JWKS listed that hookwall will not use, and why (for the playground and logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKey {
    /// Position in the `keys` array.
    pub index: usize,
    /// Its `kid`, when it has a string one.
    pub kid: Option<String>,
    /// A stable snake_case reason, e.g. `unsupported_kty`, `not_for_signing`.
    pub reason: &'static str,
}

/// A parsed JSON Web Key Set.
#[derive(Clone, Debug, Default)]
pub struct Jwks {
    keys: Vec<Jwk>,
    skipped: Vec<SkippedKey>,
}

impl Jwks {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a JWKS document (`{"keys": [...]}`), at most [`MAX_JWKS_BYTES`] long.
    ///
    /// ```
    /// use hookwall::Jwks;
    /// let jwks = Jwks::parse(br#"{"keys":[
    ///   {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"test-key-1","alg":"EdDSA","use":"sig"},
    ///   {"kty":"EC","crv":"P-256","kid":"ec"},
    ///   {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"enc"}
    /// ]}"#).unwrap();
    /// assert_eq!(jwks.keys().len(), 1);
    /// assert_eq!(jwks.skipped()[0].reason, "unsupported_kty");
    /// assert_eq!(jwks.skipped()[1].reason, "not_for_signing");
    /// ```
    pub fn parse(document: &[u8]) -> Result<Self, ConfigError> {
        if document.len() > MAX_JWKS_BYTES {
            return Err(ConfigError::JwksTooLarge { limit: MAX_JWKS_BYTES });
        }
        let value: Value = serde_json::from_slice(document).map_err(|_| ConfigError::InvalidJwks)?;
        let list = value.get("keys").and_then(Value::as_array).ok_or(ConfigError::InvalidJwks)?;
        if list.len() > MAX_JWKS_KEYS {
            return Err(ConfigError::JwksTooManyKeys { limit: MAX_JWKS_KEYS });
        }
        let mut jwks = Jwks::default();
        for (index, entry) in list.iter().enumerate() {
            let kid = entry.get("kid").and_then(Value::as_str).map(String::from);
            match entry.as_object().ok_or("not_an_object").and_then(parse_key) {
                Ok(key) => jwks.keys.push(Jwk { kid, key }),
                Err(reason) => jwks.skipped.push(SkippedKey { index, kid, reason }),
            }
        }
        Ok(jwks)
    }

    /// Adds a key (for keys configured outside a JWKS document).
    pub fn push(&mut self, jwk: Jwk) {
        self.keys.push(jwk);
    }

    /// The usable keys, in document order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The keys that were listed but not kept, with reasons.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Whether no usable key is present.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The Ed25519 keys, each with its `kid`.
    pub fn ed25519(&self) -> impl Iterator<Item = (Option<&str>, &PublicKey)> {
        self.keys.iter().filter_map(|k| match &k.key {
            KeyMaterial::Ed25519(pk) => Some((k.kid.as_deref(), pk)),
            KeyMaterial::Rsa(_) => None,
        })
    }

    /// The RSA key with this `kid`, if any.
    pub fn rsa_by_kid(&self, kid: &str) -> Option<&RsaKey> {
        self.keys.iter().find_map(|k| match &k.key {
            KeyMaterial::Rsa(r) if k.kid.as_deref() == Some(kid) => Some(r),
            _ => None,
        })
    }
}

fn parse_key(obj: &Map<String, Value>) -> Result<KeyMaterial, &'static str> {
    let field = |name: &str| obj.get(name).map(|v| v.as_str().ok_or("bad_member_type")).transpose();
    if let Some(usage) = field("use")?
        && usage != "sig"
    {
        return Err("not_for_signing");
    }
    if let Some(ops) = obj.get("key_ops") {
        let verifies = ops.as_array().is_some_and(|a| a.iter().any(|o| o == "verify"));
        if !verifies {
            return Err("not_for_signing");
        }
    }
    let alg = field("alg")?;
    match field("kty")? {
        Some("OKP") => {
            if field("crv")? != Some("Ed25519") {
                return Err("unsupported_curve");
            }
            if !matches!(alg, None | Some("EdDSA") | Some("Ed25519")) {
                return Err("alg_mismatch");
            }
            let x = field("x")?.and_then(b64::decode_url).ok_or("bad_key_material")?;
            PublicKey::from_bytes(&x).map(KeyMaterial::Ed25519).map_err(|_| "bad_key_material")
        }
        Some("RSA") => {
            if !matches!(alg, None | Some("RS256")) {
                return Err("alg_mismatch");
            }
            if field("kid")?.is_none() {
                return Err("rsa_key_without_kid");
            }
            let n = field("n")?.and_then(b64::decode_url).ok_or("bad_key_material")?;
            let e = field("e")?.and_then(b64::decode_url).ok_or("bad_key_material")?;
            RsaKey::from_components(&n, &e).map(KeyMaterial::Rsa)
        }
        _ => Err("unsupported_kty"),
    }
}

fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        Some(i) => (be.len() - i - 1) * 8 + (8 - be[i].leading_zeros() as usize),
        None => 0,
    }
}
