//! Claims on dedupe keys ([`hookwall::dedupe`]), in the store `DEDUPE` names: Workers KV
//! (`SEEN_IDS`, the default) or a Durable Object namespace (`DEDUPE_CLAIMS`, strong).
//!
//! Both apply the core's claim rule. KV is eventually consistent and its read-then-write is not
//! atomic: copies racing through different isolates or locations within seconds can both be
//! claimed (in one isolate, [`crate::once`] already joins them). The Durable Object claims
//! transactionally (its input gate holds other requests while it reads and writes), so copies
//! anywhere are forwarded once; what remains is the origin answering 2xx and the `forwarded`
//! update then failing, after which a retry past the lease is forwarded again.

use hookwall::dedupe::{self, Claim, Record};
use worker::{Method, ObjectNamespace, Request, RequestInit};

use crate::kv::Kv;

/// Durable Objects the keys are spread over (by a hash of the key).
const SHARDS: u32 = 64;

/// Where claims live.
pub enum Claims {
    Kv(Kv),
    Object(ObjectNamespace),
}

impl Claims {
    /// Claims `key` for a hop lasting at most `lease_seconds`.
    pub async fn claim(&self, key: &str, now: u64, lease_seconds: u64) -> Result<Claim, String> {
        match self {
            Claims::Kv(kv) => {
                let record = kv.get_text(key).await?.as_deref().and_then(Record::decode);
                let claim = dedupe::claim(record, now, lease_seconds);
                if let Claim::Claimed { until } = claim {
                    kv.put_text(key, &Record::InFlight { until }.encode(), until - now + 60).await?;
                }
                Ok(claim)
            }
            Claims::Object(ns) => {
                let answer = call(ns, key, &format!("claim\n{now}\n{lease_seconds}")).await?;
                parse_claim(&answer).ok_or_else(|| format!("unexpected answer {answer:?}"))
            }
        }
    }

    /// Records that the origin accepted the delivery.
    pub async fn forwarded(&self, key: &str, now: u64) -> Result<(), String> {
        match self {
            Claims::Kv(kv) => kv.put_text(key, &Record::Forwarded { at: now }.encode(), dedupe::REMEMBER_SECONDS).await,
            Claims::Object(ns) => call(ns, key, &format!("forwarded\n{now}\n0")).await.map(drop),
        }
    }

    /// Gives the claim up after a failed hop, so that the sender's retry is forwarded.
    pub async fn release(&self, key: &str) -> Result<(), String> {
        match self {
            Claims::Kv(kv) => kv.delete(key).await,
            Claims::Object(ns) => call(ns, key, "release\n0\n0").await.map(drop),
        }
    }
}

/// The claim's wire form between the worker and the object: `claimed <until>`, `duplicate`,
/// `inflight <seconds>`.
pub fn format_claim(claim: Claim) -> String {
    match claim {
        Claim::Claimed { until } => format!("claimed {until}"),
        Claim::Duplicate => "duplicate".into(),
        Claim::InFlight { retry_after_seconds } => format!("inflight {retry_after_seconds}"),
    }
}

fn parse_claim(text: &str) -> Option<Claim> {
    let (kind, n) = text.split_once(' ').unwrap_or((text, "0"));
    let n = n.parse().ok()?;
    match kind {
        "claimed" => Some(Claim::Claimed { until: n }),
        "duplicate" => Some(Claim::Duplicate),
        "inflight" => Some(Claim::InFlight { retry_after_seconds: n }),
        _ => None,
    }
}

/// One request to the key's shard: the body is `op\nnow\nlease` then `\n` and the key.
async fn call(ns: &ObjectNamespace, key: &str, op: &str) -> Result<String, String> {
    let name = format!("claims-{}", dedupe::shard(key, SHARDS));
    let stub = ns.id_from_name(&name).and_then(|id| id.get_stub()).map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(format!("{op}\n{key}").into()));
    let request = Request::new_with_init("https://claims/", &init).map_err(|e| e.to_string())?;
    let mut response = stub.fetch_with_request(request).await.map_err(|e| e.to_string())?;
    let text = response.text().await.map_err(|e| e.to_string())?;
    if response.status_code() == 200 { Ok(text) } else { Err(format!("answered {}: {text}", response.status_code())) }
}
