//! The worker's configuration: `[vars]`, secrets and bindings, read and validated once per
//! isolate. A missing or invalid value fails every request with a 500 that names it; it never
//! degrades into accepting unsigned traffic.

use std::cell::RefCell;
use std::rc::Rc;

use hookwall::route::Routes;
use hookwall::{CachePolicy, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS, Secret, Verifier};
use worker::Env;

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

pub struct Config {
    /// Secrets, tolerance and body cap; JWKS keys are added per request from the cache.
    pub verifier: Verifier,
    pub webhook_path: String,
    pub origin_url: String,
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

fn read(env: &Env) -> Result<Config, EdgeError> {
    let origin_url = text(env, "ORIGIN_URL").ok_or_else(|| invalid("ORIGIN_URL", "not set"))?;
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
    let mut builder = Verifier::builder().secrets(secrets).tolerance_seconds(tolerance).max_body_bytes(max_body);
    if let Some(audience) = text(env, "JWT_AUDIENCE") {
        builder = builder.audience(audience);
    }
    let verifier = builder.build();
    let defaults = CachePolicy::default();
    let cache_policy = CachePolicy {
        refetch_cooldown: number(env, "JWKS_REFETCH_COOLDOWN_SECONDS", defaults.refetch_cooldown)?,
        ..defaults
    };
    Ok(Config {
        verifier,
        webhook_path,
        origin_url,
        origin_secret,
        routes,
        origin_timeout_ms,
        jwks_url,
        cache_policy,
        jwks_cache,
        claims,
    })
}
