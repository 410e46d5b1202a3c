//! The resources as the client returns them. Field names are GoCardless's (gocardless.md §4;
//! gocardless-nodejs `src/types/Types.ts`); amounts are [`Money`] (see `money.rs`); unknown
//! fields are ignored and unknown statuses read as `Unknown`, so a new GoCardless value never
//! fails a whole page.

use crate::money::{currency, from_minor, from_minor_text};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use url::Url;
use xp_core::{Currency, Money};

/// Up to 3 keys, key ≤ 50 and value ≤ 500 characters (gocardless.md §3).
pub type Metadata = BTreeMap<String, String>;

time::serde::format_description!(ymd, Date, "[year]-[month]-[day]");

pub(crate) mod opt_ymd {
    use serde::{Deserialize, Deserializer};
    use time::Date;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => crate::types::parse_ymd(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

pub(crate) fn parse_ymd(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// Declares a status enum: GoCardless's snake_case values, plus `Unknown` for any value added
/// after this client was written.
macro_rules! statuses {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant,)+
            #[serde(other)]
            Unknown,
        }
    };
}

statuses! {
    /// gocardless.md §5. SEPA mandates stay `pending_submission` until their first payment is
    /// submitted, and become `active` with it (review D3).
    MandateStatus { PendingCustomerApproval, PendingSubmission, Submitted, Active, SuspendedByPayer, Failed, Cancelled, Expired, Consumed, Blocked }
}

statuses! {
    /// gocardless.md §5. `confirmed` and `paid_out` are not final: a late failure or a
    /// chargeback can follow.
    PaymentStatus { PendingCustomerApproval, PendingSubmission, Submitted, Confirmed, PaidOut, Cancelled, CustomerApprovalDenied, Failed, ChargedBack }
}

statuses! {
    RefundStatus { Created, PendingSubmission, Submitted, Paid, Cancelled, Bounced, FundsReturned }
}

statuses! {
    PayoutStatus { Pending, Paid, Bounced }
}

statuses! {
    BillingRequestStatus { Pending, ReadyToFulfil, Fulfilling, Fulfilled, Cancelled }
}

statuses! {
    /// Credits and debits of a payout (gocardless-nodejs `Types.ts`, `PayoutItem.type`):
    /// failures, chargebacks and refunds are debits; a fee is a credit when it is refunded.
    PayoutItemType { PaymentPaidOut, PaymentFailed, PaymentChargedBack, PaymentRefunded, Refund, RefundFundsReturned, GocardlessFee, AppFee, RevenueShare, SurchargeFee }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SchemeIdentifier {
    pub scheme: String,
    pub name: String,
    /// The creditor identifier, e.g. `DE98ZZZ09999999999`.
    pub reference: String,
    pub currency: Option<String>,
    #[serde(default)]
    pub minimum_advance_notice: Option<u32>,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Creditor {
    pub id: String,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub created_at: Option<OffsetDateTime>,
    pub name: String,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub verification_status: Option<String>,
    /// Refunds need enabling on a real account (review D4); `false` or absent means refunds
    /// will be refused.
    #[serde(default)]
    pub can_create_refunds: Option<bool>,
    #[serde(default)]
    pub scheme_identifiers: Vec<SchemeIdentifier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub company_name: Option<String>,
    pub address_line1: Option<String>,
    #[serde(default)]
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomerLinks {
    pub customer: String,
}

/// A payer's bank account as GoCardless shows it: only the last digits and the bank's name,
/// never the full account number or IBAN, so the app never holds one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomerBankAccount {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub account_holder_name: Option<String>,
    /// The last two characters of the account number.
    pub account_number_ending: String,
    pub bank_name: Option<String>,
    pub country_code: Option<String>,
    pub currency: Option<String>,
    pub enabled: bool,
    #[serde(default)]
    pub metadata: Metadata,
    pub links: CustomerLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MandateLinks {
    pub customer_bank_account: String,
    pub creditor: String,
    pub customer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Mandate {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub reference: String,
    pub status: MandateStatus,
    pub scheme: String,
    /// The earliest `charge_date` a new payment may ask for; `None` while the mandate cannot
    /// take payments.
    #[serde(default, with = "opt_ymd")]
    pub next_possible_charge_date: Option<Date>,
    #[serde(default)]
    pub metadata: Metadata,
    pub links: MandateLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MandateRequest {
    pub scheme: Option<String>,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BillingRequestLinks {
    pub customer: String,
    #[serde(default)]
    pub customer_bank_account: Option<String>,
    /// Set once the billing request is fulfilled.
    #[serde(default)]
    pub mandate_request_mandate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BillingRequest {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub status: BillingRequestStatus,
    pub mandate_request: Option<MandateRequest>,
    #[serde(default)]
    pub metadata: Metadata,
    pub links: BillingRequestLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BillingRequestFlowLinks {
    pub billing_request: String,
}

/// The hosted page where the payer enters their details and bank account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BillingRequestFlow {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Open this in the payer's browser.
    pub authorisation_url: Url,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub redirect_uri: Option<String>,
    pub exit_uri: Option<String>,
    pub auto_fulfil: Option<bool>,
    pub links: BillingRequestFlowLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentLinks {
    pub mandate: String,
    pub creditor: Option<String>,
    /// Set once the payment is in a payout.
    #[serde(default)]
    pub payout: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "wire::Payment")]
pub struct Payment {
    pub id: String,
    pub created_at: OffsetDateTime,
    pub charge_date: Date,
    pub amount: Money,
    pub amount_refunded: Money,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub status: PaymentStatus,
    pub retry_if_possible: bool,
    pub metadata: Metadata,
    pub links: PaymentLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefundLinks {
    pub payment: String,
    pub mandate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "wire::Refund")]
pub struct Refund {
    pub id: String,
    pub created_at: OffsetDateTime,
    pub amount: Money,
    pub status: RefundStatus,
    pub reference: Option<String>,
    pub metadata: Metadata,
    pub links: RefundLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PayoutLinks {
    pub creditor: String,
    pub creditor_bank_account: String,
}

/// Money GoCardless sends to the creditor's bank account. `amount` is net of debits and fees
/// and `deducted_fees` can be negative when fees came back for a late failure or chargeback
/// (gocardless-nodejs `Types.ts`, `Payout.deducted_fees`; review D5).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "wire::Payout")]
pub struct Payout {
    pub id: String,
    pub created_at: OffsetDateTime,
    pub amount: Money,
    pub deducted_fees: Money,
    pub status: PayoutStatus,
    /// Null until the payout is paid.
    pub arrival_date: Option<Date>,
    pub reference: String,
    pub payout_type: String,
    pub links: PayoutLinks,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PayoutItemLinks {
    #[serde(default)]
    pub payment: Option<String>,
    #[serde(default)]
    pub mandate: Option<String>,
    #[serde(default)]
    pub refund: Option<String>,
}

/// One line of a payout. Items carry no currency: theirs is the payout's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutItem {
    pub item_type: PayoutItemType,
    /// Signed: debits are negative.
    pub amount: Money,
    pub links: PayoutItemLinks,
}

impl PayoutItem {
    pub(crate) fn from_wire(w: wire::PayoutItem, currency: Currency) -> Result<Self, String> {
        Ok(Self { item_type: w.item_type, amount: from_minor_text(&w.amount, currency)?, links: w.links })
    }
}

/// The wire shapes where an amount needs its currency to become [`Money`].
pub(crate) mod wire {
    use super::*;

    #[derive(Deserialize)]
    pub struct Payment {
        id: String,
        #[serde(with = "time::serde::rfc3339")]
        created_at: OffsetDateTime,
        #[serde(with = "ymd")]
        charge_date: Date,
        amount: i64,
        #[serde(default)]
        amount_refunded: i64,
        currency: String,
        description: Option<String>,
        reference: Option<String>,
        status: PaymentStatus,
        #[serde(default)]
        retry_if_possible: bool,
        #[serde(default)]
        metadata: Metadata,
        links: PaymentLinks,
    }

    impl TryFrom<Payment> for super::Payment {
        type Error = String;
        fn try_from(w: Payment) -> Result<Self, String> {
            let c = currency(&w.currency)?;
            Ok(Self {
                id: w.id,
                created_at: w.created_at,
                charge_date: w.charge_date,
                amount: from_minor(w.amount, c),
                amount_refunded: from_minor(w.amount_refunded, c),
                description: w.description,
                reference: w.reference,
                status: w.status,
                retry_if_possible: w.retry_if_possible,
                metadata: w.metadata,
                links: w.links,
            })
        }
    }

    #[derive(Deserialize)]
    pub struct Refund {
        id: String,
        #[serde(with = "time::serde::rfc3339")]
        created_at: OffsetDateTime,
        amount: i64,
        currency: String,
        status: RefundStatus,
        reference: Option<String>,
        #[serde(default)]
        metadata: Metadata,
        links: RefundLinks,
    }

    impl TryFrom<Refund> for super::Refund {
        type Error = String;
        fn try_from(w: Refund) -> Result<Self, String> {
            let c = currency(&w.currency)?;
            Ok(Self {
                id: w.id,
                created_at: w.created_at,
                amount: from_minor(w.amount, c),
                status: w.status,
                reference: w.reference,
                metadata: w.metadata,
                links: w.links,
            })
        }
    }

    #[derive(Deserialize)]
    pub struct Payout {
        id: String,
        #[serde(with = "time::serde::rfc3339")]
        created_at: OffsetDateTime,
        amount: i64,
        deducted_fees: i64,
        currency: String,
        status: PayoutStatus,
        #[serde(default, with = "opt_ymd")]
        arrival_date: Option<Date>,
        reference: String,
        payout_type: String,
        links: PayoutLinks,
    }

    impl TryFrom<Payout> for super::Payout {
        type Error = String;
        fn try_from(w: Payout) -> Result<Self, String> {
            let c = currency(&w.currency)?;
            Ok(Self {
                id: w.id,
                created_at: w.created_at,
                amount: from_minor(w.amount, c),
                deducted_fees: from_minor(w.deducted_fees, c),
                status: w.status,
                arrival_date: w.arrival_date,
                reference: w.reference,
                payout_type: w.payout_type,
                links: w.links,
            })
        }
    }

    #[derive(Deserialize)]
    pub struct PayoutItem {
        #[serde(rename = "type")]
        pub item_type: PayoutItemType,
        pub amount: String,
        #[serde(default)]
        pub links: PayoutItemLinks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_sheets_payment_example_parses_with_exact_money() {
        // gocardless.md §4, payment response example.
        let p: Payment = serde_json::from_value(json!({"id":"PM01HX7Y2K9QZ","created_at":"2026-01-20T09:15:02.123Z",
            "charge_date":"2026-01-27","amount":120000,"amount_refunded":0,"currency":"EUR","description":"INV-0042",
            "reference":"INV-0042","status":"pending_submission","retry_if_possible":true,
            "metadata":{"invoice_id":"046d8a6d"},"links":{"mandate":"MD01HX5ABCD","creditor":"CR000123ABC"}}))
        .expect("the sheet's example parses");
        assert_eq!(p.amount, Money::parse("1200.00", "EUR").expect("money"));
        assert_eq!(p.amount.amount.to_string(), "1200.00");
        assert_eq!(p.charge_date, time::macros::date!(2026 - 01 - 27));
        assert_eq!(p.status, PaymentStatus::PendingSubmission);
        assert_eq!(p.metadata.get("invoice_id").map(String::as_str), Some("046d8a6d"));
        assert_eq!(p.created_at.millisecond(), 123);
    }

    #[test]
    fn negative_fees_parse_exactly_and_new_statuses_are_unknown() {
        let p: Payout = serde_json::from_value(json!({"id":"PO1","created_at":"2026-02-02T11:00:00.000Z",
            "amount":-11980,"deducted_fees":-20,"currency":"EUR","status":"something_new","arrival_date":null,
            "reference":"R","payout_type":"merchant","links":{"creditor":"CR1","creditor_bank_account":"BA1"}}))
        .expect("payout");
        assert_eq!(p.amount.amount.to_string(), "-119.80");
        assert_eq!(p.deducted_fees, Money::parse("-0.20", "EUR").expect("money"));
        assert_eq!((p.status, p.arrival_date), (PayoutStatus::Unknown, None));
    }

    #[test]
    fn the_sheets_mandate_example_parses() {
        let m: Mandate = serde_json::from_value(json!({"id":"MD01HX5ABCD","created_at":"2026-01-10T14:02:11.000Z",
            "reference":"LEDGER-7KQ2M","status":"active","scheme":"sepa_core","next_possible_charge_date":"2026-01-23",
            "metadata":{},"links":{"customer_bank_account":"BA01HX5ABCD","creditor":"CR000123ABC","customer":"CU01HX5ABCD"}}))
        .expect("mandate");
        assert_eq!(m.status, MandateStatus::Active);
        assert_eq!(m.next_possible_charge_date, Some(time::macros::date!(2026 - 01 - 23)));
    }

    #[test]
    fn a_payment_in_an_unknown_currency_code_is_refused() {
        let r: Result<Payment, _> = serde_json::from_value(json!({"id":"PM1","created_at":"2026-01-20T09:15:02.123Z",
            "charge_date":"2026-01-27","amount":1,"currency":"€","status":"paid_out","links":{"mandate":"MD1"}}));
        assert!(r.is_err(), "an amount without a known currency must not become money");
    }
}
