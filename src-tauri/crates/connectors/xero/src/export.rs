//! Exports of synced records as CSV or JSON, straight from the local store (works offline).

use crate::{Error, Result};
use serde_json::{Map, Value};
use sqlx::{Column, Row};
use std::io::Write;
use xp_store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invoices,
    Contacts,
    Payments,
    BankTransactions,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "invoices" => Some(Kind::Invoices),
            "contacts" => Some(Kind::Contacts),
            "payments" => Some(Kind::Payments),
            "bank-transactions" => Some(Kind::BankTransactions),
            _ => None,
        }
    }

    /// Columns exported, in order, and the SQL that reads them. Amounts are the exact decimal
    /// text as synced; the organisation's name is joined so a file from many clients reads well.
    fn sql(self) -> &'static str {
        match self {
            Kind::Invoices => "SELECT o.name AS organisation, i.number, i.type, i.status, i.contact_name AS contact, i.reference, \
                               i.date, i.due_date, i.currency, i.total, i.amount_paid, i.amount_due, i.invoice_id \
                               FROM xero_invoices i JOIN organisations o ON o.id = i.organisation_id \
                               WHERE (?1 IS NULL OR i.organisation_id = ?1) ORDER BY o.name, i.date, i.number",
            Kind::Contacts => "SELECT o.name AS organisation, c.name, c.email, c.contact_number, c.status, c.is_customer, c.is_supplier, \
                               c.default_currency, c.contact_id FROM xero_contacts c JOIN organisations o ON o.id = c.organisation_id \
                               WHERE (?1 IS NULL OR c.organisation_id = ?1) ORDER BY o.name, c.name",
            Kind::Payments => "SELECT o.name AS organisation, p.date, p.amount, p.currency, p.status, p.reference, p.payment_type, \
                               p.account_code, p.invoice_id, p.payment_id FROM xero_payments p JOIN organisations o ON o.id = p.organisation_id \
                               WHERE (?1 IS NULL OR p.organisation_id = ?1) ORDER BY o.name, p.date",
            Kind::BankTransactions => "SELECT o.name AS organisation, b.date, b.type, b.status, b.contact_name AS contact, b.reference, \
                               b.currency, b.total, b.is_reconciled, b.bank_account_name, b.bank_transaction_id \
                               FROM xero_bank_transactions b JOIN organisations o ON o.id = b.organisation_id \
                               WHERE (?1 IS NULL OR b.organisation_id = ?1) ORDER BY o.name, b.date",
        }
    }

    /// Columns holding amounts: never touched by the formula guard.
    fn is_amount(column: &str) -> bool {
        matches!(column, "total" | "amount_paid" | "amount_due" | "amount")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// Writes every record of `kind` (optionally of one organisation); returns how many.
pub async fn export(
    store: &Store,
    kind: Kind,
    format: Format,
    organisation_id: Option<&str>,
    out: &mut dyn Write,
) -> Result<u64> {
    let rows =
        sqlx::query(kind.sql()).bind(organisation_id).fetch_all(store.pool()).await.map_err(xp_store::Error::from)?;
    let io = |e: std::io::Error| Error::Invalid(format!("cannot write the export: {e}"));
    let columns: Vec<String> =
        rows.first().map(|r| r.columns().iter().map(|c| c.name().to_owned()).collect()).unwrap_or_default();
    match format {
        Format::Csv => {
            let header = if columns.is_empty() { header_of(kind) } else { columns.clone() };
            writeln!(out, "{}", header.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",")).map_err(io)?;
            for r in &rows {
                let line: Vec<String> = columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let v = cell(r, i);
                        if Kind::is_amount(c) {
                            csv_field(&v)
                        } else {
                            csv_field(&guard_formula(&v))
                        }
                    })
                    .collect();
                writeln!(out, "{}", line.join(",")).map_err(io)?;
            }
        }
        Format::Json => {
            let list: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for (i, c) in columns.iter().enumerate() {
                        let v = cell(r, i);
                        m.insert(c.clone(), if v.is_empty() { Value::Null } else { Value::String(v) });
                    }
                    Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(|e| Error::Invalid(e.to_string()))?;
            writeln!(out).map_err(io)?;
        }
    }
    Ok(rows.len() as u64)
}

fn header_of(kind: Kind) -> Vec<String> {
    // Column names of an empty result, from the SELECT list.
    let sql = kind.sql();
    let select = &sql["SELECT ".len()..sql.find(" FROM ").unwrap_or(sql.len())];
    select.split(',').map(|c| c.trim().rsplit([' ', '.']).next().unwrap_or("").to_owned()).collect()
}

fn cell(r: &sqlx::sqlite::SqliteRow, i: usize) -> String {
    if let Ok(Some(s)) = r.try_get::<Option<String>, _>(i) {
        return s;
    }
    if let Ok(Some(n)) = r.try_get::<Option<i64>, _>(i) {
        return n.to_string();
    }
    String::new()
}

/// RFC 4180 quoting.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe (OWASP "CSV injection"); contact names come from other people.
fn guard_formula(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_guards_fields() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(guard_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_formula("Müller GmbH"), "Müller GmbH");
        assert!(Kind::is_amount("total"));
        assert_eq!(header_of(Kind::Payments)[0], "organisation");
        assert_eq!(header_of(Kind::Invoices)[1], "number");
    }
}
