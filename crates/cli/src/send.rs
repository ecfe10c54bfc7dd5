//! `hookwall send`: build events, sign them and POST them.

use std::io::{self, Write};
use std::time::Duration;

use serde_json::{Value, json};

use crate::args::{SendArgs, SendFormat};
use crate::sign::SigningKeys;
use crate::support::{Fallible, now, random_id, read_input};

pub(crate) fn run(a: SendArgs) -> Fallible<bool> {
    let keys = SigningKeys::load(&a.keys)?;
    let file_body = a.body.as_deref().map(read_input).transpose()?;
    let event_type = a.event_type.as_deref().unwrap_or_default();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(a.timeout)))
        .build()
        .into();
    let fixed_id = match (&a.id, a.repeat_id) {
        (Some(id), _) => Some(id.clone()),
        (None, true) => Some(random_id("msg_")?),
        (None, false) => None,
    };
    let mut failures = 0;
    let mut out = io::stdout().lock();
    for n in 1..=a.count {
        let mut body = match &file_body {
            Some(b) => b.clone(),
            None => crate::event::build(event_type, &a.fields)?.into_bytes(),
        };
        let id = match &fixed_id {
            Some(id) => id.clone(),
            None => random_id("msg_")?,
        };
        let ts = a.timestamp.unwrap_or_else(now);
        let sig = keys.signature(&id, ts, &body)?;
        if a.tamper {
            match body.iter().position(u8::is_ascii_alphabetic) {
                Some(i) => body[i] ^= 0x20,
                None => body.push(b' '),
            }
        }
        let response = agent
            .post(&a.to)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", &sig)
            .send(&body[..]);
        let (status, text, error) = match response {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let text = r.body_mut().read_to_string().unwrap_or_default();
                (Some(status), text, None)
            }
            Err(e) => (None, String::new(), Some(e.to_string())),
        };
        if !status.is_some_and(|s| (200..300).contains(&s)) {
            failures += 1;
        }
        let line = match a.format {
            SendFormat::Text => match (status, &error) {
                (Some(s), _) => format!("[{n}] {id} -> {s} {}", text.trim()).trim_end().to_string(),
                (None, e) => format!("[{n}] {id} -> error: {}", e.as_deref().unwrap_or_default()),
            },
            SendFormat::Json => {
                let mut o = json!({"n": n, "id": id, "timestamp": ts});
                match (status, error) {
                    (Some(s), _) => {
                        o["status"] = Value::from(s);
                        o["body"] = Value::from(text);
                    }
                    (None, e) => o["error"] = Value::from(e.unwrap_or_default()),
                }
                o.to_string()
            }
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    if failures > 0 {
        eprintln!("hookwall: {failures} of {} deliveries were not accepted", a.count);
    }
    Ok(failures == 0)
}
