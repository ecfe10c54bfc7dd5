//! One hop per delivery in this isolate: concurrent copies of a delivery (same dedupe key)
//! wait for the first copy's hop and share its outcome instead of making their own.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use worker::js_sys::{Function, Promise};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;

use crate::outcome::EdgeError;

/// What the first copy's hop came to: forwarded (or already a duplicate), or its error.
pub type Outcome = Result<(), EdgeError>;
type Slot = Rc<RefCell<Option<Outcome>>>;

thread_local! {
    /// Dedupe keys whose hop is running: a promise settled when it ends, and its outcome.
    static RUNNING: RefCell<HashMap<String, (Promise, Slot)>> = RefCell::new(HashMap::new());
}

/// The first copy of a delivery: it forwards, then [`Leader::finish`]es with the outcome.
pub struct Leader {
    key: String,
    resolve: Function,
    slot: Slot,
}

pub enum Turn {
    Lead(Leader),
    /// Another copy was being forwarded: its outcome.
    Followed(Outcome),
}

/// Joins the hop running for `key`, or becomes its leader.
pub async fn enter(key: &str) -> Turn {
    if let Some((running, slot)) = RUNNING.with(|r| r.borrow().get(key).cloned()) {
        let _ = JsFuture::from(running).await;
        let outcome = slot.borrow().clone().unwrap_or(Err(EdgeError::DedupeUnavailable));
        return Turn::Followed(outcome);
    }
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
    let slot: Slot = Rc::default();
    RUNNING.with(|r| r.borrow_mut().insert(key.to_string(), (promise, slot.clone())));
    Turn::Lead(Leader { key: key.to_string(), resolve: resolve.expect("the executor runs at once"), slot })
}

impl Leader {
    /// Hands the outcome to the copies waiting and lets later copies start afresh.
    pub fn finish(self, outcome: Outcome) {
        *self.slot.borrow_mut() = Some(outcome);
        // Drop releases the waiters.
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        RUNNING.with(|r| r.borrow_mut().remove(&self.key));
        let _ = self.resolve.call0(&JsValue::NULL);
    }
}
