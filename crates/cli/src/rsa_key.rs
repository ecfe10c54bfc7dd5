//! RSA keys for the RS256 JWT form: generation, PKCS#8 PEM and private JWK files, the public JWK.

use std::fs;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, PrivateKey};
use serde_json::{Value, json};

type Fallible<T> = Result<T, String>;

/// A new key from the system's randomness.
pub fn generate(bits: usize) -> Fallible<PrivateKey> {
    PrivateKey::new(&mut getrandom::SysRng, bits).map_err(|e| format!("generating the RSA key: {e}"))
}

/// PKCS#8 PEM.
pub fn to_pem(key: &PrivateKey) -> Fallible<String> {
    Ok(key.to_pkcs8_pem(LineEnding::LF).map_err(|e| format!("encoding the key: {e}"))?.to_string())
}

fn b64(x: &BoxedUint) -> String {
    URL_SAFE_NO_PAD.encode(x.to_be_bytes_trimmed_vartime())
}

/// The private JWK (RFC 7518 section 6.3.2) with `kid`, `alg` RS256 and `use` sig.
pub fn to_private_jwk(key: &PrivateKey, kid: &str) -> Value {
    let primes = key.primes();
    let mut jwk = json!({
        "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
        "n": b64(key.n()), "e": b64(key.e()), "d": b64(key.d()),
        "p": b64(&primes[0]), "q": b64(&primes[1]),
    });
    if let (Some(dp), Some(dq), Some(qi)) = (key.dp(), key.dq(), key.crt_coefficient()) {
        jwk["dp"] = Value::from(b64(dp));
        jwk["dq"] = Value::from(b64(dq));
        jwk["qi"] = Value::from(b64(&qi));
    }
    jwk
}

/// The public JWK, built by the core (so it is exactly what a verifier parses).
pub fn public_jwk(key: &PrivateKey, kid: &str) -> Fallible<Value> {
    let public = key.to_public_key();
    let rsa_key = hookwall::jwks::RsaKey::from_components(&public.n_bytes(), &public.e_bytes())
        .map_err(|reason| format!("the RSA key is unusable: {reason}"))?;
    Ok(rsa_key.to_jwk(kid))
}

fn from_jwk(jwk: &Value) -> Fallible<PrivateKey> {
    if jwk.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err("the JWK is not an RSA key (kty RSA)".into());
    }
    let part = |name: &str| -> Fallible<BoxedUint> {
        let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| {
            if name == "d" {
                "the JWK has no private exponent d: it is a public key".to_string()
            } else {
                format!("the JWK has no \"{name}\"")
            }
        })?;
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| format!("the JWK's \"{name}\" is not base64url"))?;
        Ok(BoxedUint::from_be_slice_vartime(&bytes))
    };
    let (n, e, d) = (part("n")?, part("e")?, part("d")?);
    let key = match (part("p"), part("q")) {
        (Ok(p), Ok(q)) => PrivateKey::from_components(n, e, d, vec![p, q]),
        _ => return Err("the JWK has no primes p and q".into()),
    };
    key.map_err(|e| format!("the JWK is not a valid RSA private key: {e}"))
}

/// Loads a private key: PKCS#8 PEM, PKCS#1 PEM, or a private JWK (its `kid` is returned too).
pub fn load(path: &Path) -> Fallible<(PrivateKey, Option<String>)> {
    let text = fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let shown = path.display();
    if text.trim_start().starts_with('{') {
        let jwk: Value = serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_string);
        return Ok((from_jwk(&jwk).map_err(|e| format!("{shown}: {e}"))?, kid));
    }
    let key = if text.contains("BEGIN RSA PRIVATE KEY") {
        PrivateKey::from_pkcs1_pem(&text).map_err(|e| format!("{shown} is not a PKCS#1 RSA key: {e}"))?
    } else {
        PrivateKey::from_pkcs8_pem(&text).map_err(|e| format!("{shown} is not a PKCS#8 RSA private key: {e}"))?
    };
    Ok((key, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_jwk_loads_back_as_the_same_key() {
        let key = generate(2048).unwrap();
        let jwk = to_private_jwk(&key, "k");
        let back = from_jwk(&jwk).unwrap();
        assert_eq!(back.n(), key.n());
        assert_eq!(back.d(), key.d());
        assert_eq!(public_jwk(&back, "k").unwrap(), public_jwk(&key, "k").unwrap());
        let mut public_only = public_jwk(&key, "k").unwrap();
        assert!(from_jwk(&public_only).unwrap_err().contains("public key"));
        public_only["kty"] = Value::from("EC");
        assert!(from_jwk(&public_only).is_err());
    }
}
