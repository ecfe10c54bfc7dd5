//! hookwall's Cloudflare Worker: verify webhook deliveries at the edge, forward only valid
//! events to a private origin, and answer 2xx only once the origin has them.
//!
//! A thin adapter around the `hookwall` core. The entry point reads the configuration and the
//! KV bindings ([`kv`]) once per isolate ([`config`]), then [`handler::handle`] runs one
//! request: capped body read, core verification (with JWKS keys through the core's key flow,
//! driven by [`keys`], only when the signature needs them), one hop per delivery ([`once`] in the isolate, [`claims`] across isolates, with
//! the [`claim_object`] Durable Object in the strong mode), forwarding ([`origin`]), and one JSON
//! log line ([`outcome`]).

mod claim_object;
mod claims;
mod config;
mod handler;
mod keys;
mod kv;
mod net;
mod once;
mod origin;
mod outcome;

use worker::{Context, Env, Response, Result, event, web_sys};

/// Takes the runtime's request as it is: wrapping it in `worker::Request` would read its `cf`
/// object on every request, which hookwall never uses.
#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> Result<Response> {
    Ok(handler::handle(req, &env, &ctx).await)
}
