//! Outbound HTTP with a deadline and a size cap, shared by the JWKS fetch and the origin hop.
//!
//! Calls the runtime's `fetch(url, init)` directly with `AbortSignal.timeout(ms)`: no
//! intermediate `Request` object and no timer of our own, so each hop costs the runtime as
//! little as a hand-written JavaScript worker's. The deadline covers the answer's body too.

use worker::Context;
use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{
    AbortSignal, Headers, ReadableStream, ReadableStreamDefaultReader, RequestInit, RequestRedirect, Response,
    WorkerGlobalScope,
};

/// Reads `stream` to its end or to `cap` bytes, whichever comes first; `true` when it had more
/// (then the rest is cancelled). One reader for the whole read: a promise per chunk, nothing else.
pub async fn read_capped(stream: ReadableStream, cap: usize) -> Result<(Vec<u8>, bool), JsValue> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let (done_key, value_key) = (JsValue::from_str("done"), JsValue::from_str("value"));
    let mut body = Vec::new();
    loop {
        let step = JsFuture::from(reader.read()).await?;
        if Reflect::get(&step, &done_key)?.is_truthy() {
            return Ok((body, false));
        }
        let chunk: Uint8Array = Reflect::get(&step, &value_key)?.dyn_into()?;
        let len = chunk.length() as usize;
        let take = len.min(cap - body.len());
        let start = body.len();
        body.resize(start + take, 0);
        chunk.subarray(0, take as u32).copy_to(&mut body[start..]);
        if take < len {
            let _ = reader.cancel();
            return Ok((body, true));
        }
    }
}

thread_local! {
    /// A rejection handler for promises whose failure changes nothing, made once per isolate.
    static IGNORE_REJECTION: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

/// One outbound request.
pub struct Outbound<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a [u8]>,
    /// A Fetcher binding to send it through (service binding, VPC service, mTLS certificate);
    /// `None`: the runtime's global `fetch`.
    pub via: Option<&'a JsValue>,
}

/// What came back, read (up to the cap) before the deadline.
pub struct Reply {
    pub status: u16,
    pub cache_control: Option<String>,
    /// `retry-after`, as sent.
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
    /// The answer was longer than the cap; `body` holds its first `cap` bytes.
    pub truncated: bool,
}

pub enum NetError {
    Timeout,
    Unreachable(String),
}

pub fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{e:?}"))
}

/// Sends `out` and reads at most `cap` bytes of the answer, all within `timeout_ms`; the body is
/// returned when `read_body(status)` says so. Reading even an unwanted short answer to its end
/// lets the runtime reuse the connection (one TLS handshake for many hops, not one per hop); a
/// longer one is left unread past the cap. With `background`, an unwanted answer is read there
/// (`waitUntil`), after the caller has answered. Redirects are not followed.
pub async fn send(
    out: Outbound<'_>,
    timeout_ms: u64,
    cap: usize,
    read_body: fn(u16) -> bool,
    background: Option<&Context>,
) -> Result<Reply, NetError> {
    let unreachable = |e: JsValue| NetError::Unreachable(describe(&e));
    let signal = AbortSignal::timeout_with_u32(u32::try_from(timeout_ms).unwrap_or(u32::MAX));
    let headers = Headers::new().map_err(unreachable)?;
    for (name, value) in out.headers {
        headers.set(name, value).map_err(|e| NetError::Unreachable(format!("header {name}: {}", describe(&e))))?;
    }
    let init = RequestInit::new();
    init.set_method(out.method);
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&signal));
    if let Some(body) = out.body {
        init.set_body(&Uint8Array::from(body));
    }
    let failed = |e: JsValue| if signal.aborted() { NetError::Timeout } else { unreachable(e) };
    let pending = match out.via {
        None => js_sys::global().unchecked_into::<WorkerGlobalScope>().fetch_with_str_and_init(out.url, &init),
        Some(binding) => {
            let fetch: js_sys::Function = Reflect::get(binding, &JsValue::from_str("fetch"))
                .map_err(unreachable)?
                .dyn_into()
                .map_err(unreachable)?;
            fetch.call2(binding, &JsValue::from_str(out.url), &init).map_err(unreachable)?.unchecked_into()
        }
    };
    let response: Response = JsFuture::from(pending).await.map_err(failed)?.unchecked_into();
    let status = response.status();
    let response_headers = response.headers();
    let cache_control = response_headers.get("cache-control").ok().flatten();
    let retry_after = response_headers.get("retry-after").ok().flatten();
    // A declared length within the cap, for an answer the runtime does not decompress (a
    // compressed one's length says nothing about what reading it yields).
    let encoded = response_headers
        .get("content-encoding")
        .ok()
        .flatten()
        .is_some_and(|e| !e.trim().eq_ignore_ascii_case("identity"));
    let declared = response_headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n <= cap && !encoded);

    let wanted = read_body(status);
    if !wanted && let Some(ctx) = background {
        // Only frees the connection, within the same deadline: nothing waits for it. A declared
        // length within the cap is read by the runtime alone (its promise handed to
        // `waitUntil`, no wasm task); any other answer in chunks, stopping at the cap.
        if declared.is_some() {
            if let Ok(read) = response.array_buffer() {
                let _ = ctx.as_ref().wait_until(&IGNORE_REJECTION.with(|ignore| read.catch(ignore)));
            }
        } else if let Some(stream) = response.body() {
            ctx.wait_until(async move {
                let _ = read_capped(stream, cap).await;
            });
        }
        return Ok(Reply { status, cache_control, retry_after, body: Vec::new(), truncated: false });
    }
    // Reading an unwanted answer only frees the connection: its failure changes nothing.
    let read_failed = |e: NetError| {
        if wanted {
            Err(e)
        } else {
            Ok(Reply { status, cache_control: None, retry_after: None, body: Vec::new(), truncated: false })
        }
    };
    let mut body = Vec::new();
    let mut truncated = false;
    if declared.is_some() {
        // The runtime holds the answer to its declared length, which is within the cap.
        let read = match response.array_buffer() {
            Ok(p) => JsFuture::from(p).await.map_err(failed),
            Err(e) => Err(unreachable(e)),
        };
        match read {
            Ok(buffer) if wanted => body = Uint8Array::new(&buffer).to_vec(),
            Ok(_) => {}
            Err(e) => return read_failed(e),
        }
    } else if let Some(stream) = response.body() {
        // No length, or more than the cap: read in chunks and stop at the cap.
        match read_capped(stream, cap).await {
            Ok((read, more)) => (body, truncated) = (read, more),
            Err(e) => return read_failed(failed(e)),
        }
    }
    if !wanted {
        body.clear();
        truncated = false;
    }
    Ok(Reply { status, cache_control, retry_after, body, truncated })
}
