//! Where Xero is and how long its rate-limit minute lasts. Every base URL is configuration, so
//! the same client talks to api.xero.com and to the sandbox emulator.

use std::time::Duration;
use url::Url;

/// Xero's production hosts (xero.md §1), spelled here once: the app's configuration starts
/// from them and the `[providers]` section may override each.
pub const PRODUCTION_IDENTITY: &str = "https://identity.xero.com";
pub const PRODUCTION_LOGIN: &str = "https://login.xero.com";
pub const PRODUCTION_API: &str = "https://api.xero.com";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XeroConfig {
    /// `https://api.xero.com` in production, the emulator's origin in the sandbox. Both
    /// `/connections` and `/api.xro/2.0/...` hang off it (xero.md §1).
    pub api_base: Url,
    /// Length of a rate-limit "minute": 60 s in production; the sandbox's `--minute-ms` shrinks
    /// it, and the governor's windows follow.
    pub minute: Duration,
}

impl XeroConfig {
    pub fn production() -> Self {
        Self { api_base: Url::parse(PRODUCTION_API).expect("a constant URL parses"), minute: Duration::from_secs(60) }
    }

    /// The emulator (tests/sandbox/xero), which serves Xero's real paths at its own origin.
    pub fn sandbox(origin: &Url, minute: Duration) -> Self {
        Self { api_base: origin.clone(), minute }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_is_the_emulators_origin_with_its_own_minute() {
        let c = XeroConfig::sandbox(&Url::parse("http://127.0.0.1:4010/").unwrap(), Duration::from_secs(1));
        assert_eq!((c.api_base.as_str(), c.minute), ("http://127.0.0.1:4010/", Duration::from_secs(1)));
        assert_eq!(XeroConfig::production().minute, Duration::from_secs(60));
    }
}
