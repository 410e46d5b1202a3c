//! Exports of synced records as CSV or JSON, straight from the local store (works offline).

use crate::{Error, Result};
use serde_json::{Map, Value};
use std::io::Write;
use xp_store::xero::export::{export_table, ExportKind};
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

    fn table(self) -> ExportKind {
        match self {
            Kind::Invoices => ExportKind::Invoices,
            Kind::Contacts => ExportKind::Contacts,
            Kind::Payments => ExportKind::Payments,
            Kind::BankTransactions => ExportKind::BankTransactions,
        }
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
    let organisation_id = crate::invoices::organisation_filter(&organisation_id.map(str::to_owned))?;
    let table = export_table(store, kind.table(), organisation_id).await?;
    let io = |e: std::io::Error| Error::Invalid(format!("cannot write the export: {e}"));
    let text = |c: &Option<String>| c.clone().unwrap_or_default();
    match format {
        Format::Csv => {
            writeln!(out, "{}", table.columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","))
                .map_err(io)?;
            for r in &table.rows {
                let line: Vec<String> = table
                    .columns
                    .iter()
                    .zip(r)
                    .map(|(c, v)| {
                        if ExportKind::is_amount(c) {
                            csv_field(&text(v))
                        } else {
                            csv_field(&guard_formula(&text(v)))
                        }
                    })
                    .collect();
                writeln!(out, "{}", line.join(",")).map_err(io)?;
            }
        }
        Format::Json => {
            let list: Vec<Value> = table
                .rows
                .iter()
                .map(|r| {
                    let m: Map<String, Value> = table
                        .columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| {
                            (c.clone(), v.clone().filter(|v| !v.is_empty()).map_or(Value::Null, Value::String))
                        })
                        .collect();
                    Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(|e| Error::Invalid(e.to_string()))?;
            writeln!(out).map_err(io)?;
        }
    }
    Ok(table.rows.len() as u64)
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
    }
}
