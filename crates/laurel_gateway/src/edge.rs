//! The edge: the one place Laurel reads the clock and the operating system's randomness.
//! Everything below takes time and entropy as arguments, so it stays testable and deterministic.

use time::OffsetDateTime;
use uuid::Uuid;

/// The current instant, in UTC.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// A new time-ordered id (UUIDv7).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Cryptographically secure random bytes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing leaves nothing safe to do: no token, code or password can
    // be made without it.
    #[allow(clippy::expect_used)] // see above
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}
