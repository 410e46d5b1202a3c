//! GoCardless's rate-limit headers (gocardless.md §9). Pure: headers in, facts out.
//!
//! Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
//! (gocardless-pro-python `rate_limit.py`, which parses the first two as integers and keeps the
//! third as text). The reset is an HTTP date, as GoCardless's "Limits & Safeguards" page shows
//! (`ratelimit-reset: Thu, 03 May 2018 16:00:00 GMT`, quoted in the sandbox fidelity review §2);
//! delta-seconds are accepted too, since the sheet leaves the format unconfirmed.

use reqwest::header::HeaderMap;
use serde::Serialize;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

pub(crate) const RESET_HEADER: &str = "ratelimit-reset";

/// The account's budget as GoCardless last reported it. `None`: the answer did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// Requests allowed per window (1,000 a minute, unconfirmed).
    pub limit: Option<u32>,
    /// Requests left in the current window.
    pub remaining: Option<u32>,
    /// When the window resets.
    #[serde(with = "time::serde::rfc3339::option")]
    pub resets_at: Option<OffsetDateTime>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap, now: SystemTime) -> Self {
        let resets_at = header(headers, RESET_HEADER)
            .and_then(|v| xp_http::retry::parse_retry_after(v, now))
            .map(|wait| OffsetDateTime::from(now + wait));
        Self {
            limit: header(headers, "ratelimit-limit").and_then(|v| v.trim().parse().ok()),
            remaining: header(headers, "ratelimit-remaining").and_then(|v| v.trim().parse().ok()),
            resets_at,
        }
    }

    /// How long until the window resets, seen from `now`.
    pub fn reset_in(&self, now: OffsetDateTime) -> Option<Duration> {
        let d = self.resets_at? - now;
        Some(Duration::try_from(d).unwrap_or(Duration::ZERO))
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header value"));
        }
        h
    }

    #[test]
    fn reads_the_three_headers_and_an_http_date_reset() {
        // 2018-05-03T16:00:00Z, GoCardless's documented example, seen 42 s before.
        let reset = SystemTime::UNIX_EPOCH + Duration::from_secs(1_525_363_200);
        let now = reset - Duration::from_secs(42);
        let h = headers(&[
            ("RateLimit-Limit", "1000"),
            ("ratelimit-remaining", "998"),
            ("RateLimit-Reset", "Thu, 03 May 2018 16:00:00 GMT"),
        ]);
        let r = RateLimit::from_headers(&h, now);
        assert_eq!((r.limit, r.remaining), (Some(1000), Some(998)));
        assert_eq!(r.resets_at, Some(OffsetDateTime::from(reset)));
        assert_eq!(r.reset_in(OffsetDateTime::from(now)), Some(Duration::from_secs(42)));
        assert_eq!(r.reset_in(OffsetDateTime::from(reset + Duration::from_secs(5))), Some(Duration::ZERO));
    }

    #[test]
    fn seconds_are_accepted_and_garbage_is_unknown_not_zero() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let r = RateLimit::from_headers(&headers(&[("ratelimit-reset", "17")]), now);
        assert_eq!(r.resets_at, Some(OffsetDateTime::from(now + Duration::from_secs(17))));
        let r = RateLimit::from_headers(&headers(&[("ratelimit-remaining", "lots"), ("ratelimit-reset", "soon")]), now);
        assert_eq!(r, RateLimit::default(), "an unreadable header must not read as an exhausted budget");
    }
}
