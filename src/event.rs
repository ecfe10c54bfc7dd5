//! The thin event envelope and its catalog of types.
//!
//! `{"type": "batch.succeeded", "version": "v1", "timestamp": "...", "data": {...}}`.
//! Known types get a typed view ([`Event`]) of their documented `data` fields; unknown types
//! and unknown fields pass through untouched in [`Envelope`], and no field but `type` is
//! required.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Rejection;

/// The documented event types and the `data` fields that matter for each.
pub const CATALOG: &[(&str, &[&str])] = &[
    ("batch.succeeded", &["id", "output_file_uri"]),
    ("batch.failed", &["id", "error_code", "error_message"]),
    ("batch.cancelled", &["id"]),
    ("batch.expired", &["id"]),
    ("interaction.requires_action", &["id"]),
    ("interaction.completed", &["id"]),
    ("interaction.failed", &["id", "error_code", "error_message"]),
    ("interaction.cancelled", &["id"]),
    ("video.generated", &["id", "output_file_uri", "file_name", "video_uri"]),
];

/// A parsed event envelope. Everything the sender put in it is kept (a `data` that is not an
/// object, other than `null`, makes the body an invalid payload).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope {
    /// `type`, e.g. `batch.succeeded`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `version`, when present as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `timestamp` (RFC 3339 text), when present as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// `data`, every member kept (empty when absent).
    pub data: Map<String, Value>,
    /// Every other top-level member (for example `user_metadata`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Envelope {
    /// Parses a body into an envelope: a JSON object with a string `type`.
    ///
    /// ```
    /// use hookwall::{Envelope, Event};
    /// let env = Envelope::parse(br#"{"type":"batch.succeeded","data":{"id":"batch_1","output_file_uri":"gs://b/r.jsonl","new":1},"user_metadata":{"job":"nightly"}}"#).unwrap();
    /// assert_eq!(env.event(), Event::BatchSucceeded { id: Some("batch_1"), output_file_uri: Some("gs://b/r.jsonl") });
    /// assert_eq!(env.data["new"], 1);
    /// assert_eq!(env.user_metadata().unwrap()["job"], "nightly");
    ///
    /// let unknown = Envelope::parse(br#"{"type":"ping"}"#).unwrap();
    /// let Event::Unknown(everything) = unknown.event() else { panic!("ping is not in the catalog") };
    /// assert_eq!(everything.event_type, "ping");
    /// assert_eq!(Envelope::parse(b"[1]").unwrap_err().code(), "invalid_payload");
    /// ```
    pub fn parse(body: &[u8]) -> Result<Self, Rejection> {
        serde_json::from_slice::<Value>(body).map_or(Err(Rejection::InvalidPayload), Self::from_value)
    }

    /// [`parse`](Self::parse) for a body already parsed as JSON.
    pub fn from_value(value: Value) -> Result<Self, Rejection> {
        let Value::Object(mut obj) = value else {
            return Err(Rejection::InvalidPayload);
        };
        let Some(Value::String(event_type)) = obj.remove("type") else {
            return Err(Rejection::InvalidPayload);
        };
        let mut take_str = |name: &str| match obj.remove(name) {
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                obj.insert(String::from(name), other);
                None
            }
            None => None,
        };
        let version = take_str("version");
        let timestamp = take_str("timestamp");
        let data = match obj.remove("data") {
            Some(Value::Object(d)) => d,
            None | Some(Value::Null) => Map::new(),
            Some(_) => return Err(Rejection::InvalidPayload),
        };
        Ok(Envelope { event_type, version, timestamp, data, extra: obj })
    }

    /// `user_metadata` from `data`, or from the top level (the docs do not say where it sits).
    pub fn user_metadata(&self) -> Option<&Value> {
        self.data.get("user_metadata").or_else(|| self.extra.get("user_metadata"))
    }

    /// Whether the type is in the documented catalog.
    pub fn is_known_type(&self) -> bool {
        CATALOG.iter().any(|(t, _)| *t == self.event_type)
    }

    /// The documented `data` fields present for this type, in catalog order (for display).
    pub fn key_fields(&self) -> Vec<(&'static str, &Value)> {
        let names = CATALOG.iter().find(|(t, _)| *t == self.event_type).map_or(&[][..], |(_, f)| f);
        names.iter().filter_map(|n| self.data.get(*n).map(|v| (*n, v))).collect()
    }

    /// A typed view of the event.
    pub fn event(&self) -> Event<'_> {
        let s = |name: &str| self.data.get(name).and_then(Value::as_str);
        let id = s("id");
        let failure = || (self.data.get("error_code"), s("error_message"));
        match self.event_type.as_str() {
            "batch.succeeded" => Event::BatchSucceeded { id, output_file_uri: s("output_file_uri") },
            "batch.failed" => {
                let (error_code, error_message) = failure();
                Event::BatchFailed { id, error_code, error_message }
            }
            "batch.cancelled" => Event::BatchCancelled { id },
            "batch.expired" => Event::BatchExpired { id },
            "interaction.requires_action" => Event::InteractionRequiresAction { id },
            "interaction.completed" => Event::InteractionCompleted { id },
            "interaction.failed" => {
                let (error_code, error_message) = failure();
                Event::InteractionFailed { id, error_code, error_message }
            }
            "interaction.cancelled" => Event::InteractionCancelled { id },
            "video.generated" => Event::VideoGenerated {
                id,
                output_file_uri: s("output_file_uri").or_else(|| s("video_uri")),
                file_name: s("file_name"),
            },
            _ => Event::Unknown(self),
        }
    }
}

/// A typed view of a known event; every field is optional (absent or not a string).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// `batch.succeeded`: the batch finished; its results are at `output_file_uri`.
    BatchSucceeded {
        /// `data.id`, the batch.
        id: Option<&'a str>,
        /// `data.output_file_uri`, where the results are.
        output_file_uri: Option<&'a str>,
    },
    /// `batch.failed`: the batch stopped with an error.
    BatchFailed {
        /// `data.id`, the batch.
        id: Option<&'a str>,
        /// `data.error_code`, as sent (a number in the samples).
        error_code: Option<&'a Value>,
        /// `data.error_message`.
        error_message: Option<&'a str>,
    },
    /// `batch.cancelled`: the batch was cancelled.
    BatchCancelled {
        /// `data.id`, the batch.
        id: Option<&'a str>,
    },
    /// `batch.expired`: the batch ran out of time.
    BatchExpired {
        /// `data.id`, the batch.
        id: Option<&'a str>,
    },
    /// `interaction.requires_action`: the interaction waits for the caller.
    InteractionRequiresAction {
        /// `data.id`, the interaction.
        id: Option<&'a str>,
    },
    /// `interaction.completed`: the interaction finished.
    InteractionCompleted {
        /// `data.id`, the interaction.
        id: Option<&'a str>,
    },
    /// `interaction.failed`: the interaction stopped with an error.
    InteractionFailed {
        /// `data.id`, the interaction.
        id: Option<&'a str>,
        /// `data.error_code`, as sent (a number in the samples).
        error_code: Option<&'a Value>,
        /// `data.error_message`.
        error_message: Option<&'a str>,
    },
    /// `interaction.cancelled`: the interaction was cancelled.
    InteractionCancelled {
        /// `data.id`, the interaction.
        id: Option<&'a str>,
    },
    /// `video.generated`: the video is ready. `output_file_uri` falls back to `video_uri`, which
    /// some samples read.
    VideoGenerated {
        /// `data.id`, the video job.
        id: Option<&'a str>,
        /// `data.output_file_uri` (or `data.video_uri`), where the video is.
        output_file_uri: Option<&'a str>,
        /// `data.file_name`, the Files API name.
        file_name: Option<&'a str>,
    },
    /// A type outside the catalog (a ping, `batch.completed`, a future type), with the whole
    /// [`Envelope`]: its type, version, timestamp, `data` and every other member, as sent.
    Unknown(&'a Envelope),
}
