//! Xero's cached data as the UI lists and shows it: the connect result, invoices, contacts and bank transactions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An organisation offered after sign-in, for the user to choose (never defaulted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct AvailableOrganisation {
    pub tenant_id: String,
    pub name: String,
    /// Already kept from an earlier connection.
    pub already_connected: bool,
}

/// The result of signing in to Xero: the grant's organisations to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct XeroConnectResult {
    pub connection_id: String,
    pub organisations: Vec<AvailableOrganisation>,
}

/// One account of an organisation's chart as last synced: what Settings offers for a provider's
/// clearing, bank, fees and suspense accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct XeroAccount {
    pub account_id: String,
    pub code: Option<String>,
    pub name: Option<String>,
    /// Xero's type: BANK, EXPENSE, CURRLIAB…
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub account_type: Option<String>,
    /// ACTIVE or ARCHIVED.
    pub status: Option<String>,
}

/// Filters of the invoice list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct PaymentRow {
    pub payment_id: String,
    pub date: Option<String>,
    pub amount: String,
    pub reference: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    #[default]
    Name,
    UpdatedUtc,
}

/// Filters of the contact list; all optional. `search` matches name, email or contact number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    pub rows: Vec<ContactRow>,
    #[ts(type = "number")]
    pub total: i64,
}

/// What a contact owes (sales, ACCREC) or is owed (bills, ACCPAY) in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    pub row: ContactRow,
    pub organisation_name: String,
    #[ts(type = "number")]
    pub invoice_count: i64,
    pub outstanding: Vec<OutstandingRow>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
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
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionPage {
    pub rows: Vec<BankTransactionRow>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "xero/")]
#[serde(rename_all = "camelCase")]
pub struct BankTransactionDetail {
    pub row: BankTransactionRow,
    pub organisation_name: String,
    pub line_items: Vec<LineItemRow>,
}

/// This area's TypeScript bindings: `(path under ui/src/lib/bindings, content)`.
pub(crate) fn bindings(cfg: &ts_rs::Config) -> Vec<(String, String)> {
    crate::bindings_of![cfg; AvailableOrganisation, XeroConnectResult, XeroAccount, InvoiceQuery, InvoiceSort, InvoiceRow, InvoicePage, LineItemRow, PaymentRow, InvoiceDetail, ContactSort, ContactQuery, ContactRow, ContactPage, OutstandingRow, ContactDetail, BankTransactionSort, BankTransactionQuery, BankTransactionRow, BankTransactionPage, BankTransactionDetail]
}
