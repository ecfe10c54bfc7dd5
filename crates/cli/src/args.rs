//! The command line: clap structs for every subcommand, their help texts and value enums.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hookwall::CATALOG;

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
pub(crate) enum KeyKind {
    /// A whsec_ secret (32 random bytes) for v1 HMAC.
    Secret,
    /// An Ed25519 key for v1a: whsk_ signing key, whpk_ public key, JWKS with an OKP key.
    Ed25519,
    /// An RSA key for RS256 JWTs: private key file, JWKS with the public key.
    Rsa,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyFormat {
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
pub(crate) struct KeygenArgs {
    /// What to create.
    #[arg(long, value_enum, default_value = "secret")]
    pub(crate) kind: KeyKind,
    /// Key id of the JWKS entry (ed25519, rsa).
    #[arg(long, default_value = "hookwall-demo")]
    pub(crate) kid: String,
    /// Write every file into this directory (created if needed), with fixed names.
    #[arg(long)]
    pub(crate) out_dir: Option<PathBuf>,
    /// Write the private key (or secret) to this file instead of printing it [rsa default: hookwall-rsa.pem].
    #[arg(long)]
    pub(crate) key_out: Option<PathBuf>,
    /// File format of the RSA private key.
    #[arg(long, value_enum, default_value = "pem")]
    pub(crate) key_format: KeyFormat,
    /// Also write the public JWKS document to this file (ed25519, rsa).
    #[arg(long)]
    pub(crate) jwks_out: Option<PathBuf>,
    /// RSA modulus size in bits.
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u32).range(2048..=4096))]
    pub(crate) bits: u32,
    /// Print one JSON object instead of text lines.
    #[arg(long)]
    pub(crate) json: bool,
    /// Overwrite existing private key files.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Args)]
#[command(after_help = catalog_help())]
pub(crate) struct EventArgs {
    /// Event type, e.g. batch.succeeded.
    #[arg(value_name = "TYPE")]
    pub(crate) event_type: String,
    #[command(flatten)]
    pub(crate) fields: EventFields,
}

#[derive(Args, Clone)]
pub(crate) struct EventFields {
    /// The resource id in `data.id` (default: a random batch_, interaction_ or video_ id by type).
    #[arg(long = "resource-id", value_name = "ID")]
    pub(crate) resource_id: Option<String>,
    /// Set `data.KEY` to VALUE (JSON if it parses, else a string). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// `user_metadata` (top level) as a JSON object, as dynamic webhooks echo it.
    #[arg(long, value_name = "JSON")]
    pub(crate) user_metadata: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum JwtBinding {
    /// The claims carry the event: every member of the JSON body is a claim.
    Claims,
    /// An `event` claim holds the body (JSON, or the exact text when it is not JSON).
    Event,
    /// A `body_sha256` claim holds the hex SHA-256 of the exact body bytes (any body).
    Hash,
}

#[derive(Args, Clone)]
pub(crate) struct Keys {
    /// A whsec_ secret to sign v1 with; repeat for a rotation (one v1 entry per secret).
    #[arg(long = "secret", env = "HOOKWALL_SECRET", hide_env_values = true, value_name = "WHSEC")]
    pub(crate) secrets: Vec<String>,
    /// An Ed25519 signing key (whsk_... or 64 hex digits) to sign v1a with; repeatable.
    #[arg(long = "signing-key", env = "HOOKWALL_SIGNING_KEY", hide_env_values = true, value_name = "WHSK")]
    pub(crate) signing_keys: Vec<String>,
    /// An RSA private key file (PKCS#8 or PKCS#1 PEM, or a private JWK) to add an RS256 JWT entry.
    #[arg(long, value_name = "FILE")]
    pub(crate) jwt_key: Option<PathBuf>,
    /// The JWT header's kid (default: the kid of a JWK --jwt-key; required for PEM).
    #[arg(long)]
    pub(crate) kid: Option<String>,
    /// How the JWT binds the body.
    #[arg(long, value_enum, default_value = "claims")]
    pub(crate) jwt_binding: JwtBinding,
    /// An `aud` claim for the JWT.
    #[arg(long, value_name = "AUD")]
    pub(crate) jwt_audience: Option<String>,
    /// JWT lifetime: `exp` = webhook-timestamp + SECONDS (`iat` = webhook-timestamp).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub(crate) jwt_ttl: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignFormat {
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
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) keys: Keys,
    /// webhook-id (default: a random msg_ id).
    #[arg(long)]
    pub(crate) id: Option<String>,
    /// webhook-timestamp in Unix seconds (default: now).
    #[arg(long)]
    pub(crate) timestamp: Option<u64>,
    /// The body: a file, or - for standard input (read as raw bytes).
    #[arg(long, default_value = "-", value_name = "FILE")]
    pub(crate) body: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "headers")]
    pub(crate) format: SignFormat,
    /// Target URL for --format curl and http.
    #[arg(long, default_value = "http://127.0.0.1:8787/")]
    pub(crate) url: String,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SendFormat {
    /// One line per delivery: `[N] WEBHOOK-ID -> STATUS RESPONSE-BODY` (or `-> error: ...`).
    Text,
    /// One JSON object per line: {"n", "id", "timestamp", "status", "body"} (or "error").
    Json,
}

#[derive(Args)]
#[command(after_help = send_help())]
pub(crate) struct SendArgs {
    /// Event type to send (optional with --body).
    #[arg(value_name = "TYPE", required_unless_present = "body")]
    pub(crate) event_type: Option<String>,
    /// The receiver's URL (http:// or https://), e.g. http://127.0.0.1:8787/.
    #[arg(long, value_name = "URL")]
    pub(crate) to: String,
    #[command(flatten)]
    pub(crate) keys: Keys,
    #[command(flatten)]
    pub(crate) fields: EventFields,
    /// Send this file as the body instead of a generated event.
    #[arg(long, value_name = "FILE")]
    pub(crate) body: Option<String>,
    /// How many deliveries to send (one after the other).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) count: u32,
    /// Reuse one webhook-id for every delivery (a sender's retry; shows dedupe).
    #[arg(long)]
    pub(crate) repeat_id: bool,
    /// webhook-id for every delivery (implies --repeat-id; default: a random msg_ id).
    #[arg(long)]
    pub(crate) id: Option<String>,
    /// webhook-timestamp in Unix seconds (default: now, fresh for each delivery).
    #[arg(long)]
    pub(crate) timestamp: Option<u64>,
    /// Change the body after signing (the case of its first letter; a space is appended when it
    /// has none), so the receiver must refuse it whatever the signature binds: a JSON key or value
    /// changes, not only the bytes.
    #[arg(long)]
    pub(crate) tamper: bool,
    /// Request timeout in seconds.
    #[arg(long, default_value_t = 15)]
    pub(crate) timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: SendFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormat {
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
pub(crate) struct VerifyArgs {
    /// A trusted whsec_ secret; repeatable.
    #[arg(long = "secret", env = "HOOKWALL_SECRET", hide_env_values = true, value_name = "WHSEC")]
    pub(crate) secrets: Vec<String>,
    /// A trusted whpk_ Ed25519 public key; repeatable.
    #[arg(long = "public-key", value_name = "WHPK")]
    pub(crate) public_keys: Vec<String>,
    /// A JWKS document file (v1a and RS256 JWT keys).
    #[arg(long, value_name = "FILE")]
    pub(crate) jwks: Option<PathBuf>,
    /// The headers: `name: value` lines (a raw HTTP request head works too).
    #[arg(long, value_name = "FILE", required_unless_present = "request", requires = "body")]
    pub(crate) headers: Option<String>,
    /// The raw body file, or - for standard input.
    #[arg(long, value_name = "FILE", required_unless_present = "request", requires = "headers")]
    pub(crate) body: Option<String>,
    /// A raw HTTP request (head, blank line, body), e.g. from `sign --format http`; - for standard input.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["headers", "body"])]
    pub(crate) request: Option<String>,
    /// Now, in Unix seconds (default: the clock).
    #[arg(long)]
    pub(crate) now: Option<u64>,
    /// Timestamp tolerance in seconds.
    #[arg(long, default_value_t = hookwall::DEFAULT_TOLERANCE_SECONDS)]
    pub(crate) tolerance: u64,
    /// Require an RS256 JWT audience.
    #[arg(long)]
    pub(crate) audience: Option<String>,
    /// Accept any authentic body, not only {"type": ...} event envelopes.
    #[arg(long)]
    pub(crate) any_payload: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: VerifyFormat,
}

pub(crate) fn catalog_help() -> String {
    let types: Vec<&str> = CATALOG.iter().map(|(t, _)| *t).collect();
    format!(
        "Event types in the catalog: {}. Other types are allowed (with a warning on standard error).\n\
         Output: one line of compact JSON: {{\"type\", \"version\": \"v1\", \"timestamp\" (RFC 3339), \"data\": {{\"id\", ...}}}}\n\
         plus \"user_metadata\" when given.",
        types.join(", ")
    )
}

pub(crate) fn send_help() -> String {
    format!(
        "Each delivery is a new event (new resource id, same type) signed with every key given, with a\n\
         new webhook-id unless --repeat-id/--id. {}\n\
         Output: see --format; a summary goes to standard error when some delivery was not accepted.",
        catalog_help().lines().next().unwrap_or_default()
    )
}
