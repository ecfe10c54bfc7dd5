//! Delivery ids already forwarded, in Workers KV (`SEEN_IDS`).
//!
//! An id is written only after the origin accepted the event, and kept for 48 h (the sender
//! retries for 24 h). KV is eventually consistent: two copies of one delivery racing through
//! different locations within seconds can both be forwarded. The origin still receives the same
//! `webhook-id` on both and can dedupe; hookwall never drops a delivery to avoid a duplicate.

use crate::kv::Kv;

/// How long an id is remembered (seconds).
pub const REMEMBER_SECONDS: u64 = 48 * 3600;

fn key(id: &str) -> String {
    format!("id:{id}")
}

/// Whether the id was already forwarded. `Err` when KV cannot answer (the caller forwards
/// anyway: at-least-once beats lost).
pub async fn was_forwarded(seen_ids: &Kv, id: &str) -> Result<bool, String> {
    seen_ids.get_text(&key(id)).await.map(|v| v.is_some())
}

/// Remembers a forwarded id.
pub async fn remember(seen_ids: &Kv, id: &str, now: u64) -> Result<(), String> {
    seen_ids.put_text(&key(id), &now.to_string(), REMEMBER_SECONDS).await
}
