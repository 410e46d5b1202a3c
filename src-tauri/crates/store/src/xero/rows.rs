//! The rows the Xero tables hold, as the store takes them: typed values already read from the
//! wire by the provider crate (the connector maps one to the other). The store knows no Xero
//! field name and parses no JSON on write; `raw` is the record as received, kept opaque for the
//! detail views and hashed to recognise a record that has not changed.

use time::{Date, OffsetDateTime};
use xp_core::money::{Currency, Money, MoneyError};

/// A record as received, made ready to store when its page is read: its content hash (which
/// tells an unchanged record from a changed one) and the form it is stored in. Both used to be
/// made inside the write transaction, where hashing and packing 100k invoices took about 0.25 s of
/// the store's 5.5 s (docs/benchmarks.md, fifth step); made by the sync sink's read, they happen
/// before the write lock is taken, and a packed invoice waits for its commit in a third of the
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    hash: [u8; 32],
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    Text(String),
    Packed(Vec<u8>),
}

impl Raw {
    /// Kept as JSON text, in the record's own row.
    pub fn text(json: String) -> Raw {
        Raw { hash: hash(&json), body: Body::Text(json) }
    }

    /// Kept LZ4-packed against Xero's field names (an invoice's side table, see `packed`).
    pub fn packed(json: &str) -> Raw {
        Raw { hash: hash(json), body: Body::Packed(super::packed::pack(json)) }
    }

    /// SHA-256 of the JSON text.
    pub fn hash(&self) -> &[u8; 32] {
        &self.hash
    }

    /// The value the raw column stores: JSON text, or the packed bytes.
    pub(crate) fn stored(&self) -> super::write::Val {
        match &self.body {
            Body::Text(t) => super::write::Val::Text(Some(t.clone())),
            Body::Packed(b) => super::write::Val::Blob(b.clone()),
        }
    }
}

fn hash(json: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(json.as_bytes()).into()
}

/// An amount at its currency's exponent: the exact decimal text ("1200.50" USD, "1200" JPY,
/// "1.500" KWD) and the same value in minor units at that exponent (120050, 1200, 1500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub text: String,
    pub minor: i64,
}

impl Amount {
    /// `money` at `exponent` decimals. More decimals than that is refused rather than rounded:
    /// a total the provider did not round is not a total to trust.
    pub fn exact(money: Money, exponent: u32) -> Result<Amount, MoneyError> {
        let minor = money.to_minor_at(exponent)?;
        Ok(Amount { text: rust_decimal::Decimal::new(minor, exponent).to_string(), minor })
    }
}

/// The exponent of a document's amounts and its `minor_unit` (10^exponent): the currency's, or
/// two decimals when a record names no currency (Xero keeps documents at two, xero.md §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exponent(pub u32);

impl Exponent {
    pub fn of(currency: Option<Currency>) -> Exponent {
        Exponent(currency.map_or(2, |c| c.minor_units()))
    }

    /// Minor units per unit, for the `minor_unit` column.
    pub fn unit(self) -> i64 {
        10i64.pow(self.0)
    }
}

/// One line of an invoice. Amounts are exact decimal text in the document's currency;
/// quantities and unit amounts as sent (up to four decimals), normalised ("2.0" is "2").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub line_item_id: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<String>,
    pub unit_amount: Option<String>,
    pub account_code: Option<String>,
    pub tax_type: Option<String>,
    pub tax_amount: Option<String>,
    pub line_amount: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// The provider's id, lower case (the store compares bytes).
    pub invoice_id: String,
    pub number: Option<String>,
    pub type_: Option<String>,
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub reference: Option<String>,
    pub date: Option<Date>,
    pub due_date: Option<Date>,
    pub currency: Option<Currency>,
    /// The exponent `total`, `amount_due` and `amount_paid` are at.
    pub exponent: Exponent,
    pub total: Option<Amount>,
    pub amount_due: Option<Amount>,
    pub amount_paid: Option<Amount>,
    pub updated: Option<OffsetDateTime>,
    /// None for a summary record: the stored lines stay. Some(empty) removes them.
    pub lines: Option<Vec<Line>>,
    pub raw: Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub contact_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub contact_number: Option<String>,
    pub status: Option<String>,
    /// None keeps the stored value (absent from summary records).
    pub is_customer: Option<bool>,
    pub is_supplier: Option<bool>,
    pub default_currency: Option<String>,
    pub updated: Option<OffsetDateTime>,
    pub raw: Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub payment_id: String,
    pub invoice_id: Option<String>,
    pub date: Option<Date>,
    pub currency: Option<Currency>,
    pub exponent: Exponent,
    pub amount: Option<Amount>,
    pub status: Option<String>,
    pub reference: Option<String>,
    pub payment_type: Option<String>,
    pub account_code: Option<String>,
    pub is_reconciled: Option<bool>,
    pub updated: Option<OffsetDateTime>,
    pub raw: Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankTransaction {
    pub bank_transaction_id: String,
    pub type_: Option<String>,
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub date: Option<Date>,
    pub reference: Option<String>,
    pub currency: Option<Currency>,
    pub exponent: Exponent,
    pub total: Option<Amount>,
    pub is_reconciled: Option<bool>,
    pub bank_account_code: Option<String>,
    pub bank_account_name: Option<String>,
    pub updated: Option<OffsetDateTime>,
    pub raw: Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub credit_note_id: String,
    pub number: Option<String>,
    pub type_: Option<String>,
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub date: Option<Date>,
    pub currency: Option<Currency>,
    pub exponent: Exponent,
    pub total: Option<Amount>,
    pub remaining_credit: Option<Amount>,
    pub updated: Option<OffsetDateTime>,
    pub raw: Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub code: Option<String>,
    pub name: Option<String>,
    pub type_: Option<String>,
    pub class: Option<String>,
    pub status: Option<String>,
    pub currency: Option<String>,
    pub enable_payments: Option<bool>,
    pub updated: Option<OffsetDateTime>,
    pub raw: Raw,
}

/// A small list fetched whole (organisation, currencies, tax rates): replaced as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceList {
    pub resource: super::Resource,
    /// The records as received, one JSON object text each.
    pub records: Vec<String>,
}

/// One page of one resource, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Invoices(Vec<Invoice>),
    Contacts(Vec<Contact>),
    Payments(Vec<Payment>),
    BankTransactions(Vec<BankTransaction>),
    CreditNotes(Vec<CreditNote>),
    Accounts(Vec<Account>),
    Reference(ReferenceList),
}

impl Page {
    pub fn len(&self) -> usize {
        match self {
            Page::Invoices(v) => v.len(),
            Page::Contacts(v) => v.len(),
            Page::Payments(v) => v.len(),
            Page::BankTransactions(v) => v.len(),
            Page::CreditNotes(v) => v.len(),
            Page::Accounts(v) => v.len(),
            Page::Reference(l) => l.records.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn money(amount: &str, code: &str) -> Money {
        Money::parse(amount, code).unwrap()
    }

    #[test]
    fn amounts_are_exact_at_their_currencys_exponent() {
        let usd = Exponent::of(Some(Currency::USD));
        let at = |m: Money, e: Exponent| Amount::exact(m, e.0);
        assert_eq!(at(money("1200.5", "USD"), usd).unwrap(), Amount { text: "1200.50".into(), minor: 120_050 });
        assert_eq!(at(money("-3.000", "USD"), usd).unwrap(), Amount { text: "-3.00".into(), minor: -300 });
        assert!(at(money("1.005", "USD"), usd).is_err(), "a third decimal is refused, not rounded");
        let jpy = Exponent::of(Some(Currency::parse("JPY").unwrap()));
        assert_eq!(at(money("1200.0", "JPY"), jpy).unwrap(), Amount { text: "1200".into(), minor: 1200 });
        assert!(at(money("1200.5", "JPY"), jpy).is_err(), "half a yen is refused");
        let kwd = Exponent::of(Some(Currency::parse("KWD").unwrap()));
        assert_eq!(at(money("1.5", "KWD"), kwd).unwrap(), Amount { text: "1.500".into(), minor: 1500 });
        assert_eq!((jpy.unit(), usd.unit(), kwd.unit()), (1, 100, 1000));
        assert_eq!(Exponent::of(None), usd, "no currency: Xero's two decimals");
        let huge = Money::new(Decimal::MAX, Currency::USD);
        assert!(Amount::exact(huge, 2).is_err(), "beyond an i64 of minor units is refused, not wrapped");
    }
}
