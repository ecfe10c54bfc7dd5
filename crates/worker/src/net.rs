//! Outbound HTTP with a deadline and a size cap, shared by the JWKS fetch and the origin hop.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::{Either, select};
use worker::{AbortController, Delay, Fetch, Request};

/// What came back, read (up to the cap) before the deadline.
pub struct Reply {
    pub status: u16,
    pub cache_control: Option<String>,
    pub body: Vec<u8>,
    /// The answer was longer than the cap; `body` holds its first `cap` bytes.
    pub truncated: bool,
}

pub enum NetError {
    Timeout,
    Unreachable(String),
}

/// Sends `request` and, when `read_body(status)` says so, reads at most `cap` bytes of the
/// answer, all within `timeout_ms`. Redirects are not followed (the request should say
/// `redirect: manual`).
pub async fn send(
    request: Request,
    timeout_ms: u64,
    cap: usize,
    read_body: fn(u16) -> bool,
) -> Result<Reply, NetError> {
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async move {
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| NetError::Unreachable(e.to_string()))?;
        let status = response.status_code();
        let cache_control = response.headers().get("cache-control").ok().flatten();
        let mut body = Vec::new();
        let mut truncated = false;
        if !read_body(status) {
            return Ok(Reply { status, cache_control, body, truncated });
        }
        if let Ok(mut stream) = response.stream() {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| NetError::Unreachable(e.to_string()))?;
                if body.len() + chunk.len() > cap {
                    body.extend_from_slice(&chunk[..cap - body.len()]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(Reply { status, cache_control, body, truncated })
    };
    let deadline = Delay::from(Duration::from_millis(timeout_ms));
    match select(Box::pin(exchange), deadline).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err(NetError::Timeout)
        }
    }
}
