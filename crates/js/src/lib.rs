//! wasm-bindgen bindings of the hookwall core.
//!
//! A thin adapter: every check lives in the core. Values cross the boundary as bytes,
//! strings and JSON text; the TypeScript wrapper (`npm/`) turns them into a native API.
//!
//! Results of `verify`/`authenticate` are JSON: `{"ok":true, "id", "timestamp", "scheme",
//! "key", "event"}` or `{"ok":false, "code", "message", "status", "suggestsKeyRefresh", "dependsOnKeys"}`. Configuration errors
//! are thrown as a JSON string `{"code", "message"}`.

use hookwall::cache::{CacheState, Lookup};
use hookwall::{
    CATALOG, CachePolicy, ConfigError, Jwks, PayloadRule, PublicKey, Rejection, Secret, SigningKey, Verified, Verifier,
};
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

fn config_error(e: &ConfigError) -> JsValue {
    JsValue::from_str(&json!({"code": e.code(), "message": e.to_string()}).to_string())
}

fn bad_argument(message: &str) -> JsValue {
    JsValue::from_str(&json!({"code": "invalid_argument", "message": message}).to_string())
}

/// Seconds from a JS number; NaN, infinities and negatives become 0 (and so fail the
/// timestamp check rather than pass it).
fn seconds(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 { now as u64 } else { 0 }
}

/// Header pairs as a flat list `[name, value, name, value, ...]`.
fn pairs(flat: &[String]) -> impl Iterator<Item = (&str, &str)> {
    flat.chunks_exact(2).map(|p| (p[0].as_str(), p[1].as_str()))
}

/// Header pairs as one string `name\0value\0name\0value` (the npm wrapper's fast path: one
/// string crosses the boundary instead of one per name and value; the wrapper uses the list
/// form when a name or value contains NUL, so this split is exact).
fn joined(flat: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut parts = flat.split('\0');
    core::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
}

fn rejection_json(e: &Rejection) -> String {
    json!({
        "ok": false,
        "code": e.code(),
        "message": e.to_string(),
        "status": e.http_status(),
        "suggestsKeyRefresh": e.suggests_key_refresh(),
        "dependsOnKeys": e.depends_on_keys(),
    })
    .to_string()
}

fn verdict(result: Result<Verified, Rejection>) -> String {
    match result {
        Ok(v) => {
            let mut out = serde_json::to_value(&v).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut out {
                m.insert("ok".into(), Value::Bool(true));
            }
            out.to_string()
        }
        Err(e) => rejection_json(&e),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Config {
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    public_keys: Vec<String>,
    jwks: Option<Value>,
    tolerance_seconds: Option<u64>,
    audience: Option<String>,
    max_body_bytes: Option<usize>,
    /// "event" (default) or "any".
    payload: Option<String>,
}

fn parse_jwks(value: &Value) -> Result<Jwks, ConfigError> {
    match value {
        Value::String(text) => Jwks::parse(text.as_bytes()),
        other => Jwks::parse(other.to_string().as_bytes()),
    }
}

/// A configured verifier.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Verifier,
}

#[wasm_bindgen]
impl WasmVerifier {
    /// `config`: JSON `{secrets?, publicKeys?, jwks?, toleranceSeconds?, audience?, maxBodyBytes?, payload?}`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<WasmVerifier, JsValue> {
        let c: Config = serde_json::from_str(config).map_err(|e| bad_argument(&format!("invalid options: {e}")))?;
        let mut b = Verifier::builder();
        for s in &c.secrets {
            b = b.secret(Secret::parse(s).map_err(|e| config_error(&e))?);
        }
        for k in &c.public_keys {
            b = b.public_key(PublicKey::parse(k).map_err(|e| config_error(&e))?);
        }
        if let Some(j) = &c.jwks {
            b = b.jwks(parse_jwks(j).map_err(|e| config_error(&e))?);
        }
        if let Some(t) = c.tolerance_seconds {
            b = b.tolerance_seconds(t);
        }
        if let Some(a) = c.audience {
            b = b.audience(a);
        }
        if let Some(m) = c.max_body_bytes {
            b = b.max_body_bytes(m);
        }
        b = b.payload(match c.payload.as_deref() {
            None | Some("event") => PayloadRule::Event,
            Some("any") => PayloadRule::Any,
            Some(_) => return Err(bad_argument("payload must be \"event\" or \"any\"")),
        });
        Ok(WasmVerifier { inner: b.build() })
    }

    /// Replaces the JWKS keys; `jwks` is the JWKS document text.
    #[wasm_bindgen(js_name = setJwks)]
    pub fn set_jwks(&mut self, jwks: &str) -> Result<(), JsValue> {
        self.inner.set_jwks(Jwks::parse(jwks.as_bytes()).map_err(|e| config_error(&e))?);
        Ok(())
    }

    /// The largest body this verifier accepts, in bytes (framework helpers read no more).
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes()
    }

    /// Size, headers, timestamp and signatures; the body is not parsed.
    pub fn authenticate(&self, body: &[u8], headers: Vec<String>, now: f64) -> String {
        verdict(self.inner.authenticate(body, pairs(&headers), seconds(now)))
    }

    /// The fast path for receivers that parse the body themselves: `undefined` when the
    /// delivery authenticates, else the rejection JSON.
    pub fn rejection(&self, body: &[u8], headers: Vec<String>, now: f64) -> Option<String> {
        self.inner.authenticate(body, pairs(&headers), seconds(now)).err().map(|e| rejection_json(&e))
    }

    /// [`rejection`](Self::rejection) with the headers joined as `name\0value\0...`: the npm
    /// package's hot path (one string crosses the boundary instead of one per name and value,
    /// about 2.5 µs less per call).
    #[wasm_bindgen(js_name = rejectionJoined)]
    pub fn rejection_joined(&self, body: &[u8], headers: &str, now: f64) -> Option<String> {
        self.inner.authenticate(body, joined(headers), seconds(now)).err().map(|e| rejection_json(&e))
    }

    /// Every check, the payload rule included.
    pub fn verify(&self, body: &[u8], headers: Vec<String>, now: f64) -> String {
        verdict(self.inner.verify(body, pairs(&headers), seconds(now)))
    }

    /// Every check with every step recorded: JSON `{steps: [...], verdict: {...}}`.
    #[wasm_bindgen(js_name = verifyDetailed)]
    pub fn verify_detailed(&self, body: &[u8], headers: Vec<String>, now: f64) -> String {
        let report = self.inner.verify_detailed(body, pairs(&headers), seconds(now));
        serde_json::to_string(&report).unwrap_or_default()
    }
}

/// Whether verifying a delivery with these header pairs `[name, value, ...]` may need JWKS keys
/// ([`hookwall::needs_jwks`] on the signature header, found as the verifier finds it): false when
/// the headers themselves are refused (no key changes that verdict).
#[wasm_bindgen(js_name = headersNeedJwks)]
pub fn headers_need_jwks(headers: Vec<String>) -> bool {
    hookwall::WebhookHeaders::from_pairs(pairs(&headers)).is_ok_and(|h| hookwall::needs_jwks(h.signature))
}

/// Whether hookwall may fetch from `url`: `https://`, or `http://` to a loopback host only
/// (the core's [`hookwall::endpoint::is_allowed`]).
#[wasm_bindgen(js_name = isAllowedEndpoint)]
pub fn is_allowed_endpoint(url: &str) -> bool {
    hookwall::endpoint::is_allowed(url)
}

/// `v1,<base64>` for a `whsec_` secret.
#[wasm_bindgen(js_name = signV1)]
pub fn sign_v1(secret: &str, id: &str, timestamp: f64, body: &[u8]) -> Result<String, JsValue> {
    let secret = Secret::parse(secret).map_err(|e| config_error(&e))?;
    Ok(hookwall::sign_v1(&secret, id, seconds(timestamp), body))
}

/// `v1a,<base64>` for a `whsk_` signing key (or hex seed).
#[wasm_bindgen(js_name = signV1a)]
pub fn sign_v1a(signing_key: &str, id: &str, timestamp: f64, body: &[u8]) -> Result<String, JsValue> {
    let key = SigningKey::parse(signing_key).map_err(|e| config_error(&e))?;
    Ok(hookwall::sign_v1a(&key, id, seconds(timestamp), body))
}

/// A signing key from 32 random bytes (the caller supplies randomness, e.g.
/// `crypto.getRandomValues`): JSON `{whsk, whpk, jwk}`.
#[wasm_bindgen(js_name = signingKeyFromSeed)]
pub fn signing_key_from_seed(seed: &[u8]) -> Result<String, JsValue> {
    let seed: &[u8; 32] = seed.try_into().map_err(|_| bad_argument("the seed must be 32 bytes"))?;
    Ok(key_json(&SigningKey::from_seed(seed)))
}

/// The public halves of a `whsk_` key: JSON `{whsk, whpk, jwk}`.
#[wasm_bindgen(js_name = describeSigningKey)]
pub fn describe_signing_key(signing_key: &str) -> Result<String, JsValue> {
    Ok(key_json(&SigningKey::parse(signing_key).map_err(|e| config_error(&e))?))
}

fn key_json(key: &SigningKey) -> String {
    let pk = key.public_key();
    json!({
        "whsk": key.to_whsk(),
        "whpk": pk.to_whpk(),
        "jwk": pk.to_jwk("playground"),
    })
    .to_string()
}

/// A `whsec_` secret from random bytes (the caller supplies randomness): `whsec_<base64>`.
#[wasm_bindgen(js_name = secretFromBytes)]
pub fn secret_from_bytes(bytes: &[u8]) -> Result<String, JsValue> {
    hookwall::v1::encode_secret(bytes).map_err(|e| config_error(&e))
}

/// Parses a JWKS document and lists what hookwall keeps and skips (for the playground):
/// JSON `{keys: [{kid, kty, bits?}], skipped: [{index, kid, reason}]}` or `{error, message}`.
#[wasm_bindgen(js_name = inspectJwks)]
pub fn inspect_jwks(document: &str) -> String {
    match Jwks::parse(document.as_bytes()) {
        Ok(jwks) => {
            let keys: Vec<Value> = jwks
                .keys()
                .iter()
                .map(|k| match &k.key {
                    hookwall::jwks::KeyMaterial::Ed25519(_) => json!({"kid": k.kid, "kty": "OKP", "crv": "Ed25519"}),
                    hookwall::jwks::KeyMaterial::Rsa(r) => json!({"kid": k.kid, "kty": "RSA", "bits": r.bits()}),
                })
                .collect();
            let skipped: Vec<Value> =
                jwks.skipped().iter().map(|s| json!({"index": s.index, "kid": s.kid, "reason": s.reason})).collect();
            json!({"keys": keys, "skipped": skipped}).to_string()
        }
        Err(e) => json!({"error": e.code(), "message": e.to_string()}).to_string(),
    }
}

/// Overrides of [`CachePolicy::default`] (any subset of its fields), so that adapters never
/// restate the core's defaults.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyOverrides {
    default_ttl: Option<u64>,
    min_ttl: Option<u64>,
    max_ttl: Option<u64>,
    max_stale: Option<u64>,
    refetch_cooldown: Option<u64>,
}

fn policy(policy_json: Option<String>) -> Result<CachePolicy, JsValue> {
    let o: PolicyOverrides = match policy_json {
        None => PolicyOverrides::default(),
        Some(p) => serde_json::from_str(&p).map_err(|e| bad_argument(&format!("invalid cache policy: {e}")))?,
    };
    let d = CachePolicy::default();
    Ok(CachePolicy {
        default_ttl: o.default_ttl.unwrap_or(d.default_ttl),
        min_ttl: o.min_ttl.unwrap_or(d.min_ttl),
        max_ttl: o.max_ttl.unwrap_or(d.max_ttl),
        max_stale: o.max_stale.unwrap_or(d.max_stale),
        refetch_cooldown: o.refetch_cooldown.unwrap_or(d.refetch_cooldown),
    })
}

/// The cache policy in effect for these overrides (JSON, any subset of the fields) or the
/// defaults: JSON `{default_ttl, min_ttl, max_ttl, max_stale, refetch_cooldown}` (seconds).
#[wasm_bindgen(js_name = cachePolicy)]
pub fn cache_policy(policy_json: Option<String>) -> Result<String, JsValue> {
    Ok(serde_json::to_string(&policy(policy_json)?).unwrap_or_default())
}

fn state(state_json: Option<String>) -> Result<Option<CacheState>, JsValue> {
    state_json.map(|s| serde_json::from_str(&s).map_err(|_| bad_argument("invalid cache state"))).transpose()
}

/// The JWKS cache policy, as the core decides it. `state` is the JSON of a previous result
/// (`{fetched_at, ttl, last_attempt}`) or undefined; `policy` JSON overrides (any subset of
/// [`CachePolicy`]'s fields) or undefined for the defaults.
#[wasm_bindgen(js_name = cacheFetched)]
pub fn cache_fetched(now: f64, cache_control: Option<String>, policy_json: Option<String>) -> Result<String, JsValue> {
    let p = policy(policy_json)?;
    Ok(serde_json::to_string(&p.fetched(seconds(now), cache_control.as_deref())).unwrap_or_default())
}

/// Records a failed fetch attempt; returns the new state JSON.
#[wasm_bindgen(js_name = cacheAttemptFailed)]
pub fn cache_attempt_failed(
    state_json: Option<String>,
    now: f64,
    policy_json: Option<String>,
) -> Result<String, JsValue> {
    let p = policy(policy_json)?;
    Ok(serde_json::to_string(&p.attempt_failed(state(state_json)?, seconds(now))).unwrap_or_default())
}

/// `use_cached`, `fetch_or_use_stale`, `fetch_required` or `unavailable`.
#[wasm_bindgen(js_name = cacheLookup)]
pub fn cache_lookup(state_json: Option<String>, now: f64, policy_json: Option<String>) -> Result<String, JsValue> {
    let p = policy(policy_json)?;
    Ok(match p.lookup(state(state_json)?.as_ref(), seconds(now)) {
        Lookup::UseCached => "use_cached",
        Lookup::FetchOrUseStale => "fetch_or_use_stale",
        Lookup::FetchRequired => "fetch_required",
        Lookup::Unavailable => "unavailable",
    }
    .into())
}

/// Whether a key miss may trigger a refetch now (the unknown-kid cooldown).
#[wasm_bindgen(js_name = cacheMayRefetchOnKeyMiss)]
pub fn cache_may_refetch_on_key_miss(
    state_json: Option<String>,
    now: f64,
    policy_json: Option<String>,
) -> Result<bool, JsValue> {
    let p = policy(policy_json)?;
    Ok(p.may_refetch_on_key_miss(state(state_json)?.as_ref(), seconds(now)))
}

/// The event catalog: JSON `[{type, fields}]`.
#[wasm_bindgen]
pub fn catalog() -> String {
    let list: Vec<Value> = CATALOG.iter().map(|(t, f)| json!({"type": t, "fields": f})).collect();
    Value::Array(list).to_string()
}

/// Every rejection code: JSON array.
#[wasm_bindgen(js_name = rejectionCodes)]
pub fn rejection_codes() -> String {
    json!(Rejection::CODES).to_string()
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}
