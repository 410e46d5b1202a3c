//! The typed shapes this client itself needs. Synced records stay raw JSON in Xero's field
//! names (`Page::records`); the sync engine decides what to keep.

use crate::dates;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::str::FromStr;
use time::{Date, OffsetDateTime};

/// One organisation (or practice) connected to the app (shared/specs/xero-identity.yaml
/// `Connection`). The list's order is unstable: pick by `tenant_id`, never by position.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The connection's id, for `DELETE /connections/{id}`.
    pub id: String,
    /// Sent as `xero-tenant-id` on every Accounting call.
    pub tenant_id: String,
    #[serde(default)]
    pub auth_event_id: Option<String>,
    /// `ORGANISATION` or `PRACTICE`.
    #[serde(default)]
    pub tenant_type: Option<String>,
    #[serde(default)]
    pub tenant_name: Option<String>,
    #[serde(default, deserialize_with = "connection_date", skip_serializing)]
    pub created_date_utc: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "connection_date", skip_serializing)]
    pub updated_date_utc: Option<OffsetDateTime>,
}

fn connection_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s {
        None => Ok(None),
        Some(s) => dates::parse_connection_date(&s).map(Some).map_err(serde::de::Error::custom),
    }
}

/// What the app shows about an organisation (`GET /Organisation`, first of `Organisations`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OrganisationSummary {
    #[serde(rename = "OrganisationID")]
    pub organisation_id: String,
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "LegalName", default)]
    pub legal_name: Option<String>,
    /// ISO currency the books are kept in.
    #[serde(rename = "BaseCurrency")]
    pub base_currency: String,
    #[serde(rename = "CountryCode", default)]
    pub country_code: Option<String>,
    #[serde(rename = "IsDemoCompany", default)]
    pub is_demo_company: bool,
    #[serde(rename = "ShortCode", default)]
    pub short_code: Option<String>,
    #[serde(rename = "OrganisationStatus", default)]
    pub status: Option<String>,
}

/// A payment against an AUTHORISED invoice into a bank account (xero.md §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub invoice_id: String,
    /// A BANK account's code, or one with `EnablePaymentsToAccount`.
    pub account_code: String,
    pub date: Date,
    /// In the invoice's currency; sent with exactly these digits.
    pub amount: Decimal,
    pub reference: Option<String>,
}

impl NewPayment {
    /// `{"Payments":[{...}]}` for `PUT /Payments`.
    pub(crate) fn envelope(&self) -> Result<PaymentsEnvelope<'_>, String> {
        // The amount is written as the decimal's own digits (a raw JSON number), so 1200.10
        // never passes through f64 on the way out.
        let amount = serde_json::value::RawValue::from_string(self.amount.to_string())
            .map_err(|e| format!("amount {} is not a JSON number: {e}", self.amount))?;
        Ok(PaymentsEnvelope {
            payments: [PaymentBody {
                invoice: InvoiceRef { invoice_id: &self.invoice_id },
                account: AccountRef { code: &self.account_code },
                date: dates::format_request_date(self.date),
                amount,
                reference: self.reference.as_deref(),
            }],
        })
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct PaymentsEnvelope<'a> {
    #[serde(rename = "Payments")]
    payments: [PaymentBody<'a>; 1],
}

#[derive(Debug, Serialize)]
struct PaymentBody<'a> {
    #[serde(rename = "Invoice")]
    invoice: InvoiceRef<'a>,
    #[serde(rename = "Account")]
    account: AccountRef<'a>,
    #[serde(rename = "Date")]
    date: String,
    #[serde(rename = "Amount")]
    amount: Box<serde_json::value::RawValue>,
    #[serde(rename = "Reference", skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct InvoiceRef<'a> {
    #[serde(rename = "InvoiceID")]
    invoice_id: &'a str,
}

#[derive(Debug, Serialize)]
struct AccountRef<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
}

/// A payment as Xero answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub payment_id: String,
    /// `AUTHORISED` or `DELETED`.
    pub status: String,
    pub amount: Decimal,
    pub date: Option<Date>,
    pub reference: Option<String>,
    /// e.g. `ACCRECPAYMENT`.
    pub payment_type: Option<String>,
    pub invoice_id: Option<String>,
    /// The invoice's amount due after this payment, when Xero includes it.
    pub invoice_amount_due: Option<Decimal>,
    pub updated: Option<OffsetDateTime>,
}

impl Payment {
    pub(crate) fn from_record(v: &Value) -> Result<Self, String> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Ok(Self {
            payment_id: s("PaymentID").ok_or("payment without PaymentID")?,
            status: s("Status").unwrap_or_default(),
            amount: v.get("Amount").and_then(decimal).ok_or("payment without a numeric Amount")?,
            date: dates::calendar_date(v, "Date"),
            reference: s("Reference").filter(|r| !r.is_empty()),
            payment_type: s("PaymentType"),
            invoice_id: v.pointer("/Invoice/InvoiceID").and_then(Value::as_str).map(str::to_owned),
            invoice_amount_due: v.pointer("/Invoice/AmountDue").and_then(decimal),
            updated: v.get("UpdatedDateUTC").and_then(Value::as_str).and_then(|d| dates::parse_ms_date(d).ok()),
        })
    }
}

/// A JSON number (or numeric string) as an exact decimal: read from its text, not via f64
/// arithmetic.
pub fn decimal(v: &Value) -> Option<Decimal> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn connections_parse_the_spec_example() {
        // xero.md §3.
        let c: Vec<Connection> = serde_json::from_value(
            json!([{"id":"7cb59f93-2964-421d-bb5e-a0f7a4572a44","authEventId":"d99ecdfe-391d-43d2-b834-17636ba90e8d",
  "tenantId":"fe79f7dd-b6d4-4a92-ba7b-538af6289c58","tenantType":"ORGANISATION","tenantName":"Demo Company (UK)",
  "createdDateUtc":"2026-01-07T18:46:19.5165400","updatedDateUtc":"2026-01-07T18:46:19.5187840"}]),
        )
        .unwrap();
        assert_eq!(c[0].tenant_id, "fe79f7dd-b6d4-4a92-ba7b-538af6289c58");
        assert_eq!(c[0].created_date_utc.map(|d| d.date()), Some(date!(2026 - 01 - 07)));
    }

    #[test]
    fn a_new_payment_serialises_its_amount_digit_for_digit() {
        let p = NewPayment {
            invoice_id: "046d8a6d-1ae1-4b4d-9340-5601bdf41b87".into(),
            account_code: "090".into(),
            date: date!(2026 - 01 - 20),
            amount: Decimal::from_str("1200.10").unwrap(),
            reference: Some("SEPA DD PM01ABC".into()),
        };
        // xero.md §5 "Create a payment", with the amount's scale kept as given.
        assert_eq!(
            serde_json::to_string(&p.envelope().unwrap()).unwrap(),
            r#"{"Payments":[{"Invoice":{"InvoiceID":"046d8a6d-1ae1-4b4d-9340-5601bdf41b87"},"Account":{"Code":"090"},"Date":"2026-01-20","Amount":1200.10,"Reference":"SEPA DD PM01ABC"}]}"#
        );
        let tiny = NewPayment {
            amount: Decimal::from_str("0.1").unwrap() + Decimal::from_str("0.2").unwrap(),
            reference: None,
            ..p
        };
        let body = serde_json::to_string(&tiny.envelope().unwrap()).unwrap();
        assert!(
            body.contains(r#""Amount":0.3,"#) || body.ends_with(r#""Amount":0.3}]}"#),
            "0.1 + 0.2 is 0.3 in decimal: {body}"
        );
        assert!(!body.contains("Reference"), "no reference, no field");
    }

    #[test]
    fn amounts_keep_their_exact_digits() {
        assert_eq!(decimal(&json!(1200.1)), Some(Decimal::from_str("1200.1").unwrap()));
        assert_eq!(decimal(&json!(0.3)), Some(Decimal::from_str("0.3").unwrap()), "never 0.299999…");
        assert_eq!(decimal(&json!("17.05")), Some(Decimal::from_str("17.05").unwrap()));
        assert_eq!(decimal(&json!(null)), None);
    }
}
