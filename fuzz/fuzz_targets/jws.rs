//! Compact JWS parsing and RS256 verification against a fixed JWKS: never panics, never verifies.
//! `k1` is a 1024-bit key (refused before any arithmetic); `k2` is a 2048-bit key whose private
//! half was thrown away, so a token naming it reaches the PKCS#1 v1.5 check itself.
#![no_main]
use std::sync::OnceLock;

use hookwall::Jwks;
use hookwall::jwt::{JwtContext, verify};
use libfuzzer_sys::fuzz_target;

const JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"k1","e":"AQAB","n":"15BfnifQfKGUfmS4TzDuVS-lhanJmIBfd__8zktlqFG51BQ3H7WcwFGtzS5T8CI4u_OLT5FnToul0HCkj8IJPc1EGpPyKeiomDNLj6MzKTTiDFFD-JS1Jk_6yxRoncvaHur_tmhYsGHEUdkVm2Efusm9GnmY75tzimEr3O0kh9s"},{"kty":"RSA","kid":"k2","e":"AQAB","n":"qyosSxVI60DKFx-w0eLcuT3CQvxw1hXiFqgoXUHt6Iyhyq2u7hRX3620BWlwQjlMtrvIxxs3iZqQXtXw7DjHVYiR0IBRDaThmQv-XQ-XLvFarQEmrh-8f_PzUAIIMiZoGob6cxmCIBPvDuxNTz9Cvz05TeU-8o1qMpS8a9wGO5Z5qGP9UwFv-xJL7wc0DoAjAghnH9IBKFfTth9e9C1TRhx3rlwT-kM6CUOzQ1HwHLzp40oljKYGya96fqMRc7Bl8pl5h79G-nFWrEl_cpZLYyw5157ScDJhmx_V_uQjqcNbRNgYqf1J812lpgj4eqykxYJsvBm7HD-LFIs71BjUuQ"}]}"#;

fuzz_target!(|data: &[u8]| {
    static KEYS: OnceLock<Jwks> = OnceLock::new();
    let jwks = KEYS.get_or_init(|| Jwks::parse(JWKS.as_bytes()).unwrap());
    if let Ok(token) = std::str::from_utf8(data) {
        if let Ok(decoded) = hookwall::jwt::decode(token) {
            let _ = hookwall::jwt::claims(&decoded);
        }
        let cx = JwtContext { now: 1_767_225_600, tolerance: 300, audience: Some("aud"), issuer: None, body: data };
        // k1 is too small and nobody holds k2's private key, so nothing may ever verify.
        assert!(verify(token, jwks, &cx).is_err());
    }
});
