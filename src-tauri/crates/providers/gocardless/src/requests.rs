//! What the creates send (gocardless.md §4), as the resource object inside the envelope the
//! client adds. Money goes out as integer minor units of its own currency; an amount finer
//! than the currency's minor unit is refused here rather than rounded.

use crate::types::Metadata;
use serde_json::{json, Map, Value};
use time::Date;
use url::Url;
use xp_core::{Currency, Money};

/// SEPA Core, the scheme this app collects with (gocardless.md §4).
pub const SEPA_CORE: &str = "sepa_core";

/// `POST /customers`. Every field is optional to GoCardless; the billing request flow can
/// collect the rest from the payer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub company_name: Option<String>,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    pub country_code: Option<String>,
    /// ISO 639-1, e.g. `de`: the language of GoCardless's notifications to the payer.
    pub language: Option<String>,
    pub metadata: Metadata,
}

impl NewCustomer {
    pub(crate) fn body(&self) -> Value {
        let mut o = Map::new();
        for (k, v) in [
            ("email", &self.email),
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("company_name", &self.company_name),
            ("address_line1", &self.address_line1),
            ("city", &self.city),
            ("postal_code", &self.postal_code),
            ("country_code", &self.country_code),
            ("language", &self.language),
        ] {
            if let Some(v) = v {
                o.insert(k.to_owned(), json!(v));
            }
        }
        o.insert("metadata".to_owned(), json!(self.metadata));
        Value::Object(o)
    }
}

/// `POST /billing_requests` asking for a mandate only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMandateRequest {
    /// An existing customer; without it GoCardless creates an empty one for the payer to fill.
    pub customer: Option<String>,
    pub scheme: String,
    pub currency: Currency,
    pub metadata: Metadata,
}

impl NewMandateRequest {
    /// A SEPA Core mandate in EUR.
    pub fn sepa(customer: Option<String>) -> Self {
        Self { customer, scheme: SEPA_CORE.to_owned(), currency: Currency::EUR, metadata: Metadata::new() }
    }

    pub(crate) fn body(&self) -> Value {
        let mut b = json!({
            "mandate_request": {"scheme": self.scheme, "currency": self.currency.code()},
            "metadata": self.metadata,
        });
        if let Some(c) = &self.customer {
            b["links"] = json!({"customer": c});
        }
        b
    }
}

/// `POST /billing_request_flows`: the hosted page for one billing request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewFlow {
    /// Where the payer lands after completing the flow.
    pub redirect_uri: Option<Url>,
    /// Where the payer lands after leaving it unfinished.
    pub exit_uri: Option<Url>,
    /// Lets the flow create the mandate itself (GoCardless's default: true).
    pub auto_fulfil: Option<bool>,
    pub lock_customer_details: Option<bool>,
    pub lock_bank_account: Option<bool>,
    /// What the page shows filled in for the payer to check (`prefilled_customer`): the
    /// contact's details as the business knows them. Only the fields given are sent.
    pub prefilled_customer: NewCustomer,
}

impl NewFlow {
    pub(crate) fn body(&self, billing_request: &str) -> Value {
        let mut o = Map::new();
        o.insert("links".to_owned(), json!({"billing_request": billing_request}));
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                o.insert(k.to_owned(), v);
            }
        };
        put("redirect_uri", self.redirect_uri.as_ref().map(|u| json!(u.as_str())));
        put("exit_uri", self.exit_uri.as_ref().map(|u| json!(u.as_str())));
        put("auto_fulfil", self.auto_fulfil.map(Value::Bool));
        put("lock_customer_details", self.lock_customer_details.map(Value::Bool));
        put("lock_bank_account", self.lock_bank_account.map(Value::Bool));
        let mut prefilled = self.prefilled_customer.body();
        if let Some(p) = prefilled.as_object_mut() {
            // prefilled_customer takes no metadata (API reference, billing request flows).
            p.remove("metadata");
            if !p.is_empty() {
                o.insert("prefilled_customer".to_owned(), prefilled);
            }
        }
        Value::Object(o)
    }
}

/// `POST /payments` against a mandate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub mandate: String,
    /// Positive, in the mandate's currency.
    pub amount: Money,
    /// On or after the mandate's `next_possible_charge_date`; GoCardless rolls it to a working
    /// day. `None`: the earliest possible.
    pub charge_date: Option<Date>,
    /// Shown on the payer's bank statement (SEPA: up to 140 characters).
    pub reference: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    /// Let GoCardless retry a failure itself (Success+ only; GoCardless's default: false).
    pub retry_if_possible: Option<bool>,
}

impl NewPayment {
    pub(crate) fn body(&self) -> Result<Value, String> {
        let amount = minor(&self.amount, "amount")?;
        let mut b = json!({
            "amount": amount,
            "currency": self.amount.currency.code(),
            "metadata": self.metadata,
            "links": {"mandate": self.mandate},
        });
        if let Some(d) = self.charge_date {
            b["charge_date"] = json!(ymd(d));
        }
        if let Some(r) = &self.reference {
            b["reference"] = json!(r);
        }
        if let Some(d) = &self.description {
            b["description"] = json!(d);
        }
        if let Some(r) = self.retry_if_possible {
            b["retry_if_possible"] = json!(r);
        }
        Ok(b)
    }
}

/// `POST /refunds` of a collected payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub payment: String,
    pub amount: Money,
    /// Everything refunded on this payment including this refund. Required whenever a payment
    /// is linked: "Must be supplied if `links[payment]` is present" (gocardless-nodejs
    /// `refundService.ts`, `RefundCreateRequest.total_amount_confirmation`; review D4). It
    /// guards against refunding twice.
    pub total_amount_confirmation: Money,
    pub reference: Option<String>,
    pub metadata: Metadata,
}

impl NewRefund {
    pub(crate) fn body(&self) -> Result<Value, String> {
        if self.amount.currency != self.total_amount_confirmation.currency {
            return Err("the refund and its total_amount_confirmation must be in one currency".into());
        }
        let mut b = json!({
            "amount": minor(&self.amount, "amount")?,
            "total_amount_confirmation": minor(&self.total_amount_confirmation, "total_amount_confirmation")?,
            "metadata": self.metadata,
            "links": {"payment": self.payment},
        });
        if let Some(r) = &self.reference {
            b["reference"] = json!(r);
        }
        Ok(b)
    }
}

fn minor(m: &Money, field: &str) -> Result<i64, String> {
    m.to_minor().map_err(|e| format!("{field}: {e}"))
}

pub(crate) fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Money {
        Money::parse(s, "EUR").expect("money")
    }

    #[test]
    fn a_payment_goes_out_in_exact_minor_units() {
        let p = NewPayment {
            mandate: "MD1".into(),
            amount: eur("1234.56"),
            charge_date: Some(time::macros::date!(2026 - 03 - 05)),
            reference: Some("INV-0042".into()),
            description: None,
            metadata: Metadata::from([("invoice_id".to_owned(), "046d8a6d".to_owned())]),
            retry_if_possible: Some(false),
        };
        assert_eq!(
            p.body().expect("valid"),
            json!({"amount": 123456, "currency": "EUR", "charge_date": "2026-03-05", "reference": "INV-0042",
                   "retry_if_possible": false, "metadata": {"invoice_id": "046d8a6d"}, "links": {"mandate": "MD1"}})
        );
        let fine = NewPayment { amount: eur("10.005"), ..p };
        assert!(fine.body().is_err(), "half a cent cannot be collected and is not rounded away");
    }

    #[test]
    fn a_refund_always_confirms_the_total_in_its_own_currency() {
        let r = NewRefund {
            payment: "PM1".into(),
            amount: eur("20.00"),
            total_amount_confirmation: eur("30.00"),
            reference: None,
            metadata: Metadata::new(),
        };
        let b = r.body().expect("valid");
        assert_eq!((b["amount"].as_i64(), b["total_amount_confirmation"].as_i64()), (Some(2000), Some(3000)));
        let mixed = NewRefund { total_amount_confirmation: Money::parse("30.00", "GBP").expect("money"), ..r };
        assert!(mixed.body().is_err());
    }

    #[test]
    fn a_mandate_request_links_its_customer_only_when_given() {
        let b = NewMandateRequest::sepa(Some("CU1".into())).body();
        assert_eq!(b["mandate_request"], json!({"scheme": "sepa_core", "currency": "EUR"}));
        assert_eq!(b["links"]["customer"], "CU1");
        assert!(NewMandateRequest::sepa(None).body().get("links").is_none());
        let f = NewFlow { auto_fulfil: Some(true), ..NewFlow::default() }.body("BRQ1");
        assert_eq!(f, json!({"links": {"billing_request": "BRQ1"}, "auto_fulfil": true}));
    }

    #[test]
    fn a_flow_sends_only_the_prefilled_fields_given_and_no_metadata() {
        let bare = NewFlow::default().body("BRQ1");
        assert!(bare.get("prefilled_customer").is_none(), "{bare}");
        let prefilled = NewCustomer {
            email: Some("anna@example.de".into()),
            company_name: Some("Velo Anna GmbH".into()),
            ..NewCustomer::default()
        };
        let f = NewFlow { prefilled_customer: prefilled, ..NewFlow::default() }.body("BRQ1");
        assert_eq!(f["prefilled_customer"], json!({"email": "anna@example.de", "company_name": "Velo Anna GmbH"}));
    }
}
