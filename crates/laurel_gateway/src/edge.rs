//! The edge: the one place Laurel reads the clock and the operating system's randomness.
//! Everything below takes time and entropy as arguments, so it stays testable and deterministic.

use time::OffsetDateTime;
use uuid::Uuid;

/// The current instant, in UTC.
#[allow(clippy::disallowed_methods)] // the one place the clock is read
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Where a server reads "now": the system clock, or one a test moves forward to see deadlines
/// pass. Only the library API sets it; `laurel serve` always runs on the system clock.
#[derive(Clone)]
pub struct Clock(std::sync::Arc<dyn Fn() -> OffsetDateTime + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(std::sync::Arc::new(now))
    }

    /// A clock reading `read`.
    pub fn new(read: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Clock {
        Clock(std::sync::Arc::new(read))
    }

    /// The current instant by this clock.
    pub fn now(&self) -> OffsetDateTime {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// A new time-ordered id (UUIDv7).
#[allow(clippy::disallowed_methods)] // the one place ids are drawn
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Cryptographically secure random bytes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing leaves nothing safe to do: no token, code or password can
    // be made without it.
    #[allow(clippy::expect_used, clippy::disallowed_methods)] // see above; the one place
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}
