//! `hookwall sign`: the webhook-* headers for a body, and the signing keys `send` shares.

use std::io::{self, Write};

use hookwall::jwt::{Binding, sign_rs256};
use hookwall::jwt_claims::{self, ClaimsError, TokenClaims};
use hookwall::{Secret, SigningKey, sign_v1, sign_v1a};
use serde_json::{Map, Value, json};

use crate::args::{JwtBinding, Keys, SignArgs, SignFormat};
use crate::rsa_key;
use crate::support::{Fallible, now, random_id, read_input};

/// Parsed signing keys, loaded once and reused for every delivery.
pub(crate) struct SigningKeys {
    secrets: Vec<Secret>,
    ed25519: Vec<SigningKey>,
    jwt: Option<(rsa::PrivateKey, String)>,
    binding: JwtBinding,
    audience: Option<String>,
    ttl: u64,
}

impl SigningKeys {
    pub(crate) fn load(keys: &Keys) -> Fallible<Self> {
        let mut secrets = Vec::new();
        for s in &keys.secrets {
            secrets.extend(Secret::parse_list(s).map_err(|e| format!("--secret: {e}"))?);
        }
        let mut ed25519 = Vec::new();
        for k in &keys.signing_keys {
            for one in k.split(|c: char| c == ',' || c.is_ascii_whitespace()).filter(|s| !s.is_empty()) {
                ed25519.push(SigningKey::parse(one).map_err(|e| format!("--signing-key: {e}"))?);
            }
        }
        let jwt = match &keys.jwt_key {
            Some(path) => {
                let (key, file_kid) = rsa_key::load(path)?;
                let kid = keys.kid.clone().or(file_kid).ok_or_else(|| {
                    format!("--kid is required with {}: the JWT names its JWKS key by kid", path.display())
                })?;
                Some((key, kid))
            }
            None if keys.kid.is_some() => return Err("--kid needs --jwt-key".into()),
            None => None,
        };
        if secrets.is_empty() && ed25519.is_empty() && jwt.is_none() {
            return Err("no key: give --secret, --signing-key or --jwt-key (or HOOKWALL_SECRET)".into());
        }
        Ok(SigningKeys {
            secrets,
            ed25519,
            jwt,
            binding: keys.jwt_binding,
            audience: keys.jwt_audience.clone(),
            ttl: keys.jwt_ttl,
        })
    }

    /// The `webhook-signature` value: one entry per key (v1 entries, v1a entries, the JWT).
    pub(crate) fn signature(&self, id: &str, ts: u64, body: &[u8]) -> Fallible<String> {
        let mut entries = Vec::new();
        for secret in &self.secrets {
            entries.push(sign_v1(secret, id, ts, body));
        }
        for key in &self.ed25519 {
            entries.push(sign_v1a(key, id, ts, body));
        }
        if let Some((key, kid)) = &self.jwt {
            let claims = self.jwt_claims(id, ts, body)?;
            entries.push(sign_rs256(key, kid, &claims).map_err(|e| format!("signing the JWT: {e}"))?);
        }
        Ok(entries.join(" "))
    }

    /// The JWT claims: the body binding (built by the core, `hookwall::jwt_claims`) plus iat,
    /// exp, jti, aud.
    fn jwt_claims(&self, id: &str, ts: u64, body: &[u8]) -> Fallible<Value> {
        let token = TokenClaims { id, timestamp: ts, ttl: self.ttl, audience: self.audience.as_deref() };
        let binding = match self.binding {
            JwtBinding::Claims => Binding::Claims,
            JwtBinding::Event => Binding::EventClaim,
            JwtBinding::Hash => Binding::BodyHash,
        };
        jwt_claims::build(binding, body, &token).map_err(|e| match e {
            ClaimsError::NotAnObject => "--jwt-binding claims needs a JSON object body (the claims carry the event); \
                                         use --jwt-binding hash for other bodies"
                .into(),
            ClaimsError::NoType => "--jwt-binding claims needs a body with a \"type\" member (the core binds \
                                    event envelopes only); use --jwt-binding event or hash"
                .into(),
            ClaimsError::ReservedMember(clash) => format!(
                "the body has a top-level \"{clash}\" member, which the JWT uses itself; \
                 use --jwt-binding event or hash"
            ),
            ClaimsError::NotText => "--jwt-binding event needs a JSON or UTF-8 body; use --jwt-binding hash".into(),
        })
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub(crate) fn run(a: SignArgs) -> Fallible<()> {
    let keys = SigningKeys::load(&a.keys)?;
    let body = read_input(&a.body)?;
    let id = match a.id {
        Some(id) => id,
        None => random_id("msg_")?,
    };
    let ts = a.timestamp.unwrap_or_else(now);
    let sig = keys.signature(&id, ts, &body)?;
    let ts = ts.to_string();
    let headers =
        [("webhook-id", id.as_str()), ("webhook-timestamp", ts.as_str()), ("webhook-signature", sig.as_str())];
    let text_body =
        || std::str::from_utf8(&body).map_err(|_| "the body is not UTF-8; use --format headers or http".to_string());
    let mut out: Vec<u8> = Vec::new();
    match a.format {
        SignFormat::Headers => {
            for (k, v) in &headers {
                out.extend_from_slice(format!("{k}: {v}\n").as_bytes());
            }
        }
        SignFormat::Json => {
            let h: Map<String, Value> = headers.iter().map(|(k, v)| ((*k).into(), Value::from(*v))).collect();
            out.extend_from_slice(format!("{}\n", json!({"headers": h, "body": text_body()?})).as_bytes());
        }
        SignFormat::Curl => {
            let mut cmd = format!("curl -sS -X POST {} -H 'content-type: application/json'", shell_quote(&a.url));
            for (k, v) in &headers {
                cmd.push_str(&format!(" \\\n  -H {}", shell_quote(&format!("{k}: {v}"))));
            }
            cmd.push_str(&format!(" \\\n  --data-binary {}\n", shell_quote(text_body()?)));
            out.extend_from_slice(cmd.as_bytes());
        }
        SignFormat::Http => {
            let uri: ureq::http::Uri = a.url.parse().map_err(|e| format!("--url {}: {e}", a.url))?;
            let host = uri.authority().ok_or_else(|| format!("--url {} has no host", a.url))?;
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            let mut head = format!("POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n");
            head.push_str(&format!("content-length: {}\r\n", body.len()));
            for (k, v) in &headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            out.extend_from_slice(head.as_bytes());
            out.extend_from_slice(&body);
        }
    }
    io::stdout().lock().write_all(&out).map_err(|e| e.to_string())
}
