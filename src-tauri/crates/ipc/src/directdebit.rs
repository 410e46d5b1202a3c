//! The direct-debit providers as the UI sees them: connecting GoCardless and Saferpay (a secret
//! goes in, only who it belongs to comes out), their mandates and GoCardless's payouts, and where
//! each provider's money is booked in Xero (Settings → Direct debit accounts).

use crate::Provider;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The creditor a GoCardless access token belongs to; the token itself never comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct GoCardlessConnected {
    /// The app's organisation id the creditor is kept as.
    pub organisation_id: String,
    pub creditor_id: String,
    pub creditor_name: String,
}

/// The merchant's Saferpay JSON API credentials as typed in Settings → Connections. Inbound
/// only: nothing the window receives carries this type, and it has no `Debug`, so no log line
/// can print the password.
#[derive(Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct SaferpayCredentialsInput {
    pub api_user: String,
    pub password: String,
    pub customer_id: String,
    pub terminal_id: String,
}

/// Saferpay's account as kept: whose credentials the app debits with. Never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct SaferpayConnected {
    pub customer_id: String,
    pub terminal_id: String,
}

/// Whether Saferpay debits can be sent: credentials saved (or, in the sandbox profile, the
/// sandbox's demo account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct SaferpayStatus {
    pub configured: bool,
}

/// A SEPA mandate of either provider, with what a person needs to recognise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct MandateRow {
    pub provider: Provider,
    pub id: String,
    /// The provider's own status word (GoCardless: `pending_submission`, `active`, `cancelled`,
    /// `failed`, …; Saferpay: `active`, `revoked`).
    pub status: String,
    /// GoCardless's scheme (`sepa_core`, `bacs`, …); Saferpay's payment method (`DIRECTDEBIT`).
    pub scheme: String,
    pub reference: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub bank_name: Option<String>,
    /// The last characters of the account (never the whole IBAN).
    pub account_ending: Option<String>,
    /// YYYY-MM-DD; GoCardless only.
    pub next_possible_charge_date: Option<String>,
    /// Why a mandate was cancelled, failed or expired, as the provider gave it.
    pub reason: Option<String>,
    /// RFC 3339; Saferpay's mandates are the app's own record and carry when they were made.
    pub created_at: Option<String>,
}

/// A GoCardless payout and the lines it is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct PayoutRow {
    pub id: String,
    /// Exact decimal as text, in `currency`; negative when more went out than came in.
    pub amount: String,
    /// The fees GoCardless kept from this payout, exact decimal as text, in `currency`.
    pub deducted_fees: String,
    pub currency: String,
    /// `pending` or `paid`.
    pub status: String,
    /// YYYY-MM-DD; when the money reaches the bank.
    pub arrival_date: Option<String>,
    pub reference: String,
    /// RFC 3339.
    pub created_at: String,
    pub items: Vec<PayoutItemRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct PayoutItemRow {
    /// GoCardless's item type: `payment_paid_out`, `gocardless_fee`, `payment_charged_back`, …
    pub item_type: String,
    /// Exact decimal as text, in the payout's currency; negative for a debit.
    pub amount: String,
    pub payment_id: Option<String>,
    pub mandate_id: Option<String>,
    pub refund_id: Option<String>,
}

/// The Xero account codes one provider's money goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct SettlementAccounts {
    /// The provider's clearing bank account in Xero: confirmed payments are posted here.
    pub clearing: String,
    /// The bank account payouts arrive in.
    pub bank: String,
    /// The expense account the provider's fees are booked to.
    pub fees: String,
    /// Where money that matches no open invoice waits for a person.
    pub suspense: String,
}

/// Where one provider's money is booked: a Xero organisation and its accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct SettlementMapping {
    /// The app's id of a kept Xero organisation.
    pub organisation_id: String,
    pub accounts: SettlementAccounts,
    /// YYYY-MM-DD: the first day the books use the clearing account (payouts that arrived
    /// before it are left alone). When saving without it: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub since: Option<String>,
}

/// One direct-debit provider and its mapping; None until an owner maps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct ProviderSettlement {
    pub provider: Provider,
    pub mapping: Option<SettlementMapping>,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; GoCardlessConnected, SaferpayCredentialsInput, SaferpayConnected, SaferpayStatus, MandateRow, PayoutRow,
        PayoutItemRow, SettlementAccounts, SettlementMapping, ProviderSettlement, MandateSetupRow, ContactMandates]
}

/// A new GoCardless mandate for a Xero contact through GoCardless's hosted page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct MandateSetupRow {
    pub id: String,
    pub organisation_id: String,
    pub contact_id: String,
    pub contact_name: String,
    /// `starting` (GoCardless not asked yet), `waiting` (for the payer on the hosted page),
    /// `done`, `cancelled`, `expired`.
    pub status: String,
    /// The hosted page: open it, or send it to the customer. Set once `waiting`.
    pub authorisation_url: Option<String>,
    /// RFC 3339: the page stops working then.
    pub expires_at: Option<String>,
    /// The mandate the payer made, once `done`.
    pub mandate_id: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub started_by: String,
}

/// A Xero contact's GoCardless mandates and how they were found, with its mandate setups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "directdebit/")]
#[serde(rename_all = "camelCase")]
pub struct ContactMandates {
    /// `linked` (the contact is linked to their customer), `email` (matched by email only), `name`
    /// (no customer has the email, one or more have the name), `none`.
    pub found: String,
    pub mandates: Vec<MandateRow>,
    /// Newest first.
    pub setups: Vec<MandateSetupRow>,
}
