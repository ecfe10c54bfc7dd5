//! The JWKS cache *policy*, as pure functions, applied by the key flow ([`crate::keyflow`])
//! that every adapter drives.
//!
//! - A fetched set lives for its `Cache-Control: max-age`, clamped to
//!   [`min_ttl`, `max_ttl`](CachePolicy) (default 1 h when absent, `no-store`/`no-cache`
//!   count as the minimum).
//! - Past that it is *stale*: refetch, but if the fetch fails keep using it until
//!   `max_stale` past expiry.
//! - Fetch attempts (scheduled or forced by an unknown `kid`) happen at most once per
//!   `refetch_cooldown`, so an attacker cannot make every request trigger a fetch.

use serde::{Deserialize, Serialize};

/// Tunables; [`Default`] gives the values of docs/protocol.md ("JWKS"). Deserialising fills the
/// fields left out with the defaults, so adapters take overrides without restating them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CachePolicy {
    /// TTL when the response says nothing (seconds).
    pub default_ttl: u64,
    /// Lower clamp of the TTL (seconds).
    pub min_ttl: u64,
    /// Upper clamp of the TTL (seconds).
    pub max_ttl: u64,
    /// How long past expiry a cached set may still be used when refetching fails (seconds).
    pub max_stale: u64,
    /// Minimum time between two fetch attempts (seconds).
    pub refetch_cooldown: u64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy { default_ttl: 3600, min_ttl: 300, max_ttl: 86_400, max_stale: 86_400, refetch_cooldown: 60 }
    }
}

/// What an adapter stores next to the cached JWKS document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheState {
    /// When the cached document was fetched (Unix seconds).
    pub fetched_at: u64,
    /// Its TTL as decided by [`CachePolicy::ttl`] (seconds).
    pub ttl: u64,
    /// When a fetch was last attempted, successful or not (Unix seconds).
    pub last_attempt: u64,
}

/// What to do when keys are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Use the cached set as it is.
    UseCached,
    /// Fetch; on failure use the cached set (it is stale but within `max_stale`).
    FetchOrUseStale,
    /// Fetch; on failure there is nothing usable.
    FetchRequired,
    /// Nothing usable and the cooldown forbids fetching now.
    Unavailable,
}

impl CachePolicy {
    /// The TTL for a response with this `Cache-Control` header (or none).
    ///
    /// ```
    /// use hookwall::CachePolicy;
    /// let p = CachePolicy::default();
    /// assert_eq!(p.ttl(Some("public, max-age=7200, must-revalidate")), 7200);
    /// assert_eq!(p.ttl(Some("max-age=5")), 300);        // clamped up
    /// assert_eq!(p.ttl(Some("max-age=9999999")), 86_400); // clamped down
    /// assert_eq!(p.ttl(None), 3600);
    /// assert_eq!(p.ttl(Some("no-store")), 300);
    /// ```
    pub fn ttl(&self, cache_control: Option<&str>) -> u64 {
        let mut ttl = self.default_ttl;
        for directive in cache_control.unwrap_or("").split(',').map(str::trim) {
            let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
            let name = name.trim();
            if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
                return self.min_ttl;
            }
            if name.eq_ignore_ascii_case("max-age")
                && let Ok(secs) = value.trim().trim_matches('"').parse::<u64>()
            {
                ttl = secs;
            }
        }
        ttl.clamp(self.min_ttl, self.max_ttl)
    }

    /// A fresh state for a set fetched now with this `Cache-Control`.
    pub fn fetched(&self, now: u64, cache_control: Option<&str>) -> CacheState {
        CacheState { fetched_at: now, ttl: self.ttl(cache_control), last_attempt: now }
    }

    /// Records a failed fetch attempt (the cached document, if any, stays).
    pub fn attempt_failed(&self, state: Option<CacheState>, now: u64) -> CacheState {
        match state {
            Some(s) => CacheState { last_attempt: now, ..s },
            None => CacheState { fetched_at: 0, ttl: 0, last_attempt: now },
        }
    }

    fn has_document(state: &CacheState) -> bool {
        state.fetched_at != 0
    }

    fn cooling_down(&self, state: &CacheState, now: u64) -> bool {
        now < state.last_attempt.saturating_add(self.refetch_cooldown)
    }

    /// Whether the cached document (if any) may still be used at `now`, fresh or stale.
    pub fn usable(&self, state: &CacheState, now: u64) -> bool {
        Self::has_document(state) && now <= state.fetched_at.saturating_add(state.ttl).saturating_add(self.max_stale)
    }

    /// Whether the cached document is within its TTL.
    pub fn fresh(&self, state: &CacheState, now: u64) -> bool {
        Self::has_document(state) && now < state.fetched_at.saturating_add(state.ttl)
    }

    /// What to do when keys are needed for an ordinary lookup.
    ///
    /// ```
    /// use hookwall::{CachePolicy, cache::Lookup};
    /// let p = CachePolicy::default();
    /// assert_eq!(p.lookup(None, 1000), Lookup::FetchRequired);
    /// let s = p.fetched(1000, Some("max-age=600"));
    /// assert_eq!(p.lookup(Some(&s), 1500), Lookup::UseCached);
    /// assert_eq!(p.lookup(Some(&s), 1700), Lookup::FetchOrUseStale);
    /// let failed = p.attempt_failed(Some(s), 1700);
    /// assert_eq!(p.lookup(Some(&failed), 1710), Lookup::UseCached); // cooldown: no fetch storm
    /// ```
    pub fn lookup(&self, state: Option<&CacheState>, now: u64) -> Lookup {
        let Some(state) = state else { return Lookup::FetchRequired };
        if self.fresh(state, now) {
            return Lookup::UseCached;
        }
        let usable = self.usable(state, now);
        match (self.cooling_down(state, now), usable) {
            (true, true) => Lookup::UseCached,
            (true, false) => Lookup::Unavailable,
            (false, true) => Lookup::FetchOrUseStale,
            (false, false) => Lookup::FetchRequired,
        }
    }

    /// Whether a verification that failed with a key miss
    /// ([`Rejection::suggests_key_refresh`](crate::Rejection::suggests_key_refresh)) may refetch
    /// now: the cooldown since the last attempt (counted from its start) is over.
    ///
    /// ```
    /// use hookwall::CachePolicy;
    /// let p = CachePolicy::default();
    /// let s = p.fetched(1000, None);
    /// assert!(!p.may_refetch_on_key_miss(Some(&s), 1030));
    /// assert!(p.may_refetch_on_key_miss(Some(&s), 1060));
    /// ```
    pub fn may_refetch_on_key_miss(&self, state: Option<&CacheState>, now: u64) -> bool {
        state.is_none_or(|s| !self.cooling_down(s, now))
    }
}
