//! `hookwall`: a demo sender and verifier for Gemini-shaped Standard Webhooks deliveries.
//!
//! Every signature and check comes from the `hookwall` core; this binary only does the I/O
//! (files, randomness, HTTP) around it.

mod rsa_key;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand, ValueEnum};
use hookwall::jwt::sign_rs256;
use hookwall::{CATALOG, Jwks, PayloadRule, PublicKey, Secret, SigningKey, Verifier, sign_v1, sign_v1a};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

const EXIT_HELP: &str = "\
Exit status: 0 on success; 1 when a delivery was rejected (verify) or not accepted (send: a
non-2xx answer or a connection error); 2 for usage, key, file and I/O errors.

Keys can come from the environment so they stay out of the shell history: HOOKWALL_SECRET
(whsec_ secrets, separated by spaces or commas) and HOOKWALL_SIGNING_KEY (whsk_ keys).
hookwall never prints a secret or private key except when `keygen` creates one.";

#[derive(Parser)]
#[command(
    name = "hookwall",
    version,
    about = "Sign, send and verify Gemini-shaped Standard Webhooks deliveries (v1 HMAC, v1a Ed25519, RS256 JWT).",
    after_help = EXIT_HELP
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
    /// Sign a body: print the three webhook-* headers (or a curl command, an HTTP request, or JSON).
    Sign(SignArgs),
    /// Build an event, sign it and POST it; exit status 0 only for 2xx answers.
    Send(SendArgs),
    /// Verify a delivery from files and print every check; exit status 0 only when it verifies.
    Verify(VerifyArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeyKind {
    /// A whsec_ secret (32 random bytes) for v1 HMAC.
    Secret,
    /// An Ed25519 key for v1a: whsk_ signing key, whpk_ public key, JWKS with an OKP key.
    Ed25519,
    /// An RSA key for RS256 JWTs: private key file, JWKS with the public key.
    Rsa,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeyFormat {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    Pem,
    /// A JSON private JWK (kty RSA with n, e, d, p, q, dp, dq, qi and the kid).
    Jwk,
}

#[derive(Args)]
#[command(after_help = "\
Output (text): `secret`: one line, the whsec_ secret. `ed25519`: the lines
`signing key (keep secret): whsk_...`, `public key:                whpk_...` and `jwks: {...}`.
`rsa`: the line `jwks: {...}` (the private key goes to a file). With --json: one JSON object
{\"kind\", \"kid\", \"secret\" | \"signing_key\", \"public_key\", \"jwks\", \"key_file\", \"jwks_file\"}
with only the members that apply. A private key written to a file (--key-out, --out-dir, always
for rsa) is not printed; such files are created with mode 0600 and never overwritten without --force.
With --out-dir DIR the files are DIR/secret.txt, DIR/ed25519.whsk or DIR/rsa.pem (DIR/rsa.jwk.json
with --key-format jwk), and DIR/jwks.json.")]
struct KeygenArgs {
    /// What to create.
    #[arg(long, value_enum, default_value = "secret")]
    kind: KeyKind,
    /// Key id of the JWKS entry (ed25519, rsa).
    #[arg(long, default_value = "hookwall-demo")]
    kid: String,
    /// Write every file into this directory (created if needed), with fixed names.
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Write the private key (or secret) to this file instead of printing it [rsa default: hookwall-rsa.pem].
    #[arg(long)]
    key_out: Option<PathBuf>,
    /// File format of the RSA private key.
    #[arg(long, value_enum, default_value = "pem")]
    key_format: KeyFormat,
    /// Also write the public JWKS document to this file (ed25519, rsa).
    #[arg(long)]
    jwks_out: Option<PathBuf>,
    /// RSA modulus size in bits.
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(2048..=4096))]
    bits: u32,
    /// Print one JSON object instead of text lines.
    #[arg(long)]
    json: bool,
    /// Overwrite existing private key files.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
#[command(after_help = catalog_help())]
struct EventArgs {
    /// Event type, e.g. batch.succeeded.
    #[arg(value_name = "TYPE")]
    event_type: String,
    #[command(flatten)]
    fields: EventFields,
}

#[derive(Args, Clone)]
struct EventFields {
    /// The resource id in `data.id` (default: a random batch_, interaction_ or video_ id by type).
    #[arg(long = "resource-id", value_name = "ID")]
    resource_id: Option<String>,
    /// Set `data.KEY` to VALUE (JSON if it parses, else a string). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// `user_metadata` (top level) as a JSON object, as dynamic webhooks echo it.
    #[arg(long, value_name = "JSON")]
    user_metadata: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum JwtBinding {
    /// The claims carry the event: every member of the JSON body is a claim.
    Claims,
    /// An `event` claim holds the body (JSON, or the exact text when it is not JSON).
    Event,
    /// A `body_sha256` claim holds the hex SHA-256 of the exact body bytes (any body).
    Hash,
}

#[derive(Args, Clone)]
struct Keys {
    /// A whsec_ secret to sign v1 with; repeat for a rotation (one v1 entry per secret).
    #[arg(long = "secret", env = "HOOKWALL_SECRET", hide_env_values = true, value_name = "WHSEC")]
    secrets: Vec<String>,
    /// An Ed25519 signing key (whsk_... or 64 hex digits) to sign v1a with; repeatable.
    #[arg(long = "signing-key", env = "HOOKWALL_SIGNING_KEY", hide_env_values = true, value_name = "WHSK")]
    signing_keys: Vec<String>,
    /// An RSA private key file (PKCS#8 or PKCS#1 PEM, or a private JWK) to add an RS256 JWT entry.
    #[arg(long, value_name = "FILE")]
    jwt_key: Option<PathBuf>,
    /// The JWT header's kid (default: the kid of a JWK --jwt-key; required for PEM).
    #[arg(long)]
    kid: Option<String>,
    /// How the JWT binds the body.
    #[arg(long, value_enum, default_value = "claims")]
    jwt_binding: JwtBinding,
    /// An `aud` claim for the JWT.
    #[arg(long, value_name = "AUD")]
    jwt_audience: Option<String>,
    /// JWT lifetime: `exp` = webhook-timestamp + SECONDS (`iat` = webhook-timestamp).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    jwt_ttl: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SignFormat {
    /// `name: value` lines: webhook-id, webhook-timestamp, webhook-signature.
    Headers,
    /// A curl command that POSTs the delivery to --url.
    Curl,
    /// A raw HTTP/1.1 request (CRLF line ends) to --url, body included.
    Http,
    /// One JSON object {"headers": {...}, "body": "..."}.
    Json,
}

#[derive(Args)]
#[command(after_help = "\
Output: --format headers prints exactly three lines `webhook-id: ...`, `webhook-timestamp: ...`,
`webhook-signature: ...` (what `verify --headers` reads). The signature header holds one entry per
key, in this order: a `v1,` entry per --secret, a `v1a,` entry per --signing-key, then the JWT.
--format json prints {\"headers\": {\"webhook-id\", \"webhook-timestamp\", \"webhook-signature\"},
\"body\": TEXT}; --format http prints a request that `verify --request` reads.")]
struct SignArgs {
    #[command(flatten)]
    keys: Keys,
    /// webhook-id (default: a random msg_ id).
    #[arg(long)]
    id: Option<String>,
    /// webhook-timestamp in Unix seconds (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// The body: a file, or - for standard input (read as raw bytes).
    #[arg(long, default_value = "-", value_name = "FILE")]
    body: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "headers")]
    format: SignFormat,
    /// Target URL for --format curl and http.
    #[arg(long, default_value = "http://127.0.0.1:8787/")]
    url: String,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SendFormat {
    /// One line per delivery: `[N] WEBHOOK-ID -> STATUS RESPONSE-BODY` (or `-> error: ...`).
    Text,
    /// One JSON object per line: {"n", "id", "timestamp", "status", "body"} (or "error").
    Json,
}

#[derive(Args)]
#[command(after_help = send_help())]
struct SendArgs {
    /// Event type to send (optional with --body).
    #[arg(value_name = "TYPE", required_unless_present = "body")]
    event_type: Option<String>,
    /// The receiver's URL (http:// or https://), e.g. http://127.0.0.1:8787/.
    #[arg(long, value_name = "URL")]
    to: String,
    #[command(flatten)]
    keys: Keys,
    #[command(flatten)]
    fields: EventFields,
    /// Send this file as the body instead of a generated event.
    #[arg(long, value_name = "FILE")]
    body: Option<String>,
    /// How many deliveries to send (one after the other).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    count: u32,
    /// Reuse one webhook-id for every delivery (a sender's retry; shows dedupe).
    #[arg(long)]
    repeat_id: bool,
    /// webhook-id for every delivery (implies --repeat-id; default: a random msg_ id).
    #[arg(long)]
    id: Option<String>,
    /// webhook-timestamp in Unix seconds (default: now, fresh for each delivery).
    #[arg(long)]
    timestamp: Option<u64>,
    /// Change the body after signing (the case of its first letter; a space is appended when it
    /// has none), so the receiver must refuse it whatever the signature binds: a JSON key or value
    /// changes, not only the bytes.
    #[arg(long)]
    tamper: bool,
    /// Request timeout in seconds.
    #[arg(long, default_value_t = 15)]
    timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: SendFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    /// Lines: `✓ NAME: message` or `✗ NAME [code]: message`, facts indented, then the verdict line.
    Text,
    /// The core's report as one JSON object {"steps": [...], "verdict": {...}}.
    Json,
}

#[derive(Args)]
#[command(after_help = "\
Output (text): one line per check, `✓ NAME: message` or `✗ NAME [code]: message` (names: body,
headers, timestamp, signature, payload), each followed by its facts as indented `label: value`
lines, then `verified: WEBHOOK-ID via SCHEME (KEY)` or `rejected: STATUS CODE — message`.")]
struct VerifyArgs {
    /// A trusted whsec_ secret; repeatable.
    #[arg(long = "secret", env = "HOOKWALL_SECRET", hide_env_values = true, value_name = "WHSEC")]
    secrets: Vec<String>,
    /// A trusted whpk_ Ed25519 public key; repeatable.
    #[arg(long = "public-key", value_name = "WHPK")]
    public_keys: Vec<String>,
    /// A JWKS document file (v1a and RS256 JWT keys).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// The headers: `name: value` lines (a raw HTTP request head works too).
    #[arg(long, value_name = "FILE", required_unless_present = "request", requires = "body")]
    headers: Option<String>,
    /// The raw body file, or - for standard input.
    #[arg(long, value_name = "FILE", required_unless_present = "request", requires = "headers")]
    body: Option<String>,
    /// A raw HTTP request (head, blank line, body), e.g. from `sign --format http`; - for standard input.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["headers", "body"])]
    request: Option<String>,
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
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: VerifyFormat,
}

fn catalog_help() -> String {
    let types: Vec<&str> = CATALOG.iter().map(|(t, _)| *t).collect();
    format!(
        "Event types in the catalog: {}. Other types are allowed (with a warning on standard error).\n\
         Output: one line of compact JSON: {{\"type\", \"version\": \"v1\", \"timestamp\" (RFC 3339), \"data\": {{\"id\", ...}}}}\n\
         plus \"user_metadata\" when given.",
        types.join(", ")
    )
}

fn send_help() -> String {
    format!(
        "Each delivery is a new event (new resource id, same type) signed with every key given, with a\n\
         new webhook-id unless --repeat-id/--id. {}\n\
         Output: see --format; a summary goes to standard error when some delivery was not accepted.",
        catalog_help().lines().next().unwrap_or_default()
    )
}

type Fallible<T> = Result<T, String>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(a) => keygen(a).map(|()| true),
        Command::Event(a) => event(&a.event_type, &a.fields).map(|b| {
            println!("{b}");
            true
        }),
        Command::Sign(a) => sign(a).map(|()| true),
        Command::Send(a) => send(a),
        Command::Verify(a) => verify(a),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("hookwall: {e}");
            ExitCode::from(2)
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_id(prefix: &str) -> Fallible<String> {
    Ok(format!("{prefix}{}", hex(&random::<12>()?)))
}

// ---------------------------------------------------------------------------------------------
// keygen

/// Writes a private file: mode 0600, and never over an existing file unless `force`.
fn write_private(path: &Path, contents: &[u8], force: bool) -> Fallible<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => format!("{} exists; pass --force to overwrite it", path.display()),
        _ => format!("writing {}: {e}", path.display()),
    })?;
    file.write_all(contents).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn keygen(a: KeygenArgs) -> Fallible<()> {
    if let Some(dir) = &a.out_dir {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let in_dir = |name: &str| a.out_dir.as_ref().map(|d| d.join(name));
    let key_out = a.key_out.clone().or_else(|| {
        in_dir(match (a.kind, a.key_format) {
            (KeyKind::Secret, _) => "secret.txt",
            (KeyKind::Ed25519, _) => "ed25519.whsk",
            (KeyKind::Rsa, KeyFormat::Pem) => "rsa.pem",
            (KeyKind::Rsa, KeyFormat::Jwk) => "rsa.jwk.json",
        })
    });
    let jwks_out = a.jwks_out.clone().or_else(|| if a.kind == KeyKind::Secret { None } else { in_dir("jwks.json") });
    if a.kind == KeyKind::Secret && a.jwks_out.is_some() {
        return Err("--jwks-out: a whsec_ secret is symmetric and has no public key to publish".into());
    }
    if a.kind != KeyKind::Rsa && a.key_format != KeyFormat::Pem {
        return Err("--key-format applies to --kind rsa only".into());
    }

    let mut out = Map::new();
    out.insert("kind".into(), Value::from(a.kind.to_possible_value().map(|v| v.get_name().to_string())));
    let mut lines = Vec::new();
    let mut jwks = None;
    match a.kind {
        KeyKind::Secret => {
            let secret = hookwall::v1::encode_secret(&random::<32>()?).map_err(|e| e.to_string())?;
            match &key_out {
                Some(path) => write_private(path, format!("{secret}\n").as_bytes(), a.force)?,
                None => {
                    lines.push(secret.clone());
                    out.insert("secret".into(), Value::from(secret));
                }
            }
        }
        KeyKind::Ed25519 => {
            let sk = SigningKey::from_seed(&random()?);
            let pk = sk.public_key();
            match &key_out {
                Some(path) => write_private(path, format!("{}\n", sk.to_whsk()).as_bytes(), a.force)?,
                None => {
                    lines.push(format!("signing key (keep secret): {}", sk.to_whsk()));
                    out.insert("signing_key".into(), Value::from(sk.to_whsk()));
                }
            }
            lines.push(format!("public key:                {}", pk.to_whpk()));
            out.insert("kid".into(), Value::from(a.kid.as_str()));
            out.insert("public_key".into(), Value::from(pk.to_whpk()));
            jwks = Some(json!({"keys": [pk.to_jwk(&a.kid)]}));
        }
        KeyKind::Rsa => {
            let path = key_out.clone().unwrap_or_else(|| PathBuf::from("hookwall-rsa.pem"));
            let key = rsa_key::generate(a.bits as usize)?;
            let contents = match a.key_format {
                KeyFormat::Pem => rsa_key::to_pem(&key)?,
                KeyFormat::Jwk => format!("{}\n", rsa_key::to_private_jwk(&key, &a.kid)),
            };
            write_private(&path, contents.as_bytes(), a.force)?;
            out.insert("kid".into(), Value::from(a.kid.as_str()));
            jwks = Some(json!({"keys": [rsa_key::public_jwk(&key, &a.kid)?]}));
            eprintln!("private key (keep secret) written to {}", path.display());
            out.insert("key_file".into(), Value::from(path.display().to_string()));
        }
    }
    if a.kind != KeyKind::Rsa
        && let Some(path) = &key_out
    {
        eprintln!(
            "{} (keep secret) written to {}",
            if a.kind == KeyKind::Secret { "secret" } else { "signing key" },
            path.display()
        );
        out.insert("key_file".into(), Value::from(path.display().to_string()));
    }
    if let Some(jwks) = jwks {
        lines.push(format!("jwks: {jwks}"));
        if let Some(path) = &jwks_out {
            fs::write(path, format!("{jwks}\n")).map_err(|e| format!("writing {}: {e}", path.display()))?;
            eprintln!("JWKS written to {}", path.display());
            out.insert("jwks_file".into(), Value::from(path.display().to_string()));
        }
        out.insert("jwks".into(), jwks);
    }
    if a.json {
        println!("{}", Value::Object(out));
    } else {
        for line in lines {
            println!("{line}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// event

/// A Gemini-shaped thin event (protocol.md section 5).
fn event(event_type: &str, f: &EventFields) -> Fallible<String> {
    let known = CATALOG.iter().find(|(t, _)| *t == event_type);
    if known.is_none() {
        eprintln!("hookwall: warning: {event_type} is not in the documented catalog; using it anyway");
    }
    let prefix = match event_type.split('.').next() {
        Some("batch") => "batch_",
        Some("interaction") => "interaction_",
        Some("video") => "video_",
        _ => "resource_",
    };
    let id = match &f.resource_id {
        Some(id) => id.clone(),
        None => random_id(prefix)?,
    };
    let file_safe = id.replace(['/', ' '], "_");
    let mut data = Ordered::default();
    data.set("id", Value::from(id.clone()));
    for field in known.map_or(&[][..], |(_, fields)| fields) {
        let value = match *field {
            "output_file_uri" if event_type.starts_with("video.") => {
                Value::from(format!("gs://my-bucket/videos/{file_safe}.mp4"))
            }
            "output_file_uri" => Value::from(format!("gs://my-bucket/{file_safe}/results.jsonl")),
            "error_code" => Value::from(13),
            "error_message" => Value::from("The job failed: internal error."),
            "file_name" => Value::from(format!("files/{file_safe}")),
            // `id` is set above; `video_uri` is only an alternative name some samples read.
            _ => continue,
        };
        data.set(field, value);
    }
    for kv in &f.set {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("--set wants KEY=VALUE, got {kv:?}"))?;
        data.set(k, serde_json::from_str(v).unwrap_or_else(|_| Value::from(v)));
    }
    let mut body = Ordered::default();
    body.set("type", Value::from(event_type));
    body.set("version", Value::from("v1"));
    body.set("timestamp", Value::from(humantime::format_rfc3339_seconds(SystemTime::now()).to_string()));
    body.set_raw("data", data.render());
    if let Some(meta) = &f.user_metadata {
        let meta: Value = serde_json::from_str(meta).map_err(|e| format!("--user-metadata is not JSON: {e}"))?;
        if !meta.is_object() {
            return Err("--user-metadata must be a JSON object".into());
        }
        body.set("user_metadata", meta);
    }
    Ok(body.render())
}

/// A JSON object that keeps its members in insertion order (the Gemini samples put `type`
/// first and `id` first in `data`); serde_json's own map sorts its keys.
#[derive(Default)]
struct Ordered(Vec<(String, String)>);

impl Ordered {
    fn set(&mut self, key: &str, value: Value) {
        self.set_raw(key, value.to_string());
    }
    fn set_raw(&mut self, key: &str, json: String) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = json,
            None => self.0.push((key.to_string(), json)),
        }
    }
    fn render(&self) -> String {
        let members: Vec<String> = self.0.iter().map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
        format!("{{{}}}", members.join(","))
    }
}

// ---------------------------------------------------------------------------------------------
// signing

/// Parsed signing keys, loaded once and reused for every delivery.
struct SigningKeys {
    secrets: Vec<Secret>,
    ed25519: Vec<SigningKey>,
    jwt: Option<(rsa::PrivateKey, String)>,
    binding: JwtBinding,
    audience: Option<String>,
    ttl: u64,
}

impl SigningKeys {
    fn load(keys: &Keys) -> Fallible<Self> {
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
    fn signature(&self, id: &str, ts: u64, body: &[u8]) -> Fallible<String> {
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

    /// The JWT claims: the body binding (see `hookwall::jwt::binding`) plus iat, exp, jti, aud.
    fn jwt_claims(&self, id: &str, ts: u64, body: &[u8]) -> Fallible<Value> {
        let mut claims = Map::new();
        let registered = ["iat", "exp", "jti", "aud"];
        match self.binding {
            JwtBinding::Claims => {
                let Ok(Value::Object(event)) = serde_json::from_slice::<Value>(body) else {
                    return Err("--jwt-binding claims needs a JSON object body (the claims carry the event); \
                                use --jwt-binding hash for other bodies"
                        .into());
                };
                if let Some(clash) = registered.iter().find(|k| event.contains_key(**k)) {
                    return Err(format!(
                        "the body has a top-level \"{clash}\" member, which the JWT uses itself; \
                         use --jwt-binding event or hash"
                    ));
                }
                claims = event;
            }
            JwtBinding::Event => {
                let event = serde_json::from_slice::<Value>(body)
                    .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(body).into_owned()));
                if let Value::String(s) = &event
                    && s.as_bytes() != body
                {
                    return Err("--jwt-binding event needs a JSON or UTF-8 body; use --jwt-binding hash".into());
                }
                claims.insert("event".into(), event);
            }
            JwtBinding::Hash => {
                claims.insert("body_sha256".into(), Value::from(hex(&Sha256::digest(body))));
            }
        }
        claims.insert("iat".into(), Value::from(ts));
        claims.insert("exp".into(), Value::from(ts.saturating_add(self.ttl)));
        claims.insert("jti".into(), Value::from(id));
        if let Some(aud) = &self.audience {
            claims.insert("aud".into(), Value::from(aud.as_str()));
        }
        Ok(Value::Object(claims))
    }
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

// ---------------------------------------------------------------------------------------------
// send

fn send(a: SendArgs) -> Fallible<bool> {
    let keys = SigningKeys::load(&a.keys)?;
    let file_body = a.body.as_deref().map(read_input).transpose()?;
    let event_type = a.event_type.as_deref().unwrap_or_default();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(a.timeout)))
        .build()
        .into();
    let fixed_id = match (&a.id, a.repeat_id) {
        (Some(id), _) => Some(id.clone()),
        (None, true) => Some(random_id("msg_")?),
        (None, false) => None,
    };
    let mut failures = 0;
    let mut out = io::stdout().lock();
    for n in 1..=a.count {
        let mut body = match &file_body {
            Some(b) => b.clone(),
            None => event(event_type, &a.fields)?.into_bytes(),
        };
        let id = match &fixed_id {
            Some(id) => id.clone(),
            None => random_id("msg_")?,
        };
        let ts = a.timestamp.unwrap_or_else(now);
        let sig = keys.signature(&id, ts, &body)?;
        if a.tamper {
            match body.iter().position(u8::is_ascii_alphabetic) {
                Some(i) => body[i] ^= 0x20,
                None => body.push(b' '),
            }
        }
        let response = agent
            .post(&a.to)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", &sig)
            .send(&body[..]);
        let (status, text, error) = match response {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let text = r.body_mut().read_to_string().unwrap_or_default();
                (Some(status), text, None)
            }
            Err(e) => (None, String::new(), Some(e.to_string())),
        };
        if !status.is_some_and(|s| (200..300).contains(&s)) {
            failures += 1;
        }
        let line = match a.format {
            SendFormat::Text => match (status, &error) {
                (Some(s), _) => format!("[{n}] {id} -> {s} {}", text.trim()).trim_end().to_string(),
                (None, e) => format!("[{n}] {id} -> error: {}", e.as_deref().unwrap_or_default()),
            },
            SendFormat::Json => {
                let mut o = json!({"n": n, "id": id, "timestamp": ts});
                match (status, error) {
                    (Some(s), _) => {
                        o["status"] = Value::from(s);
                        o["body"] = Value::from(text);
                    }
                    (None, e) => o["error"] = Value::from(e.unwrap_or_default()),
                }
                o.to_string()
            }
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    if failures > 0 {
        eprintln!("hookwall: {failures} of {} deliveries were not accepted", a.count);
    }
    Ok(failures == 0)
}

// ---------------------------------------------------------------------------------------------
// verify

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

fn verify(a: VerifyArgs) -> Fallible<bool> {
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
