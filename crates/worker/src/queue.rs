//! Durable delivery (`DELIVERY = "queue"`): a verified delivery is sent to the `DELIVERIES`
//! queue as a [`Parcel`] and the sender gets 202 once `send` resolved; this module's consumer
//! forwards each parcel with a fresh hop signature, following the core's
//! [`RetryPolicy`](hookwall::delivery::RetryPolicy): a retry is a new message sent with the
//! backoff as its delay (so the attempt count travels in the parcel), and a parcel the origin
//! refuses for good or that exhausts its attempts is parked in the `DEAD_LETTERS` KV namespace,
//! listed and replayed through [`crate::admin`]. A message is acked only once it is delivered,
//! re-sent or parked; anything else leaves it to the queue's own retries and, past them, to the
//! queue's dead-letter queue, whose messages this consumer parks too. Nothing is dropped.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hookwall::dedupe::Claim;
use hookwall::delivery::{DeadReason, Next};
use serde::{Deserialize, Serialize};
use worker::{Context, Env, MessageBatch, MessageBuilder, MessageExt, Queue, event};

use crate::config::{self, Config, Delivery};
use crate::kv::Kv;
use crate::origin::{self, Hop};
use crate::outcome::QueueLine;

/// One queued event: what the hop needs, and how many attempts it has had.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Parcel {
    pub id: String,
    pub scheme: String,
    pub event_type: String,
    pub content_type: Option<String>,
    /// The body bytes as received, base64.
    pub body: String,
    /// The dedupe key the edge claimed for it.
    pub key: String,
    /// Attempts made so far.
    pub attempt: u32,
    /// When the edge accepted it (Unix seconds).
    pub accepted_at: u64,
    /// Why it was parked (dead letters only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_reason: Option<String>,
}

impl Parcel {
    pub fn new(hop: &Hop<'_>, body: &[u8], content_type: Option<&str>, key: &str, now: u64) -> Self {
        Parcel {
            id: hop.id.to_string(),
            scheme: hop.scheme.to_string(),
            event_type: hop.event_type.to_string(),
            content_type: content_type.map(str::to_string),
            body: STANDARD.encode(body),
            key: key.to_string(),
            attempt: 0,
            accepted_at: now,
            dead_reason: None,
        }
    }

    /// The KV key it is parked under: ordered by time, unique per delivery.
    pub fn dead_key(&self) -> String {
        format!("dead:{:010}:{}", self.accepted_at, self.key)
    }
}

/// Sends a parcel, after `delay_seconds`.
pub async fn send(queue: &Queue, parcel: &Parcel, delay_seconds: u64) -> Result<(), String> {
    let delay = u32::try_from(delay_seconds).unwrap_or(u32::MAX);
    queue.send(MessageBuilder::new(parcel.clone()).delay_seconds(delay).build()).await.map_err(|e| e.to_string())
}

/// Parks a parcel in the dead-letter namespace (kept 30 days).
pub async fn park(dead_letters: &Kv, parcel: &Parcel) -> Result<(), String> {
    let text = serde_json::to_string(parcel).map_err(|e| e.to_string())?;
    dead_letters.put_text(&parcel.dead_key(), &text, 30 * 24 * 3600).await
}

#[event(queue)]
async fn consume(batch: MessageBatch<Parcel>, env: Env, ctx: Context) -> worker::Result<()> {
    let config = match config::get(&env) {
        Ok(c) => c,
        Err(e) => {
            // Without a configuration nothing can be delivered: leave every message to the
            // queue's retries (and its dead-letter queue).
            worker::console_error!("hookwall queue: configuration error {}: {}", e.code(), e.message());
            batch.retry_all();
            return Ok(());
        }
    };
    let Delivery::Queue { queue, dead_letters } = &config.delivery else {
        batch.retry_all();
        return Ok(());
    };
    // Messages the queue itself gave up on arrive from its dead-letter queue: park them.
    let from_dead_letter_queue = batch.queue() == config.dead_letter_queue;
    for message in batch.messages()? {
        let mut parcel = message.body().clone();
        let mut line = QueueLine::new(&parcel);
        let done = if from_dead_letter_queue {
            parcel.dead_reason.get_or_insert_with(|| "the queue's retries ran out".into());
            line.outcome = "parked";
            park(dead_letters, &parcel).await
        } else {
            deliver(&config, &ctx, queue, dead_letters, &mut parcel, &mut line).await
        };
        line.reason = parcel.dead_reason.clone();
        match done {
            Ok(()) => message.ack(),
            Err(why) => {
                line.note = Some(why);
                message.retry();
            }
        }
        line.emit();
    }
    Ok(())
}

/// One attempt for one parcel. `Ok` when the message may be acked: delivered, re-sent with its
/// backoff, or parked.
async fn deliver(
    config: &Config,
    ctx: &Context,
    queue: &Queue,
    dead_letters: &Kv,
    parcel: &mut Parcel,
    line: &mut QueueLine,
) -> Result<(), String> {
    let now = worker::Date::now().as_millis() / 1000;
    let hop_key = format!("hop:{}", parcel.key);
    // The queue delivers at least once: a claim on the hop keeps a redelivered message from
    // reaching the origin twice (as far as the dedupe mode allows).
    match config.claims.claim(&hop_key, now, config.hop_lease_seconds()).await {
        Ok(Claim::Duplicate) => {
            line.outcome = "duplicate";
            return Ok(());
        }
        Ok(Claim::InFlight { retry_after_seconds }) => {
            line.outcome = "in_flight";
            return send(queue, parcel, retry_after_seconds).await;
        }
        Ok(Claim::Claimed { .. }) => {}
        Err(why) => line.note = Some(format!("hop claim failed, forwarding anyway: {why}")),
    }
    let body = STANDARD.decode(&parcel.body).map_err(|e| format!("parcel body: {e}"))?;
    let hop = Hop { id: &parcel.id, scheme: &parcel.scheme, event_type: &parcel.event_type };
    let result = origin::forward(Some(ctx), config, &hop, &body, parcel.content_type.as_deref(), now).await;
    parcel.attempt += 1;
    line.attempt = parcel.attempt;
    line.origin_status = origin::answered_status(&result);
    let next = config.retry.next(parcel.attempt, origin::outcome(&result));
    if next == Next::Delivered {
        line.outcome = "delivered";
        let _ = config.claims.forwarded(&hop_key, now).await;
        return Ok(());
    }
    let _ = config.claims.release(&hop_key).await;
    match next {
        Next::Retry { after_seconds } => {
            line.outcome = "retry";
            line.retry_in = Some(after_seconds);
            send(queue, parcel, after_seconds).await
        }
        Next::DeadLetter { reason } => {
            line.outcome = "dead_letter";
            parcel.dead_reason = Some(match reason {
                DeadReason::Refused { status } => format!("the origin refused it with {status}"),
                DeadReason::Exhausted { attempts } => format!("{attempts} attempts failed"),
            });
            park(dead_letters, parcel).await
        }
        Next::Delivered => unreachable!("handled above"),
    }
}
