//! Per-minute request and token limits with OpenAI's headers (sheet §6,
//! https://developers.openai.com/api/docs/guides/rate-limits):
//! `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as Go-style durations.
//!
//! The "minute" is `ctx.minute` (shrunk for benchmarks). The window is fixed: it opens with the
//! first request and closes one minute later. Rejected requests still count toward the request
//! limit (sheet §6, https://help.openai.com/en/articles/5955604).

use axum::http::{HeaderMap, StatusCode};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{header, ApiError};

/// Tier-1 limits of `gpt-4o` (500 RPM, 30,000 TPM), the numbers seen in OpenAI's own 429
/// messages ("on tokens per min (TPM): Limit 30000"); unconfirmed as a default for new keys.
pub const DEFAULT_REQUESTS_PER_MINUTE: u64 = 500;
pub const DEFAULT_TOKENS_PER_MINUTE: u64 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub requests: u64,
    pub tokens: u64,
}

#[derive(Debug, Default)]
struct Window {
    start: Option<Instant>,
    requests: u64,
    tokens: u64,
}

#[derive(Debug)]
pub(crate) struct RateLimiter {
    minute: Duration,
    limits: Mutex<Limits>,
    window: Mutex<Window>,
}

/// Which limit a 429 hit; also the error `type` OpenAI sends (`requests` / `tokens`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Requests,
    Tokens,
}

impl RateLimiter {
    pub fn new(minute: Duration) -> Self {
        Self {
            minute,
            limits: Mutex::new(Limits { requests: DEFAULT_REQUESTS_PER_MINUTE, tokens: DEFAULT_TOKENS_PER_MINUTE }),
            window: Mutex::new(Window::default()),
        }
    }

    pub fn set_limits(&self, limits: Limits) {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner()) = limits;
    }

    pub fn limits(&self) -> Limits {
        *self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one request that will use `tokens`; `Err` is the 429 to send (with headers).
    pub fn admit(&self, model: &str, org: &str, tokens: u64) -> Result<HeaderMap, ApiError> {
        let limits = self.limits();
        let now = Instant::now();
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let start = match w.start {
            Some(s) if now.duration_since(s) < self.minute => s,
            _ => {
                *w = Window { start: Some(now), requests: 0, tokens: 0 };
                now
            }
        };
        let reset = (start + self.minute).saturating_duration_since(now);
        let used_requests = w.requests;
        w.requests += 1;
        let exceeded = if used_requests >= limits.requests {
            Some((Exceeded::Requests, used_requests.min(limits.requests), 1))
        } else if w.tokens + tokens > limits.tokens {
            Some((Exceeded::Tokens, w.tokens, tokens))
        } else {
            w.tokens += tokens;
            None
        };
        let headers = headers(limits, w.requests, w.tokens, reset);
        drop(w);
        match exceeded {
            None => Ok(headers),
            Some((which, used, requested)) => {
                Err(too_many(which, limits, used, requested, reset, model, org, &headers))
            }
        }
    }

    pub fn snapshot(&self) -> serde_json::Value {
        let w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let l = self.limits();
        serde_json::json!({
            "limit_requests": l.requests, "limit_tokens": l.tokens,
            "window_requests": w.requests, "window_tokens": w.tokens,
            "minute_ms": self.minute.as_millis() as u64,
        })
    }
}

fn headers(limits: Limits, requests: u64, tokens: u64, reset: Duration) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-ratelimit-limit-requests", header(&limits.requests.to_string()));
    h.insert("x-ratelimit-limit-tokens", header(&limits.tokens.to_string()));
    h.insert("x-ratelimit-remaining-requests", header(&limits.requests.saturating_sub(requests).to_string()));
    h.insert("x-ratelimit-remaining-tokens", header(&limits.tokens.saturating_sub(tokens).to_string()));
    h.insert("x-ratelimit-reset-requests", header(&go_duration(reset)));
    // With nothing spent the token budget is already whole again.
    h.insert("x-ratelimit-reset-tokens", header(&go_duration(if tokens == 0 { Duration::ZERO } else { reset })));
    h
}

/// The 429 body OpenAI sends for a rate limit: type `requests` or `tokens`, code
/// `rate_limit_exceeded` (sheet §5 table), message wording as in OpenAI responses quoted by
/// public client fixtures ("Rate limit reached for gpt-4o in organization org-... on tokens per
/// min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s. Visit
/// https://platform.openai.com/account/rate-limits to learn more."). `Retry-After` is whole
/// seconds ≥ 1 (spec `components.responses.TooManyRequests`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn too_many(
    which: Exceeded,
    limits: Limits,
    used: u64,
    requested: u64,
    reset: Duration,
    model: &str,
    org: &str,
    headers: &HeaderMap,
) -> ApiError {
    let (kind, what, limit) = match which {
        Exceeded::Requests => ("requests", "requests per min (RPM)", limits.requests),
        Exceeded::Tokens => ("tokens", "tokens per min (TPM)", limits.tokens),
    };
    let message = format!(
        "Rate limit reached for {model} in organization {org} on {what}: Limit {limit}, Used {used}, Requested {requested}. \
         Please try again in {}. Visit https://platform.openai.com/account/rate-limits to learn more.",
        go_duration(reset)
    );
    let mut e =
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, kind, message).code("rate_limit_exceeded").with_headers(headers);
    e.headers.insert("retry-after", header(&retry_after_secs(reset).to_string()));
    e
}

pub(crate) fn retry_after_secs(reset: Duration) -> u64 {
    reset.as_millis().div_ceil(1000).max(1) as u64
}

/// Go's `time.Duration.String()` at millisecond precision: `0s`, `17ms`, `1s`, `1.5s`, `6m0s`,
/// `1h0m0s` — the format of OpenAI's reset headers (sheet §6).
pub(crate) fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m, s, frac) = (ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000);
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        let f = format!("{frac:03}");
        format!("{s}.{}s", f.trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_match_the_go_formatter() {
        let cases = [
            (0, "0s"),
            (17, "17ms"),
            (1000, "1s"),
            (1500, "1.5s"),
            (1250, "1.25s"),
            (360_000, "6m0s"),
            (61_001, "1m1.001s"),
            (3_600_000, "1h0m0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(go_duration(Duration::from_millis(ms)), want, "{ms} ms");
        }
    }

    #[test]
    fn the_request_limit_counts_rejections_and_the_window_resets() {
        let rl = RateLimiter::new(Duration::from_secs(3600));
        rl.set_limits(Limits { requests: 2, tokens: 100 });
        let h = rl.admit("gpt-5.4", "org-x", 10).unwrap();
        assert_eq!(h["x-ratelimit-remaining-requests"], "1");
        assert_eq!(h["x-ratelimit-remaining-tokens"], "90");
        rl.admit("gpt-5.4", "org-x", 10).unwrap();
        let e = rl.admit("gpt-5.4", "org-x", 10).unwrap_err();
        assert_eq!((e.status.as_u16(), e.kind, e.code), (429, "requests", Some("rate_limit_exceeded")));
        assert!(e.message.contains("Limit 2, Used 2, Requested 1"), "{}", e.message);
        assert_eq!(e.headers["x-ratelimit-remaining-requests"], "0");
        assert!(e.headers.contains_key("retry-after"));
    }

    #[test]
    fn the_token_limit_rejects_a_request_that_would_overspend() {
        let rl = RateLimiter::new(Duration::from_secs(3600));
        rl.set_limits(Limits { requests: 100, tokens: 50 });
        rl.admit("m", "o", 40).unwrap();
        let e = rl.admit("m", "o", 20).unwrap_err();
        assert_eq!(e.kind, "tokens");
        assert!(e.message.contains("Limit 50, Used 40, Requested 20"), "{}", e.message);
    }
}
