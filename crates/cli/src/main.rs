//! `hookwall`: a demo sender and verifier for Gemini-shaped Standard Webhooks deliveries.
//!
//! Every signature and check comes from the `hookwall` core; this binary only does the I/O
//! (files, randomness, HTTP) around it.

use std::fs;
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand, ValueEnum};
use hookwall::jwt::sign_rs256;
use hookwall::{CATALOG, Jwks, PayloadRule, PublicKey, Secret, SigningKey, Verifier, sign_v1, sign_v1a};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Map, Value, json};

#[derive(Parser)]
#[command(
    name = "hookwall",
    version,
    about = "Sign, send and verify Gemini-shaped Standard Webhooks deliveries (v1 HMAC, v1a Ed25519, RS256 JWT)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a whsec_ secret, an Ed25519 key (whsk_/whpk_ and a JWKS), or an RSA key for RS256 JWTs.
    Keygen(KeygenArgs),
    /// Print a Gemini-shaped thin event body for a type of the catalog (or any type).
    Event(EventArgs),
    /// Sign a body: print the three webhook-* headers (or a curl command, or JSON).
    Sign(SignArgs),
    /// Build an event, sign it and POST it; exit status 0 only for a 2xx answer.
    Send(SendArgs),
    /// Verify a delivery from files and print every check; exit status 0 only when it verifies.
    Verify(VerifyArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum KeyKind {
    Secret,
    Ed25519,
    Rsa,
}

#[derive(Args)]
struct KeygenArgs {
    /// What to create.
    #[arg(long, value_enum, default_value = "secret")]
    kind: KeyKind,
    /// Key id for the JWKS entry (ed25519, rsa).
    #[arg(long, default_value = "hookwall-demo")]
    kid: String,
    /// Also write the public JWKS document to this file (ed25519, rsa).
    #[arg(long)]
    jwks_out: Option<String>,
    /// Where to write the RSA private key (PKCS#8 PEM).
    #[arg(long, default_value = "hookwall-rsa.pem")]
    key_out: String,
    /// RSA modulus size in bits (at least 2048).
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(2048..=4096))]
    bits: u32,
}

#[derive(Args)]
struct EventArgs {
    /// Event type, e.g. batch.succeeded (see --help of `send` for the catalog).
    #[arg(value_name = "TYPE")]
    event_type: String,
    #[command(flatten)]
    fields: EventFields,
}

#[derive(Args, Clone)]
struct EventFields {
    /// The resource id in `data.id` (default: a random batch_/int_/video_ id).
    #[arg(long = "resource-id")]
    resource_id: Option<String>,
    /// Set `data.KEY` to VALUE (JSON if it parses, else a string). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// `user_metadata` as a JSON object (dynamic webhooks).
    #[arg(long)]
    user_metadata: Option<String>,
}

#[derive(Args, Clone)]
struct Keys {
    /// A whsec_ secret to sign v1 with; repeat for a rotation (one v1 entry per secret).
    #[arg(long = "secret", env = "HOOKWALL_SECRET", value_delimiter = ' ', hide_env_values = true)]
    secrets: Vec<String>,
    /// An Ed25519 signing key (whsk_... or 64 hex digits) to sign v1a with.
    #[arg(long, env = "HOOKWALL_SIGNING_KEY", hide_env_values = true)]
    signing_key: Option<String>,
    /// An RSA private key (PKCS#8 PEM, from `keygen --kind rsa`) to add an RS256 JWT entry.
    #[arg(long, requires = "kid")]
    jwt_key: Option<String>,
    /// The JWT's kid (the JWKS key id of --jwt-key).
    #[arg(long)]
    kid: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Headers,
    Curl,
    Json,
}

#[derive(Args)]
struct SignArgs {
    #[command(flatten)]
    keys: Keys,
    /// webhook-id (default: a random msg_ id).
    #[arg(long)]
    id: Option<String>,
    /// webhook-timestamp in Unix seconds (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The body: a file, or - for standard input.
    #[arg(long, default_value = "-")]
    body: String,
    /// Output: header lines, a curl command, or JSON {headers, body}.
    #[arg(long, value_enum, default_value = "headers")]
    format: Format,
    /// Target URL for --format curl.
    #[arg(long, default_value = "http://127.0.0.1:8787/")]
    url: String,
}

#[derive(Args)]
#[command(after_help = catalog_help())]
struct SendArgs {
    /// Event type to send.
    #[arg(value_name = "TYPE")]
    event_type: String,
    /// The receiver's URL, e.g. http://127.0.0.1:8787/.
    #[arg(long)]
    to: String,
    #[command(flatten)]
    keys: Keys,
    #[command(flatten)]
    fields: EventFields,
    /// Send this file as the body instead of a generated event.
    #[arg(long)]
    body: Option<String>,
    /// How many deliveries to send.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Reuse one webhook-id for every delivery (a sender's retry; shows dedupe).
    #[arg(long)]
    repeat_id: bool,
    /// webhook-id (default: a random msg_ id per delivery).
    #[arg(long)]
    id: Option<String>,
    /// Request timeout in seconds.
    #[arg(long, default_value_t = 15)]
    timeout: u64,
}

#[derive(Args)]
struct VerifyArgs {
    /// A trusted whsec_ secret; repeatable.
    #[arg(long = "secret", env = "HOOKWALL_SECRET", value_delimiter = ' ', hide_env_values = true)]
    secrets: Vec<String>,
    /// A trusted whpk_ Ed25519 public key; repeatable.
    #[arg(long = "public-key")]
    public_keys: Vec<String>,
    /// A JWKS document file (v1a and RS256 JWT keys).
    #[arg(long)]
    jwks: Option<String>,
    /// The headers: `name: value` lines (a raw HTTP request head works too).
    #[arg(long)]
    headers: String,
    /// The raw body file.
    #[arg(long)]
    body: String,
    /// Now, in Unix seconds (default: the clock).
    #[arg(long)]
    now: Option<u64>,
    /// Timestamp tolerance in seconds.
    #[arg(long, default_value_t = hookwall::DEFAULT_TOLERANCE_SECONDS)]
    tolerance: u64,
    /// Require an RS256 JWT audience.
    #[arg(long)]
    audience: Option<String>,
    /// Accept any authentic body, not only {"type": ...} event envelopes.
    #[arg(long)]
    any_payload: bool,
}

fn catalog_help() -> String {
    let types: Vec<&str> = CATALOG.iter().map(|(t, _)| *t).collect();
    format!("Event types in the catalog: {}", types.join(", "))
}

type Fallible<T> = Result<T, String>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(a) => keygen(a),
        Command::Event(a) => event(&a.event_type, &a.fields).map(|b| println!("{b}")),
        Command::Sign(a) => sign(a),
        Command::Send(a) => send(a),
        Command::Verify(a) => return verify(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hookwall: {e}");
            ExitCode::FAILURE
        }
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn random<const N: usize>() -> Fallible<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| format!("no randomness: {e}"))?;
    Ok(buf)
}

fn random_id(prefix: &str) -> Fallible<String> {
    let bytes: [u8; 12] = random()?;
    Ok(format!("{prefix}{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

fn keygen(a: KeygenArgs) -> Fallible<()> {
    match a.kind {
        KeyKind::Secret => {
            let bytes: [u8; 32] = random()?;
            println!("{}", hookwall::v1::encode_secret(&bytes).map_err(|e| e.to_string())?);
        }
        KeyKind::Ed25519 => {
            let sk = SigningKey::from_seed(&random()?);
            let pk = sk.public_key();
            let jwks = json!({"keys": [pk.to_jwk(&a.kid)]});
            println!("signing key (keep secret): {}", sk.to_whsk());
            println!("public key:                {}", pk.to_whpk());
            println!("jwks: {jwks}");
            write_jwks(a.jwks_out.as_deref(), &jwks)?;
        }
        KeyKind::Rsa => {
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, a.bits as usize)
                .map_err(|e| format!("generating the RSA key: {e}"))?;
            let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| format!("encoding the key: {e}"))?;
            fs::write(&a.key_out, pem.as_bytes()).map_err(|e| format!("writing {}: {e}", a.key_out))?;
            let public = key.to_public_key();
            let rsa_key = hookwall::jwks::RsaKey::from_components(&public.n_bytes(), &public.e_bytes())
                .map_err(|reason| format!("the generated key is unusable: {reason}"))?;
            let jwks = json!({"keys": [rsa_key.to_jwk(&a.kid)]});
            println!("private key (keep secret) written to {}", a.key_out);
            println!("jwks: {jwks}");
            write_jwks(a.jwks_out.as_deref(), &jwks)?;
        }
    }
    Ok(())
}

fn write_jwks(path: Option<&str>, jwks: &Value) -> Fallible<()> {
    if let Some(p) = path {
        fs::write(p, jwks.to_string()).map_err(|e| format!("writing {p}: {e}"))?;
        eprintln!("JWKS written to {p}");
    }
    Ok(())
}

/// A Gemini-shaped thin event.
fn event(event_type: &str, f: &EventFields) -> Fallible<String> {
    let known = CATALOG.iter().find(|(t, _)| *t == event_type);
    if known.is_none() {
        eprintln!("hookwall: note: {event_type} is not in the documented catalog; sending it anyway");
    }
    let prefix = match event_type.split('.').next() {
        Some("batch") => "batches/",
        Some("interaction") => "interactions/",
        Some("video") => "operations/video_",
        _ => "resource_",
    };
    let id = match &f.resource_id {
        Some(id) => id.clone(),
        None => random_id(prefix)?,
    };
    let mut data = Map::new();
    data.insert("id".into(), Value::from(id.clone()));
    for field in known.map_or(&[][..], |(_, fields)| fields) {
        let value = match *field {
            "output_file_uri" if event_type.starts_with("video") => {
                Value::from(format!("gs://my-bucket/videos/{}.mp4", id.rsplit('/').next().unwrap_or("video")))
            }
            "output_file_uri" => Value::from(format!("gs://my-bucket/{}/results.jsonl", id.replace('/', "_"))),
            "error_code" => Value::from(13),
            "error_message" => Value::from("The job failed: internal error."),
            "file_name" => Value::from(format!("files/{}", id.rsplit('/').next().unwrap_or("video"))),
            _ => continue,
        };
        data.insert((*field).into(), value);
    }
    for kv in &f.set {
        let (k, v) = kv.split_once('=').ok_or_else(|| format!("--set wants KEY=VALUE, got {kv:?}"))?;
        data.insert(k.into(), serde_json::from_str(v).unwrap_or_else(|_| Value::from(v)));
    }
    let mut body = json!({
        "type": event_type,
        "version": "v1",
        "timestamp": humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        "data": data,
    });
    if let Some(meta) = &f.user_metadata {
        let meta: Value = serde_json::from_str(meta).map_err(|e| format!("--user-metadata is not JSON: {e}"))?;
        body["user_metadata"] = meta;
    }
    Ok(body.to_string())
}

/// The `webhook-signature` value: one entry per configured key.
fn signature(keys: &Keys, id: &str, ts: u64, body: &[u8]) -> Fallible<String> {
    let mut entries = Vec::new();
    for s in &keys.secrets {
        let secret = Secret::parse(s).map_err(|e| format!("--secret: {e}"))?;
        entries.push(sign_v1(&secret, id, ts, body));
    }
    if let Some(k) = &keys.signing_key {
        let sk = SigningKey::parse(k).map_err(|e| format!("--signing-key: {e}"))?;
        entries.push(sign_v1a(&sk, id, ts, body));
    }
    if let Some(path) = &keys.jwt_key {
        let pem = fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
        let key = rsa::PrivateKey::from_pkcs8_pem(&pem).map_err(|e| format!("{path} is not a PKCS#8 RSA key: {e}"))?;
        let kid = keys.kid.as_deref().unwrap_or_default();
        // The claims carry the event itself, which binds the body (see the README).
        let mut claims = serde_json::from_slice::<Value>(body)
            .ok()
            .filter(Value::is_object)
            .ok_or("a JWT delivery needs a JSON object body: its claims carry the event")?;
        claims["iat"] = Value::from(ts);
        claims["exp"] = Value::from(ts + 300);
        claims["jti"] = Value::from(id);
        entries.push(sign_rs256(&key, kid, &claims).map_err(|e| format!("signing the JWT: {e}"))?);
    }
    if entries.is_empty() {
        return Err("no key: give --secret, --signing-key or --jwt-key (or HOOKWALL_SECRET)".into());
    }
    Ok(entries.join(" "))
}

fn read_input(path: &str) -> Fallible<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf).map_err(|e| format!("reading standard input: {e}"))?;
        Ok(buf)
    } else {
        fs::read(path).map_err(|e| format!("reading {path}: {e}"))
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn sign(a: SignArgs) -> Fallible<()> {
    let body = read_input(&a.body)?;
    let id = match a.id {
        Some(id) => id,
        None => random_id("msg_")?,
    };
    let ts = a.timestamp.unwrap_or_else(now);
    let sig = signature(&a.keys, &id, ts, &body)?;
    let headers =
        [("webhook-id", id.as_str()), ("webhook-timestamp", &ts.to_string()), ("webhook-signature", sig.as_str())]
            .map(|(k, v)| (k, v.to_string()));
    let mut out = io::stdout().lock();
    let written = match a.format {
        Format::Headers => headers.iter().try_for_each(|(k, v)| writeln!(out, "{k}: {v}")),
        Format::Json => {
            let h: Map<String, Value> = headers.iter().map(|(k, v)| ((*k).into(), Value::from(v.as_str()))).collect();
            writeln!(out, "{}", json!({"headers": h, "body": String::from_utf8_lossy(&body)}))
        }
        Format::Curl => {
            let mut cmd = format!("curl -sS -X POST {} -H 'content-type: application/json'", shell_quote(&a.url));
            for (k, v) in &headers {
                cmd.push_str(&format!(" \\\n  -H {}", shell_quote(&format!("{k}: {v}"))));
            }
            cmd.push_str(&format!(" \\\n  --data-binary {}", shell_quote(&String::from_utf8_lossy(&body))));
            writeln!(out, "{cmd}")
        }
    };
    written.map_err(|e| e.to_string())
}

fn send(a: SendArgs) -> Fallible<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(a.timeout)))
        .build()
        .into();
    let fixed_id = match (&a.id, a.repeat_id) {
        (Some(id), _) => Some(id.clone()),
        (None, true) => Some(random_id("msg_")?),
        (None, false) => None,
    };
    let mut failures = 0;
    for n in 1..=a.count.max(1) {
        let body = match &a.body {
            Some(path) => read_input(path)?,
            None => event(&a.event_type, &a.fields)?.into_bytes(),
        };
        let id = match &fixed_id {
            Some(id) => id.clone(),
            None => random_id("msg_")?,
        };
        let ts = now();
        let sig = signature(&a.keys, &id, ts, &body)?;
        let response = agent
            .post(&a.to)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", &sig)
            .send(&body[..]);
        match response {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let text = r.body_mut().read_to_string().unwrap_or_default();
                println!("[{n}] {id} -> {status} {}", text.trim());
                if !(200..300).contains(&status) {
                    failures += 1;
                }
            }
            Err(e) => {
                println!("[{n}] {id} -> error: {e}");
                failures += 1;
            }
        }
    }
    if failures == 0 { Ok(()) } else { Err(format!("{failures} of {} deliveries were not accepted", a.count.max(1))) }
}

/// `name: value` lines; a request line or blank lines are skipped.
fn parse_header_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = name.trim();
            (!name.is_empty() && !name.contains(' ')).then(|| (name.to_string(), value.trim().to_string()))
        })
        .collect()
}

fn verify(a: VerifyArgs) -> ExitCode {
    let run = || -> Fallible<bool> {
        let mut b = Verifier::builder().tolerance_seconds(a.tolerance);
        for s in &a.secrets {
            b = b.secret(Secret::parse(s).map_err(|e| format!("--secret: {e}"))?);
        }
        for k in &a.public_keys {
            b = b.public_key(PublicKey::parse(k).map_err(|e| format!("--public-key: {e}"))?);
        }
        if let Some(path) = &a.jwks {
            let doc = fs::read(path).map_err(|e| format!("reading {path}: {e}"))?;
            b = b.jwks(Jwks::parse(&doc).map_err(|e| format!("{path}: {e}"))?);
        }
        if let Some(aud) = &a.audience {
            b = b.audience(aud.clone());
        }
        if a.any_payload {
            b = b.payload(PayloadRule::Any);
        }
        let verifier = b.build();
        let headers =
            parse_header_lines(&fs::read_to_string(&a.headers).map_err(|e| format!("reading {}: {e}", a.headers))?);
        let body = read_input(&a.body)?;
        let report = verifier.verify_detailed(
            &body,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            a.now.unwrap_or_else(now),
        );
        for step in &report.steps {
            let mark = if step.ok { "✓" } else { "✗" };
            let code = step.code.map(|c| format!(" [{c}]")).unwrap_or_default();
            println!("{mark} {}{code}: {}", step.name, step.message);
            for f in &step.facts {
                println!("    {}: {}", f.label, f.value);
            }
        }
        match &report.verdict {
            Ok(d) => println!("verified: {} via {} ({})", d.id, d.scheme, d.key),
            Err(e) => println!("rejected: {} {} — {e}", e.http_status(), e.code()),
        }
        Ok(report.verdict.is_ok())
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("hookwall: {e}");
            ExitCode::from(2)
        }
    }
}
