//! Binding dynamic (JWKS-signed) deliveries to this receiver.
//!
//! The JWKS that signs `v1a` entries and JWTs signs the dynamic webhooks of every project of
//! the sender, and anyone can point a dynamic webhook at any URL. A delivery verified with a
//! JWKS key therefore proves who sent it, not for whom: unless something binds it to this
//! receiver, another project's genuine events are accepted. The [`Verifier`](crate::Verifier)
//! refuses such deliveries (`tenant_unbound`, 403) until one of these is configured: a JWT
//! audience, a signed body field ([`tenant_field`](crate::verifier::VerifierBuilder::tenant_field)),
//! a secret webhook path ([`secret_path_asserted`](crate::verifier::VerifierBuilder::secret_path_asserted),
//! checked with [`secret_path_bits`]) or the explicit opt-out
//! ([`any_tenant`](crate::verifier::VerifierBuilder::any_tenant)). `v1` secrets and `whpk_`
//! keys are bound by nature.

/// The least entropy, in bits, a secret webhook path segment must have.
pub const MIN_SECRET_PATH_BITS: u32 = 128;

/// An estimate of the entropy, in bits, of a URL path's last segment (query and fragment
/// ignored, a trailing `/` skipped): its length times the bits per character of the smallest
/// usual alphabet that holds it (hex 4, then digits, lowercase, uppercase, `-`/`_` together up
/// to base64url's 6). A conservative estimate for random tokens; a word scores as if random,
/// so use a generated token, not a name.
///
/// ```
/// use hookwall::tenant::{secret_path_bits, MIN_SECRET_PATH_BITS};
/// assert_eq!(secret_path_bits("/hooks/0123456789abcdef0123456789abcdef"), 128);
/// assert!(secret_path_bits("/hooks/x7Gq2LpV9sT4mN8bR1cZ5wYkH3jD6fAe") >= MIN_SECRET_PATH_BITS);
/// assert!(secret_path_bits("/webhooks/gemini") < MIN_SECRET_PATH_BITS);
/// assert_eq!(secret_path_bits("/"), 0);
/// ```
pub fn secret_path_bits(path: &str) -> u32 {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segment = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if segment.is_empty() {
        return 0;
    }
    let bytes = segment.as_bytes();
    let hex = bytes.iter().all(u8::is_ascii_hexdigit)
        && (bytes.iter().all(|b| !b.is_ascii_uppercase()) || bytes.iter().all(|b| !b.is_ascii_lowercase()));
    let alphabet: u32 = if hex {
        16
    } else {
        let has = |f: fn(&u8) -> bool| bytes.iter().any(f);
        let mut size = 0;
        size += if has(u8::is_ascii_digit) { 10 } else { 0 };
        size += if has(u8::is_ascii_lowercase) { 26 } else { 0 };
        size += if has(u8::is_ascii_uppercase) { 26 } else { 0 };
        size += if has(|b| *b == b'-' || *b == b'_') { 2 } else { 0 };
        if bytes.iter().any(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')) {
            size += 2; // other characters: counted as little as possible
        }
        size.min(64)
    };
    let milli = u64::from(log2_milli(alphabet));
    u32::try_from(bytes.len() as u64 * milli / 1000).unwrap_or(u32::MAX)
}

/// log2(n) in thousandths, rounded down (n >= 1).
fn log2_milli(n: u32) -> u32 {
    if n <= 1 {
        return 0;
    }
    let mut whole = 0;
    let mut x = f64::from(n);
    while x >= 2.0 {
        x /= 2.0;
        whole += 1;
    }
    // Fractional bits by repeated squaring.
    let mut frac = 0.0;
    let mut bit = 0.5;
    for _ in 0..20 {
        x *= x;
        if x >= 2.0 {
            x /= 2.0;
            frac += bit;
        }
        bit /= 2.0;
    }
    whole * 1000 + (frac * 1000.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2() {
        assert_eq!(log2_milli(16), 4000);
        assert_eq!(log2_milli(64), 6000);
        assert_eq!(log2_milli(62), 5954);
        assert_eq!(log2_milli(36), 5169);
    }

    #[test]
    fn segments() {
        assert_eq!(secret_path_bits("/h/abc?x=0123456789abcdef0123456789abcdef"), 12, "the query is not the path");
        assert_eq!(secret_path_bits("/h/0123456789abcdef0123456789abcdef/"), 128);
        assert_eq!(secret_path_bits("0123456789ABCDEF0123456789ABCDEF"), 128);
        // 22 base64url characters of a 128-bit token: 22 * 5.954 = 130.
        assert!(secret_path_bits("/in/Ab3_dE5-Gh7iJ9kLmNoPqR") >= MIN_SECRET_PATH_BITS);
        assert!(secret_path_bits("/in/abcdefghijklmnopqrst") < MIN_SECRET_PATH_BITS);
        assert_eq!(secret_path_bits(""), 0);
    }
}
