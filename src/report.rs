//! Narrating a delivery for a person: the steps of [`Verifier::verify_detailed`], built from
//! the same [`Evaluation`] that decides the verdict (see [`crate::evaluate`]), never from a
//! second run of the checks.
//!
//! Steps and facts carry machine-readable kinds ([`StepName`], [`Outcome`], [`FactKind`]) so
//! that programs never match the English text. Expected signatures are computed and shown only
//! when the caller asks ([`ReportOptions::reveal_expected_signatures`]): for an attacker-chosen
//! id, timestamp and body they are valid signatures, so a report from a request handler must
//! never carry them.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Serialize;

use crate::b64;
use crate::error::Rejection;
use crate::evaluate::{EntryEval, EntryOutcome, Evaluation, Tenancy};
use crate::event::Envelope;
use crate::jwt;
use crate::signature::{Entry, Scheme};
use crate::verifier::{MatchedKey, Verified, Verifier};

/// What a report may contain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Show, for each `v1` entry, the signature each configured secret expects. Only for a
    /// person who already holds the secrets (the playground, the local CLI): for attacker-chosen
    /// input these are forgeries. Default false.
    pub reveal_expected_signatures: bool,
}

/// Which check a [`Step`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepName {
    /// The body's size.
    Body,
    /// The three `webhook-*` headers: present and well-formed.
    Headers,
    /// The timestamp within the tolerance.
    Timestamp,
    /// The signature entries against the trusted keys.
    Signature,
    /// The tenant binding.
    Tenant,
    /// The payload as an event envelope.
    Payload,
}

impl StepName {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            StepName::Body => "body",
            StepName::Headers => "headers",
            StepName::Timestamp => "timestamp",
            StepName::Signature => "signature",
            StepName::Tenant => "tenant",
            StepName::Payload => "payload",
        }
    }
}

impl core::fmt::Display for StepName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for StepName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// How a step came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed (its code is in [`Step::code`]).
    Fail,
    /// Shown for information; not part of the verdict (an ignored or duplicate entry, an entry
    /// that failed beside one that matched, an event shown unverified).
    Info,
}

/// One check of [`Verifier::verify_detailed`], as a person reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Which check.
    pub name: StepName,
    /// Passed (or shown for information) or not.
    pub ok: bool,
    /// Pass, fail or info.
    pub outcome: Outcome,
    /// The rejection code when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// One sentence: what was found, or what is wrong and what to do.
    pub message: String,
    /// Labelled details (skew, each entry, JWT header and claims; expected signatures only
    /// when revealed).
    pub facts: Vec<Fact>,
}

/// What a [`Fact`] is about, for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// The body size and cap.
    Size,
    /// A header value as received.
    Header,
    /// The timestamp as sent.
    SignedAt,
    /// The receiver's clock.
    Now,
    /// Timestamp minus now, and the tolerance.
    Skew,
    /// Which entry of the list (position and scheme).
    Entry,
    /// The entry as received.
    Received,
    /// The signature a configured secret expects (only when revealed).
    ExpectedSignature,
    /// A key the entry was tried with, and the result.
    KeyResult,
    /// What is wrong with an entry.
    Problem,
    /// The JWT's JOSE header.
    JwtHeader,
    /// The JWT's claims, as sent.
    JwtClaims,
    /// How many entries the list has.
    EntryCount,
    /// The event is shown although it is not verified.
    Unverified,
    /// The event type.
    EventType,
    /// Whether the type is in the catalog.
    Catalog,
    /// A documented `data` field.
    EventField,
    /// `user_metadata`.
    UserMetadata,
    /// How the delivery is bound to this receiver.
    TenantBinding,
}

/// A labelled value in a [`Step`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What it is about.
    pub kind: FactKind,
    /// The label a person reads.
    pub label: String,
    /// The value.
    pub value: String,
}

/// Every step plus the verdict. Serialised as `{steps, verdict: {ok: true, delivery}}` or
/// `{steps, verdict: {ok: false, code, message, status}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The checks in the order they ran.
    pub steps: Vec<Step>,
    /// The verified delivery, or why it was rejected (the same as [`Verifier::verify`]).
    #[serde(serialize_with = "serialize_verdict")]
    pub verdict: Result<Verified, Rejection>,
}

fn serialize_verdict<S: serde::Serializer>(v: &Result<Verified, Rejection>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(None)?;
    match v {
        Ok(d) => {
            m.serialize_entry("ok", &true)?;
            m.serialize_entry("delivery", d)?;
        }
        Err(e) => {
            m.serialize_entry("ok", &false)?;
            m.serialize_entry("code", e.code())?;
            m.serialize_entry("message", &e.to_string())?;
            m.serialize_entry("status", &e.http_status())?;
        }
    }
    m.end()
}

fn fact(kind: FactKind, label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact { kind, label: label.into(), value: value.into() }
}

struct Narrator<'a> {
    steps: Vec<Step>,
    verifier: &'a Verifier,
    options: ReportOptions,
}

impl Narrator<'_> {
    fn pass(&mut self, name: StepName, message: String, facts: Vec<Fact>) {
        self.steps.push(Step { name, ok: true, outcome: Outcome::Pass, code: None, message, facts });
    }
    fn info(&mut self, name: StepName, ok: bool, code: Option<&'static str>, message: String, facts: Vec<Fact>) {
        self.steps.push(Step { name, ok, outcome: Outcome::Info, code, message, facts });
    }
    fn fail(&mut self, name: StepName, e: &Rejection, facts: Vec<Fact>) {
        self.steps.push(Step {
            name,
            ok: false,
            outcome: Outcome::Fail,
            code: Some(e.code()),
            message: e.to_string(),
            facts,
        });
    }
    fn stage<T>(&mut self, name: StepName, r: &Result<T, Rejection>, ok: impl FnOnce(&T) -> String, facts: Vec<Fact>) {
        match r {
            Ok(t) => self.pass(name, ok(t), facts),
            Err(e) => self.fail(name, e, facts),
        }
    }
}

/// Narrates an evaluation. `body` is the body that was evaluated (for expected signatures).
pub(crate) fn narrate(v: &Verifier, eval: &Evaluation<'_>, body: &[u8], options: ReportOptions) -> Report {
    let mut n = Narrator { steps: Vec::new(), verifier: v, options };
    let size = format!("{} bytes (limit {})", eval.body_len, v.max_body_bytes());
    n.stage(
        StepName::Body,
        &eval.size,
        |_| format!("{} bytes", eval.body_len),
        alloc::vec![fact(FactKind::Size, "size", size)],
    );

    if let Some(headers) = &eval.headers {
        let facts = match headers {
            Ok(h) => alloc::vec![
                fact(FactKind::Header, "webhook-id", h.id),
                fact(FactKind::Header, "webhook-timestamp", h.timestamp)
            ],
            Err(_) => Vec::new(),
        };
        n.stage(
            StepName::Headers,
            headers,
            |_| String::from("webhook-id, webhook-timestamp and webhook-signature are present"),
            facts,
        );
    }
    let h = match &eval.headers {
        Some(Ok(h)) => Some(*h),
        _ => None,
    };

    match (&eval.timestamp, &eval.freshness, &h) {
        (Some(Err(e)), _, Some(h)) => {
            n.fail(StepName::Timestamp, e, alloc::vec![fact(FactKind::SignedAt, "value", h.timestamp)])
        }
        (Some(Ok(ts)), Some(fresh), Some(h)) => {
            let skew = format!("{} s (tolerance ±{} s)", i128::from(*ts) - i128::from(eval.now), v.tolerance_seconds());
            let facts = alloc::vec![
                fact(FactKind::SignedAt, "signed at", h.timestamp),
                fact(FactKind::Now, "now", eval.now.to_string()),
                fact(FactKind::Skew, "skew", skew),
            ];
            n.stage(StepName::Timestamp, fresh, |_| String::from("within the tolerance"), facts);
        }
        _ => {}
    }

    if let (Some(sigs), Some(h)) = (&eval.signatures, &h) {
        match &sigs.entries {
            Err(e) => n.fail(StepName::Signature, e, Vec::new()),
            Ok(entries) => {
                let matched = sigs.result.is_ok();
                let mut shown: Vec<&'static str> = Vec::new();
                for (index, x) in entries.iter().enumerate() {
                    if let Some(code) = narrate_entry(&mut n, index, x, matched, h, body) {
                        shown.push(code);
                    }
                }
                if let Err(e) = &sigs.result {
                    // The entries' own steps already said it unless the verdict is something
                    // else (no entry at all, only unknown versions, a JWT error among others).
                    if !shown.contains(&e.code()) {
                        n.fail(
                            StepName::Signature,
                            e,
                            alloc::vec![fact(FactKind::EntryCount, "entries", entries.len().to_string())],
                        );
                    }
                }
            }
        }
    }

    if let Some(tenant) = &eval.tenant
        && tenant != &Ok(Tenancy::Inherent)
    {
        let how = |t: &Tenancy| match t {
            Tenancy::Inherent => "a key only this receiver's sender holds",
            Tenancy::BodyField => "the configured signed body field",
            Tenancy::Audience => "the JWT audience",
            Tenancy::SecretPath => "the secret webhook path (asserted by the operator)",
            Tenancy::AnyTenant => "nothing: any tenant is accepted (any_tenant)",
        };
        let facts = match tenant {
            Ok(t) => alloc::vec![fact(FactKind::TenantBinding, "binding", how(t))],
            Err(_) => Vec::new(),
        };
        n.stage(StepName::Tenant, tenant, |t| format!("bound to this receiver by {}", how(t)), facts);
    }

    let verified = eval.signatures.as_ref().is_some_and(|s| s.result.is_ok());
    match &eval.payload {
        Some(Ok(Some(env))) if verified => {
            n.pass(StepName::Payload, format!("event {}", env.event_type), event_facts(env))
        }
        Some(Ok(None)) if verified => {
            n.pass(StepName::Payload, String::from("not an event envelope; accepted as is"), Vec::new())
        }
        Some(Err(e)) if verified => n.fail(StepName::Payload, e, Vec::new()),
        Some(Ok(Some(env))) => {
            let mut facts = event_facts(env);
            facts.insert(0, fact(FactKind::Unverified, "note", "not verified: the signature check failed"));
            n.info(StepName::Payload, true, None, format!("event {} (unverified)", env.event_type), facts);
        }
        _ => {}
    }
    Report { steps: n.steps, verdict: eval.verdict() }
}

/// One entry's step; returns the code it showed, if it failed.
fn narrate_entry(
    n: &mut Narrator<'_>,
    index: usize,
    x: &EntryEval<'_>,
    another_matched: bool,
    h: &crate::headers::WebhookHeaders<'_>,
    body: &[u8],
) -> Option<&'static str> {
    let label = format!("entry {} ({})", index + 1, x.entry.scheme().map_or("ignored", Scheme::as_str));
    let mut facts = alloc::vec![fact(FactKind::Entry, "entry", label)];
    let v = n.verifier;
    let failed = |n: &mut Narrator<'_>, e: Rejection, facts: Vec<Fact>| {
        if another_matched {
            n.info(StepName::Signature, false, Some(e.code()), e.to_string(), facts);
        } else {
            n.fail(StepName::Signature, &e, facts);
        }
        Some(e.code())
    };
    match (&x.entry, &x.outcome) {
        (_, EntryOutcome::Ignored) => {
            let version = x.raw.split_once(',').map_or(x.raw, |(v, _)| v);
            n.info(
                StepName::Signature,
                true,
                None,
                format!("unknown version {version:?}, ignored as the spec requires"),
                facts,
            );
            None
        }
        (_, EntryOutcome::Duplicate { of }) => {
            n.info(StepName::Signature, true, None, format!("the same as entry {}, checked once", of + 1), facts);
            None
        }
        (Entry::Malformed { scheme }, _) => {
            facts.push(fact(FactKind::Problem, "problem", format!("{scheme} value is not base64 of the right length")));
            failed(n, Rejection::MalformedSignature, facts)
        }
        (Entry::V1(_), outcome) => {
            facts.push(fact(FactKind::Received, "received", x.raw));
            if n.options.reveal_expected_signatures {
                for (i, secret) in v.secrets().iter().enumerate().take(x.tried) {
                    let mac = secret.mac(h.id, h.timestamp, body);
                    facts.push(fact(
                        FactKind::ExpectedSignature,
                        format!("expected with secret #{}", i + 1),
                        format!("v1,{}", b64::encode_standard(&mac)),
                    ));
                }
            }
            match outcome {
                EntryOutcome::Matched { key, .. } => {
                    n.pass(StepName::Signature, format!("matches {key}"), facts);
                    None
                }
                EntryOutcome::NoKey => failed(n, Rejection::NoKeyForScheme, facts),
                _ => failed(n, Rejection::NoMatchingSignature { asymmetric: false }, facts),
            }
        }
        (Entry::V1a(_), outcome) => {
            let tried: Vec<MatchedKey> = v.ed25519_keys(v.jwks()).map(|(key, _)| key).take(x.tried).collect();
            let matched = matches!(outcome, EntryOutcome::Matched { .. });
            let failures = if matched { tried.len().saturating_sub(1) } else { tried.len() };
            for key in tried.iter().take(failures) {
                facts.push(fact(FactKind::KeyResult, key.to_string(), "does not verify"));
            }
            match outcome {
                EntryOutcome::Matched { key, .. } => {
                    n.pass(StepName::Signature, format!("verifies with {key}"), facts);
                    None
                }
                EntryOutcome::NoKey => failed(n, Rejection::NoKeyForScheme, facts),
                _ => failed(n, Rejection::NoMatchingSignature { asymmetric: true }, facts),
            }
        }
        (Entry::Jwt(token), outcome) => {
            if let Ok(decoded) = jwt::decode(token) {
                facts.push(fact(
                    FactKind::JwtHeader,
                    "JWT header",
                    serde_json::Value::Object(decoded.header.clone()).to_string(),
                ));
                if let Ok(claims) = jwt::claims(&decoded) {
                    facts.push(fact(
                        FactKind::JwtClaims,
                        "JWT claims (as sent)",
                        serde_json::Value::Object(claims).to_string(),
                    ));
                }
            }
            match outcome {
                EntryOutcome::Matched { key: MatchedKey::Jwk { kid }, binding } => {
                    let kid = kid.as_deref().unwrap_or("");
                    let bound = binding.map_or("", |b| b.as_str());
                    n.pass(
                        StepName::Signature,
                        format!("RS256 verifies with JWKS key {kid}; body bound by {bound}"),
                        facts,
                    );
                    None
                }
                EntryOutcome::Refused(e) => failed(n, e.clone(), facts),
                _ => failed(n, Rejection::JwtMalformed, facts),
            }
        }
        (Entry::Unknown | Entry::Duplicate { .. }, _) => None,
    }
}

fn event_facts(env: &Envelope) -> Vec<Fact> {
    let mut facts = alloc::vec![fact(FactKind::EventType, "type", env.event_type.clone())];
    if !env.is_known_type() {
        facts.push(fact(FactKind::Catalog, "catalog", "not a documented type; passed through untouched"));
    }
    for (name, value) in env.key_fields() {
        facts.push(fact(FactKind::EventField, name, value.as_str().map_or_else(|| value.to_string(), String::from)));
    }
    if let Some(meta) = env.user_metadata() {
        facts.push(fact(FactKind::UserMetadata, "user_metadata", meta.to_string()));
    }
    facts
}
