//! The one entry point: body bytes, headers and `now` in, a verified delivery or a typed
//! rejection out.
//!
//! Checks run in this order: body size, headers, timestamp, signatures, payload. The first
//! failure is the verdict. [`Verifier::verify_detailed`] runs the very same checks, but also
//! records every step (and keeps going past a stale timestamp or a bad signature, so that a
//! person debugging an integration sees everything at once); its verdict is always the same
//! as [`Verifier::verify`]'s.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::crypto::{CryptoProvider, RUST_CRYPTO};
use crate::error::Rejection;
use crate::evaluate::{self, Evaluation, Mode};
use crate::event::Envelope;
use crate::headers::WebhookHeaders;
use crate::jwks::Jwks;
use crate::report::{self, ReportOptions};
use crate::signature::Scheme;
use crate::timestamp::DEFAULT_TOLERANCE_SECONDS;
use crate::v1::Secret;
use crate::v1a::PublicKey;

pub use crate::report::{Fact, FactKind, Outcome, Report, Step, StepName};

/// Default body cap, in bytes (256 KiB; the spec recommends events under 20 KB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;

/// Which trusted key verified a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchedKey {
    /// The n-th configured `v1` secret (0-based).
    Secret {
        /// Its index among the configured secrets.
        index: usize,
    },
    /// The n-th configured `whpk_` key (0-based).
    PublicKey {
        /// Its index among the configured public keys.
        index: usize,
    },
    /// A JWKS key.
    Jwk {
        /// The key's `kid`, if the JWKS gave one.
        kid: Option<String>,
    },
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
    issuer: Option<String>,
    tenant: TenantRules,
    max_body_bytes: usize,
    payload: PayloadRule,
    crypto: &'static dyn CryptoProvider,
}

/// How JWKS-verified deliveries are bound to this receiver (see [`Verifier::tenant_bound`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TenantRules {
    /// A dotted path into the signed JSON body and the string it must hold.
    pub field: Option<(String, String)>,
    /// The operator asserted that the webhook URL carries a secret path.
    pub secret_path: bool,
    /// The operator accepts every tenant's deliveries.
    pub any: bool,
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
    /// Requires this `aud` in JWTs. It binds JWT deliveries to this receiver (a `v1a` entry
    /// carries no audience; bind those with [`tenant_field`](Self::tenant_field) or
    /// [`secret_path_asserted`](Self::secret_path_asserted)).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.0.audience = Some(audience.into());
        self
    }
    /// Requires this `iss` in JWTs (`jwt_issuer_mismatch` otherwise). The issuer names the
    /// sender, not the receiver, so it does not bind a delivery to this receiver by itself.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(issuer.into());
        self
    }
    /// Binds JWKS-verified deliveries to this receiver by a field of the signed JSON body:
    /// `path` is dotted (`data.user_metadata.tenant`) and the field must be the string
    /// `expected` (`tenant_mismatch`, 403, otherwise). Use a value only you put there (in
    /// `user_metadata`, say): anyone can ask the sender to deliver their own events to your
    /// URL, with metadata of their choosing, so a guessable value binds nothing.
    pub fn tenant_field(mut self, path: impl Into<String>, expected: impl Into<String>) -> Self {
        self.0.tenant.field = Some((path.into(), expected.into()));
        self
    }
    /// Asserts that deliveries reach this verifier only through a webhook URL with a secret
    /// path (at least [`MIN_SECRET_PATH_BITS`](crate::tenant::MIN_SECRET_PATH_BITS) bits; an
    /// adapter checks its configured path with [`crate::tenant::secret_path_bits`] before
    /// asserting it), so only whoever configured that URL can target it.
    pub fn secret_path_asserted(mut self) -> Self {
        self.0.tenant.secret_path = true;
        self
    }
    /// Accepts JWKS-verified deliveries of any tenant: every project whose webhooks the JWKS
    /// signs can deliver here. An explicit opt-out of the `tenant_unbound` default.
    pub fn any_tenant(mut self) -> Self {
        self.0.tenant.any = true;
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
    /// The crypto provider every check computes with; default [`RUST_CRYPTO`] (pure Rust). The
    /// rules (key sizes, Ed25519 strictness, constant-time comparisons) stay in the core
    /// whatever the provider: see [`crate::crypto`].
    pub fn crypto(mut self, provider: &'static dyn CryptoProvider) -> Self {
        self.0.crypto = provider;
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

impl Verifier {
    /// Starts a builder with the defaults (300 s tolerance, 256 KiB cap, no keys).
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder(Verifier {
            secrets: Vec::new(),
            public_keys: Vec::new(),
            jwks: Jwks::new(),
            tolerance: DEFAULT_TOLERANCE_SECONDS,
            audience: None,
            issuer: None,
            tenant: TenantRules::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            payload: PayloadRule::Event,
            crypto: &RUST_CRYPTO,
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

    /// The configured JWT audience.
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// The configured JWT issuer.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// Whether a delivery verified with a JWKS key can be bound to this receiver: an audience,
    /// a tenant field or a secret path is configured, or any tenant is accepted. When false,
    /// every JWKS-verified delivery is refused `tenant_unbound`; adapters warn at configuration
    /// time. (`v1` secrets and `whpk_` keys are bound by nature: only this receiver's sender
    /// holds them.)
    pub fn tenant_bound(&self) -> bool {
        self.tenant.any || self.tenant.secret_path || self.tenant.field.is_some() || self.audience.is_some()
    }

    pub(crate) fn tenant_rules(&self) -> &TenantRules {
        &self.tenant
    }

    /// The crypto provider (see [`VerifierBuilder::crypto`]).
    pub fn crypto(&self) -> &'static dyn CryptoProvider {
        self.crypto
    }

    pub(crate) fn payload_rule(&self) -> PayloadRule {
        self.payload
    }

    pub(crate) fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The Ed25519 keys a `v1a` entry is tried with, in order: `whpk_` keys, then the JWKS's.
    pub(crate) fn ed25519_keys<'a>(&'a self, jwks: &'a Jwks) -> impl Iterator<Item = (MatchedKey, &'a PublicKey)> + 'a {
        let whpk = self.public_keys.iter().enumerate().map(|(i, k)| (MatchedKey::PublicKey { index: i }, k));
        whpk.chain(jwks.ed25519().map(|(kid, k)| (MatchedKey::Jwk { kid: kid.map(String::from) }, k)))
    }

    /// Verifies one delivery: raw body bytes, `(name, value)` header pairs, `now` in Unix seconds.
    pub fn verify<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Result<Verified, Rejection>
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        self.decide(&self.jwks, body, || WebhookHeaders::from_pairs(headers), now, true)
    }

    /// Like [`verify`](Self::verify), for headers the caller already found with
    /// [`WebhookHeaders::from_pairs`] (for example to decide whether JWKS keys are needed first).
    pub fn verify_headers(&self, body: &[u8], headers: &WebhookHeaders<'_>, now: u64) -> Result<Verified, Rejection> {
        self.decide(&self.jwks, body, || Ok(*headers), now, true)
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
        self.decide(jwks, body, || Ok(*headers), now, true)
    }

    /// Checks body size, headers, timestamp and signatures only: the body is not parsed and
    /// [`Verified::event`] is `None`. For receivers that parse the body themselves.
    pub fn authenticate<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Result<Verified, Rejection>
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        self.decide(&self.jwks, body, || WebhookHeaders::from_pairs(headers), now, false)
    }

    /// Like [`verify`](Self::verify), with every step narrated for a person to read. The
    /// verdict is always [`verify`](Self::verify)'s (both read it from one [`Evaluation`]).
    /// Never contains an expected signature: see [`verify_detailed_with`](Self::verify_detailed_with).
    pub fn verify_detailed<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Report
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        self.verify_detailed_with(body, headers, now, ReportOptions::default())
    }

    /// [`verify_detailed`](Self::verify_detailed) with [`ReportOptions`]: with
    /// `reveal_expected_signatures`, each `v1` entry's step shows the signature each secret
    /// expects. Only for someone who holds the secrets already (the playground, a local CLI):
    /// for attacker-chosen input those are valid forgeries.
    pub fn verify_detailed_with<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64, options: ReportOptions) -> Report
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        let eval = self.evaluate(body, headers, now);
        report::narrate(self, &eval, body, options)
    }

    /// Every check of one delivery as data ([`Evaluation`]), evaluated exhaustively: every
    /// entry, and past a stale timestamp or a failed signature. Its
    /// [`verdict`](Evaluation::verdict) is [`verify`](Self::verify)'s.
    pub fn evaluate<'h, I, K, V>(&self, body: &[u8], headers: I, now: u64) -> Evaluation<'h>
    where
        I: IntoIterator<Item = (K, &'h V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]> + ?Sized + 'h,
    {
        evaluate::evaluate(self, &self.jwks, body, || WebhookHeaders::from_pairs(headers), now, true, Mode::Exhaustive)
    }

    fn decide<'h>(
        &self,
        jwks: &Jwks,
        body: &[u8],
        headers: impl FnOnce() -> Result<WebhookHeaders<'h>, Rejection>,
        now: u64,
        parse_payload: bool,
    ) -> Result<Verified, Rejection> {
        evaluate::evaluate(self, jwks, body, headers, now, parse_payload, Mode::FirstFailure).into_verdict()
    }
}
