//! The JWKS key flow, sans-IO: the one place that decides, for a delivery, whether keys must be
//! loaded or fetched, whether to wait for a fetch already running, and what the verdict is.
//!
//! The adapter (the worker with its KV store, the npm `JwksVerifier`) keeps one [`KeyCache`]
//! per isolate or instance and, per delivery, one [`KeyFlow`]. It calls [`KeyCache::next`] and
//! performs what the answer says, feeding the result back, until [`Next::Done`]:
//!
//! - [`Next::Load`]: read the shared store (KV), give it to [`KeyCache::restore`].
//! - [`Next::Fetch`]: the attempt is already recorded (the cooldown counts from its start), so
//!   persist [`KeyCache::stored`] first for other isolates to see it; then GET the JWKS within
//!   the deadline and report with [`KeyCache::fetched`] or [`KeyCache::fetch_failed`].
//! - [`Next::Wait`]: another delivery's load or fetch is running; await it, then ask again.
//!
//! Single flight follows from the cache holding the one operation in progress: concurrent
//! deliveries that need the same fetch wait for it instead of starting their own. A delivery
//! that only a fresher key set could save (its JWKS-signed entries match no known key) while
//! no fetch is allowed, or after one failed, is answered [`Rejection::JwksUnavailable`], which
//! is retryable (503 with `retry-after` of at most the remaining cooldown), never a 401 that
//! the sender would not retry. The cost, stated in SECURITY.md: during a cooldown, forged
//! `v1a` and unknown-`kid` deliveries get 503 rather than 401.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::cache::{CachePolicy, CacheState, Lookup};
use crate::error::{ConfigError, Rejection};
use crate::headers::WebhookHeaders;
use crate::jwks::Jwks;
use crate::verifier::{Verified, Verifier, needs_jwks};

/// Deadline of a fetch with nothing usable in hand (milliseconds).
pub const FETCH_TIMEOUT_MS: u64 = 5_000;
/// Deadline of a refresh with a stale set in hand: a slow endpoint delays a delivery this much
/// at most, then the stale set serves (milliseconds).
pub const STALE_FETCH_TIMEOUT_MS: u64 = 1_500;

/// What an adapter persists in a shared store: the policy state and the last good document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Fetch times and TTL.
    pub state: CacheState,
    /// The last document that parsed with at least one usable key.
    pub doc: Option<String>,
}

/// What the adapter does next for one delivery.
#[derive(Debug)]
pub enum Next {
    /// The verdict. [`Rejection::JwksUnavailable`] is retryable.
    Done(Result<Verified, Rejection>),
    /// Read the shared store and pass what it holds to [`KeyCache::restore`].
    Load,
    /// Persist [`KeyCache::stored`], fetch the JWKS within `timeout_ms`, report the outcome.
    Fetch {
        /// Give up after this many milliseconds and report [`KeyCache::fetch_failed`].
        timeout_ms: u64,
    },
    /// Another delivery's load or fetch is in progress: await it, then call `next` again.
    Wait,
}

/// One delivery's progress through the flow.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyFlow {
    started: bool,
    synced: bool,
    attempted: bool,
}

impl KeyFlow {
    /// A new delivery.
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    Load,
    Fetch,
}

/// The cache state of one isolate or verifier instance: the policy, the current key set
/// (parsed once per document) and the operation in progress.
#[derive(Clone, Debug)]
pub struct KeyCache {
    policy: CachePolicy,
    shared: bool,
    state: Option<CacheState>,
    doc: Option<String>,
    jwks: Option<Jwks>,
    busy: Option<Busy>,
}

impl KeyCache {
    /// A cache with this policy. `shared`: the adapter has a store other instances write to
    /// (KV), so the flow asks it to [`Load`](Next::Load) before deciding on stale data.
    pub fn new(policy: CachePolicy, shared: bool) -> Self {
        KeyCache { policy, shared, state: None, doc: None, jwks: None, busy: None }
    }

    /// What to persist in the shared store, if anything is known.
    pub fn stored(&self) -> Option<Stored> {
        self.state.map(|state| Stored { state, doc: self.doc.clone() })
    }

    /// How long the shared store should keep [`stored`](Self::stored) (seconds): past the
    /// stale limit it is useless.
    pub fn keep_seconds(&self) -> u64 {
        let ttl = self.state.map_or(0, |s| s.ttl);
        ttl.saturating_add(self.policy.max_stale).saturating_add(3600)
    }

    /// The current key set, when it may still be used at `now` (fresh or within `max_stale`).
    pub fn keys(&self, now: u64) -> Option<&Jwks> {
        let state = self.state.as_ref()?;
        if self.policy.usable(state, now) { self.jwks.as_ref() } else { None }
    }

    /// Whether a fetch is in progress (for adapters that share one fetch among waiters).
    pub fn fetching(&self) -> bool {
        self.busy == Some(Busy::Fetch)
    }

    /// Decides the next step for a delivery. Call again after each step until [`Next::Done`].
    pub fn next(
        &mut self,
        verifier: &Verifier,
        body: &[u8],
        headers: &WebhookHeaders<'_>,
        now: u64,
        flow: &mut KeyFlow,
    ) -> Next {
        if !flow.started {
            flow.started = true;
            // The configured secrets and keys first: a `v1` match, or a verdict no key can
            // change (headers, timestamp, size), needs no JWKS.
            let settled = verifier.verify_headers(body, headers, now);
            match &settled {
                Err(e) if needs_jwks(headers.signature) && e.depends_on_keys() => {}
                _ => return Next::Done(settled),
            }
        }
        if let Some(busy) = self.busy {
            flow.synced = true;
            flow.attempted |= busy == Busy::Fetch;
            return Next::Wait;
        }
        let lookup = self.policy.lookup(self.state.as_ref(), now);
        if matches!(lookup, Lookup::FetchRequired | Lookup::FetchOrUseStale) && !flow.attempted {
            return self.sync_or_fetch(now, flow);
        }
        let Some(jwks) = self.keys(now) else { return Next::Done(Err(self.unavailable(now))) };
        match verifier.verify_with_jwks(jwks, body, headers, now) {
            Err(e) if e.suggests_key_refresh() => {
                if !flow.attempted && self.policy.may_refetch_on_key_miss(self.state.as_ref(), now) {
                    return self.sync_or_fetch(now, flow);
                }
                // A set fetched for (or while waiting on) this very delivery is the newest
                // there is: its miss is final. Otherwise a fresher set might still verify.
                if flow.attempted && self.last_attempt_succeeded() {
                    Next::Done(Err(e))
                } else {
                    Next::Done(Err(self.unavailable(now)))
                }
            }
            verdict => Next::Done(verdict),
        }
    }

    /// Loads the shared store first (another instance may have fetched), then fetches.
    fn sync_or_fetch(&mut self, now: u64, flow: &mut KeyFlow) -> Next {
        if self.shared && !flow.synced {
            flow.synced = true;
            self.busy = Some(Busy::Load);
            return Next::Load;
        }
        flow.attempted = true;
        self.busy = Some(Busy::Fetch);
        let usable = self.keys(now).is_some();
        self.state = Some(self.policy.attempt_failed(self.state, now)); // the attempt, from its start
        Next::Fetch { timeout_ms: if usable { STALE_FETCH_TIMEOUT_MS } else { FETCH_TIMEOUT_MS } }
    }

    /// Takes in what the shared store held (`None`: empty or unreadable): its document when it
    /// is newer than this one, and the later of the two fetch attempts.
    pub fn restore(&mut self, stored: Option<Stored>) {
        if self.busy == Some(Busy::Load) {
            self.busy = None;
        }
        let Some(Stored { state, doc }) = stored else { return };
        let newer_doc = match (&self.state, &doc) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(mine), Some(d)) => {
                state.fetched_at > mine.fetched_at
                    || (state.fetched_at == mine.fetched_at && Some(d) != self.doc.as_ref())
            }
        };
        let last_attempt = self.state.map_or(state.last_attempt, |mine| mine.last_attempt.max(state.last_attempt));
        // A corrupt store entry is ignored; the next fetch replaces it.
        if newer_doc
            && let Some(text) = doc
            && let Ok(jwks) = parse(&text)
        {
            self.jwks = Some(jwks);
            self.doc = Some(text);
            self.state = Some(CacheState { last_attempt, ..state });
            return;
        }
        self.state = Some(match self.state {
            Some(mine) => CacheState { last_attempt, ..mine },
            None => CacheState { fetched_at: 0, ttl: 0, last_attempt },
        });
    }

    /// Takes in a fetched document (status 200, at most [`MAX_JWKS_BYTES`](crate::jwks::MAX_JWKS_BYTES))
    /// and its `Cache-Control`. A document that does not parse, or has no usable key, counts as
    /// a failed attempt and the error says why.
    pub fn fetched(&mut self, document: &[u8], cache_control: Option<&str>, now: u64) -> Result<(), ConfigError> {
        self.busy = None;
        let parsed = core::str::from_utf8(document).map_err(|_| ConfigError::InvalidJwks).and_then(parse);
        match parsed {
            Ok(jwks) => {
                let started = self.state.map_or(now, |s| s.last_attempt);
                let mut state = self.policy.fetched(started, cache_control);
                state.last_attempt = started;
                self.state = Some(state);
                self.jwks = Some(jwks);
                self.doc = String::from_utf8(document.to_vec()).ok();
                Ok(())
            }
            Err(e) => {
                self.fetch_failed(now);
                Err(e)
            }
        }
    }

    /// Records a failed fetch (no answer, a non-200 status, too large). The stale set, if any,
    /// stays usable up to `max_stale`.
    pub fn fetch_failed(&mut self, now: u64) {
        self.busy = None;
        if self.state.is_none() {
            self.state = Some(self.policy.attempt_failed(None, now));
        }
    }

    /// Clears an operation whose driver went away without reporting (an adapter's error path),
    /// so that later deliveries do not wait for it forever.
    pub fn abandon(&mut self) {
        self.busy = None;
    }

    fn last_attempt_succeeded(&self) -> bool {
        self.state.is_some_and(|s| s.fetched_at != 0 && s.fetched_at == s.last_attempt)
    }

    fn unavailable(&self, now: u64) -> Rejection {
        let until = self.state.map_or(now, |s| s.last_attempt.saturating_add(self.policy.refetch_cooldown));
        Rejection::JwksUnavailable { retry_after_seconds: until.saturating_sub(now).max(1) }
    }
}

/// A document is good only if it parses and has at least one usable key.
fn parse(text: &str) -> Result<Jwks, ConfigError> {
    let jwks = Jwks::parse(text.as_bytes())?;
    if jwks.is_empty() { Err(ConfigError::JwksNoUsableKey) } else { Ok(jwks) }
}
