//! The Durable Object behind `DEDUPE = "durable-object"`: one per shard of dedupe keys, holding
//! each key's [`Record`] in its transactional storage. A claim reads and writes within one
//! request, and the object's input gate delivers no other request in between, so two copies of
//! a delivery can never both be claimed. An alarm drops records the core says have expired.

use hookwall::dedupe::{self, Claim, Record};
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

use crate::claims::format_claim;

/// How often the cleanup alarm runs while records remain (milliseconds).
const CLEANUP_EVERY_MS: i64 = 3_600_000;

#[durable_object]
pub struct DedupeClaims {
    state: State,
}

impl DurableObject for DedupeClaims {
    fn new(state: State, _env: Env) -> Self {
        DedupeClaims { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let text = req.text().await?;
        let mut parts = text.splitn(4, '\n');
        let (op, now, lease, key) = (parts.next(), parts.next(), parts.next(), parts.next());
        let (Some(op), Some(now), Some(lease), Some(key)) = (op, now, lease, key) else {
            return Response::error("expected op, now, lease and key", 400);
        };
        let (now, lease): (u64, u64) = (now.parse().unwrap_or(0), lease.parse().unwrap_or(0));
        let storage = self.state.storage();
        match op {
            "claim" => {
                let record = storage.get::<String>(key).await?.as_deref().and_then(Record::decode);
                let claim = dedupe::claim(record, now, lease);
                if let Claim::Claimed { until } = claim {
                    storage.put(key, Record::InFlight { until }.encode()).await?;
                    if storage.get_alarm().await?.is_none() {
                        storage.set_alarm(worker::Date::now().as_millis() as i64 + CLEANUP_EVERY_MS).await?;
                    }
                }
                Response::ok(format_claim(claim))
            }
            "forwarded" => {
                storage.put(key, Record::Forwarded { at: now }.encode()).await?;
                Response::ok("ok")
            }
            "release" => {
                storage.delete(key).await?;
                Response::ok("ok")
            }
            _ => Response::error("unknown op", 400),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let now = worker::Date::now().as_millis() / 1000;
        let mut remaining = 0usize;
        for entry in storage.list().await?.entries() {
            let pair: worker::js_sys::Array = entry?.into();
            let (key, value) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string());
            match value.as_deref().and_then(Record::decode) {
                Some(record) if !dedupe::expired(record, now) => remaining += 1,
                _ => {
                    storage.delete(&key).await?;
                }
            }
        }
        if remaining > 0 {
            storage.set_alarm(worker::Date::now().as_millis() as i64 + CLEANUP_EVERY_MS).await?;
        }
        Response::ok("cleaned")
    }
}
