//! Delivery ids already forwarded, in Workers KV (`SEEN_IDS`).
//!
//! An id is written only after the origin accepted the event, and kept for 48 h (the sender
//! retries for 24 h). KV is eventually consistent: two copies of one delivery racing through
//! different locations within seconds can both be forwarded. The origin still receives the same
//! `webhook-id` on both and can dedupe; hookwall never drops a delivery to avoid a duplicate.

use worker::Env;
use worker::kv::KvStore;

use crate::config::SEEN_IDS;

/// How long an id is remembered (seconds).
pub const REMEMBER_SECONDS: u64 = 48 * 3600;

fn key(id: &str) -> String {
    format!("id:{id}")
}

/// The `SEEN_IDS` namespace, opened once per request.
pub struct Seen(Result<KvStore, String>);

impl Seen {
    pub fn open(env: &Env) -> Self {
        Seen(env.kv(SEEN_IDS).map_err(|e| e.to_string()))
    }

    fn store(&self) -> Result<&KvStore, String> {
        self.0.as_ref().map_err(Clone::clone)
    }

    /// Whether the id was already forwarded. `Err` when KV cannot answer (the caller forwards
    /// anyway: at-least-once beats lost).
    pub async fn was_forwarded(&self, id: &str) -> Result<bool, String> {
        self.store()?.get(&key(id)).text().await.map(|v| v.is_some()).map_err(|e| e.to_string())
    }

    /// Remembers a forwarded id.
    pub async fn remember(&self, id: &str, now: u64) -> Result<(), String> {
        self.store()?
            .put(&key(id), now.to_string())
            .map_err(|e| e.to_string())?
            .expiration_ttl(REMEMBER_SECONDS)
            .execute()
            .await
            .map_err(|e| e.to_string())
    }
}
