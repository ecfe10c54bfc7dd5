//! `hookwall keygen`: a whsec_ secret, an Ed25519 key or an RSA key, and its JWKS.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use hookwall::SigningKey;
use serde_json::{Map, Value, json};

use crate::args::{KeyFormat, KeyKind, KeygenArgs};
use crate::rsa_key;
use crate::support::{Fallible, random};

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

pub(crate) fn run(a: KeygenArgs) -> Fallible<()> {
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
