//! `hookwall verify`: check a delivery from files and print every step.

use std::fs;
use std::io::{self, Write};

use hookwall::{Jwks, PayloadRule, PublicKey, Secret, Verifier};

use crate::args::{VerifyArgs, VerifyFormat};
use crate::support::{Fallible, now, read_input};

/// `name: value` lines up to the first blank line after them; a request line is skipped.
fn parse_header_lines(text: &str) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if headers.is_empty() {
                continue;
            }
            break;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        let name = name.trim();
        if n == 0 && name.contains(' ') {
            continue; // "POST http://host:port/ HTTP/1.1"
        }
        if !name.is_empty() && !name.contains(' ') {
            headers.push((name.to_string(), value.trim().to_string()));
        }
    }
    headers
}

/// Splits a raw HTTP request into its head and the exact body bytes.
fn split_request(raw: &[u8]) -> (String, &[u8]) {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2));
    let (head_end, body_start) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 < b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => (raw.len(), raw.len()),
    };
    (String::from_utf8_lossy(&raw[..head_end]).into_owned(), &raw[body_start..])
}

pub(crate) fn run(a: VerifyArgs) -> Fallible<bool> {
    // A local check of a captured delivery: which project it is for is the user's to judge
    // (the core's tenant binding is for receivers), so any tenant is accepted here.
    let mut b = Verifier::builder().tolerance_seconds(a.tolerance).any_tenant();
    for s in &a.secrets {
        b = b.secrets(Secret::parse_list(s).map_err(|e| format!("--secret: {e}"))?);
    }
    for k in &a.public_keys {
        b = b.public_key(PublicKey::parse(k).map_err(|e| format!("--public-key: {e}"))?);
    }
    if let Some(path) = &a.jwks {
        let doc = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let jwks = Jwks::parse(&doc).map_err(|e| format!("{}: {e}", path.display()))?;
        for skipped in jwks.skipped() {
            eprintln!("hookwall: warning: {}: {skipped:?}", path.display());
        }
        b = b.jwks(jwks);
    }
    if let Some(aud) = &a.audience {
        b = b.audience(aud.clone());
    }
    if a.any_payload {
        b = b.payload(PayloadRule::Any);
    }
    let verifier = b.build();
    let (head, body) = match (&a.request, &a.headers, &a.body) {
        (Some(req), _, _) => {
            let raw = read_input(req)?;
            let (head, body) = split_request(&raw);
            (head, body.to_vec())
        }
        (None, Some(h), Some(body)) => {
            if h == "-" && body == "-" {
                return Err("--headers and --body cannot both be standard input".into());
            }
            let head = String::from_utf8_lossy(&read_input(h)?).into_owned();
            (head, read_input(body)?)
        }
        _ => return Err("give --headers and --body, or --request".into()),
    };
    let headers = parse_header_lines(&head);
    // The local CLI holds the secrets it was given, so its report shows expected signatures.
    let report = verifier.verify_detailed_with(
        &body,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        a.now.unwrap_or_else(now),
        hookwall::ReportOptions { reveal_expected_signatures: true },
    );
    let mut out = io::stdout().lock();
    let mut text = String::new();
    match a.format {
        VerifyFormat::Json => {
            text = serde_json::to_string(&report).map_err(|e| e.to_string())?;
            text.push('\n');
        }
        VerifyFormat::Text => {
            for step in &report.steps {
                let mark = if step.ok { "✓" } else { "✗" };
                let code = step.code.map(|c| format!(" [{c}]")).unwrap_or_default();
                text.push_str(&format!("{mark} {}{code}: {}\n", step.name, step.message));
                for f in &step.facts {
                    text.push_str(&format!("    {}: {}\n", f.label, f.value));
                }
            }
            match &report.verdict {
                Ok(d) => text.push_str(&format!("verified: {} via {} ({})\n", d.id, d.scheme, d.key)),
                Err(e) => text.push_str(&format!("rejected: {} {} — {e}\n", e.http_status(), e.code())),
            }
        }
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(report.verdict.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_stop_at_the_body() {
        let h = parse_header_lines("POST http://h:1/ HTTP/1.1\r\nwebhook-id: a\r\nX-Y:  b \r\n\r\n{\"k\": 1}\n");
        assert_eq!(h, vec![("webhook-id".into(), "a".into()), ("X-Y".into(), "b".into())]);
        assert_eq!(parse_header_lines("\n\nwebhook-id: a\n"), vec![("webhook-id".into(), "a".into())]);
    }

    #[test]
    fn request_split_keeps_the_exact_body() {
        let (head, body) = split_request(b"POST / HTTP/1.1\r\na: b\r\n\r\n{\"x\":\n\n1}\r\n");
        assert_eq!(head, "POST / HTTP/1.1\r\na: b");
        assert_eq!(body, b"{\"x\":\n\n1}\r\n");
        let (head, body) = split_request(b"a: b\n\nbody");
        assert_eq!((head.as_str(), body), ("a: b", &b"body"[..]));
    }
}
