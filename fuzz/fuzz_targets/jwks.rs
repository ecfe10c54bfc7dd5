//! JWKS parsing: never panics; what it keeps is within the caps.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(jwks) = hookwall::Jwks::parse(data) {
        assert!(jwks.keys().len() + jwks.skipped().len() <= hookwall::jwks::MAX_JWKS_KEYS);
        for k in jwks.keys() {
            if let hookwall::jwks::KeyMaterial::Rsa(r) = &k.key {
                assert!(r.bits() <= hookwall::jwks::MAX_RSA_BITS);
            }
        }
    }
});
