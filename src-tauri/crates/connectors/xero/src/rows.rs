//! Pure: Xero's typed records (read from the wire by `xp_xero::records`, the one reader of
//! Xero's format and its `/Date()/` values) → the rows the store's Xero tables hold. Amounts
//! become exact text and minor units at their currency's exponent; a record's JSON text rides
//! along, opaque, for the detail views and the store's unchanged-record check.

use rust_decimal::Decimal;
use serde_json::Value;
use xp_core::money::{Currency, Money};
use xp_store::xero::rows::{self as db, Amount, Exponent};
use xp_store::xero::Page;
use xp_xero::records::{self, Records};
use xp_xero::Resource;

/// A record that cannot be stored: the provider crate cannot read it, or its amounts do not fit
/// its currency (more decimals than it has, or beyond an i64 of minor units).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Xero {resource} record {id} cannot be stored: {reason}")]
pub struct RowError {
    pub resource: &'static str,
    /// The record's id, or its place in the page when it has none.
    pub id: String,
    pub reason: String,
}

/// Reads one page of `resource` and maps every record, or names the first that cannot be
/// stored; nothing of the page is returned then, so nothing of it is written.
pub fn page(resource: Resource, records: &[Value]) -> Result<Page, RowError> {
    // Exactly as long as the text: a page waits for its commit as these rows, and the writer's
    // doubling growth left a third of each raw record's allocation empty (1,846 bytes held for
    // an invoice's 1,268 of JSON, docs/benchmarks.md). Invoices are packed (`Raw::packed`).
    let raws = || {
        records.iter().map(|v| {
            let mut raw = v.to_string();
            raw.shrink_to_fit();
            raw
        })
    };
    let bad = |id: &str, reason: String| RowError { resource: resource.url_name(), id: id.to_owned(), reason };
    let read = records::parse_page(resource, records).map_err(|e| match e {
        xp_xero::Error::InvalidRecord { resource, id, reason } => RowError { resource, id, reason },
        other => bad("of the page", other.to_string()),
    })?;
    Ok(match read {
        Records::Invoices(v) => Page::Invoices(
            v.into_iter()
                .zip(raws())
                .map(|(r, raw)| invoice(r, raw).map_err(|e| bad(&e.0, e.1)))
                .collect::<Result<_, _>>()?,
        ),
        Records::Contacts(v) => Page::Contacts(v.into_iter().zip(raws()).map(|(r, raw)| contact(r, raw)).collect()),
        Records::Payments(v) => Page::Payments(
            v.into_iter()
                .zip(raws())
                .map(|(r, raw)| payment(r, raw).map_err(|e| bad(&e.0, e.1)))
                .collect::<Result<_, _>>()?,
        ),
        Records::BankTransactions(v) => Page::BankTransactions(
            v.into_iter()
                .zip(raws())
                .map(|(r, raw)| bank_transaction(r, raw).map_err(|e| bad(&e.0, e.1)))
                .collect::<Result<_, _>>()?,
        ),
        Records::CreditNotes(v) => Page::CreditNotes(
            v.into_iter()
                .zip(raws())
                .map(|(r, raw)| credit_note(r, raw).map_err(|e| bad(&e.0, e.1)))
                .collect::<Result<_, _>>()?,
        ),
        Records::Accounts(v) => Page::Accounts(v.into_iter().zip(raws()).map(|(r, raw)| account(r, raw)).collect()),
        Records::Reference(r) => {
            Page::Reference(db::ReferenceList { resource: store_resource(r), records: raws().collect() })
        }
    })
}

/// The store's name for a Xero resource.
pub fn store_resource(r: Resource) -> xp_store::xero::Resource {
    use xp_store::xero::Resource as S;
    match r {
        Resource::Organisation => S::Organisation,
        Resource::Accounts => S::Accounts,
        Resource::Currencies => S::Currencies,
        Resource::TaxRates => S::TaxRates,
        Resource::Contacts => S::Contacts,
        Resource::Invoices => S::Invoices,
        Resource::CreditNotes => S::CreditNotes,
        Resource::Payments => S::Payments,
        Resource::BankTransactions => S::BankTransactions,
    }
}

/// (record id, reason) of an amount that does not fit its currency.
type MapResult<T> = Result<T, (String, String)>;

/// `value` as an amount of a document in `currency`: exact at the currency's exponent.
pub fn amount(value: Option<Decimal>, currency: Option<Currency>, field: &str) -> Result<Option<Amount>, String> {
    let exp = Exponent::of(currency);
    value
        .map(|d| {
            // A record without a currency (some payments) is read at Xero's two decimals; the
            // code only labels the error then.
            let money = Money::new(d, currency.unwrap_or(Currency::USD));
            Amount::exact(money, exp.0).map_err(|_| {
                let what = currency.map_or_else(|| "two".to_owned(), |c| format!("{c}'s {}", exp.0));
                format!("{field} {d} does not fit {what} decimals")
            })
        })
        .transpose()
}

/// A quantity or unit amount: exact as sent, normalised ("2.0" is "2").
fn plain(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.normalize().to_string())
}

/// A line of a document in `currency`, as the store and the detail views show it.
pub fn line(l: records::LineItem, currency: Option<Currency>) -> Result<db::Line, String> {
    Ok(db::Line {
        tax_amount: amount(l.tax_amount, currency, "TaxAmount")?.map(|a| a.text),
        line_amount: amount(l.line_amount, currency, "LineAmount")?.map(|a| a.text),
        line_item_id: l.line_item_id,
        description: l.description,
        quantity: plain(l.quantity),
        unit_amount: plain(l.unit_amount),
        account_code: l.account_code,
        tax_type: l.tax_type,
    })
}

fn invoice(r: records::Invoice, raw: String) -> MapResult<db::Invoice> {
    let id = r.invoice_id.clone();
    let c = r.currency;
    let at = |v, field| amount(v, c, field).map_err(|e| (id.clone(), e));
    let lines = match r.line_items {
        None => None,
        Some(items) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, l)| line(l, c).map_err(|e| (id.clone(), format!("LineItems[{i}]: {e}"))))
                .collect::<MapResult<Vec<_>>>()?,
        ),
    };
    Ok(db::Invoice {
        total: at(r.total, "Total")?,
        amount_due: at(r.amount_due, "AmountDue")?,
        amount_paid: at(r.amount_paid, "AmountPaid")?,
        invoice_id: r.invoice_id,
        number: r.number,
        type_: r.type_,
        status: r.status,
        contact_id: r.contact_id,
        contact_name: r.contact_name,
        reference: r.reference,
        date: r.date,
        due_date: r.due_date,
        currency: c,
        exponent: Exponent::of(c),
        updated: r.updated,
        lines,
        raw: db::Raw::packed(&raw),
    })
}

fn contact(r: records::Contact, raw: String) -> db::Contact {
    db::Contact {
        contact_id: r.contact_id,
        name: r.name,
        email: r.email,
        contact_number: r.contact_number,
        status: r.status,
        is_customer: r.is_customer,
        is_supplier: r.is_supplier,
        default_currency: r.default_currency,
        updated: r.updated,
        raw: db::Raw::text(raw),
    }
}

fn payment(r: records::SyncedPayment, raw: String) -> MapResult<db::Payment> {
    let amount = amount(r.amount, r.currency, "Amount").map_err(|e| (r.payment_id.clone(), e))?;
    Ok(db::Payment {
        payment_id: r.payment_id,
        invoice_id: r.invoice_id,
        date: r.date,
        currency: r.currency,
        exponent: Exponent::of(r.currency),
        amount,
        status: r.status,
        reference: r.reference,
        payment_type: r.payment_type,
        account_code: r.account_code,
        is_reconciled: r.is_reconciled,
        updated: r.updated,
        raw: db::Raw::text(raw),
    })
}

fn bank_transaction(r: records::BankTransaction, raw: String) -> MapResult<db::BankTransaction> {
    let id = r.bank_transaction_id.clone();
    let c = r.currency;
    // The lines stay in `raw` (the detail view reads them from there) but must fit too.
    for (i, l) in r.line_items.into_iter().flatten().enumerate() {
        line(l, c).map_err(|e| (id.clone(), format!("LineItems[{i}]: {e}")))?;
    }
    Ok(db::BankTransaction {
        total: amount(r.total, c, "Total").map_err(|e| (id, e))?,
        bank_transaction_id: r.bank_transaction_id,
        type_: r.type_,
        status: r.status,
        contact_id: r.contact_id,
        contact_name: r.contact_name,
        date: r.date,
        reference: r.reference,
        currency: c,
        exponent: Exponent::of(c),
        is_reconciled: r.is_reconciled,
        bank_account_code: r.bank_account_code,
        bank_account_name: r.bank_account_name,
        updated: r.updated,
        raw: db::Raw::text(raw),
    })
}

fn credit_note(r: records::CreditNote, raw: String) -> MapResult<db::CreditNote> {
    let id = r.credit_note_id.clone();
    let c = r.currency;
    let at = |v, field| amount(v, c, field).map_err(|e| (id.clone(), e));
    Ok(db::CreditNote {
        total: at(r.total, "Total")?,
        remaining_credit: at(r.remaining_credit, "RemainingCredit")?,
        credit_note_id: r.credit_note_id,
        number: r.number,
        type_: r.type_,
        status: r.status,
        contact_id: r.contact_id,
        contact_name: r.contact_name,
        date: r.date,
        currency: c,
        exponent: Exponent::of(c),
        updated: r.updated,
        raw: db::Raw::text(raw),
    })
}

fn account(r: records::Account, raw: String) -> db::Account {
    db::Account {
        account_id: r.account_id,
        code: r.code,
        name: r.name,
        type_: r.type_,
        class: r.class,
        status: r.status,
        currency: r.currency,
        enable_payments: r.enable_payments,
        updated: r.updated,
        raw: db::Raw::text(raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::{date, datetime};

    /// A yen invoice dated by its companion (the instant is 23:00 UTC the day before).
    fn invoice_json() -> Value {
        json!({"InvoiceID": "AB12CD34-0000-0000-0000-000000000001", "CurrencyCode": "JPY",
               "Date": "/Date(1767222000000+0000)/", "DateString": "2026-01-01T00:00:00",
               "Total": 1200.0, "AmountDue": "1200", "AmountPaid": 0, "UpdatedDateUTC": "/Date(1767348000000+0000)/",
               "LineItems": [{"Quantity": 2.0, "UnitAmount": 600, "LineAmount": 1200, "TaxAmount": 0}]})
    }

    fn invoices(records: &[Value]) -> Result<Vec<db::Invoice>, RowError> {
        match page(Resource::Invoices, records)? {
            Page::Invoices(v) => Ok(v),
            other => panic!("invoices map to invoice rows, not {other:?}"),
        }
    }

    #[test]
    fn a_yen_invoice_is_stored_at_zero_decimals() {
        let v = invoice_json();
        let i = &invoices(std::slice::from_ref(&v)).unwrap()[0];
        assert_eq!(i.invoice_id, "ab12cd34-0000-0000-0000-000000000001", "ids are lower-cased for the store");
        assert_eq!(i.exponent.unit(), 1, "a yen is its own minor unit");
        assert_eq!(i.total, Some(Amount { text: "1200".into(), minor: 1200 }), "not 1200.00, not 120000 minor");
        assert_eq!(i.amount_due, Some(Amount { text: "1200".into(), minor: 1200 }), "a numeric string reads the same");
        assert_eq!(i.amount_paid, Some(Amount { text: "0".into(), minor: 0 }));
        let line = &i.lines.as_ref().unwrap()[0];
        assert_eq!(
            (line.quantity.as_deref(), line.unit_amount.as_deref(), line.line_amount.as_deref()),
            (Some("2"), Some("600"), Some("1200"))
        );
        assert_eq!(i.date, Some(date!(2026 - 01 - 01)), "the DateString companion wins over the instant");
        assert_eq!(i.updated, Some(datetime!(2026-01-02 10:00 UTC)));
        assert_eq!(i.raw, db::Raw::packed(&v.to_string()), "the record as received rides along for the detail view");

        let mut half = invoice_json();
        half["Total"] = json!(1200.5);
        let err = invoices(&[invoice_json(), half]).unwrap_err();
        assert_eq!(err.id, "ab12cd34-0000-0000-0000-000000000001", "the record is named: {err}");
        assert!(err.to_string().contains("Total") && err.to_string().contains("JPY"), "half a yen is refused: {err}");
        let mut line_half = invoice_json();
        line_half["LineItems"][0]["LineAmount"] = json!(0.5);
        let err = invoices(&[line_half]).unwrap_err();
        assert!(err.reason.contains("LineItems[0]") && err.reason.contains("LineAmount"), "{err}");
    }

    #[test]
    fn a_leading_plus_in_a_xero_date_is_judged_by_the_one_parser_on_every_path() {
        let mut plus = invoice_json();
        plus["UpdatedDateUTC"] = json!("/Date(+1767348000000+0000)/");
        // The provider's parser refuses it (xero.md §6: the sign belongs to negative instants only),
        // so the sink refuses the record by name and the engine finds no high-water mark in it:
        // the column and the mark can no longer disagree as the store's own parser made them.
        let err = invoices(&[plus.clone()]).unwrap_err();
        assert!(err.reason.contains("UpdatedDateUTC"), "the field is named: {err}");
        assert_eq!(records::updated(&plus), None, "the engine reads the same value the same way");
        assert!(xp_xero::dates::parse_ms_date("/Date(+1767348000000+0000)/").is_err());

        // Surrounding blanks, which the store's former parser refused, are read alike everywhere.
        let mut blanks = invoice_json();
        blanks["UpdatedDateUTC"] = json!(" /Date(1767348000000+0000)/ ");
        let stored = invoices(std::slice::from_ref(&blanks)).unwrap()[0].updated;
        assert_eq!(stored, records::updated(&blanks), "the stored time and the engine's mark agree");
        assert_eq!(stored, Some(datetime!(2026-01-02 10:00 UTC)));
    }

    #[test]
    fn missing_optional_fields_are_stored_as_absent() {
        let bare = json!({"InvoiceID": "0000000a-0000-0000-0000-000000000001"});
        let i = &invoices(std::slice::from_ref(&bare)).unwrap()[0];
        assert_eq!((i.number.as_ref(), i.contact_id.as_ref(), i.date, i.currency), (None, None, None, None));
        assert_eq!((i.total.as_ref(), i.updated), (None, None), "no amount is not a zero amount");
        assert_eq!(i.lines, None, "no LineItems keeps the stored lines; an empty list would remove them");
        assert_eq!(i.exponent.unit(), 100, "no currency: Xero's two decimals");

        let p = json!({"PaymentID": "0000000b-0000-0000-0000-000000000001", "Amount": 10.5});
        let Page::Payments(ps) = page(Resource::Payments, &[p]).unwrap() else { panic!("payments") };
        assert_eq!(ps[0].amount, Some(Amount { text: "10.50".into(), minor: 1050 }));
        assert_eq!((ps[0].currency, ps[0].invoice_id.as_ref(), ps[0].is_reconciled), (None, None, None));

        let c = json!({"ContactID": "0000000c-0000-0000-0000-000000000001", "Name": "Ada"});
        let Page::Contacts(cs) = page(Resource::Contacts, &[c]).unwrap() else { panic!("contacts") };
        assert_eq!((cs[0].is_customer, cs[0].is_supplier), (None, None), "absent flags keep the stored ones");

        let Page::Reference(list) = page(Resource::TaxRates, &[json!({"Name": "GST"}), json!({})]).unwrap() else {
            panic!("tax rates are a reference list")
        };
        assert_eq!(list.resource, xp_store::xero::Resource::TaxRates);
        assert_eq!(list.records, [r#"{"Name":"GST"}"#, "{}"], "kept as received, one JSON text each");
    }

    #[test]
    fn a_bank_transaction_whose_line_does_not_fit_its_currency_is_refused() {
        let b = json!({"BankTransactionID": "0000000d-0000-0000-0000-000000000001", "CurrencyCode": "KWD", "Total": 1.5,
                       "LineItems": [{"LineAmount": 1.5}, {"LineAmount": 0.0001}]});
        let err = page(Resource::BankTransactions, std::slice::from_ref(&b)).unwrap_err();
        assert!(err.reason.contains("LineItems[1]"), "the line is named: {err}");
        let mut ok = b;
        ok["LineItems"][1]["LineAmount"] = json!(0.001);
        let Page::BankTransactions(bs) = page(Resource::BankTransactions, &[ok]).unwrap() else { panic!() };
        assert_eq!(bs[0].total, Some(Amount { text: "1.500".into(), minor: 1500 }), "the dinar has thousandths");
    }
}
