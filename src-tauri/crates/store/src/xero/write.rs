//! Writes from the sync engine. Every function takes the caller's connection so a page of
//! records and its cursor commit together (or not at all).

use super::parse::{self, FieldResult, Line};
use super::Resource;
use crate::{Error, Result};
use serde_json::Value;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};

/// A bound value. SQL text is only ever built from the constant column lists below.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
}

/// The arguments for `sqlx::query_with` / `query_scalar_with`.
pub(crate) fn args(vals: Vec<Val>) -> Result<SqliteArguments<'static>> {
    let mut a = SqliteArguments::default();
    for v in vals {
        match v {
            Val::Text(t) => a.add(t),
            Val::Int(i) => a.add(i),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

/// One keyed table: its name, the Xero id column and the typed columns after it.
struct Table {
    name: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
    /// Where the raw JSON goes: a `raw` column of the table itself, or a side table keyed by id.
    raw_table: Option<&'static str>,
    /// A column the upsert returns beside the id (`0` when none is needed).
    returning: &'static str,
    /// `SET` expressions replacing the plain `col = excluded.col` for some columns.
    special: &'static [(&'static str, &'static str)],
}

const INVOICES: Table = Table {
    name: "xero_invoices",
    key: "invoice_id",
    columns: &[
        "number",
        "type",
        "status",
        "contact_id",
        "contact_name",
        "reference",
        "date",
        "due_date",
        "currency",
        "total",
        "amount_due",
        "amount_paid",
        "total_minor",
        "amount_due_minor",
        "updated_utc",
        "has_line_items",
    ],
    raw_table: Some("xero_invoices_raw"),
    // A summary record (no LineItems) must not lose the lines already stored: the flag stays set
    // (and the stored raw keeps its LineItems, see `store_raw`).
    returning: "has_line_items",
    special: &[("has_line_items", "max(excluded.has_line_items, xero_invoices.has_line_items)")],
};

const CONTACTS: Table = Table {
    name: "xero_contacts",
    key: "contact_id",
    raw_table: None,
    returning: "0",
    columns: &[
        "name",
        "email",
        "contact_number",
        "status",
        "is_customer",
        "is_supplier",
        "default_currency",
        "updated_utc",
    ],
    // IsCustomer/IsSupplier are computed by Xero and absent from summary records (xero.md §8, §13).
    special: &[
        ("is_customer", "coalesce(excluded.is_customer, xero_contacts.is_customer)"),
        ("is_supplier", "coalesce(excluded.is_supplier, xero_contacts.is_supplier)"),
    ],
};

const PAYMENTS: Table = Table {
    name: "xero_payments",
    key: "payment_id",
    raw_table: None,
    returning: "0",
    columns: &[
        "invoice_id",
        "date",
        "amount",
        "amount_minor",
        "currency",
        "status",
        "reference",
        "payment_type",
        "account_code",
        "is_reconciled",
        "updated_utc",
    ],
    special: &[],
};

const BANK_TRANSACTIONS: Table = Table {
    name: "xero_bank_transactions",
    key: "bank_transaction_id",
    raw_table: None,
    returning: "0",
    columns: &[
        "type",
        "status",
        "contact_id",
        "contact_name",
        "date",
        "reference",
        "currency",
        "total",
        "total_minor",
        "is_reconciled",
        "bank_account_code",
        "bank_account_name",
        "updated_utc",
    ],
    special: &[],
};

const CREDIT_NOTES: Table = Table {
    name: "xero_credit_notes",
    key: "credit_note_id",
    raw_table: None,
    returning: "0",
    columns: &[
        "number",
        "type",
        "status",
        "contact_id",
        "contact_name",
        "date",
        "currency",
        "total",
        "total_minor",
        "remaining_credit",
        "updated_utc",
    ],
    special: &[],
};

const ACCOUNTS: Table = Table {
    name: "xero_accounts",
    key: "account_id",
    raw_table: None,
    returning: "0",
    columns: &["code", "name", "type", "class", "status", "currency", "enable_payments", "updated_utc"],
    special: &[],
};

fn table(resource: Resource) -> Option<&'static Table> {
    match resource {
        Resource::Invoices => Some(&INVOICES),
        Resource::Contacts => Some(&CONTACTS),
        Resource::Payments => Some(&PAYMENTS),
        Resource::BankTransactions => Some(&BANK_TRANSACTIONS),
        Resource::CreditNotes => Some(&CREDIT_NOTES),
        Resource::Accounts => Some(&ACCOUNTS),
        Resource::Organisation | Resource::Currencies | Resource::TaxRates => None,
    }
}

fn upsert_sql(t: &Table) -> String {
    let mut cols = vec!["organisation_id", t.key];
    cols.extend_from_slice(t.columns);
    if t.raw_table.is_none() {
        cols.push("raw");
    }
    let placeholders = vec!["?"; cols.len()].join(", ");
    let sets = cols[2..]
        .iter()
        .map(|c| match t.special.iter().find(|(name, _)| name == c) {
            Some((_, expr)) => format!("{c} = {expr}"),
            None => format!("{c} = excluded.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // An older copy of a record (a page fetched before a newer one was stored) must not win.
    // Equal timestamps do update: Xero changes some fields without moving UpdatedDateUTC (xero.md §8).
    format!(
        "INSERT INTO {name} ({cols}) VALUES ({placeholders}) \
         ON CONFLICT (organisation_id, {key}) DO UPDATE SET {sets} \
         WHERE excluded.updated_utc IS NULL OR {name}.updated_utc IS NULL OR excluded.updated_utc >= {name}.updated_utc \
         RETURNING id, {returning}",
        name = t.name,
        cols = cols.join(", "),
        key = t.key,
        returning = t.returning,
    )
}

struct Parsed {
    id: String,
    values: Vec<Val>,
    lines: Option<Vec<Line>>,
}

fn text(v: &Value, path: &[&str]) -> FieldResult<Val> {
    parse::text(v, path).map(Val::Text)
}
fn guid(v: &Value, path: &[&str]) -> FieldResult<Val> {
    parse::guid(v, path).map(Val::Text)
}
fn date(v: &Value, field: &str) -> FieldResult<Val> {
    parse::calendar_date(v, field).map(Val::Text)
}
fn updated(v: &Value) -> FieldResult<Val> {
    parse::timestamp_ms(v, "UpdatedDateUTC").map(Val::Int)
}
fn flag(v: &Value, field: &str) -> FieldResult<Val> {
    parse::flag(v, field).map(|b| Val::Int(b.map(i64::from)))
}
/// The amount's text and minor units, as two columns.
fn amount2(v: &Value, field: &str) -> FieldResult<(Val, Val)> {
    let a = parse::amount(v, field)?;
    Ok((Val::Text(a.as_ref().map(|a| a.text.clone())), Val::Int(a.map(|a| a.minor))))
}
fn amount(v: &Value, field: &str) -> FieldResult<Val> {
    parse::amount(v, field).map(|a| Val::Text(a.map(|a| a.text)))
}

/// The typed columns of one record, in the order of its [`Table`]'s columns.
fn columns(resource: Resource, v: &Value) -> FieldResult<(Vec<Val>, Option<Vec<Line>>)> {
    if !v.is_object() {
        return Err("not a JSON object".into());
    }
    Ok(match resource {
        Resource::Invoices => {
            let lines = parse::lines(v)?;
            let (total, total_minor) = amount2(v, "Total")?;
            let (due, due_minor) = amount2(v, "AmountDue")?;
            let values = vec![
                text(v, &["InvoiceNumber"])?,
                text(v, &["Type"])?,
                text(v, &["Status"])?,
                guid(v, &["Contact", "ContactID"])?,
                text(v, &["Contact", "Name"])?,
                text(v, &["Reference"])?,
                date(v, "Date")?,
                date(v, "DueDate")?,
                text(v, &["CurrencyCode"])?,
                total,
                due,
                amount(v, "AmountPaid")?,
                total_minor,
                due_minor,
                updated(v)?,
                Val::Int(Some(i64::from(lines.is_some()))),
            ];
            (values, lines)
        }
        Resource::Contacts => (
            vec![
                text(v, &["Name"])?,
                text(v, &["EmailAddress"])?,
                text(v, &["ContactNumber"])?,
                text(v, &["ContactStatus"])?,
                flag(v, "IsCustomer")?,
                flag(v, "IsSupplier")?,
                text(v, &["DefaultCurrency"])?,
                updated(v)?,
            ],
            None,
        ),
        Resource::Payments => {
            let (amt, amt_minor) = amount2(v, "Amount")?;
            // A payment's currency is its document's; the top-level code is there when Xero sends it.
            let currency = match parse::text(v, &["CurrencyCode"])? {
                Some(c) => Some(c),
                None => match parse::text(v, &["Invoice", "CurrencyCode"])? {
                    Some(c) => Some(c),
                    None => parse::text(v, &["CreditNote", "CurrencyCode"])?,
                },
            };
            (
                vec![
                    guid(v, &["Invoice", "InvoiceID"])?,
                    date(v, "Date")?,
                    amt,
                    amt_minor,
                    Val::Text(currency),
                    text(v, &["Status"])?,
                    text(v, &["Reference"])?,
                    text(v, &["PaymentType"])?,
                    text(v, &["Account", "Code"])?,
                    flag(v, "IsReconciled")?,
                    updated(v)?,
                ],
                None,
            )
        }
        Resource::BankTransactions => {
            // Line items stay in raw (the detail view reads them from there), but must be sound.
            parse::lines(v)?;
            let (total, total_minor) = amount2(v, "Total")?;
            (
                vec![
                    text(v, &["Type"])?,
                    text(v, &["Status"])?,
                    guid(v, &["Contact", "ContactID"])?,
                    text(v, &["Contact", "Name"])?,
                    date(v, "Date")?,
                    text(v, &["Reference"])?,
                    text(v, &["CurrencyCode"])?,
                    total,
                    total_minor,
                    flag(v, "IsReconciled")?,
                    text(v, &["BankAccount", "Code"])?,
                    text(v, &["BankAccount", "Name"])?,
                    updated(v)?,
                ],
                None,
            )
        }
        Resource::CreditNotes => {
            let (total, total_minor) = amount2(v, "Total")?;
            (
                vec![
                    text(v, &["CreditNoteNumber"])?,
                    text(v, &["Type"])?,
                    text(v, &["Status"])?,
                    guid(v, &["Contact", "ContactID"])?,
                    text(v, &["Contact", "Name"])?,
                    date(v, "Date")?,
                    text(v, &["CurrencyCode"])?,
                    total,
                    total_minor,
                    amount(v, "RemainingCredit")?,
                    updated(v)?,
                ],
                None,
            )
        }
        Resource::Accounts => (
            vec![
                text(v, &["Code"])?,
                text(v, &["Name"])?,
                text(v, &["Type"])?,
                text(v, &["Class"])?,
                text(v, &["Status"])?,
                text(v, &["CurrencyCode"])?,
                flag(v, "EnablePaymentsToAccount")?,
                updated(v)?,
            ],
            None,
        ),
        Resource::Organisation | Resource::Currencies | Resource::TaxRates => (Vec::new(), None),
    })
}

fn parse_record(resource: Resource, id_field: &str, index: usize, v: &Value) -> Result<Parsed> {
    let invalid = |id: String, reason: String| Error::InvalidRecord { resource: resource.as_str(), id, reason };
    let id = match parse::guid(v, &[id_field]) {
        Ok(Some(id)) => id,
        Ok(None) => return Err(invalid(format!("#{index} of the page"), format!("it has no {id_field}"))),
        Err(e) => return Err(invalid(format!("#{index} of the page"), e)),
    };
    let (values, lines) = columns(resource, v).map_err(|e| invalid(id.clone(), e))?;
    Ok(Parsed { id, values, lines })
}

/// Stores one page of `resource` records for `organisation_id` (the app's organisations.id).
///
/// Idempotent: storing the same page again changes nothing. Every record is checked before the
/// first one is written, so a malformed record fails the call with
/// [`Error::InvalidRecord`] naming it and nothing of the page is written; the caller's
/// transaction stays usable. A record older (by `UpdatedDateUTC`) than the stored copy is
/// skipped. Returns how many records were written.
///
/// Invoices: a record WITH `LineItems` replaces the stored lines; one without (a summary
/// listing) keeps them. Organisation, Currencies and TaxRates are small lists fetched whole:
/// `records` replaces the stored list.
#[tracing::instrument(skip(conn, records), fields(records = records.len()), err)]
pub async fn upsert(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    resource: Resource,
    records: &[Value],
) -> Result<usize> {
    let (Some(t), Some(id_field)) = (table(resource), resource.id_field()) else {
        return upsert_reference(conn, organisation_id, resource, records).await;
    };
    let parsed =
        records.iter().enumerate().map(|(i, v)| parse_record(resource, id_field, i, v)).collect::<Result<Vec<_>>>()?;
    let sql = upsert_sql(t);
    let mut written = 0;
    for (p, raw) in parsed.into_iter().zip(records) {
        let mut vals = Vec::with_capacity(p.values.len() + 3);
        vals.push(Val::Text(Some(organisation_id.to_owned())));
        vals.push(Val::Text(Some(p.id.clone())));
        vals.extend(p.values);
        if t.raw_table.is_none() {
            vals.push(Val::Text(Some(raw.to_string())));
        }
        let row: Option<(i64, i64)> = sqlx::query_as_with(&sql, args(vals)?).fetch_optional(&mut *conn).await?;
        let Some((row_id, has_lines)) = row else {
            continue; // older than what is stored
        };
        written += 1;
        if let Some(side) = t.raw_table {
            // Only invoices have a side table; `has_lines` is their flag after this upsert.
            let keep_stored_lines = p.lines.is_none() && has_lines == 1;
            store_raw(conn, side, row_id, raw, keep_stored_lines).await?;
        }
        if let Some(lines) = p.lines {
            replace_lines(conn, organisation_id, &p.id, &lines).await?;
        }
    }
    Ok(written)
}

async fn store_raw(
    conn: &mut SqliteConnection,
    side: &str,
    id: i64,
    raw: &Value,
    keep_stored_lines: bool,
) -> Result<()> {
    let set = if keep_stored_lines {
        // A summary record: keep the LineItems of the full copy stored before.
        format!("json_set(excluded.raw, '$.LineItems', json_extract({side}.raw, '$.LineItems'))")
    } else {
        "excluded.raw".to_owned()
    };
    let sql = format!("INSERT INTO {side} (id, raw) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET raw = {set}");
    sqlx::query(&sql).bind(id).bind(raw.to_string()).execute(&mut *conn).await?;
    Ok(())
}

async fn replace_lines(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    invoice_id: &str,
    lines: &[Line],
) -> Result<()> {
    sqlx::query("DELETE FROM xero_invoice_lines WHERE organisation_id = ? AND invoice_id = ?")
        .bind(organisation_id)
        .bind(invoice_id)
        .execute(&mut *conn)
        .await?;
    for (position, l) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO xero_invoice_lines (organisation_id, invoice_id, position, line_item_id, description, \
             quantity, unit_amount, account_code, tax_type, tax_amount, line_amount) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(organisation_id)
        .bind(invoice_id)
        .bind(position as i64)
        .bind(&l.line_item_id)
        .bind(&l.description)
        .bind(&l.quantity)
        .bind(&l.unit_amount)
        .bind(&l.account_code)
        .bind(&l.tax_type)
        .bind(&l.tax_amount)
        .bind(&l.line_amount)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) fn reference_kind(resource: Resource) -> Option<&'static str> {
    match resource {
        Resource::Organisation => Some("organisation"),
        Resource::Currencies => Some("currencies"),
        Resource::TaxRates => Some("tax_rates"),
        _ => None,
    }
}

async fn upsert_reference(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    resource: Resource,
    records: &[Value],
) -> Result<usize> {
    let kind = reference_kind(resource).ok_or_else(|| Error::Corrupt(format!("{resource} is not a reference list")))?;
    if let Some((i, _)) = records.iter().enumerate().find(|(_, v)| !v.is_object()) {
        return Err(Error::InvalidRecord {
            resource: resource.as_str(),
            id: format!("#{i} of the list"),
            reason: "not a JSON object".into(),
        });
    }
    sqlx::query(
        "INSERT INTO xero_reference (organisation_id, kind, raw) VALUES (?, ?, ?) \
         ON CONFLICT (organisation_id, kind) DO UPDATE SET raw = excluded.raw",
    )
    .bind(organisation_id)
    .bind(kind)
    .bind(Value::Array(records.to_vec()).to_string())
    .execute(&mut *conn)
    .await?;
    Ok(records.len())
}

/// Full reconciliation: removes the organisation's `resource` records whose ids are not in
/// `keep_ids` (they no longer exist upstream). Returns how many were removed. Reference lists
/// are replaced whole by [`upsert`], so for them this does nothing.
#[tracing::instrument(skip(conn, keep_ids), fields(keep = keep_ids.len()), err)]
pub async fn delete_missing(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    resource: Resource,
    keep_ids: &[String],
) -> Result<u64> {
    let Some(t) = table(resource) else {
        return Ok(0);
    };
    // One JSON array parameter instead of one parameter per id: 100k ids exceed SQLite's limit.
    let keep = Value::Array(keep_ids.iter().map(|id| Value::String(id.trim().to_ascii_lowercase())).collect());
    let sql = format!(
        "DELETE FROM {name} WHERE organisation_id = ? AND {key} NOT IN (SELECT value FROM json_each(?))",
        name = t.name,
        key = t.key
    );
    let done = sqlx::query(&sql).bind(organisation_id).bind(keep.to_string()).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}

/// "Erase cached data": removes every Xero record of the organisation (the organisation row
/// itself stays). Returns how many rows were removed.
#[tracing::instrument(skip(conn), err)]
pub async fn clear_organisation(conn: &mut SqliteConnection, organisation_id: &str) -> Result<u64> {
    let mut removed = 0;
    for name in [
        "xero_invoice_lines",
        "xero_invoices",
        "xero_contacts",
        "xero_payments",
        "xero_bank_transactions",
        "xero_credit_notes",
        "xero_accounts",
        "xero_reference",
    ] {
        let sql = format!("DELETE FROM {name} WHERE organisation_id = ?");
        removed += sqlx::query(&sql).bind(organisation_id).execute(&mut *conn).await?.rows_affected();
    }
    Ok(removed)
}
