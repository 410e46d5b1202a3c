//! Xero's rate-limit headers (shared/providers/xero.md §9). Pure: headers in, facts out.
//!
//! Every response carries `X-DayLimit-Remaining`, `X-MinLimit-Remaining` and
//! `X-AppMinLimit-Remaining`; a 429 adds `X-Rate-Limit-Problem` (`minute`, `day`; the app-wide
//! value is unconfirmed, the sandbox says `appminute`) and, for minute/day, `Retry-After`.

use reqwest::header::HeaderMap;
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// The remaining API budget as Xero last reported it, for the sync engine and the UI's
/// "remaining API budget". `None`: the answer did not say (e.g. /connections).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RateBudget {
    /// Calls left for this organisation in the current minute (of 60).
    pub minute_remaining: Option<u32>,
    /// Calls left for this organisation today (of 5,000, or the pricing tier's figure).
    pub day_remaining: Option<u32>,
    /// Calls left for the whole app across organisations this minute (of 10,000).
    pub app_minute_remaining: Option<u32>,
}

impl RateBudget {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            minute_remaining: header_u32(headers, "x-minlimit-remaining"),
            day_remaining: header_u32(headers, "x-daylimit-remaining"),
            app_minute_remaining: header_u32(headers, "x-appminlimit-remaining"),
        }
    }
}

fn header_u32(headers: &HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Which limit a 429 is about. Decides what the caller does next: wait out a minute, pause the
/// organisation until tomorrow's reset, or just retry when a call in flight finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateProblem {
    /// 60 calls per minute for one organisation.
    Minute,
    /// The organisation's daily allowance is spent: pause it until the reset (`retry_after`).
    Day,
    /// 10,000 calls per minute across all organisations of the app.
    AppMinute,
    /// More than 5 calls in flight for one organisation; no `Retry-After`.
    Concurrent,
    /// No or an unknown `X-Rate-Limit-Problem`.
    Unknown,
}

impl RateProblem {
    pub fn parse(value: Option<&str>) -> Self {
        let Some(v) = value else { return Self::Unknown };
        match v.trim().to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "minute" => Self::Minute,
            "day" | "daily" => Self::Day,
            "appminute" => Self::AppMinute,
            "concurrent" => Self::Concurrent,
            _ => Self::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "per-minute",
            Self::Day => "daily",
            Self::AppMinute => "app-wide per-minute",
            Self::Concurrent => "concurrent-call",
            Self::Unknown => "unspecified",
        }
    }
}

/// The facts of a 429: which limit, and how long Xero asks us to wait.
pub fn rate_limit_facts(headers: &HeaderMap, now: SystemTime) -> (RateProblem, Option<Duration>) {
    let problem = RateProblem::parse(headers.get("x-rate-limit-problem").and_then(|v| v.to_str().ok()));
    let retry_after = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| xp_http::retry::parse_retry_after(v, now));
    (problem, retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn budget_reads_all_three_headers_case_insensitively() {
        let h = headers(&[
            ("X-MinLimit-Remaining", "57"),
            ("x-daylimit-remaining", "4990"),
            ("X-AppMinLimit-Remaining", "9999"),
        ]);
        assert_eq!(
            RateBudget::from_headers(&h),
            RateBudget { minute_remaining: Some(57), day_remaining: Some(4990), app_minute_remaining: Some(9999) }
        );
    }

    #[test]
    fn missing_or_garbage_budget_headers_are_unknown_not_zero() {
        let h = headers(&[("x-minlimit-remaining", "lots"), ("x-daylimit-remaining", "-1")]);
        assert_eq!(RateBudget::from_headers(&h), RateBudget::default(), "unknown must not read as exhausted");
    }

    #[test]
    fn problems_and_retry_after() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let minute = headers(&[("x-rate-limit-problem", "minute"), ("retry-after", "23")]);
        assert_eq!(rate_limit_facts(&minute, now), (RateProblem::Minute, Some(Duration::from_secs(23))));
        // A daily limit's Retry-After can be many hours (xero.md §9, Codat example).
        let day = headers(&[("X-Rate-Limit-Problem", "Day"), ("Retry-After", "66975")]);
        assert_eq!(rate_limit_facts(&day, now), (RateProblem::Day, Some(Duration::from_secs(66975))));
        let concurrent = headers(&[("x-rate-limit-problem", "concurrent")]);
        assert_eq!(rate_limit_facts(&concurrent, now), (RateProblem::Concurrent, None));
        assert_eq!(RateProblem::parse(Some("appminute")), RateProblem::AppMinute);
        assert_eq!(RateProblem::parse(Some("AppMinute")), RateProblem::AppMinute);
        assert_eq!(RateProblem::parse(Some("hourly")), RateProblem::Unknown);
        assert_eq!(rate_limit_facts(&HeaderMap::new(), now), (RateProblem::Unknown, None));
    }
}
