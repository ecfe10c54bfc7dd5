//! Sample events: Gemini-shaped thin event bodies for demos, tests and the playground.
//!
//! One copy of what a made-up delivery looks like, so every sender shows the same shape:
//! `{"type", "version": "v1", "timestamp" (RFC 3339), "data": {"id", ...}}` plus
//! `user_metadata` when given, members in that order (the order of Gemini's own samples).
//! A type of the [`CATALOG`] gets plausible values for its documented `data` fields; other
//! types get `data.id` only. The caller brings what needs I/O: the resource id (usually random,
//! see [`id_prefix`]) and the clock.
//!
//! ```
//! use hookwall::sample::Sample;
//!
//! let body = Sample::new("batch.succeeded", "batch_1", 1_767_225_600).render();
//! assert_eq!(
//!     body,
//!     r#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-01T00:00:00Z","data":{"id":"batch_1","output_file_uri":"gs://my-bucket/batch_1/results.jsonl"}}"#
//! );
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value};

use crate::event::CATALOG;

/// The prefix of a made-up resource id for `event_type`: `batch_`, `interaction_`, `video_`,
/// or `resource_` for other types.
pub fn id_prefix(event_type: &str) -> &'static str {
    match event_type.split('.').next() {
        Some("batch") => "batch_",
        Some("interaction") => "interaction_",
        Some("video") => "video_",
        _ => "resource_",
    }
}

/// A sample event being built; [`Sample::render`] gives the body.
#[derive(Clone, Debug)]
pub struct Sample {
    event_type: String,
    timestamp: String,
    data: Ordered,
    user_metadata: Option<Map<String, Value>>,
}

impl Sample {
    /// A sample of `event_type` about `resource_id` (`data.id`), stamped `unix_seconds`, with a
    /// plausible value for each `data` field the [`CATALOG`] documents for the type.
    pub fn new(event_type: &str, resource_id: &str, unix_seconds: u64) -> Self {
        let known = CATALOG.iter().find(|(t, _)| *t == event_type);
        let file_safe = resource_id.replace(['/', ' '], "_");
        let mut data = Ordered::default();
        data.set("id", &Value::from(resource_id));
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
            data.set(field, &value);
        }
        Sample { event_type: event_type.to_string(), timestamp: rfc3339(unix_seconds), data, user_metadata: None }
    }

    /// Sets `data.KEY` (in place when the member exists, else last).
    pub fn set(&mut self, key: &str, value: &Value) -> &mut Self {
        self.data.set(key, value);
        self
    }

    /// Sets the top-level `user_metadata` object, as dynamic webhooks echo it.
    pub fn user_metadata(&mut self, metadata: Map<String, Value>) -> &mut Self {
        self.user_metadata = Some(metadata);
        self
    }

    /// The body: one line of compact JSON, members in the order they were set.
    pub fn render(&self) -> String {
        let mut top = Ordered::default();
        top.set("type", &Value::from(self.event_type.as_str()));
        top.set("version", &Value::from("v1"));
        top.set("timestamp", &Value::from(self.timestamp.as_str()));
        top.0.push(("data".to_string(), self.data.render()));
        if let Some(metadata) = &self.user_metadata {
            top.set("user_metadata", &Value::Object(metadata.clone()));
        }
        top.render()
    }
}

/// A JSON object that keeps its members in insertion order (serde_json's map sorts its keys).
#[derive(Clone, Debug, Default)]
struct Ordered(Vec<(String, String)>);

impl Ordered {
    fn set(&mut self, key: &str, value: &Value) {
        let json = value.to_string();
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

/// Unix seconds as RFC 3339 UTC text with whole seconds, e.g. `2026-01-22T12:00:00Z`.
pub fn rfc3339(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_674_087_231), "2023-01-19T00:13:51Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn user_metadata_comes_after_data_and_set_replaces_in_place() {
        let mut s = Sample::new("video.generated", "v/1 x", 0);
        s.set("id", &Value::from("v2")).set("extra", &Value::from(1));
        let mut meta = Map::new();
        meta.insert("job".into(), Value::from("n"));
        s.user_metadata(meta);
        assert_eq!(
            s.render(),
            r#"{"type":"video.generated","version":"v1","timestamp":"1970-01-01T00:00:00Z","data":{"id":"v2","output_file_uri":"gs://my-bucket/videos/v_1_x.mp4","file_name":"files/v_1_x","extra":1},"user_metadata":{"job":"n"}}"#
        );
        assert_eq!((id_prefix("interaction.failed"), id_prefix("ping")), ("interaction_", "resource_"));
    }
}
