//! GoCardless's place in the configuration: its API host (one endpoint row), and what the
//! sandbox's start-up line supplies. There is no `[gocardless]` section: the access token is
//! entered in Settings → Connections and kept in the vault, never in a file.

use std::time::Duration;
use xp_context::EndpointSpec;
use xp_core::Sensitive;
use xp_ipc::Provider;

/// The API host: api.gocardless.com in production; the emulator serves GoCardless's paths at
/// the root of its origin.
pub const ENDPOINTS: [EndpointSpec; 1] = [EndpointSpec {
    key: API,
    provider: Provider::Gocardless,
    production: Some(xp_gocardless::LIVE_API),
    sandbox_path: "/",
    shown: true,
}];
pub(crate) const API: &str = "gocardless";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The sandbox's demo access token (`--sandbox FILE` only); otherwise the vault's.
    pub sandbox_token: Option<Sensitive<String>>,
    /// Length of a rate-limit minute (the sandbox can shrink it).
    pub minute_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { sandbox_token: None, minute_ms: 60_000 }
    }
}

impl Settings {
    /// What `--sandbox FILE` supplies: the start-up line's `credentials.gocardless.access_token`
    /// and its shortened rate-limit minute.
    pub fn apply_sandbox(&mut self, credentials: &serde_json::Value, minute_ms: u64) {
        if let Some(token) = credentials["access_token"].as_str() {
            self.sandbox_token = Some(Sensitive::new(token.to_owned()));
        }
        self.minute_ms = minute_ms;
    }

    pub(crate) fn minute(&self) -> Duration {
        Duration::from_millis(self.minute_ms.max(1))
    }
}
