//! Simulated time: the real clock plus an offset the admin API can move forward, so that
//! "three days later" (a payment paid out, a token expired) takes no real time.

use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

#[derive(Clone, Debug, Default)]
pub struct SimClock {
    offset: Arc<Mutex<Duration>>,
}

impl SimClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves simulated time forward (never back: lifecycles only advance).
    pub fn advance(&self, by: Duration) {
        if by.is_positive() {
            *self.offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
        }
    }

    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_and_never_goes_back() {
        let c = SimClock::new();
        let before = c.now();
        c.advance(Duration::days(3));
        assert!(c.now() - before >= Duration::days(3));
        c.advance(Duration::days(-10));
        assert_eq!(c.offset(), Duration::days(3));
    }
}
