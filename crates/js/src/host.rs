//! A [`CryptoProvider`] that calls the host's synchronous native crypto through a JS object
//! the package entry hands over with `setHostCrypto` (the Node/Bun entry: `node:crypto`). Other
//! entries never call it, so browsers, workerd and Deno keep the pure-Rust provider.
//!
//! Only where the host is faster (measured, see npm/README.md): HMAC and SHA-256 from
//! `minBytes` of input up (below that the call costs more than the wasm hash), Ed25519 when
//! enabled, RSA always. Any failure of the host (a throw, a key it refuses, a wrong-sized
//! digest) falls back to the pure-Rust provider, so a verdict never depends on the host. The
//! core checks every rule (key sizes, Ed25519 strictness, signature length) before calling.

use std::cell::RefCell;

use hookwall::crypto::{CryptoProvider, RUST_CRYPTO};
use hookwall::jwks::RsaKey;
use hookwall::{PublicKey, Secret};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The host's object (see npm/src/host-node.ts).
    pub type HostCrypto;
    /// HMAC-SHA256 of `prefix || body` under the key behind `handle`: 32 bytes.
    #[wasm_bindgen(method, catch)]
    fn hmac(this: &HostCrypto, handle: u32, prefix: &[u8], body: &[u8]) -> Result<Vec<u8>, JsValue>;
    /// SHA-256 of `data`: 32 bytes.
    #[wasm_bindgen(method, catch)]
    fn sha256(this: &HostCrypto, data: &[u8]) -> Result<Vec<u8>, JsValue>;
    /// Imports a key (`kind` 0: HMAC key `a`; 1: Ed25519 raw `a`; 2: RSA `n` = `a`, `e` = `b`)
    /// and returns its handle, or -1 when the host refuses it.
    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(this: &HostCrypto, kind: u32, a: &[u8], b: &[u8]) -> Result<i32, JsValue>;
    /// Verifies `signature` over `message` with the (Ed25519 or RSA) key behind `handle`.
    #[wasm_bindgen(method, catch)]
    fn verify(this: &HostCrypto, handle: u32, message: &[u8], signature: &[u8]) -> Result<bool, JsValue>;
    /// Forgets every imported key.
    #[wasm_bindgen(method, catch)]
    fn clear(this: &HostCrypto) -> Result<(), JsValue>;
}

/// Keys imported into the host, by kind and material: at most this many, then all are dropped.
const MAX_KEYS: usize = 256;

struct Host {
    object: HostCrypto,
    min_bytes: usize,
    ed25519: bool,
    keys: Vec<(u32, Vec<u8>, i32)>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

/// Installs the host's crypto for verifiers built from now on. `min_bytes`: the smallest
/// input HMAC and SHA-256 go to the host for; `ed25519`: whether Ed25519 does.
pub fn install(object: HostCrypto, min_bytes: usize, ed25519: bool) {
    HOST.with(|h| *h.borrow_mut() = Some(Host { object, min_bytes, ed25519, keys: Vec::new() }));
}

/// Whether a host provider is installed.
pub fn installed() -> bool {
    HOST.with(|h| h.borrow().is_some())
}

/// The provider (pure Rust wherever the host is not used or fails).
#[derive(Debug)]
pub struct HostProvider;

/// The one instance, for [`hookwall::VerifierBuilder::crypto`].
pub static HOST_PROVIDER: HostProvider = HostProvider;

/// The host's handle of a key, importing it once.
fn handle(host: &mut Host, kind: u32, a: &[u8], b: &[u8]) -> Option<u32> {
    let material = |m: &[u8]| [m, b].concat();
    if let Some((_, _, h)) = host
        .keys
        .iter()
        .find(|(k, m, _)| *k == kind && m.len() == a.len() + b.len() && m[..a.len()] == *a && m[a.len()..] == *b)
    {
        return u32::try_from(*h).ok();
    }
    if host.keys.len() >= MAX_KEYS {
        host.keys.clear();
        host.object.clear().ok()?;
    }
    let h = host.object.import_key(kind, a, b).unwrap_or(-1);
    host.keys.push((kind, material(a), h));
    u32::try_from(h).ok()
}

fn digest(v: Result<Vec<u8>, JsValue>) -> Option<[u8; 32]> {
    v.ok()?.as_slice().try_into().ok()
}

impl CryptoProvider for HostProvider {
    fn hmac_sha256(&self, key: &Secret, parts: &[&[u8]]) -> [u8; 32] {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let done = HOST.with(|h| {
            let mut h = h.borrow_mut();
            let host = h.as_mut().filter(|host| total >= host.min_bytes)?;
            let (body, prefix) = parts.split_last()?;
            let handle = handle(host, 0, key.expose_bytes(), &[])?;
            digest(host.object.hmac(handle, &prefix.concat(), body))
        });
        done.unwrap_or_else(|| RUST_CRYPTO.hmac_sha256(key, parts))
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let done = HOST.with(|h| {
            let h = h.borrow();
            let host = h.as_ref().filter(|host| data.len() >= host.min_bytes)?;
            digest(host.object.sha256(data))
        });
        done.unwrap_or_else(|| RUST_CRYPTO.sha256(data))
    }

    fn ed25519_verify(&self, key: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
        let done = HOST.with(|h| {
            let mut h = h.borrow_mut();
            let host = h.as_mut().filter(|host| host.ed25519)?;
            let handle = handle(host, 1, key.as_bytes(), &[])?;
            host.object.verify(handle, message, signature).ok()
        });
        done.unwrap_or_else(|| RUST_CRYPTO.ed25519_verify(key, message, signature))
    }

    fn rsa_pkcs1v15_sha256_verify(&self, key: &RsaKey, message: &[u8], signature: &[u8]) -> bool {
        let done = HOST.with(|h| {
            let mut h = h.borrow_mut();
            let host = h.as_mut()?;
            let handle = handle(host, 2, key.n_bytes(), key.e_bytes())?;
            host.object.verify(handle, message, signature).ok()
        });
        done.unwrap_or_else(|| RUST_CRYPTO.rsa_pkcs1v15_sha256_verify(key, message, signature))
    }
}
