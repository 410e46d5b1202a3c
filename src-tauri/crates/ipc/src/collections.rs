//! Direct-debit collections as the UI lists them: one row per attempt to collect an invoice,
//! and its timeline (every status with its time and the provider's reason).

use crate::Provider;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "collections/")]
#[serde(rename_all = "snake_case")]
pub enum CollectionStatus {
    /// Written, not yet accepted by the provider (waiting in the outbox).
    Intent,
    PendingSubmission,
    Submitted,
    Confirmed,
    PaidOut,
    Failed,
    Cancelled,
    ChargedBack,
    LateFailure,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "collections/")]
#[serde(rename_all = "camelCase")]
pub struct CollectionSummary {
    pub id: String,
    pub organisation_id: String,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub provider: Provider,
    pub mandate_id: String,
    /// Exact decimal as text, in `currency`.
    pub amount: String,
    pub currency: String,
    /// YYYY-MM-DD; None: the earliest date the scheme allows.
    pub charge_date: Option<String>,
    pub status: CollectionStatus,
    pub provider_payment_id: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "collections/")]
#[serde(rename_all = "camelCase")]
pub struct CollectionEvent {
    /// RFC 3339, UTC.
    pub at: String,
    pub status: CollectionStatus,
    /// The provider's cause, reason code or description.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "collections/")]
#[serde(rename_all = "camelCase")]
pub struct CollectionDetail {
    pub collection: CollectionSummary,
    pub timeline: Vec<CollectionEvent>,
}

/// Something the direct-debit settlement booked that the books cannot settle alone (a charge-back,
/// a partial or over-payment, a refund that needs a credit note, money for no invoice), with what
/// a person does about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "collections/")]
#[serde(rename_all = "camelCase")]
pub struct SettlementAttention {
    /// `gocardless` or `saferpay`.
    pub provider: String,
    /// `charged_back`, `late_failure`, `partly_paid`, `overpaid`, `invoice_not_open`,
    /// `no_invoice`, `refunded` or `unknown_payout_item`.
    pub kind: String,
    /// What happened and what to do, in a sentence.
    pub message: String,
    /// The Xero organisation the money was booked in.
    pub organisation_id: String,
    pub invoice_id: Option<String>,
    pub invoice_number: Option<String>,
    /// RFC 3339, UTC: when the settlement booked it.
    pub booked_at: String,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; CollectionStatus, CollectionSummary, CollectionEvent, CollectionDetail, SettlementAttention]
}
