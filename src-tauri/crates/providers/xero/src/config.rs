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
    /// `https://api.xero.com` in production, `{sandbox}/xero/api` against the emulator. Both
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

    /// The emulator mounted at `{sandbox_base}/xero` (tests/sandbox/xero).
    pub fn sandbox(sandbox_base: &Url, minute: Duration) -> Result<Self, url::ParseError> {
        let api_base = Url::parse(&format!("{}/xero/api", sandbox_base.as_str().trim_end_matches('/')))?;
        Ok(Self { api_base, minute })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_base_gets_the_xero_api_prefix() {
        let c = XeroConfig::sandbox(&Url::parse("http://127.0.0.1:4010/").unwrap(), Duration::from_secs(1)).unwrap();
        assert_eq!(c.api_base.as_str(), "http://127.0.0.1:4010/xero/api");
        assert_eq!(XeroConfig::production().minute, Duration::from_secs(60));
    }
}
