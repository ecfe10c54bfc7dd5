//! The JWKS, cached in Workers KV (`JWKS_CACHE`) and in the isolate, with the core's policy:
//! TTL from `Cache-Control`, stale copy served when a refetch fails, and at most one fetch
//! attempt per cooldown (scheduled or forced by an unknown `kid`).

use std::cell::RefCell;
use std::rc::Rc;

use hookwall::cache::{CacheState, Lookup};
use hookwall::jwks::MAX_JWKS_BYTES;
use hookwall::{Jwks, Verifier};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::net::{self, NetError, Outbound};
use crate::outcome::EdgeError;

const KV_KEY: &str = "jwks";
/// Deadline of a fetch that has nothing to fall back on.
const FETCH_TIMEOUT_MS: u64 = 5_000;
/// Deadline of a refresh with a stale set in hand: the sender expects an answer within a few
/// seconds, so a slow endpoint costs the delivery this much at most, then the stale set serves.
const STALE_FETCH_TIMEOUT_MS: u64 = 1_500;

/// What KV holds: the policy state and the last good document.
#[derive(Serialize, Deserialize, Clone)]
struct Stored {
    state: CacheState,
    doc: Option<String>,
}

/// The isolate's copy: the stored state and, when there is a document, a verifier with its keys.
#[derive(Clone)]
struct Memo {
    stored: Stored,
    verifier: Option<Rc<Verifier>>,
}

thread_local! {
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// Where the keys came from, for the log line.
pub type Source = &'static str;

fn memo() -> Option<Memo> {
    MEMO.with(|m| m.borrow().clone())
}

async fn load(config: &Config) -> Option<Stored> {
    let text = config.jwks_cache.get_text(KV_KEY).await.ok()??;
    serde_json::from_str(&text).ok()
}

async fn save(config: &Config, stored: Stored) -> Memo {
    let verifier = match (&stored.doc, memo()) {
        (Some(doc), Some(m)) if m.stored.doc.as_ref() == Some(doc) && m.verifier.is_some() => m.verifier,
        (Some(doc), _) => build(config, doc),
        (None, _) => None,
    };
    let keep = stored.state.ttl + config.cache_policy.max_stale + 3600;
    let _ = config.jwks_cache.put_text(KV_KEY, &serde_json::to_string(&stored).unwrap_or_default(), keep).await;
    let m = Memo { stored, verifier };
    MEMO.with(|slot| *slot.borrow_mut() = Some(m.clone()));
    m
}

fn build(config: &Config, doc: &str) -> Option<Rc<Verifier>> {
    let jwks = Jwks::parse(doc.as_bytes()).ok()?;
    let mut v = config.verifier.clone();
    v.set_jwks(jwks);
    Some(Rc::new(v))
}

/// The current state: the isolate's copy when it is fresh, KV's otherwise (another isolate
/// may have refreshed), falling back to the isolate's copy when KV fails.
async fn current(config: &Config, now: u64) -> Option<Memo> {
    let local = memo();
    if let Some(m) = &local
        && config.cache_policy.fresh(&m.stored.state, now)
        && m.verifier.is_some()
    {
        return local;
    }
    match load(config).await {
        Some(stored) => {
            let verifier = match &local {
                Some(m) if m.stored.doc == stored.doc => m.verifier.clone(),
                _ => None,
            };
            Some(Memo { stored, verifier })
        }
        None => local,
    }
}

/// Fetches the JWKS; a document is good only if it parses and has at least one usable key.
async fn fetch(url: &str, timeout_ms: u64) -> Result<(String, Option<String>), String> {
    let out = Outbound { method: "GET", url, headers: &[("accept", "application/json")], body: None };
    let reply = match net::send(out, timeout_ms, MAX_JWKS_BYTES, |status| status == 200, None).await {
        Ok(r) => r,
        Err(NetError::Timeout) => return Err(format!("no answer within {timeout_ms} ms")),
        Err(NetError::Unreachable(why)) => return Err(format!("unreachable: {why}")),
    };
    if reply.status != 200 {
        return Err(format!("answered {}", reply.status));
    }
    if reply.truncated {
        return Err(format!("larger than {MAX_JWKS_BYTES} bytes"));
    }
    let jwks = Jwks::parse(&reply.body).map_err(|e| e.to_string())?;
    if jwks.is_empty() {
        return Err("no usable signing key in the set".into());
    }
    let doc = String::from_utf8(reply.body).map_err(|_| "not UTF-8".to_string())?;
    Ok((doc, reply.cache_control))
}

/// Fetches and records the outcome (good document or failed attempt) in KV and the isolate.
async fn refresh(config: &Config, previous: Option<Memo>, now: u64, timeout_ms: u64) -> (Memo, Result<(), String>) {
    let p = &config.cache_policy;
    match fetch(&config.jwks_url, timeout_ms).await {
        Ok((doc, cache_control)) => {
            let stored = Stored { state: p.fetched(now, cache_control.as_deref()), doc: Some(doc) };
            (save(config, stored).await, Ok(()))
        }
        Err(why) => {
            let prev_state = previous.as_ref().map(|m| m.stored.state);
            let doc = previous.and_then(|m| m.stored.doc);
            let stored = Stored { state: p.attempt_failed(prev_state, now), doc };
            (save(config, stored).await, Err(why))
        }
    }
}

fn ready(config: &Config, m: &Memo) -> Option<Rc<Verifier>> {
    m.verifier.clone().or_else(|| m.stored.doc.as_deref().and_then(|d| build(config, d)))
}

/// A verifier holding the JWKS keys, following the cache policy.
pub async fn verifier(config: &Config, now: u64) -> Result<(Rc<Verifier>, Source), EdgeError> {
    let p = &config.cache_policy;
    let cur = current(config, now).await;
    let state = cur.as_ref().map(|m| m.stored.state);
    let unavailable = |why: String| EdgeError::JwksUnavailable(why);
    match p.lookup(state.as_ref(), now) {
        Lookup::UseCached => {
            let m = cur.ok_or_else(|| unavailable("no cached set".into()))?;
            let v = ready(config, &m).ok_or_else(|| unavailable("the cached set does not parse".into()))?;
            MEMO.with(|slot| *slot.borrow_mut() = Some(Memo { verifier: Some(v.clone()), ..m }));
            Ok((v, "cached"))
        }
        Lookup::FetchOrUseStale => {
            let (m, fetched) = refresh(config, cur, now, STALE_FETCH_TIMEOUT_MS).await;
            let v = ready(config, &m).ok_or_else(|| unavailable("the cached set does not parse".into()))?;
            Ok((v, if fetched.is_ok() { "fetched" } else { "stale" }))
        }
        Lookup::FetchRequired => {
            let (m, fetched) = refresh(config, cur, now, FETCH_TIMEOUT_MS).await;
            fetched.map_err(unavailable)?;
            let v = ready(config, &m).ok_or_else(|| unavailable("the fetched set does not parse".into()))?;
            Ok((v, "fetched"))
        }
        Lookup::Unavailable => Err(unavailable("the last fetch failed; waiting out the refetch cooldown".into())),
    }
}

/// After a key miss (unknown `kid`, or `v1a` matching no key): refetch if the cooldown allows
/// and the set changed. `Some` holds a verifier with the new keys.
pub async fn refetch_on_key_miss(config: &Config, now: u64) -> Option<Rc<Verifier>> {
    let cur = current(config, now).await;
    let state = cur.as_ref().map(|m| m.stored.state);
    if !config.cache_policy.may_refetch_on_key_miss(state.as_ref(), now) {
        return None;
    }
    let old_doc = cur.as_ref().and_then(|m| m.stored.doc.clone());
    let (m, fetched) = refresh(config, cur, now, FETCH_TIMEOUT_MS).await;
    if fetched.is_ok() && m.stored.doc != old_doc { ready(config, &m) } else { None }
}
