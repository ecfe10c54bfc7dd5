//! Compact JWS parsing and RS256 verification against a fixed JWKS: never panics, never verifies.
#![no_main]
use std::sync::OnceLock;

use hookwall::Jwks;
use hookwall::jwt::{JwtContext, verify};
use libfuzzer_sys::fuzz_target;

const JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"k1","e":"AQAB","n":"15BfnifQfKGUfmS4TzDuVS-lhanJmIBfd__8zktlqFG51BQ3H7WcwFGtzS5T8CI4u_OLT5FnToul0HCkj8IJPc1EGpPyKeiomDNLj6MzKTTiDFFD-JS1Jk_6yxRoncvaHur_tmhYsGHEUdkVm2Efusm9GnmY75tzimEr3O0kh9s"}]}"#;

fuzz_target!(|data: &[u8]| {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    let jwks = KEYS.get_or_init(|| Jwks::parse(JWKS.as_bytes()).unwrap());
    if let Ok(token) = std::str::from_utf8(data) {
        if let Ok(decoded) = hookwall::jwt::decode(token) {
            let _ = hookwall::jwt::claims(&decoded);
        }
        let cx = JwtContext { now: 1_767_225_600, tolerance: 300, audience: Some("aud"), body: data };
        // The only key is below 2048 bits, so nothing may ever verify.
        assert!(verify(token, jwks, &cx).is_err());
    }
});
