//! Where Saferpay is and which account and terminal the calls are for. Every base URL is
//! configuration, so the same client talks to www.saferpay.com, test.saferpay.com and the
//! sandbox emulator.

use url::Url;
use xp_core::Sensitive;

/// Hosts of sheet §1 (`texts/05_Integration.md`): test and production are separate accounts.
pub const PRODUCTION_API: &str = "https://www.saferpay.com/api";
pub const TEST_API: &str = "https://test.saferpay.com/api";

/// The SpecVersion every JSON API call declares, and the Management API's `Saferpay-ApiVersion`:
/// 1.53, current since 2026-07-07 (sheet §3, `texts/Changelog.md`). Error `Behavior` values
/// depend on it (`ABORT` before 1.33), Inquire needs ≥ 1.11 and the transaction report ≥ 1.48.
pub const SPEC_VERSION: &str = "1.53";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaferpayConfig {
    /// The JSON API base, `…/api`; `Payment/v1/...` and `rest/customers/...` hang off it.
    pub api_base: Url,
    /// First part of the account id `123456-17812345` (sheet §3).
    pub customer_id: String,
    /// The terminal payments are made on (8 digits).
    pub terminal_id: String,
}

impl SaferpayConfig {
    pub fn production(customer_id: &str, terminal_id: &str) -> Self {
        Self::at(PRODUCTION_API, customer_id, terminal_id)
    }

    pub fn test(customer_id: &str, terminal_id: &str) -> Self {
        Self::at(TEST_API, customer_id, terminal_id)
    }

    /// The emulator (tests/sandbox/saferpay) serves Saferpay's paths at its own origin.
    pub fn sandbox(origin: &Url, customer_id: &str, terminal_id: &str) -> Self {
        let mut api_base = origin.clone();
        api_base.set_path("/api");
        Self { api_base, customer_id: customer_id.to_owned(), terminal_id: terminal_id.to_owned() }
    }

    fn at(base: &str, customer_id: &str, terminal_id: &str) -> Self {
        Self {
            api_base: Url::parse(base).expect("a constant URL parses"),
            customer_id: customer_id.to_owned(),
            terminal_id: terminal_id.to_owned(),
        }
    }
}

/// The JSON API user (Backoffice → Settings → JSON API basic authentication, sheet §2) and its
/// password. Saferpay does not store the password and cannot recover it.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: String,
    pub password: Sensitive<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_api_lives_under_the_emulators_origin() {
        let c = SaferpayConfig::sandbox(&Url::parse("http://127.0.0.1:4013/").unwrap(), "245001", "17812345");
        assert_eq!(c.api_base.as_str(), "http://127.0.0.1:4013/api");
        assert_eq!(SaferpayConfig::production("1", "2").api_base.as_str(), "https://www.saferpay.com/api");
        let creds =
            Credentials { user: "API_245001_12345678".into(), password: Sensitive::new("s3cretpassw0rd16".into()) };
        assert!(!format!("{creds:?}").contains("s3cret"), "the password never prints");
    }
}
