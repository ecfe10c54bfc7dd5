//! Header finding: arbitrary `(name, value)` byte pairs, separated by 0x00 and 0x01.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(&[u8], &[u8])> = data
        .split(|&b| b == 0)
        .map(|p| {
            let mut it = p.splitn(2, |&b| b == 1);
            (it.next().unwrap_or_default(), it.next().unwrap_or_default())
        })
        .collect();
    if let Ok(h) = hookwall::WebhookHeaders::from_pairs(pairs.iter().map(|(k, v)| (*k, *v))) {
        assert!(!h.id.is_empty() && !h.timestamp.is_empty() && !h.signature.is_empty());
        let _ = hookwall::timestamp::parse(h.timestamp);
    }
});
