//! The `webhook-signature` list: space-delimited `version,value` entries.
//!
//! Each entry is split at its first comma. `v1` (HMAC-SHA256) and `v1a` (Ed25519) carry
//! base64; an entry without a comma that looks like a compact JWS (`a.b.c`) is an RS256 JWT,
//! the form Google's docs describe for dynamic webhooks. Any other entry (`v2,...`, `Bearer`)
//! is ignored, as the spec requires.

use alloc::vec::Vec;

use crate::b64;
use crate::error::Rejection;

/// Most entries hookwall will look at in one header; more is refused, not truncated.
pub const MAX_ENTRIES: usize = 32;
/// Most public-key entries (`v1a` and JWT together, duplicates included) in one header. A `v1a`
/// entry costs one Ed25519 check per trusted key, each hashing the whole body, and a JWT one
/// RSA check and a look at the body, so this bounds what a forged request can cost; senders
/// put one per key.
pub const MAX_ASYMMETRIC_ENTRIES: usize = 4;
/// The cap on `v1a` entries: [`MAX_ASYMMETRIC_ENTRIES`], which JWT entries share.
pub const MAX_V1A_ENTRIES: usize = MAX_ASYMMETRIC_ENTRIES;

/// Signing schemes hookwall verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// `v1`: HMAC-SHA256 with a shared `whsec_` secret (static webhooks).
    V1,
    /// `v1a`: Ed25519 with a `whpk_` key or a JWKS key (dynamic webhooks, as delivered).
    V1a,
    /// An RS256 JWT verified with a JWKS key chosen by `kid` (dynamic webhooks, as documented).
    Jwt,
}

impl Scheme {
    /// `v1`, `v1a` or `jwt`: the value of the worker's `hookwall-scheme` header.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::V1 => "v1",
            Scheme::V1a => "v1a",
            Scheme::Jwt => "jwt",
        }
    }
}

impl core::fmt::Display for Scheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the list, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// `v1,<base64 of 32 bytes>`
    V1([u8; 32]),
    /// `v1a,<base64 of 64 bytes>`
    V1a([u8; 64]),
    /// A compact JWS.
    Jwt(&'a str),
    /// A supported version whose value is not base64 of the right length.
    Malformed {
        /// The version it claimed.
        scheme: Scheme,
    },
    /// An unknown version, ignored.
    Unknown,
    /// The same entry as the one at index `of` (same text, or same signature bytes): checked
    /// once, there.
    Duplicate {
        /// The index of the earlier entry.
        of: usize,
    },
}

impl Entry<'_> {
    /// The scheme of a supported entry.
    pub fn scheme(&self) -> Option<Scheme> {
        match self {
            Entry::V1(_) => Some(Scheme::V1),
            Entry::V1a(_) => Some(Scheme::V1a),
            Entry::Jwt(_) => Some(Scheme::Jwt),
            Entry::Malformed { scheme } => Some(*scheme),
            Entry::Unknown | Entry::Duplicate { .. } => None,
        }
    }
}

/// Splits and classifies the list. Fails only when there are more than [`MAX_ENTRIES`], or
/// more than [`MAX_ASYMMETRIC_ENTRIES`] `v1a` and JWT entries. An entry equal to an earlier
/// one is [`Entry::Duplicate`] (it still counts toward the caps).
///
/// ```
/// use hookwall::signature::{parse_list, Entry};
/// let entries = parse_list("v2,xyz v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,nope").unwrap();
/// assert_eq!(entries.len(), 3);
/// assert!(matches!(entries[0].1, Entry::Unknown));
/// assert!(matches!(entries[1].1, Entry::V1(_)));
/// assert!(matches!(entries[2].1, Entry::Malformed { .. }));
/// ```
pub fn parse_list(header: &str) -> Result<Vec<(&str, Entry<'_>)>, Rejection> {
    let mut out = Vec::new();
    let mut asymmetric = 0;
    for raw in header.split(' ').filter(|s| !s.is_empty()) {
        if out.len() == MAX_ENTRIES {
            return Err(Rejection::TooManySignatures { limit: MAX_ENTRIES });
        }
        let entry = classify(raw);
        if matches!(entry.scheme(), Some(Scheme::V1a | Scheme::Jwt)) {
            asymmetric += 1;
            if asymmetric > MAX_ASYMMETRIC_ENTRIES {
                return Err(Rejection::TooManySignatures { limit: MAX_ASYMMETRIC_ENTRIES });
            }
        }
        let same = |(r, e): &(&str, Entry<'_>)| {
            *r == raw || (matches!(e, Entry::V1(_) | Entry::V1a(_) | Entry::Jwt(_)) && *e == entry)
        };
        let entry = match out.iter().position(same) {
            Some(of) => Entry::Duplicate { of },
            None => entry,
        };
        out.push((raw, entry));
    }
    Ok(out)
}

fn classify(raw: &str) -> Entry<'_> {
    match raw.split_once(',') {
        Some(("v1", value)) => match b64::decode_standard(value) {
            Some(bytes) => bytes.try_into().map_or(Entry::Malformed { scheme: Scheme::V1 }, Entry::V1),
            None => Entry::Malformed { scheme: Scheme::V1 },
        },
        Some(("v1a", value)) => match b64::decode_standard(value) {
            Some(bytes) => bytes.try_into().map_or(Entry::Malformed { scheme: Scheme::V1a }, Entry::V1a),
            None => Entry::Malformed { scheme: Scheme::V1a },
        },
        Some(_) => Entry::Unknown,
        None if looks_like_jws(raw) => Entry::Jwt(raw),
        None => Entry::Unknown,
    }
}

fn looks_like_jws(s: &str) -> bool {
    s.bytes().filter(|&b| b == b'.').count() == 2
        && s.bytes().all(|b| b == b'.' || b == b'-' || b == b'_' || b.is_ascii_alphanumeric())
}
