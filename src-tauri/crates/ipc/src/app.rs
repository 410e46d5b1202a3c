//! What the app reports about itself: version, profile, where its files are, the store, and whether the providers answer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Every provider points at the local sandbox emulators.
    Sandbox,
    /// Every provider points at the real provider.
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "snake_case")]
pub enum VaultStatus {
    /// Secrets are in the OS keychain.
    Keychain,
    /// No keychain; the user explicitly allowed a plaintext file. Warned about at every start.
    PlaintextFile,
    /// In-memory only (tests); secrets are lost when the app quits.
    Memory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Xero,
    Okta,
    Gocardless,
    Saferpay,
    Okx,
    Openai,
}

impl Provider {
    pub const ALL: [Provider; 6] =
        [Provider::Xero, Provider::Okta, Provider::Gocardless, Provider::Saferpay, Provider::Okx, Provider::Openai];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Xero => "xero",
            Provider::Okta => "okta",
            Provider::Gocardless => "gocardless",
            Provider::Saferpay => "saferpay",
            Provider::Okx => "okx",
            Provider::Openai => "openai",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct ProviderEndpoint {
    pub provider: Provider,
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile: Profile,
    pub data_dir: String,
    pub log_dir: String,
    pub vault: VaultStatus,
    pub endpoints: Vec<ProviderEndpoint>,
    /// Things the user should know at every start (e.g. secrets stored in plaintext).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct TableCount {
    pub name: String,
    #[ts(type = "number")]
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct DbInfo {
    #[ts(type = "number")]
    pub schema_version: i64,
    pub cipher_version: String,
    #[ts(type = "number")]
    pub file_bytes: u64,
    pub tables: Vec<TableCount>,
}

/// Sent on the `navigate` event when a validated deep link asks the UI to show a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct NavigateEvent {
    pub path: String,
}

/// Whether the providers answer, as the app's own requests found out (not the OS's "online").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "app/")]
#[serde(rename_all = "camelCase")]
pub struct Connectivity {
    /// None until the first provider request of this run.
    pub online: Option<bool>,
    /// Hosts whose last request got no answer.
    pub unreachable_hosts: Vec<String>,
    /// RFC 3339: the last request that decided it.
    pub checked_at: Option<String>,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; Profile, VaultStatus, Provider, ProviderEndpoint, AppInfo, TableCount, DbInfo, NavigateEvent, Connectivity]
}
