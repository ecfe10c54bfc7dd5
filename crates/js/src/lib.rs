//! wasm-bindgen bindings of the hookwall core.
//!
//! A thin adapter: every check lives in the core. Values cross the boundary as bytes,
//! strings and JSON text; the TypeScript wrapper (`npm/`) turns them into a native API.
//!
//! Results of `verify`/`authenticate` are JSON: `{"ok":true, "id", "timestamp", "scheme",
//! "key", "event"}` or `{"ok":false, "code", "message", "status", "retryAfterSeconds"}`. Configuration errors
//! are thrown as a JSON string `{"code", "message"}`.

use hookwall::{
    CATALOG, CachePolicy, ConfigError, Jwks, KeyCache, KeyFlow, Next, PayloadRule, PublicKey, Rejection, ReportOptions,
    Secret, SigningKey, Verified, Verifier,
};
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

mod host;

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
        "retryAfterSeconds": e.retry_after_seconds(),
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
    /// Required JWT `iss`.
    issuer: Option<String>,
    /// `[path, value]`: a signed body field binding JWKS-verified deliveries to this receiver.
    tenant_field: Option<(String, String)>,
    /// The webhook URL carries a secret path (checked by the caller).
    #[serde(default)]
    secret_path_asserted: bool,
    /// Accept JWKS-verified deliveries of any tenant (explicit opt-out).
    #[serde(default)]
    any_tenant: bool,
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
    /// `config`: JSON `{secrets?, publicKeys?, jwks?, toleranceSeconds?, audience?, issuer?,
    /// tenantField?: [path, value], secretPathAsserted?, anyTenant?, maxBodyBytes?, payload?}`.
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
        if let Some(i) = c.issuer {
            b = b.issuer(i);
        }
        if let Some((path, value)) = c.tenant_field {
            b = b.tenant_field(path, value);
        }
        if c.secret_path_asserted {
            b = b.secret_path_asserted();
        }
        if c.any_tenant {
            b = b.any_tenant();
        }
        if let Some(m) = c.max_body_bytes {
            b = b.max_body_bytes(m);
        }
        b = b.payload(match c.payload.as_deref() {
            None | Some("event") => PayloadRule::Event,
            Some("any") => PayloadRule::Any,
            Some(_) => return Err(bad_argument("payload must be \"event\" or \"any\"")),
        });
        if host::installed() {
            b = b.crypto(&host::HOST_PROVIDER);
        }
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

    /// Every check with every step recorded: JSON `{steps: [...], verdict: {ok, ...}}`.
    /// `reveal` (default false) adds the signature each secret expects to `v1` entries: only for
    /// someone who holds the secrets (the playground); for attacker-chosen input those are
    /// valid forgeries, so never return or log a revealing report from a request handler.
    #[wasm_bindgen(js_name = verifyDetailed)]
    pub fn verify_detailed(&self, body: &[u8], headers: Vec<String>, now: f64, reveal: Option<bool>) -> String {
        let options = ReportOptions { reveal_expected_signatures: reveal.unwrap_or(false) };
        let report = self.inner.verify_detailed_with(body, pairs(&headers), seconds(now), options);
        serde_json::to_string(&report).unwrap_or_default()
    }

    /// [`verify_detailed`](Self::verify_detailed) with expected signatures revealed (the
    /// playground, where the user typed the secret).
    #[wasm_bindgen(js_name = verifyDetailedRevealing)]
    pub fn verify_detailed_revealing(&self, body: &[u8], headers: Vec<String>, now: f64) -> String {
        self.verify_detailed(body, headers, now, Some(true))
    }

    /// Whether JWKS-verified deliveries can be accepted (an audience, tenant field or secret
    /// path is configured, or any tenant): adapters warn at configuration time when false.
    #[wasm_bindgen(js_name = tenantBound)]
    pub fn tenant_bound(&self) -> bool {
        self.inner.tenant_bound()
    }
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

/// The key flow of one `JwksVerifier` ([`hookwall::keyflow`]): the core decides when to fetch,
/// wait or answer; the TypeScript wrapper only performs the fetch it is told to.
#[wasm_bindgen]
pub struct WasmKeyCache {
    cache: KeyCache,
    verifier: Verifier,
}

/// One delivery's progress through [`WasmKeyCache::next`] (free it when done).
#[wasm_bindgen]
#[derive(Default)]
pub struct WasmKeyFlow(KeyFlow);

#[wasm_bindgen]
impl WasmKeyFlow {
    /// A new delivery.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmKeyFlow {
        WasmKeyFlow::default()
    }
}

#[wasm_bindgen]
impl WasmKeyCache {
    /// `config`: as [`WasmVerifier::new`] (without `jwks`); `policy`: JSON with any subset of
    /// [`CachePolicy`]'s fields (seconds), or undefined for the defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, policy: Option<String>) -> Result<WasmKeyCache, JsValue> {
        let policy: CachePolicy = match policy {
            Some(p) => serde_json::from_str(&p).map_err(|e| bad_argument(&format!("invalid cache policy: {e}")))?,
            None => CachePolicy::default(),
        };
        let verifier = WasmVerifier::new(config)?.inner;
        Ok(WasmKeyCache { cache: KeyCache::new(policy, false), verifier })
    }

    /// The next step for a delivery, as JSON: `{"next":"done","verdict":{...}}` (the verdict as
    /// `verify` returns it), `{"next":"fetch","timeoutMs":n}` (fetch, then call
    /// [`fetched`](Self::fetched) or [`fetch_failed`](Self::fetch_failed)) or `{"next":"wait"}`
    /// (await the fetch in progress).
    pub fn next(&mut self, body: &[u8], headers: Vec<String>, now: f64, flow: &mut WasmKeyFlow) -> String {
        let found = match hookwall::WebhookHeaders::from_pairs(pairs(&headers)) {
            Ok(h) => h,
            Err(e) => return format!("{{\"next\":\"done\",\"verdict\":{}}}", rejection_json(&e)),
        };
        match self.cache.next(&self.verifier, body, &found, seconds(now), &mut flow.0) {
            Next::Done(v) => format!("{{\"next\":\"done\",\"verdict\":{}}}", verdict(v)),
            Next::Fetch { timeout_ms } => json!({"next": "fetch", "timeoutMs": timeout_ms}).to_string(),
            Next::Wait | Next::Load => json!({"next": "wait"}).to_string(),
        }
    }

    /// A fetched document (status 200, within `maxJwksBytes`) and its `Cache-Control`. Throws
    /// the configuration error when the core refuses it (the attempt then counts as failed).
    pub fn fetched(&mut self, document: &[u8], cache_control: Option<String>, now: f64) -> Result<(), JsValue> {
        self.cache.fetched(document, cache_control.as_deref(), seconds(now)).map_err(|e| config_error(&e))
    }

    /// A fetch that failed (no answer in time, a status other than 200, too large).
    #[wasm_bindgen(js_name = fetchFailed)]
    pub fn fetch_failed(&mut self, now: f64) {
        self.cache.fetch_failed(seconds(now));
    }

    /// The report of [`WasmVerifier::verify_detailed`], with the keys the cache holds now
    /// (`reveal` as there, default false).
    #[wasm_bindgen(js_name = verifyDetailed)]
    pub fn verify_detailed(&self, body: &[u8], headers: Vec<String>, now: f64, reveal: Option<bool>) -> String {
        let mut v = self.verifier.clone();
        if let Some(keys) = self.cache.keys(seconds(now)) {
            v.set_jwks(keys.clone());
        }
        let options = ReportOptions { reveal_expected_signatures: reveal.unwrap_or(false) };
        serde_json::to_string(&v.verify_detailed_with(body, pairs(&headers), seconds(now), options)).unwrap_or_default()
    }
}

/// Hands the host's native crypto to verifiers built from now on (the Node/Bun entry only):
/// HMAC and SHA-256 for inputs of at least `minBytes`, Ed25519 when `ed25519`, RSA always.
#[wasm_bindgen(js_name = setHostCrypto)]
pub fn set_host_crypto(host: host::HostCrypto, min_bytes: usize, ed25519: bool) {
    host::install(host, min_bytes, ed25519);
}

/// The largest JWKS document the core reads, in bytes.
#[wasm_bindgen(js_name = maxJwksBytes)]
pub fn max_jwks_bytes() -> usize {
    hookwall::jwks::MAX_JWKS_BYTES
}

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

/// The rejection registry: JSON array of `{code, status, depends_on_keys, retryable}` (for
/// generating the npm `WebhookErrorCode` union).
#[wasm_bindgen(js_name = rejectionRegistry)]
pub fn rejection_registry() -> String {
    json!(Rejection::REGISTRY).to_string()
}

/// Every configuration error code: JSON array (thrown as `{code, message}` at construction).
#[wasm_bindgen(js_name = configErrorCodes)]
pub fn config_error_codes() -> String {
    json!(ConfigError::CODES).to_string()
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}
