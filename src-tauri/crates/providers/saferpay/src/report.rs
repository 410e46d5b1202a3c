//! The Management API's transaction report: `GET {api}/rest/customers/{customerId}/transactions`
//! ("TransactionReporting GetTransactions", saferpay/jsonapi `texts/ChapterManagementApi.md`,
//! item schema `RestApi_Models_Transactions_*` in `texts/ContainerDictionary.md`, since 1.48 per
//! `texts/Changelog.md`). For a desktop app, which cannot receive Saferpay's server-to-server
//! notifications (review D11), this is the sanctioned bulk source of what happened — for
//! yesterday and earlier only ("EndDate must be less than today at 00:00").
//!
//! Report dates carry no offset. The sandbox reads and writes them as Swiss local time
//! (unconfirmed for Saferpay); they are kept as written, as `PrimitiveDateTime`.

use crate::amount;
use crate::client::SaferpayClient;
use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};
use xp_core::Money;

/// "If left empty, the default value of 1000 will be used. A maximum of 2000 transactions can
/// be requested at once."
pub const MAX_REPORT_PAGE_SIZE: u32 = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionState {
    Successful,
    Failed,
    Pending,
}

impl TransactionState {
    fn as_str(self) -> &'static str {
        match self {
            TransactionState::Successful => "SUCCESSFUL",
            TransactionState::Failed => "FAILED",
            TransactionState::Pending => "PENDING",
        }
    }
}

/// One page of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    /// From this minute on (report-local time).
    pub start: PrimitiveDateTime,
    /// Up to and including this minute; before today 00:00.
    pub end: PrimitiveDateTime,
    /// `None` asks for successful ones, Saferpay's default.
    pub state: Option<TransactionState>,
    /// `None` for every terminal of the customer.
    pub terminal_id: Option<String>,
    /// At most [`MAX_REPORT_PAGE_SIZE`]; Saferpay may answer with fewer.
    pub page_size: u32,
    /// From 1.
    pub page_number: u32,
}

impl ReportQuery {
    /// Whole days, `first` 00:00 to `last` 23:59 ("to retrieve transactions up to and including
    /// yesterday, set EndDate to yesterday at 23:59"), first page of the largest size.
    pub fn days(first: Date, last: Date) -> Self {
        let end = Time::from_hms(23, 59, 0).unwrap_or(Time::MIDNIGHT);
        Self {
            start: PrimitiveDateTime::new(first, Time::MIDNIGHT),
            end: PrimitiveDateTime::new(last, end),
            state: None,
            terminal_id: None,
            page_size: MAX_REPORT_PAGE_SIZE,
            page_number: 1,
        }
    }

    fn pairs(&self) -> Result<Vec<(&'static str, String)>> {
        // "ISO 8601 format only using the date (yyyy-MM-dd) or as a date time (yyyy-MM-ddTHH:mm)".
        let f = format_description!("[year]-[month]-[day]T[hour]:[minute]");
        let fmt = |t: PrimitiveDateTime| t.format(f).map_err(|e| Error::InvalidInput(e.to_string()));
        if self.end < self.start {
            return Err(Error::InvalidInput("the report's end lies before its start".into()));
        }
        if !(1..=MAX_REPORT_PAGE_SIZE).contains(&self.page_size) || self.page_number == 0 {
            return Err(Error::InvalidInput(format!(
                "report pages hold 1 to {MAX_REPORT_PAGE_SIZE} transactions and are counted from 1"
            )));
        }
        let mut q = vec![("StartDate", fmt(self.start)?), ("EndDate", fmt(self.end)?)];
        if let Some(s) = self.state {
            q.push(("TransactionState", s.as_str().to_owned()));
        }
        if let Some(t) = &self.terminal_id {
            q.push(("TerminalId", t.clone()));
        }
        q.push(("PageSize", self.page_size.to_string()));
        q.push(("PageNumber", self.page_number.to_string()));
        Ok(q)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReportPage {
    /// "Number of the returned page, starting from 0" — while the request counts from 1.
    pub page_number: u32,
    /// What the server used, which may be fewer than asked.
    pub page_size: u32,
    pub total_transactions: u64,
    #[serde(default)]
    pub transactions: Vec<ReportTransaction>,
}

impl ReportPage {
    /// The `PageNumber` to ask for next (counted from 1), or `None` after the last page. A
    /// transaction can appear in several date windows (one per action on it); merge by
    /// `transaction_id`.
    pub fn next_page(&self) -> Option<u32> {
        let seen = (u64::from(self.page_number) + 1) * u64::from(self.page_size);
        (self.page_size > 0 && !self.transactions.is_empty() && seen < self.total_transactions)
            .then(|| self.page_number + 2)
    }
}

/// `RestApi_Models_Transactions_Transaction`, the parts the app reconciles with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReportTransaction {
    pub transaction_id: String,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(deserialize_with = "report_amount", flatten)]
    pub merchant_amount: Money,
    #[serde(default)]
    pub terminal_id: Option<u64>,
    #[serde(default)]
    pub payment_method: Option<String>,
    /// `Json Api` or `Saferpay Payment Page`.
    #[serde(default)]
    pub application: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authorization_details: Option<AuthorizationDetails>,
    #[serde(default)]
    pub failed_details: Option<FailedDetails>,
    /// Sandbox extension, not in Saferpay's schema: a SEPA return / charge-back of this debit
    /// (review D12; how Saferpay reports SEPA returns is unconfirmed).
    #[serde(rename = "_Chargeback", default)]
    pub chargeback: Option<Chargeback>,
    /// Sandbox extension: where a captured SEPA refund stands in the Backoffice export journal.
    #[serde(rename = "_SepaRefundExport", default)]
    pub sepa_refund_export: Option<SepaRefundExport>,
}

/// `RestApi_Models_Transactions_AuthorizationDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    #[serde(rename = "Type")]
    pub kind: String,
    /// `AUTHORIZED`, `CAPTURED`, `CANCELED`, …
    pub state: String,
    #[serde(deserialize_with = "local_date")]
    pub authorization_date: PrimitiveDateTime,
    #[serde(default, deserialize_with = "optional_local_date")]
    pub capture_date: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "optional_local_date")]
    pub cancellation_date: Option<PrimitiveDateTime>,
    #[serde(default, deserialize_with = "optional_money")]
    pub captured_merchant_amount: Option<Money>,
    #[serde(default)]
    pub is_captured: bool,
    #[serde(default)]
    pub is_refunded: bool,
    #[serde(default)]
    pub is_cancelled: bool,
    #[serde(rename = "IBAN", default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub holder_name: Option<String>,
}

/// `RestApi_Models_Transactions_FailedDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedDetails {
    #[serde(default)]
    pub declined_by: Option<String>,
    #[serde(default, deserialize_with = "optional_local_date")]
    pub failed_date: Option<PrimitiveDateTime>,
    #[serde(default)]
    pub saferpay_error_code: Option<String>,
    #[serde(default)]
    pub saferpay_error_text: Option<String>,
}

/// The sandbox's `_Chargeback`: SEPA Core claims, "authorised" (8 weeks) or "unauthorised"
/// (13 months), with the ISO 20022 reason code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Chargeback {
    /// `AUTHORISED` or `UNAUTHORISED`.
    pub kind: String,
    /// e.g. `MD06` (refund request by the payer), `MD01` (no mandate).
    pub reason_code: String,
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    #[serde(deserialize_with = "amount::money")]
    pub amount: Money,
}

/// The sandbox's `_SepaRefundExport`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SepaRefundExport {
    /// `PENDING` (captured, waiting for the merchant's export) or `EXPORTED`.
    pub state: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub date: Option<OffsetDateTime>,
}

impl SaferpayClient {
    /// One page of the transaction report.
    #[tracing::instrument(skip_all, fields(page = query.page_number), err(level = "info"))]
    pub async fn transactions(&self, query: &ReportQuery) -> Result<ReportPage> {
        let customer = self.config().customer_id.clone();
        let mut url = self.url(&["rest", "customers", &customer, "transactions"])?;
        url.query_pairs_mut().extend_pairs(query.pairs()?);
        self.rest_get(url, "transaction report").await
    }
}

/// `MerchantAmount`: the container dictionary types it as an amount object; the chapter's
/// hand-written example shows `"MerchantAmount": "5.00"` with `"MerchantCurrency"` instead. Both
/// are read, exactly.
fn report_amount<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Money, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Object(amount::WireAmount),
        Decimal(String),
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Fields {
        merchant_amount: Shape,
        #[serde(default)]
        merchant_currency: Option<String>,
    }
    let f = Fields::deserialize(d)?;
    match (f.merchant_amount, f.merchant_currency) {
        (Shape::Object(w), _) => amount::from_wire(&w),
        (Shape::Decimal(v), Some(c)) => Money::parse(&v, &c).map_err(|e| e.to_string()),
        (Shape::Decimal(v), None) => Err(format!("MerchantAmount {v:?} without MerchantCurrency")),
    }
    .map_err(serde::de::Error::custom)
}

fn optional_money<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Money>, D::Error> {
    match Option::<amount::WireAmount>::deserialize(d)? {
        None => Ok(None),
        Some(w) => amount::from_wire(&w).map(Some).map_err(serde::de::Error::custom),
    }
}

/// `2025-08-14T12:41:30.618`, milliseconds optional.
fn parse_local(s: &str) -> std::result::Result<PrimitiveDateTime, String> {
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]");
    PrimitiveDateTime::parse(s, f).map_err(|e| format!("report date {s:?}: {e}"))
}

fn local_date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<PrimitiveDateTime, D::Error> {
    parse_local(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn optional_local_date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<PrimitiveDateTime>, D::Error> {
    Option::<String>::deserialize(d)?.map(|s| parse_local(&s)).transpose().map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::{date, datetime};

    #[test]
    fn a_query_spells_dates_to_the_minute() {
        let mut q = ReportQuery::days(date!(2026 - 07 - 01), date!(2026 - 07 - 09));
        q.state = Some(TransactionState::Failed);
        q.page_size = 500;
        let pairs = q.pairs().unwrap();
        assert_eq!(pairs[0], ("StartDate", "2026-07-01T00:00".to_owned()));
        assert_eq!(pairs[1], ("EndDate", "2026-07-09T23:59".to_owned()), "the whole last day");
        assert!(pairs.contains(&("TransactionState", "FAILED".to_owned())));
        q.page_size = 2001;
        assert!(q.pairs().is_err(), "Saferpay's maximum is 2000");
    }

    #[test]
    fn both_merchant_amount_shapes_read_exactly() {
        let item = |amount: serde_json::Value| {
            let mut v = json!({"TransactionId": "t1", "AuthorizationDetails": {
                "Type": "PAYMENT", "State": "CAPTURED", "AuthorizationDate": "2025-08-14T12:41:30.618",
                "CaptureDate": "2025-08-14T12:41:31", "CapturedMerchantAmount": {"Value": "500", "CurrencyCode": "CHF"},
                "IsCaptured": true}});
            v.as_object_mut().unwrap().extend(amount.as_object().unwrap().clone());
            serde_json::from_value::<ReportTransaction>(v).unwrap()
        };
        let dictionary = item(json!({"MerchantAmount": {"Value": "500", "CurrencyCode": "CHF"}}));
        let chapter = item(json!({"MerchantAmount": "5.00", "MerchantCurrency": "CHF"}));
        assert_eq!(dictionary.merchant_amount, Money::parse("5.00", "CHF").unwrap());
        assert_eq!(chapter.merchant_amount, dictionary.merchant_amount);
        let auth = dictionary.authorization_details.unwrap();
        assert_eq!(auth.authorization_date, datetime!(2025-08-14 12:41:30.618));
        assert_eq!(auth.capture_date, Some(datetime!(2025-08-14 12:41:31)));
        assert_eq!(auth.captured_merchant_amount, Some(Money::parse("5", "CHF").unwrap()));
    }

    #[test]
    fn paging_follows_the_zero_based_answer() {
        let page = |number, size, total, n| ReportPage {
            page_number: number,
            page_size: size,
            total_transactions: total,
            transactions: vec![
                ReportTransaction {
                    transaction_id: "t".into(),
                    order_id: None,
                    merchant_amount: Money::parse("1", "EUR").unwrap(),
                    terminal_id: None,
                    payment_method: None,
                    application: None,
                    provider: None,
                    description: None,
                    authorization_details: None,
                    failed_details: None,
                    chargeback: None,
                    sepa_refund_export: None,
                };
                n
            ],
        };
        assert_eq!(page(0, 2, 5, 2).next_page(), Some(2), "answer page 0 is request page 1");
        assert_eq!(page(2, 2, 5, 1).next_page(), None, "five transactions fill three pages of two");
        assert_eq!(page(0, 1000, 0, 0).next_page(), None);
    }
}
