//! Where GoCardless is and how long its rate-limit minute lasts. Every base URL is
//! configuration, so the same client talks to api.gocardless.com, the vendor's sandbox and the
//! emulator (tests/sandbox/gocardless).

use std::time::Duration;
use url::Url;

/// GoCardless's hosts (gocardless.md §1; gocardless-pro-python `client.py::_environment_url`).
/// Live and sandbox use different access tokens, with nothing in a token to tell them apart.
pub const LIVE_API: &str = "https://api.gocardless.com";
pub const SANDBOX_API: &str = "https://api-sandbox.gocardless.com";

/// The only API version (gocardless.md §2); sent as `GoCardless-Version` on every call.
pub const API_VERSION: &str = "2015-07-06";

/// Requests per minute per account (gocardless.md §9, unconfirmed). The governor books up to
/// this; the `RateLimit-Remaining` GoCardless reports corrects it (`rate.rs`).
pub const RATE_LIMIT_PER_MINUTE: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoCardlessConfig {
    /// `https://api.gocardless.com`, the vendor's sandbox, or the emulator's origin. All paths
    /// (`/payments`, `/events`, …) hang off it.
    pub api_base: Url,
    /// Length of a rate-limit "minute": 60 s against GoCardless; the emulator's `--minute-ms`
    /// shrinks it, and the governor's window follows.
    pub minute: Duration,
}

impl GoCardlessConfig {
    pub fn live() -> Self {
        Self::at(LIVE_API)
    }

    /// GoCardless's own sandbox (scenario simulators work only there).
    pub fn sandbox() -> Self {
        Self::at(SANDBOX_API)
    }

    /// The emulator, which serves GoCardless's real paths at its own origin.
    pub fn emulator(origin: &Url, minute: Duration) -> Self {
        Self { api_base: origin.clone(), minute }
    }

    fn at(base: &str) -> Self {
        Self { api_base: Url::parse(base).expect("a constant URL parses"), minute: Duration::from_secs(60) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_the_emulators_own_minute() {
        assert_eq!(GoCardlessConfig::live().api_base.as_str(), "https://api.gocardless.com/");
        assert_eq!(GoCardlessConfig::sandbox().api_base.host_str(), Some("api-sandbox.gocardless.com"));
        let origin = Url::parse("http://127.0.0.1:4012").expect("url");
        let c = GoCardlessConfig::emulator(&origin, Duration::from_secs(2));
        assert_eq!((c.api_base.as_str(), c.minute), ("http://127.0.0.1:4012/", Duration::from_secs(2)));
    }
}
