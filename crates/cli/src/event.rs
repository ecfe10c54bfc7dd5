//! `hookwall event`: a Gemini-shaped thin event body, built by the core (`hookwall::sample`).

use hookwall::CATALOG;
use hookwall::sample::{self, Sample};
use serde_json::Value;

use crate::args::{EventArgs, EventFields};
use crate::support::{Fallible, now, random_id};

/// Prints the event body for `hookwall event`.
pub(crate) fn run(a: &EventArgs) -> Fallible<()> {
    println!("{}", build(&a.event_type, &a.fields)?);
    Ok(())
}

/// A Gemini-shaped thin event (docs/protocol.md, "The event envelope"), stamped now, about a
/// random resource id unless `--resource-id` names one.
pub(crate) fn build(event_type: &str, f: &EventFields) -> Fallible<String> {
    if !CATALOG.iter().any(|(t, _)| *t == event_type) {
        eprintln!("hookwall: warning: {event_type} is not in the documented catalog; using it anyway");
    }
    let id = match &f.resource_id {
        Some(id) => id.clone(),
        None => random_id(sample::id_prefix(event_type))?,
    };
    let mut event = Sample::new(event_type, &id, now());
    for kv in &f.set {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("--set wants KEY=VALUE, got {kv:?}"))?;
        event.set(k, &serde_json::from_str(v).unwrap_or_else(|_| Value::from(v)));
    }
    if let Some(meta) = &f.user_metadata {
        let meta: Value = serde_json::from_str(meta).map_err(|e| format!("--user-metadata is not JSON: {e}"))?;
        let Value::Object(meta) = meta else {
            return Err("--user-metadata must be a JSON object".into());
        };
        event.user_metadata(meta);
    }
    Ok(event.render())
}
