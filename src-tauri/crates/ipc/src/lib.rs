//! Every payload that crosses the IPC bridge, in one place. The TypeScript types in
//! `ui/src/lib/bindings/` are generated from these (ts-rs) and checked for drift in CI, so the
//! UI and Rust cannot disagree about a field name.
//!
//! Nothing here may carry a secret: the webview never sees a token, key or password.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
pub use xp_core::ErrorCode;

/// The error every command returns: a code the UI may branch on, a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Every provider points at the local sandbox emulators.
    Sandbox,
    /// Every provider points at the real provider.
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
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
#[serde(rename_all = "camelCase")]
pub struct ProviderEndpoint {
    pub provider: Provider,
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
#[serde(rename_all = "camelCase")]
pub struct TableCount {
    pub name: String,
    #[ts(type = "number")]
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DbInfo {
    #[ts(type = "number")]
    pub schema_version: i64,
    pub cipher_version: String,
    #[ts(type = "number")]
    pub file_bytes: u64,
    pub tables: Vec<TableCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Active,
    ReconnectNeeded,
    Disconnected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummary {
    pub id: String,
    pub provider: Provider,
    pub display_name: String,
    pub status: ConnectionStatus,
    /// RFC 3339, UTC.
    pub last_synced_at: Option<String>,
    #[ts(type = "number")]
    pub organisations: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text with the action's details.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    #[ts(type = "number")]
    pub entries: i64,
}

/// Sent on the `navigate` event when a validated deep link asks the UI to show a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NavigateEvent {
    pub path: String,
}

/// Event names, shared so the UI never hard-codes a string Rust does not emit.
pub const EVENT_NAVIGATE: &str = "navigate";

/// Every type exported to TypeScript, with the file it lives in.
pub fn bindings() -> Vec<(&'static str, String)> {
    let cfg = ts_rs::Config::new().with_large_int("number");
    macro_rules! b {
        ($($t:ty),* $(,)?) => {
            vec![$((concat!(stringify!($t), ".ts"), <$t as TS>::export_to_string(&cfg).expect("binding renders"))),*]
        };
    }
    b![
        ErrorCode,
        IpcError,
        Profile,
        VaultStatus,
        Provider,
        ProviderEndpoint,
        AppInfo,
        TableCount,
        DbInfo,
        ConnectionStatus,
        ConnectionSummary,
        AuditEvent,
        AuditVerification,
        NavigateEvent,
    ]
}
