//! `webhook-timestamp`: canonical parsing and the tolerance window.

use crate::error::Rejection;

/// The default tolerance, in seconds, for both old and future timestamps (Standard Webhooks'
/// and Google's five minutes).
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// Parses whole Unix seconds in canonical decimal: digits only, no sign, no leading zero
/// (except `0` itself), no overflow.
///
/// ```
/// use hookwall::timestamp::parse;
/// assert_eq!(parse("1674087231"), Ok(1674087231));
/// for bad in ["", "+1", "-1", "01", "1.5", " 1", "1e9", "hello", "99999999999999999999"] {
///     assert_eq!(parse(bad).unwrap_err().code(), "invalid_timestamp", "{bad}");
/// }
/// ```
pub fn parse(value: &str) -> Result<u64, Rejection> {
    let bytes = value.as_bytes();
    let canonical = match bytes {
        [] => false,
        [b'0'] => true,
        [b'0', ..] => false,
        _ => bytes.iter().all(u8::is_ascii_digit),
    };
    if !canonical {
        return Err(Rejection::InvalidTimestamp);
    }
    value.parse::<u64>().map_err(|_| Rejection::InvalidTimestamp)
}

/// Checks `timestamp` against `now` (both Unix seconds): at most `tolerance` seconds old or
/// ahead. Returns the signed skew (`timestamp - now`, saturated to `i64`) on success.
///
/// ```
/// use hookwall::timestamp::check;
/// assert_eq!(check(1000, 1300, 300), Ok(-300));
/// assert_eq!(check(1000, 1301, 300).unwrap_err().code(), "timestamp_too_old");
/// assert_eq!(check(1301, 1000, 300).unwrap_err().code(), "timestamp_too_new");
/// ```
pub fn check(timestamp: u64, now: u64, tolerance: u64) -> Result<i64, Rejection> {
    if timestamp <= now {
        let age = now - timestamp;
        if age > tolerance {
            return Err(Rejection::TimestampTooOld { age_seconds: age, tolerance_seconds: tolerance });
        }
        // Saturating: with a tolerance above i64::MAX the skew may not fit (no panic, no wrap).
        Ok(0i64.saturating_sub_unsigned(age))
    } else {
        let ahead = timestamp - now;
        if ahead > tolerance {
            return Err(Rejection::TimestampTooNew { ahead_seconds: ahead, tolerance_seconds: tolerance });
        }
        Ok(i64::try_from(ahead).unwrap_or(i64::MAX))
    }
}
