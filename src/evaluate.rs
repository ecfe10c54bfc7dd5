//! Deciding a delivery: every check evaluated once into data, in order (body size, headers,
//! timestamp, signatures, tenant binding, payload), and the verdict read from that data.
//!
//! [`Verifier::verify`](crate::Verifier::verify) stops at the first failure
//! ([`Mode::FirstFailure`]); [`Verifier::verify_detailed`](crate::Verifier::verify_detailed)
//! evaluates every entry and keeps going past a stale timestamp or a failed signature
//! ([`Mode::Exhaustive`]) so that [`crate::report`] can narrate everything at once. Both read
//! the verdict from the same data with [`Evaluation::first_rejection`], so they cannot
//! disagree. Nothing here formats text.

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::error::Rejection;
use crate::event::Envelope;
use crate::headers::WebhookHeaders;
use crate::json;
use crate::jwks::Jwks;
use crate::jwt::{self, Binding, JwtContext};
use crate::signature::{self, Entry, Scheme};
use crate::timestamp;
use crate::v1a;
use crate::verifier::{MatchedKey, PayloadRule, Verified, Verifier};

/// How far to evaluate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first failure and at the first matching entry (the verdict only).
    FirstFailure,
    /// Evaluate every entry and every check that can still run (for a report).
    Exhaustive,
}

/// What one signature entry came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryOutcome {
    /// An unknown version, ignored as the spec requires.
    Ignored,
    /// The same entry as an earlier one, checked once there.
    Duplicate {
        /// The index of the earlier entry.
        of: usize,
    },
    /// A supported scheme whose value is not base64 of the right length.
    Malformed,
    /// No key is configured for its scheme.
    NoKey,
    /// `tried` keys were tried and none matched.
    NoMatch,
    /// The key that verified it (for a JWT, with the body binding found).
    Matched {
        /// The trusted key that verified it.
        key: MatchedKey,
        /// For a JWT, the body binding found in its claims.
        binding: Option<Binding>,
    },
    /// A JWT refused for this reason.
    Refused(Rejection),
}

/// One entry of `webhook-signature`, evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryEval<'h> {
    /// The entry as sent.
    pub raw: &'h str,
    /// Its classification.
    pub entry: Entry<'h>,
    /// How many keys were tried, in trial order (`v1`: the secrets; `v1a`: the `whpk_` keys, then the JWKS Ed25519 keys; a JWT: its `kid`) (the last one matched when
    /// the outcome is [`EntryOutcome::Matched`]).
    pub tried: usize,
    /// What it came to.
    pub outcome: EntryOutcome,
}

/// The signature stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signatures<'h> {
    /// The entries, or why the list was refused.
    pub entries: Result<Vec<EntryEval<'h>>, Rejection>,
    /// The first entry that matched, or why none did.
    pub result: Result<(Scheme, MatchedKey), Rejection>,
}

/// How a delivery was bound to this receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tenancy {
    /// Verified with a key only this receiver's sender holds: a `v1` secret or a `whpk_` key.
    Inherent,
    /// The configured signed body field holds the expected value.
    BodyField,
    /// The JWT's `aud` is the configured audience.
    Audience,
    /// The operator asserted a secret webhook path.
    SecretPath,
    /// The operator opted out ([`VerifierBuilder::any_tenant`](crate::verifier::VerifierBuilder::any_tenant)).
    AnyTenant,
}

/// Every check of one delivery, as data.
#[derive(Clone, Debug)]
pub struct Evaluation<'h> {
    /// `now`, Unix seconds.
    pub now: u64,
    /// The body length.
    pub body_len: usize,
    /// The body cap.
    pub size: Result<(), Rejection>,
    /// The three headers (`None`: not reached).
    pub headers: Option<Result<WebhookHeaders<'h>, Rejection>>,
    /// The timestamp parsed (`None`: not reached).
    pub timestamp: Option<Result<u64, Rejection>>,
    /// The timestamp against `now` and the tolerance, with the skew.
    pub freshness: Option<Result<i64, Rejection>>,
    /// The signature stage.
    pub signatures: Option<Signatures<'h>>,
    /// The tenant binding (after a match only).
    pub tenant: Option<Result<Tenancy, Rejection>>,
    /// The payload rule (in [`Mode::Exhaustive`] also after a failed signature, for display).
    pub payload: Option<Result<Option<Envelope>, Rejection>>,
}

impl<'h> Evaluation<'h> {
    /// The verdict: the first failed check, in check order.
    pub fn first_rejection(&self) -> Option<&Rejection> {
        fn err<T>(stage: &Option<Result<T, Rejection>>) -> Option<&Rejection> {
            stage.as_ref().and_then(|r| r.as_ref().err())
        }
        self.size
            .as_ref()
            .err()
            .or_else(|| err(&self.headers))
            .or_else(|| err(&self.timestamp))
            .or_else(|| err(&self.freshness))
            .or_else(|| self.signatures.as_ref().and_then(|s| s.entries.as_ref().err().or(s.result.as_ref().err())))
            .or_else(|| err(&self.tenant))
            .or_else(|| err(&self.payload))
    }

    /// The verdict, taking the event out of the evaluation.
    pub fn into_verdict(mut self) -> Result<Verified, Rejection> {
        let event = match &mut self.payload {
            Some(Ok(event)) => event.take(),
            _ => None,
        };
        self.verdict_with(event)
    }

    /// The verdict, leaving the evaluation whole (the event is cloned).
    pub fn verdict(&self) -> Result<Verified, Rejection> {
        let event = match &self.payload {
            Some(Ok(event)) => event.clone(),
            _ => None,
        };
        self.verdict_with(event)
    }

    fn verdict_with(&self, event: Option<Envelope>) -> Result<Verified, Rejection> {
        if let Some(e) = self.first_rejection() {
            return Err(e.clone());
        }
        // No rejection means every stage up to the signatures ran and passed.
        match (&self.headers, &self.timestamp, &self.signatures) {
            (Some(Ok(h)), Some(Ok(ts)), Some(Signatures { result: Ok((scheme, key)), .. })) => {
                Ok(Verified { id: String::from(h.id), timestamp: *ts, scheme: *scheme, key: key.clone(), event })
            }
            _ => Err(Rejection::NoSupportedSignature),
        }
    }
}

/// Evaluates one delivery.
pub(crate) fn evaluate<'h>(
    v: &Verifier,
    jwks: &Jwks,
    body: &[u8],
    headers: impl FnOnce() -> Result<WebhookHeaders<'h>, Rejection>,
    now: u64,
    parse_payload: bool,
    mode: Mode,
) -> Evaluation<'h> {
    let exhaustive = mode == Mode::Exhaustive;
    let mut e = Evaluation {
        now,
        body_len: body.len(),
        size: if body.len() > v.max_body_bytes() {
            Err(Rejection::BodyTooLarge { limit: v.max_body_bytes() })
        } else {
            Ok(())
        },
        headers: None,
        timestamp: None,
        freshness: None,
        signatures: None,
        tenant: None,
        payload: None,
    };
    if e.size.is_err() {
        return e;
    }
    let h = match headers() {
        Ok(h) => {
            e.headers = Some(Ok(h));
            h
        }
        Err(r) => {
            e.headers = Some(Err(r));
            return e;
        }
    };
    let ts = match timestamp::parse(h.timestamp) {
        Ok(ts) => ts,
        Err(r) => {
            e.timestamp = Some(Err(r));
            return e;
        }
    };
    e.timestamp = Some(Ok(ts));
    let fresh = timestamp::check(ts, now, v.tolerance_seconds());
    let stale = fresh.is_err();
    e.freshness = Some(fresh);
    if stale && !exhaustive {
        return e;
    }

    let body = json::Body::with_crypto(body, v.crypto());
    let signatures = check_signatures(v, jwks, &h, &body, now, mode);
    let matched = signatures.result.as_ref().ok().map(|(_, key)| key.clone());
    let binding = signatures.entries.as_ref().ok().and_then(|list| {
        list.iter().find_map(|x| match &x.outcome {
            EntryOutcome::Matched { binding, .. } => Some(*binding),
            _ => None,
        })
    });
    e.signatures = Some(signatures);
    match matched {
        Some(key) => {
            let tenant = check_tenant(v, &key, binding.flatten(), &body);
            let refused = tenant.is_err();
            e.tenant = Some(tenant);
            if parse_payload && (exhaustive || !refused) {
                e.payload = Some(check_payload(v.payload_rule(), body));
            }
        }
        None if exhaustive && parse_payload => {
            // Shown as unverified; never part of the verdict (the signature failed first).
            e.payload = Some(check_payload(PayloadRule::Any, body));
        }
        None => {}
    }
    e
}

fn check_payload(rule: PayloadRule, body: json::Body<'_>) -> Result<Option<Envelope>, Rejection> {
    let envelope = body.into_parsed().value.ok_or(Rejection::InvalidPayload).and_then(Envelope::from_value);
    match (envelope, rule) {
        (Ok(env), _) => Ok(Some(env)),
        (Err(_), PayloadRule::Any) => Ok(None),
        (Err(e), PayloadRule::Event) => Err(e),
    }
}

/// Binds a delivery verified with a shared JWKS key to this receiver (see
/// [`Verifier::tenant_bound`]). `v1` secrets and `whpk_` keys are inherently bound.
fn check_tenant(
    v: &Verifier,
    key: &MatchedKey,
    binding: Option<Binding>,
    body: &json::Body<'_>,
) -> Result<Tenancy, Rejection> {
    if !matches!(key, MatchedKey::Jwk { .. }) {
        return Ok(Tenancy::Inherent);
    }
    let t = v.tenant_rules();
    if let Some((path, want)) = &t.field {
        let found = body.parsed().value.as_ref().and_then(|value| lookup(value, path));
        return match found {
            Some(Value::String(s)) if bool::from(s.as_bytes().ct_eq(want.as_bytes())) => Ok(Tenancy::BodyField),
            _ => Err(Rejection::TenantMismatch),
        };
    }
    if t.secret_path {
        Ok(Tenancy::SecretPath)
    } else if binding.is_some() && v.audience().is_some() {
        // A JWT that verified passed the audience check.
        Ok(Tenancy::Audience)
    } else if t.any {
        Ok(Tenancy::AnyTenant)
    } else {
        Err(Rejection::TenantUnbound)
    }
}

/// The value at a dotted path (`data.user_metadata.tenant`) of a JSON document.
pub(crate) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, name| v.as_object()?.get(name))
}

/// Tries every supported entry with every trusted key of its scheme, each distinct entry once.
fn check_signatures<'h>(
    v: &Verifier,
    jwks: &Jwks,
    h: &WebhookHeaders<'h>,
    body: &json::Body<'_>,
    now: u64,
    mode: Mode,
) -> Signatures<'h> {
    let parsed = match signature::parse_list(h.signature) {
        Ok(list) => list,
        Err(r) => return Signatures { entries: Err(r.clone()), result: Err(r) },
    };
    let bytes = body.bytes();
    let mut content: Option<Vec<u8>> = None; // `id.ts.body`, built once if v1a needs it
    // Each secret's MAC, computed once per delivery however many v1 entries the header lists.
    let mut macs: Vec<Option<[u8; 32]>> = alloc::vec![None; v.secrets().len()];
    let mut entries = Vec::with_capacity(parsed.len());
    for (raw, entry) in parsed {
        let mut tried = 0;
        let outcome = match &entry {
            Entry::Unknown => EntryOutcome::Ignored,
            Entry::Duplicate { of } => EntryOutcome::Duplicate { of: *of },
            Entry::Malformed { .. } => EntryOutcome::Malformed,
            Entry::V1(sig) => {
                let mut found = None;
                for (i, secret) in v.secrets().iter().enumerate() {
                    tried += 1;
                    let mac = *macs[i].get_or_insert_with(|| secret.mac_with(v.crypto(), h.id, h.timestamp, bytes));
                    if bool::from(mac.ct_eq(sig)) {
                        found = Some(MatchedKey::Secret { index: i });
                        break;
                    }
                }
                match found {
                    Some(key) => EntryOutcome::Matched { key, binding: None },
                    None if tried == 0 => EntryOutcome::NoKey,
                    None => EntryOutcome::NoMatch,
                }
            }
            Entry::V1a(sig) => {
                let message = content.get_or_insert_with(|| v1a::signed_content(h.id, h.timestamp, bytes));
                let mut found = None;
                for (key_ref, key) in v.ed25519_keys(jwks) {
                    tried += 1;
                    if key.verify_with(v.crypto(), message, sig) {
                        found = Some(key_ref);
                        break;
                    }
                }
                match found {
                    Some(key) => EntryOutcome::Matched { key, binding: None },
                    None if tried == 0 => EntryOutcome::NoKey,
                    None => EntryOutcome::NoMatch,
                }
            }
            Entry::Jwt(token) => {
                tried = 1;
                let cx = JwtContext {
                    now,
                    tolerance: v.tolerance_seconds(),
                    audience: v.audience(),
                    issuer: v.issuer(),
                    body: bytes,
                };
                match jwt::verify_body(token, jwks, &cx, body, v.crypto()) {
                    Ok(ok) => {
                        EntryOutcome::Matched { key: MatchedKey::Jwk { kid: Some(ok.kid) }, binding: Some(ok.binding) }
                    }
                    Err(r) => EntryOutcome::Refused(r),
                }
            }
        };
        let done = matches!(outcome, EntryOutcome::Matched { .. }) && mode == Mode::FirstFailure;
        entries.push(EntryEval { raw, entry, tried, outcome });
        if done {
            break;
        }
    }
    let result = signature_result(&entries);
    Signatures { entries: Ok(entries), result }
}

/// The signature verdict from the evaluated entries: the first match; else the first JWT
/// refusal; else no match (when any key was tried), no key, malformed, or nothing supported.
fn signature_result(entries: &[EntryEval<'_>]) -> Result<(Scheme, MatchedKey), Rejection> {
    let (mut tried, mut asymmetric, mut keyless, mut malformed) = (false, false, false, false);
    let mut refused = None;
    for x in entries {
        let v1a = matches!(x.entry, Entry::V1a(_));
        match &x.outcome {
            EntryOutcome::Matched { key, .. } => {
                let scheme = x.entry.scheme().unwrap_or(Scheme::V1);
                return Ok((scheme, key.clone()));
            }
            EntryOutcome::Refused(r) => {
                refused.get_or_insert(r);
            }
            EntryOutcome::NoMatch => {
                tried = true;
                asymmetric |= v1a;
            }
            EntryOutcome::NoKey => {
                keyless = true;
                asymmetric |= v1a;
            }
            EntryOutcome::Malformed => malformed = true,
            EntryOutcome::Ignored | EntryOutcome::Duplicate { .. } => {}
        }
    }
    Err(if let Some(r) = refused {
        r.clone()
    } else if tried {
        Rejection::NoMatchingSignature { asymmetric }
    } else if keyless {
        Rejection::NoKeyForScheme
    } else if malformed {
        Rejection::MalformedSignature
    } else {
        Rejection::NoSupportedSignature
    })
}
