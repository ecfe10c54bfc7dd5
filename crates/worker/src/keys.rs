//! Drives the core's key flow ([`hookwall::keyflow`]) for one delivery: the isolate holds one
//! [`KeyCache`]; this module only performs the I/O the flow asks for. `Load` reads the state
//! KV holds under `jwks` (written by any isolate), `Fetch` writes the attempt to KV first (so
//! other isolates count the cooldown from its start), GETs the JWKS and writes the outcome,
//! `Wait` awaits the load or fetch another delivery of this isolate started (single flight).

use std::cell::RefCell;
use std::rc::Rc;

use hookwall::jwks::MAX_JWKS_BYTES;
use hookwall::keyflow::Stored;
use hookwall::{KeyCache, KeyFlow, Next, Rejection, Verified, WebhookHeaders};
use worker::js_sys::Promise;
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::config::Config;
use crate::net::{self, NetError, Outbound};
use crate::outcome::LogLine;

const KV_KEY: &str = "jwks";

thread_local! {
    static CACHE: RefCell<Option<KeyCache>> = const { RefCell::new(None) };
    /// The load or fetch in progress in this isolate, which `Wait` awaits.
    static IN_FLIGHT: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

fn with_cache<T>(config: &Config, f: impl FnOnce(&mut KeyCache) -> T) -> T {
    CACHE.with(|slot| f(slot.borrow_mut().get_or_insert_with(|| KeyCache::new(config.cache_policy, true))))
}

/// What the log line says about the keys: `cached`, `loaded`, `fetched`, `waited` (on another
/// delivery's load or fetch), `stale` (the fetch failed, the stale set served) or `unavailable`.
pub type Source = &'static str;

/// Verifies a delivery, with JWKS keys only when the core says they are needed.
pub async fn verify(
    config: &Rc<Config>,
    body: &[u8],
    headers: &WebhookHeaders<'_>,
    now: u64,
    log: &mut LogLine,
) -> Result<Verified, Rejection> {
    let mut flow = KeyFlow::new();
    let mut source: Option<Source> = None;
    let mut fetch_failed = false; // this delivery's own fetch
    // Each step changes the cache or the flow; a handful settles any delivery.
    for _ in 0..8 {
        match with_cache(config, |c| c.next(&config.verifier, body, headers, now, &mut flow)) {
            Next::Done(verdict) => {
                let source = match &verdict {
                    Err(Rejection::JwksUnavailable { .. }) => Some("unavailable"),
                    Ok(_) if fetch_failed => Some("stale"),
                    Ok(v) if source.is_none() && matches!(v.key, hookwall::MatchedKey::Jwk { .. }) => Some("cached"),
                    _ => source,
                };
                log.jwks = source;
                return verdict;
            }
            Next::Load => {
                shared(load(config.clone())).await;
                source = source.or(Some("loaded"));
            }
            Next::Fetch { timeout_ms } => {
                let failure = shared(fetch(config.clone(), now, timeout_ms)).await;
                fetch_failed = failure.is_some();
                log.notes.extend(failure.map(|why| format!("JWKS fetch failed: {why}")));
                source = Some("fetched");
            }
            Next::Wait => match IN_FLIGHT.with(|f| f.borrow().clone()) {
                Some(promise) => {
                    let _ = JsFuture::from(promise).await;
                    source = source.or(Some("waited"));
                }
                None => with_cache(config, KeyCache::abandon), // its driver is gone
            },
        }
    }
    with_cache(config, KeyCache::abandon);
    log.jwks = Some("unavailable");
    Err(Rejection::JwksUnavailable { retry_after_seconds: 1 })
}

/// Runs `op` as the isolate's one operation in flight, so that `Wait` can await it; resolves
/// to the failure `op` reported, if any.
async fn shared(op: impl Future<Output = Option<String>> + 'static) -> Option<String> {
    let promise = future_to_promise(async move {
        let failure = op.await;
        IN_FLIGHT.with(|f| f.borrow_mut().take());
        Ok(failure.map_or(JsValue::NULL, |why| JsValue::from_str(&why)))
    });
    IN_FLIGHT.with(|f| *f.borrow_mut() = Some(promise.clone()));
    JsFuture::from(promise).await.ok().and_then(|v| v.as_string())
}

async fn load(config: Rc<Config>) -> Option<String> {
    let stored = match config.jwks_cache.get_text(KV_KEY).await {
        Ok(Some(text)) => serde_json::from_str::<Stored>(&text).ok(),
        _ => None,
    };
    with_cache(&config, |c| c.restore(stored));
    None
}

async fn save(config: &Config) {
    let Some((stored, keep)) = with_cache(config, |c| c.stored().map(|s| (s, c.keep_seconds()))) else { return };
    let text = serde_json::to_string(&stored).unwrap_or_default();
    let _ = config.jwks_cache.put_text(KV_KEY, &text, keep).await;
}

/// Records the attempt, fetches, takes the document in (the core parses it, once), records
/// the outcome. Says why when the fetch failed.
async fn fetch(config: Rc<Config>, now: u64, timeout_ms: u64) -> Option<String> {
    save(&config).await;
    let failure = match get(&config.jwks_url, timeout_ms).await {
        Ok((doc, cache_control)) => {
            with_cache(&config, |c| c.fetched(&doc, cache_control.as_deref(), now)).err().map(|e| e.to_string())
        }
        Err(why) => {
            with_cache(&config, |c| c.fetch_failed(now));
            Some(why)
        }
    };
    save(&config).await;
    failure
}

/// GETs the JWKS: the body of a 200 answer within the size cap, and its `Cache-Control`.
async fn get(url: &str, timeout_ms: u64) -> Result<(Vec<u8>, Option<String>), String> {
    let out = Outbound { method: "GET", url, headers: &[("accept", "application/json")], body: None };
    let reply = match net::send(out, timeout_ms, MAX_JWKS_BYTES, |status| status == 200, None).await {
        Ok(r) => r,
        Err(NetError::Timeout) => return Err(format!("no answer within {timeout_ms} ms")),
        Err(NetError::Unreachable(why)) => return Err(format!("unreachable: {why}")),
    };
    match (reply.status, reply.truncated) {
        (200, false) => Ok((reply.body, reply.cache_control)),
        (200, true) => Err(format!("larger than {MAX_JWKS_BYTES} bytes")),
        (status, _) => Err(format!("answered {status}")),
    }
}
