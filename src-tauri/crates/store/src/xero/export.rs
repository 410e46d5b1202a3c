//! What an export of synced Xero records reads: the columns, in order, and their cells as text.
//! Amounts are the exact decimal text as synced; the organisation's name is joined so a file
//! from many clients reads well. Formatting (CSV, JSON, formula guards) is the caller's.

use crate::{Result, Store};
use sqlx::{Column, Row};

/// The lists that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Invoices,
    Contacts,
    Payments,
    BankTransactions,
}

/// An export's table: `rows[i][j]` is the cell of `columns[j]` (None for an empty cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

impl ExportKind {
    fn sql(self) -> &'static str {
        match self {
            ExportKind::Invoices => "SELECT o.name AS organisation, i.number, i.type, i.status, i.contact_name AS contact, i.reference, \
                               i.date, i.due_date, i.currency, i.total, i.amount_paid, i.amount_due, i.invoice_id \
                               FROM xero_invoices i JOIN organisations o ON o.org_key = i.org_key \
                               WHERE (?1 IS NULL OR o.id = ?1) ORDER BY o.name, i.date, i.number",
            ExportKind::Contacts => "SELECT o.name AS organisation, c.name, c.email, c.contact_number, c.status, c.is_customer, c.is_supplier, \
                               c.default_currency, c.contact_id FROM xero_contacts c JOIN organisations o ON o.org_key = c.org_key \
                               WHERE (?1 IS NULL OR o.id = ?1) ORDER BY o.name, c.name",
            ExportKind::Payments => "SELECT o.name AS organisation, p.date, p.amount, p.currency, p.status, p.reference, p.payment_type, \
                               p.account_code, p.invoice_id, p.payment_id FROM xero_payments p JOIN organisations o ON o.org_key = p.org_key \
                               WHERE (?1 IS NULL OR o.id = ?1) ORDER BY o.name, p.date",
            ExportKind::BankTransactions => "SELECT o.name AS organisation, b.date, b.type, b.status, b.contact_name AS contact, b.reference, \
                               b.currency, b.total, b.is_reconciled, b.bank_account_name, b.bank_transaction_id \
                               FROM xero_bank_transactions b JOIN organisations o ON o.org_key = b.org_key \
                               WHERE (?1 IS NULL OR o.id = ?1) ORDER BY o.name, b.date",
        }
    }

    /// The column names, also when nothing matches (from the SELECT list).
    pub fn columns(self) -> Vec<String> {
        let sql = self.sql();
        let select = &sql["SELECT ".len()..sql.find(" FROM ").unwrap_or(sql.len())];
        select.split(',').map(|c| c.trim().rsplit([' ', '.']).next().unwrap_or("").to_owned()).collect()
    }

    /// Columns holding amounts (exact decimal text).
    pub fn is_amount(column: &str) -> bool {
        matches!(column, "total" | "amount_paid" | "amount_due" | "amount")
    }
}

/// Every record of `kind`, of one organisation or of all.
pub async fn export_table(
    store: &Store,
    kind: ExportKind,
    organisation_id: Option<xp_core::ids::OrganisationId>,
) -> Result<ExportTable> {
    let rows = sqlx::query(kind.sql()).bind(organisation_id.map(|o| o.to_string())).fetch_all(store.pool()).await?;
    let columns = match rows.first() {
        Some(r) => r.columns().iter().map(|c| c.name().to_owned()).collect(),
        None => kind.columns(),
    };
    let rows = rows.iter().map(|r| (0..columns.len()).map(|i| cell(r, i)).collect()).collect();
    Ok(ExportTable { columns, rows })
}

fn cell(r: &sqlx::sqlite::SqliteRow, i: usize) -> Option<String> {
    if let Ok(Some(s)) = r.try_get::<Option<String>, _>(i) {
        return Some(s);
    }
    if let Ok(Some(n)) = r.try_get::<Option<i64>, _>(i) {
        return Some(n.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_of_an_empty_export_come_from_the_select_list() {
        assert_eq!(ExportKind::Payments.columns()[0], "organisation");
        assert_eq!(ExportKind::Invoices.columns()[1], "number");
        assert_eq!(ExportKind::Invoices.columns()[4], "contact");
        assert!(ExportKind::is_amount("total") && !ExportKind::is_amount("reference"));
    }
}
