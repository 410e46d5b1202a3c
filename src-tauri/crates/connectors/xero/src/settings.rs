//! The `[xero]` configuration section: the app's Xero registration, a public client (PKCE, no
//! secret), and how its redirect comes back. The composition root hands the raw section here.
//!
//! ```toml
//! [xero]
//! client_id = "YOUR-XERO-APP-CLIENT-ID"
//! loopback_ports = [53682, 53683, 53684]
//! # https_redirect_uri = "https://example.com/xero-redirect.html"
//! ```

use serde::Deserialize;
use xp_context::EndpointSpec;
use xp_ipc::Provider;

/// Xero's three hosts: sign-in (token, revocation), the consent page, and the API. The
/// production hosts are the client crate's; the sandbox paths are the emulator's mount points.
pub const ENDPOINTS: [EndpointSpec; 3] = [
    EndpointSpec {
        key: IDENTITY,
        provider: Provider::Xero,
        production: Some(xp_xero::PRODUCTION_IDENTITY),
        sandbox_path: "/",
        shown: false,
    },
    EndpointSpec {
        key: LOGIN,
        provider: Provider::Xero,
        production: Some(xp_xero::PRODUCTION_LOGIN),
        sandbox_path: "/",
        shown: false,
    },
    EndpointSpec {
        key: API,
        provider: Provider::Xero,
        production: Some(xp_xero::PRODUCTION_API),
        sandbox_path: "/",
        shown: true,
    },
];
pub(crate) const IDENTITY: &str = "xero_identity";
pub(crate) const LOGIN: &str = "xero_login";
pub(crate) const API: &str = "xero_api";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub client_id: Option<String>,
    /// Loopback ports registered as `http://127.0.0.1:{port}/callback` with the Xero app.
    pub loopback_ports: Vec<u16>,
    /// Length of a rate-limit minute (the sandbox can shrink it).
    pub minute_ms: u64,
    /// An https page registered with Xero that forwards `?code&state` to the app's deep link
    /// (docs/xero-redirect.html). When set, connecting uses it instead of the loopback listener:
    /// for machines where local ports are blocked.
    pub https_redirect_uri: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { client_id: None, loopback_ports: vec![53682, 53683, 53684], minute_ms: 60_000, https_redirect_uri: None }
    }
}

/// The section as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    client_id: Option<String>,
    loopback_ports: Option<Vec<u16>>,
    https_redirect_uri: Option<String>,
}

impl Settings {
    /// Checks the section; the message names the field.
    pub fn from_raw(raw: &RawSettings) -> Result<Settings, String> {
        if let Some(r) = &raw.https_redirect_uri {
            let u = url::Url::parse(r).map_err(|e| format!("xero.https_redirect_uri is not a URL ({e}): {r:?}"))?;
            if u.scheme() != "https" || u.host().is_none() {
                return Err(format!("xero.https_redirect_uri must be an https URL, got {r:?}"));
            }
        }
        let defaults = Settings::default();
        Ok(Settings {
            client_id: raw.client_id.clone(),
            loopback_ports: raw.loopback_ports.clone().unwrap_or(defaults.loopback_ports),
            https_redirect_uri: raw.https_redirect_uri.clone(),
            minute_ms: defaults.minute_ms,
        })
    }

    /// What `--sandbox FILE` supplies: the sandbox's demo registration (the start-up line names
    /// the client id the app uses, so a headless test can hand it the registration whose
    /// sign-ins are consented at once) and its shortened rate-limit minute.
    pub fn apply_sandbox(&mut self, credentials: &serde_json::Value, minute_ms: u64) {
        if let Some(id) = credentials["client_id"].as_str() {
            self.client_id = Some(id.to_owned());
        }
        self.minute_ms = minute_ms;
    }
}
