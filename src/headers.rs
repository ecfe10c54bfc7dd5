//! Finding and checking the three `webhook-*` headers.
//!
//! Input is any sequence of `(name, value)` pairs, so every adapter (workers `Headers`,
//! Node's `IncomingHttpHeaders`, a pasted request) feeds the same parser. Names compare
//! case-insensitively; a header repeated with the same value is accepted, with a different
//! value it is rejected. Svix's branded names (`svix-id`, `svix-timestamp`, `svix-signature`)
//! are accepted as the same three headers, as the Svix libraries do; a delivery carrying both
//! spellings must give them the same value (different values are a `duplicate_header`).

use crate::error::{HeaderName, Rejection};

/// Longest `webhook-id` accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// Longest `webhook-timestamp` accepted, in bytes (a u64 has 20 digits).
pub const MAX_TIMESTAMP_LEN: usize = 32;
/// Longest `webhook-signature` accepted, in bytes: room for a few dozen entries or an RS256 JWT
/// carrying a thin event.
pub const MAX_SIGNATURE_LEN: usize = 16 * 1024;

/// Every header name [`WebhookHeaders::from_pairs`] reads, lowercase: the three `webhook-*`
/// names and Svix's `svix-*` spellings of them. An adapter that fetches headers by name (rather
/// than passing every pair) fetches these.
pub const NAMES: [&str; 6] =
    ["webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature"];

/// The three header values of one delivery, borrowed from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`: the message id, the same across retries.
    pub id: &'a str,
    /// `webhook-timestamp` exactly as sent (checked for canonical form by [`crate::timestamp`]).
    pub timestamp: &'a str,
    /// `webhook-signature`: the space-delimited signature list.
    pub signature: &'a str,
}

impl<'a> WebhookHeaders<'a> {
    /// Picks the three headers out of `(name, value)` pairs.
    ///
    /// ```
    /// use hookwall::WebhookHeaders;
    /// let h = WebhookHeaders::from_pairs([
    ///     ("Webhook-Id", "msg_1"),
    ///     ("content-type", "application/json"),
    ///     ("WEBHOOK-TIMESTAMP", "1674087231"),
    ///     ("webhook-signature", "v1,abc="),
    /// ]).unwrap();
    /// assert_eq!(h.id, "msg_1");
    ///
    /// let err = WebhookHeaders::from_pairs([("webhook-id", "msg_1")]).unwrap_err();
    /// assert_eq!(err.code(), "missing_header");
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, Rejection>
    where
        I: IntoIterator<Item = (K, &'a V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'a,
    {
        let mut found: [Option<&'a [u8]>; 3] = [None, None, None];
        for (name, value) in pairs {
            let Some(which) = which_header(name.as_ref()) else { continue };
            let value: &'a [u8] = value.as_ref();
            let slot = &mut found[which as usize];
            match slot {
                Some(prev) if *prev != value => return Err(Rejection::DuplicateHeader(which)),
                _ => *slot = Some(value),
            }
        }
        let get = |which: HeaderName, limit: usize| -> Result<&'a str, Rejection> {
            let raw = found[which as usize].ok_or(Rejection::MissingHeader(which))?;
            check_value(which, raw, limit)
        };
        Ok(WebhookHeaders {
            id: get(HeaderName::Id, MAX_ID_LEN)?,
            timestamp: get(HeaderName::Timestamp, MAX_TIMESTAMP_LEN)?,
            signature: get(HeaderName::Signature, MAX_SIGNATURE_LEN)?,
        })
    }
}

fn which_header(name: &[u8]) -> Option<HeaderName> {
    // `webhook-<x>` or Svix's `svix-<x>`, any case; then the suffix names the header.
    let suffix = if name.len() > 8 && name[..8].eq_ignore_ascii_case(b"webhook-") {
        &name[8..]
    } else if name.len() > 5 && name[..5].eq_ignore_ascii_case(b"svix-") {
        &name[5..]
    } else {
        return None;
    };
    [HeaderName::Id, HeaderName::Timestamp, HeaderName::Signature]
        .into_iter()
        .find(|h| suffix.eq_ignore_ascii_case(&h.as_str().as_bytes()[8..]))
}

/// Trims optional whitespace (RFC 9110 OWS) and refuses empty, over-long, control or
/// non-ASCII values.
fn check_value(which: HeaderName, raw: &[u8], limit: usize) -> Result<&str, Rejection> {
    if raw.len() > limit {
        return Err(Rejection::HeaderTooLong { header: which, limit });
    }
    let trimmed = raw.trim_ascii();
    if trimmed.is_empty() || !trimmed.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        return Err(Rejection::InvalidHeader(which));
    }
    // Printable ASCII only, so this cannot fail; no unsafe needed.
    core::str::from_utf8(trimmed).map_err(|_| Rejection::InvalidHeader(which))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svix_branded_names_are_the_same_headers() {
        let h = WebhookHeaders::from_pairs([
            ("Svix-Id", "msg_1"),
            ("svix-timestamp", "1674087231"),
            ("SVIX-SIGNATURE", "v1,abc="),
        ])
        .unwrap();
        assert_eq!((h.id, h.timestamp, h.signature), ("msg_1", "1674087231", "v1,abc="));
        // Mixed spellings make one set; the same value twice is one header.
        let h = WebhookHeaders::from_pairs([
            ("svix-id", "msg_1"),
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1674087231"),
            ("svix-signature", "v1,abc="),
        ])
        .unwrap();
        assert_eq!(h.id, "msg_1");
        // Two spellings with different values are ambiguous: which id did the sender sign?
        let err = WebhookHeaders::from_pairs([
            ("svix-id", "msg_1"),
            ("webhook-id", "msg_2"),
            ("webhook-timestamp", "1674087231"),
            ("webhook-signature", "v1,abc="),
        ])
        .unwrap_err();
        assert_eq!(err, Rejection::DuplicateHeader(HeaderName::Id));
        // Near misses stay unknown headers.
        for name in ["svix-", "svixid", "svix_id", "x-svix-id", "svix-ids", "webhook-", "svix-webhook-id"] {
            assert_eq!(which_header(name.as_bytes()), None, "{name}");
        }
        assert_eq!(which_header(b"webhook-signature"), Some(HeaderName::Signature));
        // NAMES lists exactly the names the lookup accepts (each header under both spellings).
        for (i, name) in NAMES.iter().enumerate() {
            let which = [HeaderName::Id, HeaderName::Timestamp, HeaderName::Signature][i % 3];
            assert_eq!(which_header(name.as_bytes()), Some(which), "{name}");
            assert_eq!(which_header(name.to_ascii_uppercase().as_bytes()), Some(which), "{name}");
        }
    }
}
