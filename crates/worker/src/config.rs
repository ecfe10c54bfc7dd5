//! The worker's configuration: `[vars]`, secrets and bindings, read and validated once per
//! isolate. A missing or invalid value fails every request with a 500 that names it; it never
//! degrades into accepting unsigned traffic.

use std::cell::RefCell;
use std::rc::Rc;

use std::collections::HashMap;

use hookwall::delivery::RetryPolicy;
use hookwall::route::{Routes, Target};
use hookwall::{CachePolicy, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS, Secret, Verifier};
use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Queue};

use crate::claims::Claims;
use crate::kv::Kv;
use crate::outcome::EdgeError;

/// Google's published JWKS for Gemini API dynamic webhooks.
pub const DEFAULT_JWKS_URL: &str = "https://generativelanguage.googleapis.com/.well-known/jwks.json";
/// Default origin timeout.
pub const DEFAULT_ORIGIN_TIMEOUT_MS: u64 = 10_000;
/// KV binding names.
pub const JWKS_CACHE: &str = "JWKS_CACHE";
pub const SEEN_IDS: &str = "SEEN_IDS";
/// The Durable Object namespace binding of `DEDUPE = "durable-object"`.
pub const DEDUPE_CLAIMS: &str = "DEDUPE_CLAIMS";
/// The queue producer binding and the dead-letter KV namespace of `DELIVERY = "queue"`.
pub const DELIVERIES: &str = "DELIVERIES";
pub const DEAD_LETTERS: &str = "DEAD_LETTERS";
/// The shortest `ADMIN_TOKEN` accepted (characters): a guessable token would open replay.
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

pub struct Config {
    /// Secrets, tolerance and body cap; JWKS keys are added per request from the cache.
    pub verifier: Verifier,
    pub webhook_path: String,
    /// The default origin's URL (with `ORIGIN_SERVICE`, the URL the binding is asked for).
    pub origin_url: String,
    /// `ORIGIN_SERVICE`: the default origin as a Fetcher binding (service, VPC, mTLS).
    pub origin_service: Option<JsValue>,
    /// The Fetcher bindings `ROUTES` names as `service:NAME`.
    pub services: HashMap<String, JsValue>,
    /// `CF_ACCESS_CLIENT_ID` and `CF_ACCESS_CLIENT_SECRET`, sent on every hop when both are set.
    pub access_token: Option<(String, String)>,
    /// `DELIVERY`: forward before answering (`sync`, the default) or queue (`queue`).
    pub delivery: Delivery,
    /// Backoff of queued deliveries (`RETRY_BASE_SECONDS`, `RETRY_MAX_SECONDS`, `RETRY_MAX_ATTEMPTS`).
    pub retry: RetryPolicy,
    /// `ADMIN_TOKEN` (secret): enables `/admin/*` for a caller presenting it as a bearer token.
    pub admin_token: Option<String>,
    /// `DEAD_LETTER_QUEUE`: the name of the queue's dead-letter queue (its messages are parked).
    pub dead_letter_queue: String,
    pub origin_secret: Secret,
    pub routes: Routes,
    pub origin_timeout_ms: u64,
    pub jwks_url: String,
    /// The core's JWKS cache policy; `JWKS_REFETCH_COOLDOWN_SECONDS` tunes the cooldown.
    pub cache_policy: CachePolicy,
    /// The JWKS cache namespace, bound once.
    pub jwks_cache: Kv,
    /// Where dedupe claims live (`DEDUPE`: `kv`, the default, or `durable-object`).
    pub claims: Claims,
}

/// How a verified delivery reaches the origin.
pub enum Delivery {
    /// Forwarded before the sender gets its answer.
    Sync,
    /// Sent to the `DELIVERIES` queue (202 once sent); the consumer forwards with retries and
    /// parks what keeps failing in the `DEAD_LETTERS` KV namespace.
    Queue { queue: Queue, dead_letters: Kv },
}

thread_local! {
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

/// The configuration, read from `env` on first use in this isolate.
pub fn get(env: &Env) -> Result<Rc<Config>, EdgeError> {
    if let Some(c) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(c);
    }
    let config = Rc::new(read(env)?);
    CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
    Ok(config)
}

fn text(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Config {
    /// How long a dedupe claim taken before a hop holds (seconds): past the longest hop, so a
    /// copy arriving meanwhile waits rather than doubles.
    pub fn hop_lease_seconds(&self) -> u64 {
        self.origin_timeout_ms.div_ceil(1000) + 5
    }
}

fn invalid(variable: &'static str, problem: impl Into<String>) -> EdgeError {
    EdgeError::Config { variable, problem: problem.into() }
}

fn number<T: std::str::FromStr>(env: &Env, name: &'static str, default: T) -> Result<T, EdgeError> {
    match text(env, name) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| invalid(name, format!("{s:?} is not a whole number"))),
    }
}

/// `https://`, or `http://` to a loopback host only (the core's [`hookwall::endpoint`] rule).
pub fn check_url(variable: &'static str, url: &str) -> Result<(), EdgeError> {
    if hookwall::endpoint::is_allowed(url) {
        Ok(())
    } else {
        Err(invalid(variable, "must be an https:// URL (http:// is allowed for 127.0.0.1 and localhost only)"))
    }
}

/// A Fetcher binding (anything with `fetch`) by name.
fn fetcher(env: &Env, name: &str) -> Option<JsValue> {
    let value = Reflect::get(env, &JsValue::from_str(name)).ok()?;
    Reflect::get(&value, &JsValue::from_str("fetch")).ok().filter(JsValue::is_function).map(|_| value)
}

fn read(env: &Env) -> Result<Config, EdgeError> {
    let origin_service = match text(env, "ORIGIN_SERVICE") {
        Some(name) => Some(fetcher(env, &name).ok_or_else(|| {
            invalid("ORIGIN_SERVICE", format!("no Fetcher binding named {name:?} (see wrangler.toml [[services]])"))
        })?),
        None => None,
    };
    let origin_url = match (text(env, "ORIGIN_URL"), &origin_service) {
        (Some(url), _) => url,
        // Through a binding the URL only names the path the origin Worker sees.
        (None, Some(_)) => "https://origin.internal/".to_string(),
        (None, None) => return Err(invalid("ORIGIN_URL", "not set (nor ORIGIN_SERVICE)")),
    };
    check_url("ORIGIN_URL", &origin_url)?;
    let origin_secret = Secret::parse(&text(env, "ORIGIN_SECRET").ok_or_else(|| invalid("ORIGIN_SECRET", "not set"))?)
        .map_err(|e| invalid("ORIGIN_SECRET", e.to_string()))?;
    let secrets = match text(env, "WEBHOOK_SECRETS") {
        Some(list) => Secret::parse_list(&list).map_err(|e| invalid("WEBHOOK_SECRETS", e.to_string()))?,
        None => Vec::new(),
    };
    let jwks_url = text(env, "JWKS_URL").unwrap_or_else(|| DEFAULT_JWKS_URL.to_string());
    check_url("JWKS_URL", &jwks_url)?;
    let routes =
        Routes::parse(&text(env, "ROUTES").unwrap_or_default()).map_err(|e| invalid("ROUTES", e.to_string()))?;
    let mut services = HashMap::new();
    for target in routes.targets() {
        if let Target::Service(name) = target {
            let binding = fetcher(env, name)
                .ok_or_else(|| invalid("ROUTES", format!("no Fetcher binding named {name:?} for service:{name}")))?;
            services.insert(name.to_string(), binding);
        }
    }
    let access_token = match (text(env, "CF_ACCESS_CLIENT_ID"), text(env, "CF_ACCESS_CLIENT_SECRET")) {
        (Some(id), Some(secret)) => Some((id, secret)),
        (None, None) => None,
        _ => {
            return Err(invalid(
                "CF_ACCESS_CLIENT_ID",
                "set both CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET, or neither",
            ));
        }
    };
    let tolerance = number(env, "TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS)?;
    let max_body = number(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)?;
    if max_body == 0 {
        return Err(invalid("MAX_BODY_BYTES", "must be positive"));
    }
    let origin_timeout_ms = number(env, "ORIGIN_TIMEOUT_MS", DEFAULT_ORIGIN_TIMEOUT_MS)?;
    if origin_timeout_ms == 0 {
        return Err(invalid("ORIGIN_TIMEOUT_MS", "must be positive"));
    }
    let webhook_path = text(env, "WEBHOOK_PATH").unwrap_or_else(|| "/".to_string());
    if !webhook_path.starts_with('/') {
        return Err(invalid("WEBHOOK_PATH", "must start with /"));
    }
    let kv = |variable: &'static str| {
        Kv::bind(env, variable)
            .ok_or_else(|| invalid(variable, "KV namespace binding missing (see wrangler.toml [[kv_namespaces]])"))
    };
    let jwks_cache = kv(JWKS_CACHE)?;
    let claims = match text(env, "DEDUPE").as_deref() {
        None | Some("kv") => Claims::Kv(kv(SEEN_IDS)?),
        Some("durable-object") => Claims::Object(env.durable_object(DEDUPE_CLAIMS).map_err(|_| {
            invalid(DEDUPE_CLAIMS, "Durable Object binding missing (DEDUPE = \"durable-object\"; see wrangler.toml)")
        })?),
        Some(other) => return Err(invalid("DEDUPE", format!("{other:?} is not \"kv\" or \"durable-object\""))),
    };
    let delivery = match text(env, "DELIVERY").as_deref() {
        None | Some("sync") => Delivery::Sync,
        Some("queue") => Delivery::Queue {
            queue: env.queue(DELIVERIES).map_err(|_| {
                invalid(
                    DELIVERIES,
                    "queue producer binding missing (DELIVERY = \"queue\"; see wrangler.toml [[queues.producers]])",
                )
            })?,
            dead_letters: kv(DEAD_LETTERS)?,
        },
        Some(other) => return Err(invalid("DELIVERY", format!("{other:?} is not \"sync\" or \"queue\""))),
    };
    let defaults = RetryPolicy::default();
    let retry = RetryPolicy {
        base_seconds: number(env, "RETRY_BASE_SECONDS", defaults.base_seconds)?.max(1),
        max_seconds: number(env, "RETRY_MAX_SECONDS", defaults.max_seconds)?.max(1),
        max_attempts: number(env, "RETRY_MAX_ATTEMPTS", defaults.max_attempts)?.max(1),
    };
    let admin_token = text(env, "ADMIN_TOKEN");
    if admin_token.as_ref().is_some_and(|t| t.len() < MIN_ADMIN_TOKEN_LEN) {
        return Err(invalid("ADMIN_TOKEN", format!("shorter than {MIN_ADMIN_TOKEN_LEN} characters")));
    }
    let mut builder = Verifier::builder().secrets(secrets).tolerance_seconds(tolerance).max_body_bytes(max_body);
    if let Some(audience) = text(env, "JWT_AUDIENCE") {
        builder = builder.audience(audience);
    }
    if let Some(issuer) = text(env, "JWT_ISSUER") {
        builder = builder.issuer(issuer);
    }
    // Binding dynamic (JWKS-signed) deliveries to this receiver (hookwall::tenant).
    if let Some(rule) = text(env, "TENANT_FIELD") {
        let Some((path, value)) = rule.split_once('=').filter(|(p, v)| !p.trim().is_empty() && !v.is_empty()) else {
            return Err(invalid("TENANT_FIELD", "expected path=value, e.g. data.user_metadata.tenant=acme"));
        };
        builder = builder.tenant_field(path.trim(), value);
    }
    match text(env, "TENANT_BINDING").as_deref() {
        None => {}
        Some("path") => {
            let bits = hookwall::tenant::secret_path_bits(&webhook_path);
            if bits < hookwall::tenant::MIN_SECRET_PATH_BITS {
                return Err(invalid(
                    "TENANT_BINDING",
                    format!(
                        "\"path\" needs a WEBHOOK_PATH whose last segment is a random token of at least {} bits (this one has about {bits}); e.g. 32 hex characters",
                        hookwall::tenant::MIN_SECRET_PATH_BITS
                    ),
                ));
            }
            builder = builder.secret_path_asserted();
        }
        Some("any") => builder = builder.any_tenant(),
        Some(other) => return Err(invalid("TENANT_BINDING", format!("{other:?} is not \"path\" or \"any\""))),
    }
    let verifier = builder.build();
    if !verifier.tenant_bound() {
        // Said once per isolate: JWKS-signed deliveries are refused until one of these is set.
        worker::console_warn!(
            "hookwall: no tenant binding configured; v1a and JWT deliveries will be refused (403 tenant_unbound). Set JWT_AUDIENCE, TENANT_FIELD, TENANT_BINDING=path (a secret WEBHOOK_PATH) or TENANT_BINDING=any."
        );
    } else if text(env, "TENANT_BINDING").as_deref() == Some("any") {
        worker::console_warn!(
            "hookwall: TENANT_BINDING=any: v1a and JWT deliveries of every project the JWKS signs for are accepted."
        );
    }
    let defaults = CachePolicy::default();
    let cache_policy = CachePolicy {
        refetch_cooldown: number(env, "JWKS_REFETCH_COOLDOWN_SECONDS", defaults.refetch_cooldown)?,
        ..defaults
    };
    Ok(Config {
        verifier,
        webhook_path,
        origin_url,
        origin_service,
        services,
        access_token,
        delivery,
        retry,
        admin_token,
        dead_letter_queue: text(env, "DEAD_LETTER_QUEUE").unwrap_or_else(|| "hookwall-dead-letters".to_string()),
        origin_secret,
        routes,
        origin_timeout_ms,
        jwks_url,
        cache_policy,
        jwks_cache,
        claims,
    })
}
