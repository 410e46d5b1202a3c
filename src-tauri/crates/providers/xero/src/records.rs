//! Synced Xero records as typed values: the one place that reads Xero's wire format for them
//! (field names, `/Date(…)/` and `*String` dates, numbers as exact decimals; xero.md §5, §6,
//! §13). Pure functions over a page's JSON; [`parse_page`] checks every record of a page before
//! returning any, so a malformed record stops the page before its first row is written.

use crate::dates;
use crate::{Error, Resource, Result};
use rust_decimal::Decimal;
use serde_json::Value;
use time::{Date, OffsetDateTime};
use xp_core::Currency;

/// Why one record cannot be read; [`parse_page`] adds which record it was.
type FieldResult<T> = std::result::Result<T, String>;

/// A line of an invoice or a bank transaction. Amounts are in the document's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub line_item_id: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit_amount: Option<Decimal>,
    pub account_code: Option<String>,
    pub tax_type: Option<String>,
    pub tax_amount: Option<Decimal>,
    pub line_amount: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
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
    pub total: Option<Decimal>,
    pub amount_due: Option<Decimal>,
    pub amount_paid: Option<Decimal>,
    pub updated: Option<OffsetDateTime>,
    /// None when the record carries no `LineItems` (a summary listing), which is not an empty list.
    pub line_items: Option<Vec<LineItem>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub contact_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub contact_number: Option<String>,
    pub status: Option<String>,
    /// Computed by Xero and absent from summary records (xero.md §8, §13).
    pub is_customer: Option<bool>,
    pub is_supplier: Option<bool>,
    pub default_currency: Option<String>,
    pub updated: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedPayment {
    pub payment_id: String,
    pub invoice_id: Option<String>,
    pub date: Option<Date>,
    pub amount: Option<Decimal>,
    /// The payment's own code when Xero sends it, otherwise its invoice's or credit note's.
    pub currency: Option<Currency>,
    pub status: Option<String>,
    pub reference: Option<String>,
    pub payment_type: Option<String>,
    pub account_code: Option<String>,
    pub is_reconciled: Option<bool>,
    pub updated: Option<OffsetDateTime>,
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
    pub total: Option<Decimal>,
    pub is_reconciled: Option<bool>,
    pub bank_account_code: Option<String>,
    pub bank_account_name: Option<String>,
    pub updated: Option<OffsetDateTime>,
    pub line_items: Option<Vec<LineItem>>,
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
    pub total: Option<Decimal>,
    pub remaining_credit: Option<Decimal>,
    pub updated: Option<OffsetDateTime>,
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
}

/// One page of one resource, typed. The small lists fetched whole (Organisation, Currencies,
/// TaxRates) have no columns of their own: they are checked to be objects and kept as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Records {
    Invoices(Vec<Invoice>),
    Contacts(Vec<Contact>),
    Payments(Vec<SyncedPayment>),
    BankTransactions(Vec<BankTransaction>),
    CreditNotes(Vec<CreditNote>),
    Accounts(Vec<Account>),
    Reference(Resource),
}

/// Reads every record of a page of `resource`, or names the first one that cannot be read.
pub fn parse_page(resource: Resource, records: &[Value]) -> Result<Records> {
    fn all<T>(resource: Resource, records: &[Value], one: impl Fn(&Value, String) -> FieldResult<T>) -> Result<Vec<T>> {
        let id_field = resource.id_field();
        records
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let invalid =
                    |id: String, reason: String| Error::InvalidRecord { resource: resource.url_name(), id, reason };
                if !v.is_object() {
                    return Err(invalid(format!("#{i} of the page"), "not a JSON object".into()));
                }
                let id = match guid(v, &[id_field]) {
                    Ok(Some(id)) => id,
                    Ok(None) => return Err(invalid(format!("#{i} of the page"), format!("it has no {id_field}"))),
                    Err(e) => return Err(invalid(format!("#{i} of the page"), e)),
                };
                one(v, id.clone()).map_err(|e| invalid(id, e))
            })
            .collect()
    }
    Ok(match resource {
        Resource::Invoices => Records::Invoices(all(resource, records, invoice)?),
        Resource::Contacts => Records::Contacts(all(resource, records, contact)?),
        Resource::Payments => Records::Payments(all(resource, records, payment)?),
        Resource::BankTransactions => Records::BankTransactions(all(resource, records, bank_transaction)?),
        Resource::CreditNotes => Records::CreditNotes(all(resource, records, credit_note)?),
        Resource::Accounts => Records::Accounts(all(resource, records, account)?),
        Resource::Organisation | Resource::Currencies | Resource::TaxRates => {
            if let Some(i) = records.iter().position(|v| !v.is_object()) {
                return Err(Error::InvalidRecord {
                    resource: resource.url_name(),
                    id: format!("#{i} of the list"),
                    reason: "not a JSON object".into(),
                });
            }
            Records::Reference(resource)
        }
    })
}

/// The record's id as the store keys it: lower-cased, because Xero compares GUIDs
/// case-insensitively and the store by bytes.
pub fn record_id(resource: Resource, record: &Value) -> Option<String> {
    guid(record, &[resource.id_field()]).ok().flatten()
}

/// The payments an invoice record lists under `Payments` (xero.md §5): what the detail view shows
/// until the Payments feed has brought the payments themselves. Lenient, because it is only a
/// preview: an entry that cannot be read is left out, not an error.
pub fn invoice_payments(invoice: &Value) -> Vec<SyncedPayment> {
    let Some(Value::Array(items)) = invoice.get("Payments") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|p| {
            let id = guid(p, &["PaymentID"]).ok().flatten()?;
            payment(p, id).ok()
        })
        .collect()
}

/// `UpdatedDateUTC`, the high-water mark of incremental reads (xero.md §8).
pub fn updated(record: &Value) -> Option<OffsetDateTime> {
    timestamp(record, "UpdatedDateUTC").ok().flatten()
}

fn invoice(v: &Value, invoice_id: String) -> FieldResult<Invoice> {
    Ok(Invoice {
        invoice_id,
        number: text(v, &["InvoiceNumber"])?,
        type_: text(v, &["Type"])?,
        status: text(v, &["Status"])?,
        contact_id: guid(v, &["Contact", "ContactID"])?,
        contact_name: text(v, &["Contact", "Name"])?,
        reference: text(v, &["Reference"])?,
        date: calendar_date(v, "Date")?,
        due_date: calendar_date(v, "DueDate")?,
        currency: currency(v, &["CurrencyCode"])?,
        total: decimal(v, "Total")?,
        amount_due: decimal(v, "AmountDue")?,
        amount_paid: decimal(v, "AmountPaid")?,
        updated: timestamp(v, "UpdatedDateUTC")?,
        line_items: line_items(v)?,
    })
}

fn contact(v: &Value, contact_id: String) -> FieldResult<Contact> {
    Ok(Contact {
        contact_id,
        name: text(v, &["Name"])?,
        email: text(v, &["EmailAddress"])?,
        contact_number: text(v, &["ContactNumber"])?,
        status: text(v, &["ContactStatus"])?,
        is_customer: flag(v, "IsCustomer")?,
        is_supplier: flag(v, "IsSupplier")?,
        default_currency: text(v, &["DefaultCurrency"])?,
        updated: timestamp(v, "UpdatedDateUTC")?,
    })
}

fn payment(v: &Value, payment_id: String) -> FieldResult<SyncedPayment> {
    // A payment's currency is its document's; the top-level code is there when Xero sends it.
    let currency = match currency(v, &["CurrencyCode"])? {
        Some(c) => Some(c),
        None => match currency(v, &["Invoice", "CurrencyCode"])? {
            Some(c) => Some(c),
            None => currency(v, &["CreditNote", "CurrencyCode"])?,
        },
    };
    Ok(SyncedPayment {
        payment_id,
        invoice_id: guid(v, &["Invoice", "InvoiceID"])?,
        date: calendar_date(v, "Date")?,
        amount: decimal(v, "Amount")?,
        currency,
        status: text(v, &["Status"])?,
        reference: text(v, &["Reference"])?,
        payment_type: text(v, &["PaymentType"])?,
        account_code: text(v, &["Account", "Code"])?,
        is_reconciled: flag(v, "IsReconciled")?,
        updated: timestamp(v, "UpdatedDateUTC")?,
    })
}

fn bank_transaction(v: &Value, bank_transaction_id: String) -> FieldResult<BankTransaction> {
    Ok(BankTransaction {
        bank_transaction_id,
        type_: text(v, &["Type"])?,
        status: text(v, &["Status"])?,
        contact_id: guid(v, &["Contact", "ContactID"])?,
        contact_name: text(v, &["Contact", "Name"])?,
        date: calendar_date(v, "Date")?,
        reference: text(v, &["Reference"])?,
        currency: currency(v, &["CurrencyCode"])?,
        total: decimal(v, "Total")?,
        is_reconciled: flag(v, "IsReconciled")?,
        bank_account_code: text(v, &["BankAccount", "Code"])?,
        bank_account_name: text(v, &["BankAccount", "Name"])?,
        updated: timestamp(v, "UpdatedDateUTC")?,
        line_items: line_items(v)?,
    })
}

fn credit_note(v: &Value, credit_note_id: String) -> FieldResult<CreditNote> {
    Ok(CreditNote {
        credit_note_id,
        number: text(v, &["CreditNoteNumber"])?,
        type_: text(v, &["Type"])?,
        status: text(v, &["Status"])?,
        contact_id: guid(v, &["Contact", "ContactID"])?,
        contact_name: text(v, &["Contact", "Name"])?,
        date: calendar_date(v, "Date")?,
        currency: currency(v, &["CurrencyCode"])?,
        total: decimal(v, "Total")?,
        remaining_credit: decimal(v, "RemainingCredit")?,
        updated: timestamp(v, "UpdatedDateUTC")?,
    })
}

fn account(v: &Value, account_id: String) -> FieldResult<Account> {
    Ok(Account {
        account_id,
        code: text(v, &["Code"])?,
        name: text(v, &["Name"])?,
        type_: text(v, &["Type"])?,
        class: text(v, &["Class"])?,
        status: text(v, &["Status"])?,
        currency: text(v, &["CurrencyCode"])?,
        enable_payments: flag(v, "EnablePaymentsToAccount")?,
        updated: timestamp(v, "UpdatedDateUTC")?,
    })
}

/// `LineItems`: None when the record carries none (a summary listing), so stored lines stay.
pub fn line_items(record: &Value) -> FieldResult<Option<Vec<LineItem>>> {
    match record.get("LineItems") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, l)| line_item(l).map_err(|e| format!("LineItems[{i}]: {e}")))
            .collect::<FieldResult<Vec<_>>>()
            .map(Some),
        Some(other) => Err(format!("LineItems {other} is not a list")),
    }
}

fn line_item(l: &Value) -> FieldResult<LineItem> {
    if !l.is_object() {
        return Err("not an object".into());
    }
    Ok(LineItem {
        line_item_id: guid(l, &["LineItemID"])?,
        description: text(l, &["Description"])?,
        quantity: decimal(l, "Quantity")?,
        unit_amount: decimal(l, "UnitAmount")?,
        account_code: text(l, &["AccountCode"])?,
        tax_type: text(l, &["TaxType"])?,
        tax_amount: decimal(l, "TaxAmount")?,
        line_amount: decimal(l, "LineAmount")?,
    })
}

fn text(record: &Value, path: &[&str]) -> FieldResult<Option<String>> {
    let mut v = record;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return Ok(None),
        }
    }
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!("{} {other} is not text", path.join("."))),
    }
}

/// A Xero id: a GUID (8-4-4-4-12 hex digits), lower-cased. Anything else is refused here, so an
/// id that reaches the store, a link to Xero or a query is never more than a GUID (security
/// review 2026-12 #14).
fn guid(record: &Value, path: &[&str]) -> FieldResult<Option<String>> {
    let Some(id) = text(record, path)?.map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if is_guid(&id) {
        Ok(Some(id))
    } else {
        Err(format!("{} {:?} is not a Xero id (a GUID)", path.join("."), id.chars().take(60).collect::<String>()))
    }
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn flag(record: &Value, field: &str) -> FieldResult<Option<bool>> {
    match record.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!("{field} {other} is not true/false")),
    }
}

fn currency(record: &Value, path: &[&str]) -> FieldResult<Option<Currency>> {
    text(record, path)?
        .map(|code| Currency::parse(&code).map_err(|_| format!("{} {code:?} is not a currency", path.join("."))))
        .transpose()
}

/// A JSON number or numeric string as an exact decimal. serde_json prints a number with the
/// shortest text that reads back to the same value, so `1200.5` arrives as "1200.5": the
/// decimal is taken from that text, never from f64 arithmetic.
fn decimal(record: &Value, field: &str) -> FieldResult<Option<Decimal>> {
    let text = match record.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => return Err(format!("{field} {other} is not a number")),
    };
    let parsed =
        if text.contains(['e', 'E']) { Decimal::from_scientific(&text) } else { Decimal::from_str_exact(&text) };
    parsed.map(Some).map_err(|_| format!("{field} {text:?} is not a decimal amount"))
}

fn timestamp(record: &Value, field: &str) -> FieldResult<Option<OffsetDateTime>> {
    match record.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => dates::parse_ms_date(s).map(Some).map_err(|e| format!("{field} {e}")),
        Some(other) => Err(format!("{field} {other} is not a Xero date")),
    }
}

/// A calendar date. The `{field}String` companion wins when present (converting the instant
/// through a zone can shift a date by a day, xero.md §13); otherwise the `/Date(…)/` value at
/// its own offset, or a plain ISO date as requests (and some responses) carry. The field itself
/// must be readable either way: a record with a broken date is a broken record.
fn calendar_date(record: &Value, field: &str) -> FieldResult<Option<Date>> {
    let from_field = match record.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim_start().starts_with("/Date(") => {
            Some(dates::parse_ms_date(s).map(|t| t.date()).map_err(|e| format!("{field} {e}"))?)
        }
        Some(Value::String(s)) => {
            Some(dates::parse_date_string(s).map(|d| d.date()).map_err(|e| format!("{field} {e}"))?)
        }
        Some(other) => return Err(format!("{field} {other} is not a Xero date")),
    };
    let companion = format!("{field}String");
    match record.get(&companion) {
        None | Some(Value::Null) => Ok(from_field),
        Some(Value::String(s)) => {
            dates::parse_date_string(s).map(|d| Some(d.date())).map_err(|e| format!("{companion} {e}"))
        }
        Some(other) => Err(format!("{companion} {other} is not a date")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::{date, datetime};

    fn invoice_json() -> Value {
        json!({
            "InvoiceID": "AB12CD34-0000-0000-0000-000000000001", "InvoiceNumber": "INV-1", "Type": "ACCREC",
            "Status": "AUTHORISED", "Contact": {"ContactID": "C0FFEE00-0000-0000-0000-000000000001", "Name": "Müller"},
            "Date": "/Date(1767222000000+0000)/", "DateString": "2026-01-01T00:00:00",
            "DueDate": "/Date(1768435200000+0000)/", "CurrencyCode": "jpy", "Total": 1200.0, "AmountDue": "1200",
            "AmountPaid": 0, "UpdatedDateUTC": "/Date(1767348000000+0000)/",
            "LineItems": [{"Quantity": 2.0, "UnitAmount": 12.3456, "LineAmount": 24.69, "TaxAmount": 0.1}]
        })
    }

    #[test]
    fn an_invoice_reads_into_typed_fields() {
        let Records::Invoices(page) = parse_page(Resource::Invoices, &[invoice_json()]).unwrap() else {
            panic!("invoices read as invoices")
        };
        let i = &page[0];
        assert_eq!(i.invoice_id, "ab12cd34-0000-0000-0000-000000000001", "ids are lower-cased for the store");
        assert_eq!(i.date, Some(date!(2026 - 01 - 01)), "the companion wins over the instant (23:00 on the 31st)");
        assert_eq!(i.due_date, Some(date!(2026 - 01 - 15)));
        assert_eq!(i.currency.map(|c| c.code().to_owned()).as_deref(), Some("JPY"));
        assert_eq!(i.total, Some(Decimal::new(12000, 1)));
        assert_eq!(i.updated, Some(datetime!(2026-01-02 10:00 UTC)));
        let line = &i.line_items.as_ref().unwrap()[0];
        assert_eq!(line.unit_amount, Some(Decimal::new(123_456, 4)));
        assert_eq!(line.tax_amount, Some(Decimal::new(1, 1)), "0.1 is not 0.1000000000000000055511");
    }

    #[test]
    fn line_items_absent_is_not_line_items_empty() {
        let mut v = invoice_json();
        v.as_object_mut().unwrap().remove("LineItems");
        let Records::Invoices(page) = parse_page(Resource::Invoices, &[v.clone()]).unwrap() else { panic!() };
        assert_eq!(page[0].line_items, None);
        v["LineItems"] = json!([]);
        let Records::Invoices(page) = parse_page(Resource::Invoices, &[v]).unwrap() else { panic!() };
        assert_eq!(page[0].line_items, Some(vec![]));
    }

    #[test]
    fn one_bad_record_fails_the_page_and_is_named() {
        type Spoil = Box<dyn Fn(&mut Value)>;
        let cases: [(&str, Spoil, &str); 8] = [
            ("text total", Box::new(|v| v["Total"] = json!("twelve")), "Total"),
            ("broken date", Box::new(|v| v["DueDate"] = json!("/Date(yesterday)/")), "DueDate"),
            ("impossible companion", Box::new(|v| v["DateString"] = json!("2026-02-30T00:00:00")), "DateString"),
            ("a leading plus", Box::new(|v| v["UpdatedDateUTC"] = json!("/Date(+1767348000000)/")), "UpdatedDateUTC"),
            ("line amount", Box::new(|v| v["LineItems"][0]["LineAmount"] = json!([1])), "LineItems[0]"),
            ("status not text", Box::new(|v| v["Status"] = json!(7)), "Status"),
            ("no currency", Box::new(|v| v["CurrencyCode"] = json!("E-R")), "CurrencyCode"),
            // Security review 2026-12 #14: a Xero id is a GUID, nothing that could add to a link.
            (
                "contact id",
                Box::new(|v| v["Contact"]["ContactID"] = json!("c1&redirecturl=https://evil.example")),
                "Contact.ContactID",
            ),
        ];
        for (name, spoil, field) in cases {
            let mut bad = invoice_json();
            spoil(&mut bad);
            let err = parse_page(Resource::Invoices, &[invoice_json(), bad]).unwrap_err().to_string();
            assert!(
                err.contains("ab12cd34") && err.contains(field),
                "{name}: the message names record and field: {err}"
            );
        }
        let mut no_id = invoice_json();
        no_id.as_object_mut().unwrap().remove("InvoiceID");
        let err = parse_page(Resource::Invoices, &[invoice_json(), no_id]).unwrap_err().to_string();
        assert!(err.contains("#1") && err.contains("InvoiceID"), "{err}");
        for not_guid in [
            "I1",
            "ab12cd34-0000-0000-0000-00000000000",
            "ab12cd34-0000-0000-0000-00000000000g",
            "{ab12cd34-0000-0000-0000-000000000001}",
        ] {
            let mut bad = invoice_json();
            bad["InvoiceID"] = json!(not_guid);
            let err = parse_page(Resource::Invoices, &[bad]).unwrap_err().to_string();
            assert!(err.contains("InvoiceID") && err.contains("not a Xero id"), "{not_guid}: {err}");
        }
        assert!(parse_page(Resource::Contacts, &[json!("just text")]).is_err());
        assert!(parse_page(Resource::Currencies, &[json!(1)]).is_err());
        assert_eq!(parse_page(Resource::TaxRates, &[json!({})]).unwrap(), Records::Reference(Resource::TaxRates));
    }

    #[test]
    fn a_payment_takes_its_documents_currency() {
        let p = json!({"PaymentID": "0000000A-0000-0000-0000-0000000000B1", "Amount": 10.5,
                         "Invoice": {"InvoiceID": "0000000A-0000-0000-0000-0000000000C1", "CurrencyCode": "KWD"}});
        let Records::Payments(page) = parse_page(Resource::Payments, &[p]).unwrap() else { panic!() };
        assert_eq!(page[0].currency.map(|c| c.minor_units()), Some(3));
        assert_eq!(page[0].invoice_id.as_deref(), Some("0000000a-0000-0000-0000-0000000000c1"));
    }

    #[test]
    fn ids_and_timestamps_for_the_engine() {
        let v = invoice_json();
        assert_eq!(record_id(Resource::Invoices, &v).as_deref(), Some("ab12cd34-0000-0000-0000-000000000001"));
        assert_eq!(updated(&v), Some(datetime!(2026-01-02 10:00 UTC)));
        assert_eq!(
            updated(&json!({"UpdatedDateUTC": " /Date(1767348000000)/ "})),
            Some(datetime!(2026-01-02 10:00 UTC))
        );
    }
}
