//! Durable delivery policy (the worker's `DELIVERY = "queue"` mode), as pure functions: what an
//! origin's answer means for a queued event, when to try again, when to give up into the
//! dead-letter store, and whether an event fits in a queue message at all.

/// Cloudflare Queues' message size limit (bytes).
pub const QUEUE_MESSAGE_LIMIT: usize = 128 * 1024;
/// What a queued message holds besides the body (id, type, key, times), at most (bytes).
const PARCEL_OVERHEAD: usize = 4 * 1024;
/// The longest delay a queue message may be sent with (seconds): 12 h.
pub const MAX_QUEUE_DELAY_SECONDS: u64 = 12 * 3600;

/// Whether a body of `len` bytes fits in a queue message once base64-encoded with its parcel;
/// a larger one is forwarded synchronously instead (never dropped).
///
/// ```
/// assert!(hookwall::delivery::fits_in_queue(90 * 1024));
/// assert!(!hookwall::delivery::fits_in_queue(100 * 1024));
/// ```
pub fn fits_in_queue(len: usize) -> bool {
    len.div_ceil(3) * 4 + PARCEL_OVERHEAD <= QUEUE_MESSAGE_LIMIT
}

/// What one hop to the origin came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    /// The origin answered with this status.
    Answered {
        /// The HTTP status.
        status: u16,
        /// Its `retry-after`, in seconds, when it sent one as a number.
        retry_after_seconds: Option<u64>,
    },
    /// No answer within the deadline, or the origin could not be reached.
    NoAnswer,
}

/// What to do with a queued event after a hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Delivered (2xx): done.
    Delivered,
    /// Send it again after this many seconds (attempt `attempt` + 1).
    Retry {
        /// The delay before the next attempt.
        after_seconds: u64,
    },
    /// Give up: park it in the dead-letter store for a replay.
    DeadLetter {
        /// Why, for the log and the dead-letter listing.
        reason: DeadReason,
    },
}

/// Why an event was dead-lettered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadReason {
    /// The origin refused it with a 4xx other than 408 and 429: retrying will not help.
    Refused {
        /// The status.
        status: u16,
    },
    /// Every attempt of the policy failed.
    Exhausted {
        /// How many attempts were made.
        attempts: u32,
    },
}

/// Backoff between attempts: exponential from `base_seconds`, capped at `max_seconds`, for at
/// most `max_attempts` attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay after the first failed attempt (seconds).
    pub base_seconds: u64,
    /// Longest delay between attempts (seconds).
    pub max_seconds: u64,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 10 s doubling up to 1 h, 40 attempts: about 34 h of trying, more than the sender's 24 h.
    fn default() -> Self {
        RetryPolicy { base_seconds: 10, max_seconds: 3600, max_attempts: 40 }
    }
}

impl RetryPolicy {
    /// The delay after failed attempt number `attempt` (1-based).
    ///
    /// ```
    /// use hookwall::delivery::RetryPolicy;
    /// let p = RetryPolicy::default();
    /// assert_eq!([1, 2, 3, 9, 10, 40].map(|a| p.delay(a)), [10, 20, 40, 2560, 3600, 3600]);
    /// ```
    pub fn delay(&self, attempt: u32) -> u64 {
        let doubled = self.base_seconds.saturating_mul(1u64 << attempt.saturating_sub(1).min(40));
        doubled.min(self.max_seconds).max(1)
    }

    /// What to do after attempt number `attempt` (1-based) came to `hop`. A `retry-after` from
    /// the origin (429, 503) is honoured when longer than the backoff, up to the queue's limit.
    ///
    /// ```
    /// use hookwall::delivery::{DeadReason, Hop, Next, RetryPolicy};
    /// let p = RetryPolicy::default();
    /// let answered = |status| Hop::Answered { status, retry_after_seconds: None };
    /// assert_eq!(p.next(1, answered(200)), Next::Delivered);
    /// assert_eq!(p.next(1, answered(500)), Next::Retry { after_seconds: 10 });
    /// assert_eq!(p.next(2, Hop::NoAnswer), Next::Retry { after_seconds: 20 });
    /// assert_eq!(p.next(1, Hop::Answered { status: 429, retry_after_seconds: Some(120) }), Next::Retry { after_seconds: 120 });
    /// assert_eq!(p.next(1, answered(422)), Next::DeadLetter { reason: DeadReason::Refused { status: 422 } });
    /// assert_eq!(p.next(40, answered(503)), Next::DeadLetter { reason: DeadReason::Exhausted { attempts: 40 } });
    /// ```
    pub fn next(&self, attempt: u32, hop: Hop) -> Next {
        let retry_after = match hop {
            Hop::Answered { status: 200..=299, .. } => return Next::Delivered,
            Hop::Answered { status: status @ 400..=499, .. } if status != 408 && status != 429 => {
                return Next::DeadLetter { reason: DeadReason::Refused { status } };
            }
            Hop::Answered { retry_after_seconds, .. } => retry_after_seconds,
            Hop::NoAnswer => None,
        };
        if attempt >= self.max_attempts {
            return Next::DeadLetter { reason: DeadReason::Exhausted { attempts: attempt } };
        }
        let after = self.delay(attempt).max(retry_after.unwrap_or(0)).min(MAX_QUEUE_DELAY_SECONDS);
        Next::Retry { after_seconds: after }
    }
}

/// A `retry-after` header in seconds (the HTTP-date form is not used by origins we forward to;
/// it counts as absent).
pub fn retry_after_seconds(header: Option<&str>) -> Option<u64> {
    header?.trim().parse().ok()
}
