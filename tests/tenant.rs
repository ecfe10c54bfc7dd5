//! Tenant binding: the JWKS signs every project's dynamic webhooks, so a JWKS-verified delivery
//! ("another project's", below: genuinely signed, just not for this receiver) is refused unless
//! something binds it to this receiver.

mod common;

use common::*;
use hookwall::evaluate::{EntryOutcome, Tenancy};
use hookwall::jwt::sign_rs256;
use hookwall::report::{FactKind, Outcome, StepName};
use hookwall::tenant::{MIN_SECRET_PATH_BITS, secret_path_bits};
use hookwall::{Rejection, SigningKey, Verified, Verifier, VerifierBuilder, sign_v1, sign_v1a};
use serde_json::json;

/// The sender's JWKS: one Ed25519 key (v1a) and one RSA key (JWT), as Google publishes.
fn sender_jwks() -> hookwall::Jwks {
    let ed = SigningKey::from_seed(&[5; 32]).public_key().to_jwk("ed").to_string();
    jwks(&[&ed, &rsa_jwk(&rsa_keys().0, "k1")])
}

fn builder() -> VerifierBuilder {
    Verifier::builder().jwks(sender_jwks())
}

/// Another project's event: its own user_metadata, signed by the sender's shared key.
fn other_project_body() -> String {
    json!({"type": "batch.succeeded", "data": {"id": "batch_9", "user_metadata": {"tenant": "someone-else"}}})
        .to_string()
}

fn our_body() -> String {
    json!({"type": "batch.succeeded", "data": {"id": "batch_1", "user_metadata": {"tenant": "t-7Rk2qP"}}}).to_string()
}

fn v1a(body: &str) -> String {
    sign_v1a(&SigningKey::from_seed(&[5; 32]), "m", NOW, body.as_bytes())
}

fn jwt(body: &str, extra: serde_json::Value) -> String {
    let mut claims = json!({"iat": NOW, "body_sha256": b64url(&sha256(body.as_bytes()))});
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    sign_rs256(&rsa_keys().0, "k1", &claims).unwrap()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).to_vec()
}

fn run(v: &Verifier, body: &str, sig: &str) -> Result<Verified, Rejection> {
    let now = NOW.to_string();
    let h = [("webhook-id", "m"), ("webhook-timestamp", now.as_str()), ("webhook-signature", sig)];
    let plain = v.verify(body.as_bytes(), h, NOW);
    assert_eq!(plain, v.verify_detailed(body.as_bytes(), h, NOW).verdict, "verify and verify_detailed agree");
    plain
}

#[track_caller]
fn status(r: Result<Verified, Rejection>) -> (&'static str, u16) {
    match r {
        Ok(_) => ("ok", 200),
        Err(e) => (e.code(), e.http_status()),
    }
}

#[test]
fn another_projects_delivery_is_refused_by_default() {
    let v = builder().build();
    assert!(!v.tenant_bound());
    for sig in [v1a(&other_project_body()), jwt(&other_project_body(), json!({}))] {
        let e = run(&v, &other_project_body(), &sig).unwrap_err();
        assert_eq!((e.code(), e.http_status()), ("tenant_unbound", 403));
        assert!(!e.depends_on_keys(), "no key makes it ours");
        let text = e.to_string();
        for option in ["audience", "tenant_field", "secret_path_asserted", "any_tenant"] {
            assert!(text.contains(option), "the message names {option}: {text}");
        }
    }
}

#[test]
fn v1_secrets_and_whpk_keys_are_bound_by_nature() {
    let s = secret(SECRET_1);
    let sk = SigningKey::from_seed(&[8; 32]);
    let v = builder().secret(s.clone()).public_key(sk.public_key()).build();
    let body = our_body();
    assert_eq!(status(run(&v, &body, &sign_v1(&s, "m", NOW, body.as_bytes()))), ("ok", 200));
    assert_eq!(status(run(&v, &body, &sign_v1a(&sk, "m", NOW, body.as_bytes()))), ("ok", 200));
    // ... while the same verifier refuses the JWKS-signed one.
    assert_eq!(status(run(&v, &body, &v1a(&body))), ("tenant_unbound", 403));
}

#[test]
fn a_signed_body_field_binds_v1a_and_jwt_deliveries() {
    let v = builder().tenant_field("data.user_metadata.tenant", "t-7Rk2qP").build();
    assert!(v.tenant_bound());
    for sig in [v1a(&our_body()), jwt(&our_body(), json!({}))] {
        assert_eq!(status(run(&v, &our_body(), &sig)), ("ok", 200));
    }
    for sig in [v1a(&other_project_body()), jwt(&other_project_body(), json!({}))] {
        assert_eq!(status(run(&v, &other_project_body(), &sig)), ("tenant_mismatch", 403));
    }
    // Missing, or not a string, or a prefix: no binding.
    for body in [
        json!({"type": "x", "data": {}}),
        json!({"type": "x", "data": {"user_metadata": {"tenant": ["t-7Rk2qP"]}}}),
        json!({"type": "x", "data": {"user_metadata": {"tenant": "t-7Rk2q"}}}),
        json!({"type": "x", "user_metadata": {"tenant": "t-7Rk2qP"}}),
    ] {
        let body = body.to_string();
        assert_eq!(status(run(&v, &body, &v1a(&body))), ("tenant_mismatch", 403), "{body}");
    }
}

#[test]
fn the_jwt_audience_binds_jwts_only() {
    let v = builder().audience("https://hooks.example/ours").build();
    assert!(v.tenant_bound());
    let body = our_body();
    assert_eq!(status(run(&v, &body, &jwt(&body, json!({"aud": "https://hooks.example/ours"})))), ("ok", 200));
    assert_eq!(
        status(run(&v, &body, &jwt(&body, json!({"aud": "https://other.example/"})))),
        ("jwt_audience_mismatch", 401)
    );
    // A v1a entry has no audience: the audience alone does not bind it.
    assert_eq!(status(run(&v, &body, &v1a(&body))), ("tenant_unbound", 403));
}

#[test]
fn the_issuer_is_checked_when_configured() {
    let v = builder().issuer("https://accounts.google.com").any_tenant().build();
    let body = our_body();
    assert_eq!(status(run(&v, &body, &jwt(&body, json!({"iss": "https://accounts.google.com"})))), ("ok", 200));
    assert_eq!(
        status(run(&v, &body, &jwt(&body, json!({"iss": "https://evil.example"})))),
        ("jwt_issuer_mismatch", 401)
    );
    assert_eq!(status(run(&v, &body, &jwt(&body, json!({})))), ("jwt_issuer_mismatch", 401));
    assert_eq!(status(run(&v, &body, &jwt(&body, json!({"iss": 7})))), ("jwt_claims_invalid", 400));
    // The issuer names the sender, not the receiver: alone it binds nothing.
    let only_issuer = builder().issuer("https://accounts.google.com").build();
    assert!(!only_issuer.tenant_bound());
    let token = jwt(&body, json!({"iss": "https://accounts.google.com"}));
    assert_eq!(status(run(&only_issuer, &body, &token)), ("tenant_unbound", 403));
}

#[test]
fn a_secret_path_or_the_explicit_opt_out_accepts_any_tenant() {
    for v in [builder().secret_path_asserted().build(), builder().any_tenant().build()] {
        assert!(v.tenant_bound());
        let body = other_project_body();
        assert_eq!(status(run(&v, &body, &v1a(&body))), ("ok", 200));
    }
}

#[test]
fn secret_path_entropy() {
    assert!(secret_path_bits("/hooks/3f9c2a7be01d44c8a9e5b6f70c1d2e3a") >= MIN_SECRET_PATH_BITS);
    assert!(secret_path_bits("/hooks/gemini") < MIN_SECRET_PATH_BITS);
    assert!(
        secret_path_bits("/3f9c2a7be01d44c8a9e5b6f70c1d2e3a/hooks") < MIN_SECRET_PATH_BITS,
        "the last segment counts"
    );
}

#[test]
fn the_report_shows_the_tenant_step_with_machine_readable_kinds() {
    let v = builder().tenant_field("data.user_metadata.tenant", "t-7Rk2qP").build();
    let now = NOW.to_string();
    let body = other_project_body();
    let sig = v1a(&body);
    let h = [("webhook-id", "m"), ("webhook-timestamp", now.as_str()), ("webhook-signature", sig.as_str())];
    let report = v.verify_detailed(body.as_bytes(), h, NOW);
    let step = report.steps.iter().find(|s| s.name == StepName::Tenant).expect("a tenant step");
    assert_eq!((step.outcome, step.code), (Outcome::Fail, Some("tenant_mismatch")));
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verdict"]["ok"], false, "ok is a JSON boolean");
    assert_eq!(json["verdict"]["status"], 403);
    let names: Vec<&str> = json["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["body", "headers", "timestamp", "signature", "tenant", "payload"]);
    assert!(json["steps"].as_array().unwrap().iter().all(|s| s["outcome"].is_string()));
    let ok = builder().any_tenant().build().verify_detailed(body.as_bytes(), h, NOW);
    let json = serde_json::to_value(&ok).unwrap();
    assert_eq!(json["verdict"]["ok"], true);
    let tenant = ok.steps.iter().find(|s| s.name == StepName::Tenant).unwrap();
    assert_eq!(tenant.facts[0].kind, FactKind::TenantBinding);
    let eval = builder().any_tenant().build().evaluate(body.as_bytes(), h, NOW);
    assert_eq!(eval.tenant, Some(Ok(Tenancy::AnyTenant)));
}

#[test]
fn duplicate_entries_are_evaluated_once() {
    let v = builder().any_tenant().build();
    let body = our_body();
    // A JWT that verifies but binds another body, four times: one RSA check, three duplicates.
    let token = jwt("{\"type\":\"other\"}", json!({}));
    let header = [token.as_str(); 4].join(" ");
    let now = NOW.to_string();
    let h = [("webhook-id", "m"), ("webhook-timestamp", now.as_str()), ("webhook-signature", header.as_str())];
    assert_eq!(status(v.verify(body.as_bytes(), h, NOW)), ("jwt_body_not_bound", 401));
    let eval = v.evaluate(body.as_bytes(), h, NOW);
    let entries = eval.signatures.as_ref().unwrap().entries.as_ref().unwrap();
    assert_eq!(entries[0].outcome, EntryOutcome::Refused(Rejection::JwtBodyNotBound));
    assert_eq!(entries[0].tried, 1);
    for x in &entries[1..] {
        assert_eq!((&x.outcome, x.tried), (&EntryOutcome::Duplicate { of: 0 }, 0));
    }
    // The same v1a signature, padded and unpadded: the same bytes, checked once.
    let sig = v1a(&body);
    let unpadded = sig.trim_end_matches('=').to_string();
    let header = format!("{sig} {unpadded}");
    let h = [("webhook-id", "m"), ("webhook-timestamp", now.as_str()), ("webhook-signature", header.as_str())];
    let eval = v.evaluate(b"{\"type\":\"tampered\"}", h, NOW);
    let entries = eval.signatures.as_ref().unwrap().entries.as_ref().unwrap();
    assert_eq!(entries[1].outcome, EntryOutcome::Duplicate { of: 0 });
    assert_eq!(entries[0].tried, 1, "one Ed25519 key in the JWKS");
}
