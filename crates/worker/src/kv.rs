//! The Workers KV calls hookwall makes, `get` (as text), `put` (with a TTL) and `delete`, on a
//! namespace bound once per isolate ([`crate::config`]).
//!
//! Called directly on the runtime's binding: worker-rs's `KvStore` looks the binding and its
//! five methods up again each time it is opened, and builds each call's options with serde.

use wasm_bindgen::prelude::*;
use worker::Env;
use worker::js_sys::{Object, Promise, Reflect};
use worker::wasm_bindgen_futures::JsFuture;

use crate::net::describe;

#[wasm_bindgen]
extern "C" {
    /// The runtime's `KVNamespace` (only the calls used here).
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone, Debug)]
    type KvNamespace;

    #[wasm_bindgen(method, catch)]
    fn get(this: &KvNamespace, key: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn put(this: &KvNamespace, key: &str, value: &str, options: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn delete(this: &KvNamespace, key: &str) -> Result<Promise, JsValue>;
}

/// A KV namespace binding.
#[derive(Clone, Debug)]
pub struct Kv(KvNamespace);

impl Kv {
    /// The binding called `name`, or `None` when the environment has none.
    pub fn bind(env: &Env, name: &str) -> Option<Kv> {
        let value = Reflect::get(env, &JsValue::from_str(name)).ok()?;
        (value.is_object() || value.is_function()).then(|| Kv(value.unchecked_into()))
    }

    /// The value under `key` as text; `Ok(None)` when there is none, `Err` when KV fails.
    pub async fn get_text(&self, key: &str) -> Result<Option<String>, String> {
        let promise = self.0.get(key).map_err(|e| describe(&e))?;
        let value = JsFuture::from(promise).await.map_err(|e| describe(&e))?;
        Ok(value.as_string())
    }

    /// Stores `value` under `key` for `ttl_seconds` (KV's minimum, 60 s, at least).
    pub async fn put_text(&self, key: &str, value: &str, ttl_seconds: u64) -> Result<(), String> {
        let options = Object::new();
        Reflect::set(&options, &JsValue::from_str("expirationTtl"), &JsValue::from_f64(ttl_seconds.max(60) as f64))
            .map_err(|e| describe(&e))?;
        let promise = self.0.put(key, value, &options).map_err(|e| describe(&e))?;
        JsFuture::from(promise).await.map(|_| ()).map_err(|e| describe(&e))
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) -> Result<(), String> {
        let promise = self.0.delete(key).map_err(|e| describe(&e))?;
        JsFuture::from(promise).await.map(|_| ()).map_err(|e| describe(&e))
    }
}
