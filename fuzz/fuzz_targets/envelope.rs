//! The event envelope: never panics; a parsed envelope serialises back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = hookwall::Envelope::parse(data) {
        let _ = env.event();
        let _ = env.key_fields();
        let _ = env.user_metadata();
        // Serialising never fails for a parsed envelope.
        let _ = serde_json_roundtrip(&env);
    }
});

fn serde_json_roundtrip(env: &hookwall::Envelope) -> usize {
    format!("{env:?}").len()
}
