//! `hookwall event`: a Gemini-shaped thin event body.

use std::time::SystemTime;

use hookwall::CATALOG;
use serde_json::Value;

use crate::args::{EventArgs, EventFields};
use crate::support::{Fallible, random_id};

/// Prints the event body for `hookwall event`.
pub(crate) fn run(a: &EventArgs) -> Fallible<()> {
    println!("{}", build(&a.event_type, &a.fields)?);
    Ok(())
}

/// A Gemini-shaped thin event (protocol.md section 5).
pub(crate) fn build(event_type: &str, f: &EventFields) -> Fallible<String> {
    let known = CATALOG.iter().find(|(t, _)| *t == event_type);
    if known.is_none() {
        eprintln!("hookwall: warning: {event_type} is not in the documented catalog; using it anyway");
    }
    let prefix = match event_type.split('.').next() {
        Some("batch") => "batch_",
        Some("interaction") => "interaction_",
        Some("video") => "video_",
        _ => "resource_",
    };
    let id = match &f.resource_id {
        Some(id) => id.clone(),
        None => random_id(prefix)?,
    };
    let file_safe = id.replace(['/', ' '], "_");
    let mut data = Ordered::default();
    data.set("id", Value::from(id.clone()));
    for field in known.map_or(&[][..], |(_, fields)| fields) {
        let value = match *field {
            "output_file_uri" if event_type.starts_with("video.") => {
                Value::from(format!("gs://my-bucket/videos/{file_safe}.mp4"))
            }
            "output_file_uri" => Value::from(format!("gs://my-bucket/{file_safe}/results.jsonl")),
            "error_code" => Value::from(13),
            "error_message" => Value::from("The job failed: internal error."),
            "file_name" => Value::from(format!("files/{file_safe}")),
            // `id` is set above; `video_uri` is only an alternative name some samples read.
            _ => continue,
        };
        data.set(field, value);
    }
    for kv in &f.set {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("--set wants KEY=VALUE, got {kv:?}"))?;
        data.set(k, serde_json::from_str(v).unwrap_or_else(|_| Value::from(v)));
    }
    let mut body = Ordered::default();
    body.set("type", Value::from(event_type));
    body.set("version", Value::from("v1"));
    body.set("timestamp", Value::from(humantime::format_rfc3339_seconds(SystemTime::now()).to_string()));
    body.set_raw("data", data.render());
    if let Some(meta) = &f.user_metadata {
        let meta: Value = serde_json::from_str(meta).map_err(|e| format!("--user-metadata is not JSON: {e}"))?;
        if !meta.is_object() {
            return Err("--user-metadata must be a JSON object".into());
        }
        body.set("user_metadata", meta);
    }
    Ok(body.render())
}

/// A JSON object that keeps its members in insertion order (the Gemini samples put `type`
/// first and `id` first in `data`); serde_json's own map sorts its keys.
#[derive(Default)]
struct Ordered(Vec<(String, String)>);

impl Ordered {
    fn set(&mut self, key: &str, value: Value) {
        self.set_raw(key, value.to_string());
    }
    fn set_raw(&mut self, key: &str, json: String) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = json,
            None => self.0.push((key.to_string(), json)),
        }
    }
    fn render(&self) -> String {
        let members: Vec<String> = self.0.iter().map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
        format!("{{{}}}", members.join(","))
    }
}
