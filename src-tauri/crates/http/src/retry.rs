//! When to retry and how long to wait. Pure: the random source is a parameter.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A Retry-After longer than this is not waited for in-line; the caller gets the error
    /// (e.g. Xero's daily limit: pause the organisation, don't block a thread for hours).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What happened on one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Connection refused/reset, DNS failure, TLS failure: nothing reached the server, or we
    /// cannot tell.
    ConnectError,
    Timeout,
    /// A 2xx answer whose body cannot be used (cut short, not the JSON asked for): the server
    /// answered, so a non-idempotent request may have been applied.
    BrokenBody,
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryAfter(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// `attempt` is 1 for the first try. `idempotent` is true for GET/HEAD/PUT/DELETE and for
    /// writes that carry an idempotency key: only those may be resent after a timeout or 5xx,
    /// because the first one may have been applied.
    pub fn decide(&self, attempt: u32, outcome: Outcome, idempotent: bool, unit_random: f64) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        match outcome {
            Outcome::Status { status: 429, retry_after } => match retry_after {
                Some(d) if d > self.max_retry_after => Decision::GiveUp,
                // The server said when: wait exactly that (plus a little, so a fleet of clients
                // does not return in the same millisecond).
                Some(d) => Decision::RetryAfter(d + self.jitter(attempt, unit_random) / 10),
                None => Decision::RetryAfter(self.backoff(attempt, unit_random).max(Duration::from_secs(1))),
            },
            Outcome::Status { status: 503, retry_after: Some(d) } if idempotent => {
                if d > self.max_retry_after {
                    Decision::GiveUp
                } else {
                    Decision::RetryAfter(d)
                }
            }
            Outcome::Status { status: 500 | 502 | 503 | 504, .. } | Outcome::Timeout if idempotent => {
                Decision::RetryAfter(self.backoff(attempt, unit_random))
            }
            // Nothing was sent (or the connection dropped before a response): safe to retry an
            // idempotent request; a non-idempotent one may have been applied.
            Outcome::ConnectError | Outcome::BrokenBody if idempotent => {
                Decision::RetryAfter(self.backoff(attempt, unit_random))
            }
            _ => Decision::GiveUp,
        }
    }

    /// "Full jitter" exponential backoff: uniform in [0, min(max, base * 2^(attempt-1))].
    pub fn backoff(&self, attempt: u32, unit_random: f64) -> Duration {
        self.jitter(attempt, unit_random)
    }

    fn jitter(&self, attempt: u32, unit_random: f64) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(self.max_delay);
        cap.mul_f64(unit_random.clamp(0.0, 1.0))
    }
}

/// Parses `Retry-After`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // Some servers send fractional seconds.
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: RetryPolicy = RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(60),
    };

    #[test]
    fn retries_idempotent_requests_on_5xx_and_connect_errors() {
        let five = Outcome::Status { status: 503, retry_after: None };
        assert!(matches!(P.decide(1, five, true, 0.5), Decision::RetryAfter(_)));
        assert!(matches!(P.decide(1, Outcome::ConnectError, true, 0.5), Decision::RetryAfter(_)));
        assert!(matches!(P.decide(1, Outcome::Timeout, true, 0.5), Decision::RetryAfter(_)));
        assert!(matches!(P.decide(1, Outcome::BrokenBody, true, 0.5), Decision::RetryAfter(_)));
        assert_eq!(
            P.decide(1, Outcome::BrokenBody, false, 0.5),
            Decision::GiveUp,
            "the write was answered, so applied"
        );
        assert_eq!(P.decide(5, Outcome::BrokenBody, true, 0.5), Decision::GiveUp, "broken bodies are bounded too");
        assert_eq!(
            P.decide(1, five, false, 0.5),
            Decision::GiveUp,
            "a POST without idempotency key may have been applied"
        );
        assert_eq!(P.decide(5, five, true, 0.5), Decision::GiveUp, "attempts are bounded");
    }

    #[test]
    fn never_retries_client_errors() {
        for status in [400, 401, 403, 404, 409, 422] {
            assert_eq!(
                P.decide(1, Outcome::Status { status, retry_after: None }, true, 0.5),
                Decision::GiveUp,
                "{status}"
            );
        }
    }

    #[test]
    fn honours_retry_after_on_429_even_for_writes() {
        let o = Outcome::Status { status: 429, retry_after: Some(Duration::from_secs(7)) };
        // A 429 means the request was not processed, so even a non-idempotent write may retry.
        match P.decide(1, o, false, 0.0) {
            Decision::RetryAfter(d) => assert_eq!(d, Duration::from_secs(7)),
            other => panic!("{other:?}"),
        }
        let long = Outcome::Status { status: 429, retry_after: Some(Duration::from_secs(3600)) };
        assert_eq!(P.decide(1, long, true, 0.0), Decision::GiveUp, "a daily-limit wait is the caller's to schedule");
    }

    #[test]
    fn parses_both_retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("12", now), Some(Duration::from_secs(12)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    proptest! {
        #[test]
        fn backoff_is_bounded_and_grows_with_attempts(attempt in 1u32..40, r in 0.0f64..=1.0) {
            let d = P.backoff(attempt, r);
            prop_assert!(d <= P.max_delay);
            let cap_this = P.backoff(attempt, 1.0);
            let cap_next = P.backoff(attempt + 1, 1.0);
            prop_assert!(cap_next >= cap_this);
        }
    }
}
