//! The operator's endpoints for `DELIVERY = "queue"`, enabled only when the `ADMIN_TOKEN`
//! secret is set (at least 32 characters) and answered only to a request presenting it as
//! `authorization: Bearer <token>` (compared in constant time; anything else is 401, and 404
//! when no token is configured, so the endpoints do not exist at all by default):
//!
//! - `GET /admin/dead-letters`: the parked events (at most 100), without their bodies.
//! - `POST /admin/replay`: re-enqueues parked events (all of them, or those whose `key` the
//!   JSON body `{"keys": [...]}` lists) with a fresh attempt count, and removes them from the
//!   dead-letter namespace once sent.

use serde::Deserialize;
use serde_json::json;
use worker::Response;
use worker::web_sys;

use crate::config::{Config, Delivery};
use crate::outcome::{EdgeError, ok_json};
use crate::queue::{self, Parcel};

const LIST_LIMIT: u32 = 100;

/// Whether `path` is an admin path (the caller then answers with [`handle`]).
pub fn is_admin_path(path: &str) -> bool {
    path.starts_with("/admin/")
}

fn authorized(config: &Config, header: Option<String>) -> Result<(), EdgeError> {
    let Some(token) = config.admin_token.as_deref() else { return Err(EdgeError::NotFound) };
    let presented = header.as_deref().and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
    let same_length = presented.len() == token.len();
    let differ = presented.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if same_length && differ == 0 { Ok(()) } else { Err(EdgeError::Unauthorized) }
}

#[derive(Deserialize, Default)]
struct ReplayRequest {
    keys: Option<Vec<String>>,
}

pub async fn handle(config: &Config, req: &web_sys::Request, path: &str) -> Result<Response, EdgeError> {
    authorized(config, req.headers().get("authorization").ok().flatten())?;
    let Delivery::Queue { queue, dead_letters } = &config.delivery else {
        return Err(EdgeError::NotFound);
    };
    let kv_failed = |why: String| EdgeError::Config { variable: "DEAD_LETTERS", problem: why };
    match (req.method().as_str(), path) {
        ("GET", "/admin/dead-letters") => {
            let mut out = Vec::new();
            for name in dead_letters.list_names("dead:", LIST_LIMIT).await.map_err(kv_failed)? {
                let Some(text) = dead_letters.get_text(&name).await.map_err(kv_failed)? else { continue };
                if let Ok(p) = serde_json::from_str::<Parcel>(&text) {
                    out.push(
                        json!({"key": name, "webhook_id": p.id, "event_type": p.event_type, "attempts": p.attempt,
                        "accepted_at": p.accepted_at, "reason": p.dead_reason}),
                    );
                }
            }
            Ok(ok_json(200, &json!({"dead_letters": out})))
        }
        ("POST", "/admin/replay") => {
            let body = crate::handler::read_text(req).await.unwrap_or_default();
            let wanted: ReplayRequest = if body.trim().is_empty() {
                ReplayRequest::default()
            } else {
                serde_json::from_str(&body).map_err(|_| EdgeError::BadAdminRequest)?
            };
            let names = match wanted.keys {
                Some(keys) => keys,
                None => dead_letters.list_names("dead:", LIST_LIMIT).await.map_err(kv_failed)?,
            };
            let mut replayed = Vec::new();
            for name in names.iter().filter(|n| n.starts_with("dead:")) {
                let Some(text) = dead_letters.get_text(name).await.map_err(kv_failed)? else { continue };
                let Ok(mut parcel) = serde_json::from_str::<Parcel>(&text) else { continue };
                parcel.attempt = 0;
                parcel.dead_reason = None;
                queue::send(queue, &parcel, 0).await.map_err(|_| EdgeError::QueueUnavailable)?;
                dead_letters.delete(name).await.map_err(kv_failed)?;
                replayed.push(name.clone());
            }
            Ok(ok_json(200, &json!({"replayed": replayed})))
        }
        _ => Err(EdgeError::NotFound),
    }
}
