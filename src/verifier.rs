//! The one entry point: body bytes, headers and `now` in, a verified delivery or a typed
//! rejection out.
//!
//! Checks run in this order: body size, headers, timestamp, signatures, payload. The first
//! failure is the verdict. [`Verifier::verify_detailed`] runs the very same checks, but also
//! records every step (and keeps going past a stale timestamp or a bad signature, so that a
//! person debugging an integration sees everything at once); its verdict is always the same
//! as [`Verifier::verify`]'s.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::b64;
use crate::error::Rejection;
use crate::event::Envelope;
use crate::headers::WebhookHeaders;
use crate::json;
use crate::jwks::Jwks;
use crate::jwt::{self, JwtContext};
use crate::signature::{self, Entry, Scheme};
use crate::timestamp::{self, DEFAULT_TOLERANCE_SECONDS};
use crate::v1::Secret;
use crate::v1a::{self, PublicKey};

/// Default body cap, in bytes (256 KiB; the spec recommends events under 20 KB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;

/// Which trusted key verified a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchedKey {
    /// The n-th configured `v1` secret (0-based).
    Secret { index: usize },
    /// The n-th configured `whpk_` key (0-based).
    PublicKey { index: usize },
    /// A JWKS key.
    Jwk { kid: Option<String> },
}

impl core::fmt::Display for MatchedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MatchedKey::Secret { index } => write!(f, "secret #{}", index + 1),
            MatchedKey::PublicKey { index } => write!(f, "public key #{}", index + 1),
            MatchedKey::Jwk { kid: Some(kid) } => write!(f, "JWKS key {kid}"),
            MatchedKey::Jwk { kid: None } => f.write_str("JWKS key without kid"),
        }
    }
}

/// A delivery that passed every check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verified {
    /// `webhook-id`: dedupe on it.
    pub id: String,
    /// `webhook-timestamp`, Unix seconds.
    pub timestamp: u64,
    /// The scheme of the entry that verified.
    pub scheme: Scheme,
    /// The key that verified it.
    pub key: MatchedKey,
    /// The event envelope. Always present from [`Verifier::verify`] with the default
    /// [`PayloadRule::Event`]; `None` from [`Verifier::authenticate`], or under
    /// [`PayloadRule::Any`] when the body is not an envelope.
    pub event: Option<Envelope>,
}

/// What [`Verifier::verify`] requires of an authentic body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PayloadRule {
    /// A JSON event envelope with a string `type` (the edge's rule: it routes by type).
    #[default]
    Event,
    /// Anything: the body is parsed as an envelope when it is one (a generic Standard
    /// Webhooks receiver, such as the npm `Webhook` drop-in).
    Any,
}

/// One check of [`Verifier::verify_detailed`], as a person reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// `body`, `headers`, `timestamp`, `signature`, `payload`.
    pub name: &'static str,
    /// Passed or not.
    pub ok: bool,
    /// The rejection code when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// One sentence: what was found, or what is wrong and what to do.
    pub message: String,
    /// Labelled details (skew, each entry, expected signatures, JWT header and claims).
    pub facts: Vec<Fact>,
}

/// A labelled value in a [`Step`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// Every step plus the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub steps: Vec<Step>,
    #[serde(serialize_with = "serialize_verdict")]
    pub verdict: Result<Verified, Rejection>,
}

fn serialize_verdict<S: serde::Serializer>(v: &Result<Verified, Rejection>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    #[serde(tag = "ok")]
    enum Out<'a> {
        #[serde(rename = "true")]
        Ok { delivery: &'a Verified },
        #[serde(rename = "false")]
        Err { code: &'static str, message: String, status: u16 },
    }
    match v {
        Ok(d) => Out::Ok { delivery: d },
        Err(e) => Out::Err { code: e.code(), message: e.to_string(), status: e.http_status() },
    }
    .serialize(s)
}

/// Verifies deliveries. Configure once, call [`verify`](Verifier::verify) per request.
///
/// ```
/// use hookwall::{Secret, Verifier};
/// let verifier = Verifier::builder()
///     .secret(Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap())
///     .build();
/// let body = br#"{"type":"batch.succeeded","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{"id":"batch_123456","output_file_uri":"gs://my-bucket/results.jsonl"}}"#;
/// let headers = [
///     ("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
///     ("webhook-timestamp", "1674087231"),
///     ("webhook-signature", "v1,44fHxWJCPEKPdgGxYG0WRcPpoSAk+tVuuPx2RjaOHsQ="),
/// ];
/// let ok = verifier.verify(body, headers, 1674087231 + 10).unwrap();
/// assert_eq!(ok.event.unwrap().event_type, "batch.succeeded");
///
/// let late = verifier.verify(body, headers, 1674087231 + 301).unwrap_err();
/// assert_eq!((late.code(), late.http_status()), ("timestamp_too_old", 401));
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    secrets: Vec<Secret>,
    public_keys: Vec<PublicKey>,
    jwks: Jwks,
    tolerance: u64,
    audience: Option<String>,
    max_body_bytes: usize,
    payload: PayloadRule,
}

/// Builds a [`Verifier`].
#[derive(Clone, Debug)]
pub struct VerifierBuilder(Verifier);

impl VerifierBuilder {
    /// Trusts a `v1` secret (call again for each secret during a rotation).
    pub fn secret(mut self, secret: Secret) -> Self {
        self.0.secrets.push(secret);
        self
    }
    /// Trusts several `v1` secrets.
    pub fn secrets(mut self, secrets: impl IntoIterator<Item = Secret>) -> Self {
        self.0.secrets.extend(secrets);
        self
    }
    /// Trusts a `whpk_` Ed25519 key for `v1a`.
    pub fn public_key(mut self, key: PublicKey) -> Self {
        self.0.public_keys.push(key);
        self
    }
    /// Trusts the keys of a JWKS (`v1a` Ed25519 keys and RS256 JWT keys).
    pub fn jwks(mut self, jwks: Jwks) -> Self {
        self.0.jwks = jwks;
        self
    }
    /// Timestamp (and JWT time claim) tolerance in seconds; default 300.
    pub fn tolerance_seconds(mut self, seconds: u64) -> Self {
        self.0.tolerance = seconds;
        self
    }
    /// Requires this `aud` in JWTs.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.0.audience = Some(audience.into());
        self
    }
    /// Body cap in bytes; default 256 KiB.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.0.max_body_bytes = bytes;
        self
    }
    /// What an authentic body must be; default [`PayloadRule::Event`].
    pub fn payload(mut self, rule: PayloadRule) -> Self {
        self.0.payload = rule;
        self
    }
    /// The verifier. One with no key at all rejects everything (`no_key_for_scheme`).
    pub fn build(self) -> Verifier {
        self.0
    }
}

/// Whether verifying a delivery with this `webhook-signature` may need JWKS keys: it has a
/// `v1a` or JWT entry. Adapters fetch the JWKS only then; `v1`-only deliveries never do.
///
/// ```
/// assert!(!hookwall::needs_jwks("v1,abc="));
/// assert!(hookwall::needs_jwks("v1,abc= v1a,def="));
/// ```
pub fn needs_jwks(signature_header: &str) -> bool {
    signature_header
        .split(' ')
        .any(|e| e.starts_with("v1a,") || (!e.contains(',') && e.bytes().filter(|&b| b == b'.').count() == 2))
}

type Trace<'t> = Option<&'t mut Vec<Step>>;

fn record(trace: &mut Trace<'_>, name: &'static str, result: Result<String, &Rejection>, facts: Vec<Fact>) {
    if let Some(steps) = trace {
        let (ok, code, message) = match result {
            Ok(m) => (true, None, m),
            Err(e) => (false, Some(e.code()), e.to_string()),
        };
        steps.push(Step { name, ok, code, message, facts });
    }
}

fn fact(label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact { label: label.into(), value: value.into() }
}

impl Verifier {
    /// Starts a builder with the defaults (300 s tolerance, 256 KiB cap, no keys).
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder(Verifier {
            secrets: Vec::new(),
            public_keys: Vec::new(),
            jwks: Jwks::new(),
            tolerance: DEFAULT_TOLERANCE_SECONDS,
            audience: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            payload: PayloadRule::Event,
        })
    }

    /// Replaces the JWKS keys (after a fetch), keeping everything else.
    pub fn set_jwks(&mut self, jwks: Jwks) {
        self.jwks = jwks;
    }

    /// The configured JWKS.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// The configured tolerance in seconds.
    pub fn tolerance_seconds(&self) -> u64 {
        self.tolerance
    }

    /// The configured body cap in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Verifies one delivery: raw body bytes, `(name, value)` header pairs, `now` in Unix seconds.
    pub fn verify<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Result<Verified, Rejection>
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        self.run(&self.jwks, body, || WebhookHeaders::from_pairs(headers), now, true, None)
    }

    /// Like [`verify`](Self::verify), for headers the caller already found with
    /// [`WebhookHeaders::from_pairs`] (for example to decide whether JWKS keys are needed first).
    pub fn verify_headers(&self, body: &[u8], headers: &WebhookHeaders<'_>, now: u64) -> Result<Verified, Rejection> {
        self.run(&self.jwks, body, || Ok(*headers), now, true, None)
    }

    /// Like [`verify_headers`](Self::verify_headers), with this JWKS in place of the configured
    /// one (the key flow's current set, which it parsed once per fetched document).
    pub fn verify_with_jwks(
        &self,
        jwks: &Jwks,
        body: &[u8],
        headers: &WebhookHeaders<'_>,
        now: u64,
    ) -> Result<Verified, Rejection> {
        self.run(jwks, body, || Ok(*headers), now, true, None)
    }

    /// Checks body size, headers, timestamp and signatures only: the body is not parsed and
    /// [`Verified::event`] is `None`. For receivers that parse the body themselves.
    pub fn authenticate<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Result<Verified, Rejection>
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        self.run(&self.jwks, body, || WebhookHeaders::from_pairs(headers), now, false, None)
    }

    /// Like [`verify`](Self::verify), recording every step for a person to read.
    pub fn verify_detailed<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Report
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        let mut steps = Vec::new();
        let verdict = self.run(&self.jwks, body, || WebhookHeaders::from_pairs(headers), now, true, Some(&mut steps));
        Report { steps, verdict }
    }

    fn run<'h>(
        &self,
        jwks: &Jwks,
        body: &[u8],
        headers: impl FnOnce() -> Result<WebhookHeaders<'h>, Rejection>,
        now: u64,
        parse_payload: bool,
        mut trace: Trace<'_>,
    ) -> Result<Verified, Rejection> {
        let detailed = trace.is_some();
        let mut first_error: Option<Rejection> = None;
        // In detailed mode a failed step is recorded and the next ones still run.
        macro_rules! fail {
            ($e:expr) => {{
                let e = $e;
                if !detailed {
                    return Err(e);
                }
                first_error.get_or_insert(e);
            }};
        }

        let size = format!("{} bytes (limit {})", body.len(), self.max_body_bytes);
        if body.len() > self.max_body_bytes {
            let e = Rejection::BodyTooLarge { limit: self.max_body_bytes };
            record(&mut trace, "body", Err(&e), alloc::vec![fact("size", size)]);
            return Err(e);
        }
        record(&mut trace, "body", Ok(format!("{} bytes", body.len())), alloc::vec![fact("size", size)]);

        let h = match headers() {
            Ok(h) => h,
            Err(e) => {
                record(&mut trace, "headers", Err(&e), Vec::new());
                return Err(e);
            }
        };
        record(
            &mut trace,
            "headers",
            Ok(String::from("webhook-id, webhook-timestamp and webhook-signature are present")),
            alloc::vec![fact("webhook-id", h.id), fact("webhook-timestamp", h.timestamp)],
        );

        let ts = match timestamp::parse(h.timestamp) {
            Ok(ts) => ts,
            Err(e) => {
                record(&mut trace, "timestamp", Err(&e), alloc::vec![fact("value", h.timestamp)]);
                return Err(e);
            }
        };
        let skew = format!("{} s (tolerance ±{} s)", i128::from(ts) - i128::from(now), self.tolerance);
        let facts = alloc::vec![fact("signed at", h.timestamp), fact("now", format!("{now}")), fact("skew", skew)];
        match timestamp::check(ts, now, self.tolerance) {
            Ok(_) => record(&mut trace, "timestamp", Ok(String::from("within the tolerance")), facts),
            Err(e) => {
                record(&mut trace, "timestamp", Err(&e), facts);
                fail!(e);
            }
        }

        let parsed = json::Body::new(body);
        match self.check_signatures(jwks, &h, &parsed, now, &mut trace) {
            Ok((scheme, key)) => {
                let event = if parse_payload { self.check_payload(parsed, &mut trace) } else { Ok(None) };
                match (event, first_error) {
                    (_, Some(e)) | (Err(e), None) => Err(e),
                    (Ok(event), None) => Ok(Verified { id: String::from(h.id), timestamp: ts, scheme, key, event }),
                }
            }
            Err(e) => {
                if detailed {
                    // Show what the body claims to be, marked as unverified.
                    let value = parsed.into_parsed().value.ok_or(Rejection::InvalidPayload);
                    if let Ok(env) = value.and_then(Envelope::from_value) {
                        let mut facts = event_facts(&env);
                        facts.insert(0, fact("note", "not verified: the signature check failed"));
                        record(&mut trace, "payload", Ok(format!("event {} (unverified)", env.event_type)), facts);
                    }
                }
                Err(first_error.unwrap_or(e))
            }
        }
    }

    /// Applies the [`PayloadRule`] to an authentic body.
    fn check_payload(&self, body: json::Body<'_>, trace: &mut Trace<'_>) -> Result<Option<Envelope>, Rejection> {
        let envelope = body.into_parsed().value.ok_or(Rejection::InvalidPayload).and_then(Envelope::from_value);
        match (envelope, self.payload) {
            (Ok(env), _) => {
                record(trace, "payload", Ok(format!("event {}", env.event_type)), event_facts(&env));
                Ok(Some(env))
            }
            (Err(_), PayloadRule::Any) => {
                record(trace, "payload", Ok(String::from("not an event envelope; accepted as is")), Vec::new());
                Ok(None)
            }
            (Err(e), PayloadRule::Event) => {
                record(trace, "payload", Err(&e), Vec::new());
                Err(e)
            }
        }
    }

    /// Tries every supported entry with every trusted key of its scheme.
    fn check_signatures(
        &self,
        jwks_keys: &Jwks,
        h: &WebhookHeaders<'_>,
        parsed: &json::Body<'_>,
        now: u64,
        trace: &mut Trace<'_>,
    ) -> Result<(Scheme, MatchedKey), Rejection> {
        let body = parsed.bytes();
        let entries = match signature::parse_list(h.signature) {
            Ok(e) => e,
            Err(e) => {
                record(trace, "signature", Err(&e), Vec::new());
                return Err(e);
            }
        };
        let detailed = trace.is_some();
        let mut content: Option<Vec<u8>> = None; // `id.ts.body`, built once if v1a needs it
        // Each secret's MAC, computed once per delivery however many v1 entries the header lists
        // (otherwise 32 wrong entries cost 32 passes over a body of up to the cap, per secret).
        let mut macs: Vec<Option<[u8; 32]>> = alloc::vec![None; self.secrets.len()];
        let mut jwt_error: Option<Rejection> = None;
        let (mut tried, mut tried_asymmetric, mut keyless, mut malformed) = (false, false, false, false);
        let mut matched: Option<(Scheme, MatchedKey)> = None;
        let mut reported: Vec<&'static str> = Vec::new(); // codes the entry steps showed

        for (index, (raw, entry)) in entries.iter().enumerate() {
            let label = format!("entry {} ({})", index + 1, entry.scheme().map_or("ignored", Scheme::as_str));
            let mut facts = Vec::new();
            let mut found: Option<MatchedKey> = None;
            let outcome: Result<String, Rejection> = match entry {
                Entry::Duplicate { of } => Ok(format!("the same as entry {}, checked once", of + 1)),
                Entry::Unknown => {
                    let version = raw.split_once(',').map_or(*raw, |(v, _)| v);
                    Ok(format!("unknown version {version:?}, ignored as the spec requires"))
                }
                Entry::Malformed { scheme } => {
                    malformed = true;
                    facts.push(fact("problem", format!("{scheme} value is not base64 of the right length")));
                    Err(Rejection::MalformedSignature)
                }
                Entry::V1(sig) => {
                    keyless |= self.secrets.is_empty();
                    for (i, secret) in self.secrets.iter().enumerate() {
                        tried = true;
                        let mac = *macs[i].get_or_insert_with(|| secret.mac(h.id, h.timestamp, body));
                        if detailed {
                            let expected = b64::encode_standard(&mac);
                            facts.push(fact(format!("expected with secret #{}", i + 1), format!("v1,{expected}")));
                        }
                        if bool::from(mac.ct_eq(sig)) {
                            found = Some(MatchedKey::Secret { index: i });
                            break;
                        }
                    }
                    if detailed {
                        facts.insert(0, fact("received", *raw));
                    }
                    found
                        .as_ref()
                        .map(|k| format!("matches {k}"))
                        .ok_or(Rejection::NoMatchingSignature { asymmetric: false })
                }
                Entry::V1a(sig) => {
                    tried_asymmetric = true;
                    let message = content.get_or_insert_with(|| v1a::signed_content(h.id, h.timestamp, body));
                    let whpk =
                        self.public_keys.iter().enumerate().map(|(i, k)| (MatchedKey::PublicKey { index: i }, k));
                    let jwks = jwks_keys.ed25519().map(|(kid, k)| (MatchedKey::Jwk { kid: kid.map(String::from) }, k));
                    let mut any_key = false;
                    for (key_ref, key) in whpk.chain(jwks) {
                        any_key = true;
                        tried = true;
                        if key.verify(message, sig) {
                            found = Some(key_ref);
                            break;
                        }
                        if detailed {
                            facts.push(fact(key_ref.to_string(), "does not verify"));
                        }
                    }
                    keyless |= !any_key;
                    found
                        .as_ref()
                        .map(|k| format!("verifies with {k}"))
                        .ok_or(Rejection::NoMatchingSignature { asymmetric: true })
                }
                Entry::Jwt(token) => {
                    tried = true;
                    if detailed {
                        jwt_facts(token, &mut facts);
                    }
                    let cx = JwtContext { now, tolerance: self.tolerance, audience: self.audience.as_deref(), body };
                    match jwt::verify_body(token, jwks_keys, &cx, parsed) {
                        Ok(v) => {
                            let msg =
                                format!("RS256 verifies with JWKS key {}; body bound by {}", v.kid, v.binding.as_str());
                            found = Some(MatchedKey::Jwk { kid: Some(v.kid) });
                            Ok(msg)
                        }
                        Err(e) => {
                            jwt_error.get_or_insert(e.clone());
                            Err(e)
                        }
                    }
                }
            };
            if detailed {
                let name = "signature";
                facts.insert(0, fact("entry", label));
                match &outcome {
                    Ok(m) => record(trace, name, Ok(m.clone()), facts),
                    Err(e) => {
                        reported.push(e.code());
                        record(trace, name, Err(e), facts);
                    }
                }
            }
            if let (Some(key), Some(scheme)) = (found, entry.scheme()) {
                // The first match is the verdict; detailed mode keeps going for the report only.
                matched.get_or_insert((scheme, key));
                if !detailed {
                    break;
                }
            }
        }
        if let Some(m) = matched {
            return Ok(m);
        }
        let verdict = if let Some(e) = jwt_error {
            e
        } else if tried {
            Rejection::NoMatchingSignature { asymmetric: tried_asymmetric }
        } else if keyless {
            Rejection::NoKeyForScheme
        } else if malformed {
            Rejection::MalformedSignature
        } else {
            Rejection::NoSupportedSignature
        };
        // The entries' own steps already said it unless the overall verdict is something else
        // (no entry at all, only unknown versions, a JWT error among other entries).
        if !reported.contains(&verdict.code()) {
            record(trace, "signature", Err(&verdict), alloc::vec![fact("entries", format!("{}", entries.len()))]);
        }
        Err(verdict)
    }
}

fn event_facts(env: &Envelope) -> Vec<Fact> {
    let mut facts = alloc::vec![fact("type", env.event_type.clone())];
    if !env.is_known_type() {
        facts.push(fact("catalog", "not a documented type; passed through untouched"));
    }
    for (name, value) in env.key_fields() {
        facts.push(fact(name, value.as_str().map_or_else(|| value.to_string(), String::from)));
    }
    if let Some(meta) = env.user_metadata() {
        facts.push(fact("user_metadata", meta.to_string()));
    }
    facts
}

fn jwt_facts(token: &str, facts: &mut Vec<Fact>) {
    if let Ok(decoded) = jwt::decode(token) {
        facts.push(fact("JWT header", serde_json::Value::Object(decoded.header.clone()).to_string()));
        if let Ok(claims) = jwt::claims(&decoded) {
            facts.push(fact("JWT claims (as sent)", serde_json::Value::Object(claims).to_string()));
        }
    }
}
