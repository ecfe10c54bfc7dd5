//! Base64 as webhooks use it: standard alphabet for secrets, keys and signatures (padding
//! optional on input), base64url without padding for JWS and JWK values.

use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
/// Secrets as `standardwebhooks` (Python and Node) reads them: padding optional, and non-zero
/// bits after the last byte ignored, so `...Dw==` and `...Dx==` are the same key.
const SECRET_LENIENT: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, LENIENT.with_decode_allow_trailing_bits(true));
const URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Standard alphabet, padding optional.
pub fn decode_standard(s: &str) -> Option<Vec<u8>> {
    STANDARD_LENIENT.decode(s).ok()
}

/// Standard alphabet for a `whsec_` secret: padding optional, trailing bits ignored.
pub fn decode_secret(s: &str) -> Option<Vec<u8>> {
    SECRET_LENIENT.decode(s).ok()
}

/// URL-safe alphabet, padding optional.
pub fn decode_url(s: &str) -> Option<Vec<u8>> {
    URL_LENIENT.decode(s).ok()
}

/// Standard alphabet with padding, as signatures are sent.
pub fn encode_standard(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// URL-safe alphabet without padding, as JWS and JWK use.
pub fn encode_url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
