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

/// An organisation (Xero tenant) the user connected, with its sync status and API budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// The app's own id.
    pub id: String,
    pub connection_id: String,
    pub provider: Provider,
    /// Xero's tenant id.
    pub tenant_id: String,
    pub name: String,
    pub base_currency: Option<String>,
    pub status: OrganisationStatus,
    /// RFC 3339, UTC.
    pub last_synced_at: Option<String>,
    /// Remaining calls this minute / today, from the provider's last rate-limit headers.
    pub budget_minute: Option<u32>,
    pub budget_day: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationStatus {
    Active,
    /// The daily API limit is used up; syncing resumes after the reset.
    Paused,
    ReconnectNeeded,
    Disconnected,
}

/// An organisation offered after sign-in, for the user to choose (never defaulted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvailableOrganisation {
    pub tenant_id: String,
    pub name: String,
    /// Already kept from an earlier connection.
    pub already_connected: bool,
}

/// The result of signing in to Xero: the grant's organisations to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct XeroConnectResult {
    pub connection_id: String,
    pub organisations: Vec<AvailableOrganisation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Running,
    Done,
    Failed,
    Cancelled,
    /// Waiting for a rate-limit reset; `message` says until when.
    Paused,
}

/// Sent on the `sync-progress` event, per organisation and resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub organisation_id: String,
    pub organisation_name: String,
    /// e.g. "Invoices".
    pub resource: String,
    pub state: SyncState,
    pub pages_done: u32,
    pub page_count: Option<u32>,
    #[ts(type = "number")]
    pub items_done: u64,
    #[ts(type = "number | null")]
    pub item_count: Option<u64>,
    pub eta_seconds: Option<u32>,
    /// What went wrong or what is being waited for, in words.
    pub message: Option<String>,
}

/// Filters of the invoice list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceQuery {
    pub organisation_id: Option<String>,
    pub statuses: Vec<String>,
    pub contact_id: Option<String>,
    pub currency: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Decimal amounts as text, e.g. "100.00".
    pub amount_min: Option<String>,
    pub amount_max: Option<String>,
    pub search: Option<String>,
    pub sort: InvoiceSort,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceSort {
    #[default]
    Date,
    DueDate,
    Number,
    Contact,
    Total,
    AmountDue,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRow {
    pub organisation_id: String,
    pub invoice_id: String,
    pub number: String,
    /// ACCREC (sales) or ACCPAY (bill).
    pub invoice_type: String,
    pub status: String,
    pub contact_id: Option<String>,
    pub contact_name: String,
    pub date: Option<String>,
    pub due_date: Option<String>,
    pub currency: String,
    /// Exact decimals as text.
    pub total: String,
    pub amount_due: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineItemRow {
    pub description: String,
    pub quantity: String,
    pub unit_amount: String,
    pub account_code: Option<String>,
    pub tax_type: Option<String>,
    pub tax_amount: String,
    pub line_amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRow {
    pub payment_id: String,
    pub date: Option<String>,
    pub amount: String,
    pub reference: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetail {
    pub row: InvoiceRow,
    pub reference: Option<String>,
    pub organisation_name: String,
    pub line_items: Vec<LineItemRow>,
    pub payments: Vec<PaymentRow>,
    /// Opens the invoice in Xero's web app.
    pub xero_url: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    #[default]
    Name,
    UpdatedUtc,
}

/// Filters of the contact list; all optional. `search` matches name, email or contact number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactQuery {
    pub organisation_id: Option<String>,
    /// ACTIVE, ARCHIVED
    pub statuses: Vec<String>,
    pub is_customer: Option<bool>,
    pub is_supplier: Option<bool>,
    pub search: Option<String>,
    pub sort: ContactSort,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactRow {
    pub organisation_id: String,
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub contact_number: Option<String>,
    pub status: String,
    pub is_customer: bool,
    pub is_supplier: bool,
    pub default_currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    pub rows: Vec<ContactRow>,
    #[ts(type = "number")]
    pub total: i64,
}

/// What a contact owes (sales, ACCREC) or is owed (bills, ACCPAY) in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutstandingRow {
    pub currency: String,
    pub invoice_type: String,
    /// Exact decimal as text.
    pub amount: String,
    #[ts(type = "number")]
    pub invoices: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    pub row: ContactRow,
    pub organisation_name: String,
    #[ts(type = "number")]
    pub invoice_count: i64,
    pub outstanding: Vec<OutstandingRow>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BankTransactionSort {
    #[default]
    Date,
    Total,
    Contact,
    Reference,
    Status,
}

/// Filters of the bank-transaction list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionQuery {
    pub organisation_id: Option<String>,
    /// AUTHORISED, DELETED, VOIDED
    pub statuses: Vec<String>,
    /// RECEIVE, SPEND, ...
    pub types: Vec<String>,
    pub contact_id: Option<String>,
    pub is_reconciled: Option<bool>,
    /// YYYY-MM-DD, inclusive.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Decimal amounts as text, e.g. "100.00".
    pub amount_min: Option<String>,
    pub amount_max: Option<String>,
    pub search: Option<String>,
    pub sort: BankTransactionSort,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionRow {
    pub organisation_id: String,
    pub bank_transaction_id: String,
    /// RECEIVE or SPEND (and the transfer variants).
    pub transaction_type: String,
    pub status: String,
    pub contact_id: Option<String>,
    pub contact_name: String,
    pub date: Option<String>,
    pub reference: Option<String>,
    pub currency: String,
    pub total: String,
    pub is_reconciled: bool,
    pub bank_account_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionPage {
    pub rows: Vec<BankTransactionRow>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionDetail {
    pub row: BankTransactionRow,
    pub organisation_name: String,
    pub line_items: Vec<LineItemRow>,
}

// ---------------------------------------------------------------------------------------------
// Who is signed in and what they may do (Okta issue). Rust decides; the UI only reads.

/// The three roles, mapped from Okta groups in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also reconciles, posts to Xero and exports.
    Accountant,
    /// Also collects payments and manages connections, credentials, AI and sign-in settings.
    Owner,
}

/// One thing a command may need. Every Tauri command names the permission it needs and the
/// Rust side checks it; the list a user holds comes with the session status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See cached data and refresh it from the providers.
    Read,
    Reconcile,
    PostToXero,
    Export,
    CollectPayments,
    ManageConnections,
    ManageCredentials,
    ManageAiSettings,
    /// Change how people sign in (Okta or single-user), idle lock and offline grace.
    ManageSignIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignInMode {
    /// Everyone signs in with the organisation's Okta; roles come from Okta groups.
    Okta,
    /// No sign-in: whoever uses this computer account acts as owner.
    SingleUser,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Nobody is signed in.
    SignedOut,
    /// The browser is open at the sign-in page; the answer comes back through the deep link.
    SigningIn,
    SignedIn,
    /// Locked by the user or after idle time: data stays hidden until the user signs in again.
    Locked,
    /// Offline for longer than the grace period since the last online check: sign in online.
    GraceExpired,
}

/// The signed-in person as the UI may show them. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub name: String,
    pub email: String,
    /// None when the person's Okta groups map to no role: signed in, but allowed nothing.
    pub role: Option<Role>,
}

/// Which Okta groups give a role, so `/unauthorized` can say how to get access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleGroups {
    pub role: Role,
    pub groups: Vec<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    pub mode: SignInMode,
    pub state: SessionState,
    pub user: Option<SessionUser>,
    /// What the user may do now; empty unless signed in (and unlocked).
    pub permissions: Vec<Permission>,
    /// Whether an Okta issuer and client id are configured (single-user is the only choice otherwise).
    pub okta_configured: bool,
    /// The issuer the app signs in with, for display.
    pub okta_issuer: Option<String>,
    /// The last online check of the session failed for lack of network: working from the cache.
    pub offline: bool,
    /// RFC 3339: when the session was last confirmed online.
    pub last_validated_at: Option<String>,
    /// RFC 3339: when working offline stops being allowed without an online sign-in.
    pub offline_until: Option<String>,
    pub offline_grace_days: u32,
    /// 0 means never.
    pub idle_lock_minutes: u32,
    /// Why the last sign-in failed or the session ended, for the login page.
    pub message: Option<String>,
    pub role_groups: Vec<RoleGroups>,
}

/// What an owner may change about sign-in (Settings page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionSettings {
    pub mode: SignInMode,
    /// 0 turns the idle lock off; at most 24 h.
    pub idle_lock_minutes: u32,
    /// 1..=30 days.
    pub offline_grace_days: u32,
}

/// Whether the providers answer, as the app's own requests found out (not the OS's "online").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Connectivity {
    /// None until the first provider request of this run.
    pub online: Option<bool>,
    /// Hosts whose last request got no answer.
    pub unreachable_hosts: Vec<String>,
    /// RFC 3339: the last request that decided it.
    pub checked_at: Option<String>,
}

/// Event names, shared so the UI never hard-codes a string Rust does not emit.
pub const EVENT_NAVIGATE: &str = "navigate";
pub const EVENT_SYNC_PROGRESS: &str = "sync-progress";
/// Payload: `SessionStatus`. Sent whenever sign-in state, role or lock changes.
pub const EVENT_SESSION_CHANGED: &str = "session-changed";
/// Payload: `Connectivity`. Sent when the providers stop or start answering.
pub const EVENT_CONNECTIVITY_CHANGED: &str = "connectivity-changed";

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
        Organisation,
        OrganisationStatus,
        AvailableOrganisation,
        XeroConnectResult,
        SyncState,
        SyncProgress,
        InvoiceQuery,
        InvoiceSort,
        InvoiceRow,
        InvoicePage,
        LineItemRow,
        PaymentRow,
        InvoiceDetail,
        ContactSort,
        ContactQuery,
        ContactRow,
        ContactPage,
        OutstandingRow,
        ContactDetail,
        BankTransactionSort,
        BankTransactionQuery,
        BankTransactionRow,
        BankTransactionPage,
        BankTransactionDetail,
        Role,
        Permission,
        SignInMode,
        SessionState,
        SessionUser,
        RoleGroups,
        SessionStatus,
        SessionSettings,
        Connectivity,
    ]
}
