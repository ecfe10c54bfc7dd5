//! The signature list: never panics, never more than MAX_ENTRIES entries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(entries) = hookwall::signature::parse_list(text) {
            assert!(entries.len() <= hookwall::signature::MAX_ENTRIES);
        }
        let _ = hookwall::needs_jwks(text);
    }
});
