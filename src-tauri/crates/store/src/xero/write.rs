//! Writes from the sync engine. Every function takes the caller's connection so a page of
//! records and its cursor commit together (or not at all).

use super::parse::{self, Exponent, FieldResult, Line};
use super::Resource;
use crate::{Error, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};
use std::collections::{HashMap, HashSet};

/// A bound value. SQL text is only ever built from the constant column lists below.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Blob(Vec<u8>),
}

/// The arguments for `sqlx::query_with` / `query_scalar_with`.
pub(crate) fn args(vals: Vec<Val>) -> Result<SqliteArguments<'static>> {
    let mut a = SqliteArguments::default();
    for v in vals {
        match v {
            Val::Text(t) => a.add(t),
            Val::Int(i) => a.add(i),
            Val::Blob(b) => a.add(b),
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
        "minor_unit",
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
        "minor_unit",
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
        "minor_unit",
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
        "minor_unit",
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

/// SQLite refuses a statement with more than 32,766 bound values; a page stays well below, and
/// larger batches are split.
const MAX_VALUES: usize = 30_000;
/// Rows per multi-row statement: beyond a few hundred the statement's compile time grows faster
/// than the per-statement overhead it saves.
const MAX_ROWS: usize = 200;

fn rows_per_statement(columns: usize) -> usize {
    (MAX_VALUES / columns).clamp(1, MAX_ROWS)
}

/// The columns an upsert binds, in order: the key, the typed columns, `raw` when the table keeps
/// it inline, and the content hash.
fn upsert_columns(t: &Table) -> Vec<&'static str> {
    let mut cols = vec!["organisation_id", t.key];
    cols.extend_from_slice(t.columns);
    if t.raw_table.is_none() {
        cols.push("raw");
    }
    cols.push("content_hash");
    cols
}

/// One multi-row upsert of `rows` records.
fn upsert_sql(t: &Table, rows: usize) -> String {
    let cols = upsert_columns(t);
    let one = format!("({})", vec!["?"; cols.len()].join(", "));
    let values = vec![one.as_str(); rows].join(", ");
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
    // A record whose content hash equals the stored one changes nothing and is skipped, so a
    // full re-sync of unchanged data costs an index look-up per record and no writes.
    format!(
        "INSERT INTO {name} ({cols}) VALUES {values} \
         ON CONFLICT (organisation_id, {key}) DO UPDATE SET {sets} \
         WHERE (excluded.updated_utc IS NULL OR {name}.updated_utc IS NULL OR excluded.updated_utc >= {name}.updated_utc) \
         AND {name}.content_hash IS NOT excluded.content_hash \
         RETURNING id, {key}, {returning}",
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
    /// The record's JSON as stored, serialised once.
    raw: String,
    hash: Vec<u8>,
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
fn amount2(v: &Value, field: &str, exp: Exponent) -> FieldResult<(Val, Val)> {
    let a = parse::amount(v, field, exp)?;
    Ok((Val::Text(a.as_ref().map(|a| a.text.clone())), Val::Int(a.map(|a| a.minor))))
}
fn amount(v: &Value, field: &str, exp: Exponent) -> FieldResult<Val> {
    parse::amount(v, field, exp).map(|a| Val::Text(a.map(|a| a.text)))
}
/// The record's currency code and its exponent.
fn currency(v: &Value, path: &[&str]) -> FieldResult<(Option<String>, Exponent)> {
    let code = parse::text(v, path)?;
    let exp = Exponent::of(code.as_deref())?;
    Ok((code, exp))
}

/// The typed columns of one record, in the order of its [`Table`]'s columns.
fn columns(resource: Resource, v: &Value) -> FieldResult<(Vec<Val>, Option<Vec<Line>>)> {
    if !v.is_object() {
        return Err("not a JSON object".into());
    }
    Ok(match resource {
        Resource::Invoices => {
            let (code, exp) = currency(v, &["CurrencyCode"])?;
            let lines = parse::lines(v, exp)?;
            let (total, total_minor) = amount2(v, "Total", exp)?;
            let (due, due_minor) = amount2(v, "AmountDue", exp)?;
            let values = vec![
                text(v, &["InvoiceNumber"])?,
                text(v, &["Type"])?,
                text(v, &["Status"])?,
                guid(v, &["Contact", "ContactID"])?,
                text(v, &["Contact", "Name"])?,
                text(v, &["Reference"])?,
                date(v, "Date")?,
                date(v, "DueDate")?,
                Val::Text(code),
                total,
                due,
                amount(v, "AmountPaid", exp)?,
                total_minor,
                due_minor,
                Val::Int(Some(exp.unit())),
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
            // A payment's currency is its document's; the top-level code is there when Xero sends it.
            let currency = match parse::text(v, &["CurrencyCode"])? {
                Some(c) => Some(c),
                None => match parse::text(v, &["Invoice", "CurrencyCode"])? {
                    Some(c) => Some(c),
                    None => parse::text(v, &["CreditNote", "CurrencyCode"])?,
                },
            };
            let exp = Exponent::of(currency.as_deref())?;
            let (amt, amt_minor) = amount2(v, "Amount", exp)?;
            (
                vec![
                    guid(v, &["Invoice", "InvoiceID"])?,
                    date(v, "Date")?,
                    amt,
                    amt_minor,
                    Val::Int(Some(exp.unit())),
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
            let (code, exp) = currency(v, &["CurrencyCode"])?;
            // Line items stay in raw (the detail view reads them from there), but must be sound.
            parse::lines(v, exp)?;
            let (total, total_minor) = amount2(v, "Total", exp)?;
            (
                vec![
                    text(v, &["Type"])?,
                    text(v, &["Status"])?,
                    guid(v, &["Contact", "ContactID"])?,
                    text(v, &["Contact", "Name"])?,
                    date(v, "Date")?,
                    text(v, &["Reference"])?,
                    Val::Text(code),
                    total,
                    total_minor,
                    Val::Int(Some(exp.unit())),
                    flag(v, "IsReconciled")?,
                    text(v, &["BankAccount", "Code"])?,
                    text(v, &["BankAccount", "Name"])?,
                    updated(v)?,
                ],
                None,
            )
        }
        Resource::CreditNotes => {
            let (code, exp) = currency(v, &["CurrencyCode"])?;
            let (total, total_minor) = amount2(v, "Total", exp)?;
            (
                vec![
                    text(v, &["CreditNoteNumber"])?,
                    text(v, &["Type"])?,
                    text(v, &["Status"])?,
                    guid(v, &["Contact", "ContactID"])?,
                    text(v, &["Contact", "Name"])?,
                    date(v, "Date")?,
                    Val::Text(code),
                    total,
                    total_minor,
                    Val::Int(Some(exp.unit())),
                    amount(v, "RemainingCredit", exp)?,
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
    let raw = v.to_string();
    let hash = Sha256::digest(raw.as_bytes()).to_vec();
    Ok(Parsed { id, values, lines, raw, hash })
}

/// Stores one page of `resource` records for `organisation_id` (the app's organisations.id).
///
/// Idempotent: storing the same page again changes nothing. Every record is checked before the
/// first one is written, so a malformed record fails the call with
/// [`Error::InvalidRecord`] naming it and nothing of the page is written; the caller's
/// transaction stays usable. A record older (by `UpdatedDateUTC`) than the stored copy is
/// skipped, and so is one whose content is byte for byte the stored one. Returns how many
/// records were written.
///
/// Invoices: a record WITH `LineItems` replaces the stored lines; one without (a summary
/// listing) keeps them. Organisation, Currencies and TaxRates are small lists fetched whole:
/// `records` replaces the stored list.
///
/// A page is written with a handful of multi-row statements (rows, raw side table, lines), not
/// one per record: the per-statement cost dominated ingest (docs/benchmarks.md).
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
    let mut parsed =
        records.iter().enumerate().map(|(i, v)| parse_record(resource, id_field, i, v)).collect::<Result<Vec<_>>>()?;
    // One row per id: a multi-row upsert may not touch the same row twice in a way its RETURNING
    // could tell apart, and the later copy of a record in a page is the one Xero sent last.
    let mut seen = HashSet::new();
    parsed.reverse();
    parsed.retain(|p| seen.insert(p.id.clone()));
    parsed.reverse();

    let cols = upsert_columns(t).len();
    let mut changed: HashMap<String, (i64, i64)> = HashMap::with_capacity(parsed.len());
    for chunk in parsed.chunks(rows_per_statement(cols)) {
        let mut vals = Vec::with_capacity(chunk.len() * cols);
        for p in chunk {
            vals.push(Val::Text(Some(organisation_id.to_owned())));
            vals.push(Val::Text(Some(p.id.clone())));
            vals.extend(p.values.iter().cloned());
            if t.raw_table.is_none() {
                vals.push(Val::Text(Some(p.raw.clone())));
            }
            vals.push(Val::Blob(p.hash.clone()));
        }
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as_with(&upsert_sql(t, chunk.len()), args(vals)?).fetch_all(&mut *conn).await?;
        changed.extend(rows.into_iter().map(|(row_id, key, extra)| (key, (row_id, extra))));
    }
    // Only what was inserted or really updated goes on to the raw side table and the lines.
    let written: Vec<(&Parsed, i64, i64)> =
        parsed.iter().filter_map(|p| changed.get(&p.id).map(|&(row_id, extra)| (p, row_id, extra))).collect();
    if let Some(side) = t.raw_table {
        // Only invoices have a side table; `extra` is their has_line_items flag after the upsert.
        let (keep, replace): (Vec<_>, Vec<_>) =
            written.iter().partition(|(p, _, has_lines)| p.lines.is_none() && *has_lines == 1);
        store_raw(conn, side, &replace, false).await?;
        store_raw(conn, side, &keep, true).await?;
        let with_lines: Vec<(&str, &[Line])> =
            written.iter().filter_map(|(p, _, _)| p.lines.as_deref().map(|l| (p.id.as_str(), l))).collect();
        replace_lines(conn, organisation_id, &with_lines).await?;
    }
    Ok(written.len())
}

async fn store_raw(
    conn: &mut SqliteConnection,
    side: &str,
    rows: &[&(&Parsed, i64, i64)],
    keep_stored_lines: bool,
) -> Result<()> {
    let set = if keep_stored_lines {
        // A summary record: keep the LineItems of the full copy stored before.
        format!("json_set(excluded.raw, '$.LineItems', json_extract({side}.raw, '$.LineItems'))")
    } else {
        "excluded.raw".to_owned()
    };
    for chunk in rows.chunks(rows_per_statement(2)) {
        let values = vec!["(?, ?)"; chunk.len()].join(", ");
        let sql = format!("INSERT INTO {side} (id, raw) VALUES {values} ON CONFLICT (id) DO UPDATE SET raw = {set}");
        let mut vals = Vec::with_capacity(chunk.len() * 2);
        for (p, row_id, _) in chunk {
            vals.push(Val::Int(Some(*row_id)));
            vals.push(Val::Text(Some(p.raw.clone())));
        }
        sqlx::query_with(&sql, args(vals)?).execute(&mut *conn).await?;
    }
    Ok(())
}

const LINE_COLUMNS: &str = "organisation_id, invoice_id, position, line_item_id, description, quantity, unit_amount, \
                            account_code, tax_type, tax_amount, line_amount";

/// Replaces the lines of `invoices` (id, its lines) as sets.
async fn replace_lines(conn: &mut SqliteConnection, organisation_id: &str, invoices: &[(&str, &[Line])]) -> Result<()> {
    if invoices.is_empty() {
        return Ok(());
    }
    // One JSON array parameter for the ids: one statement, whatever the page size.
    let ids = Value::Array(invoices.iter().map(|(id, _)| Value::String((*id).to_owned())).collect());
    sqlx::query(
        "DELETE FROM xero_invoice_lines WHERE organisation_id = ? AND invoice_id IN (SELECT value FROM json_each(?))",
    )
    .bind(organisation_id)
    .bind(ids.to_string())
    .execute(&mut *conn)
    .await?;
    let all: Vec<(&str, usize, &Line)> = invoices
        .iter()
        .flat_map(|(id, lines)| lines.iter().enumerate().map(move |(position, l)| (*id, position, l)))
        .collect();
    for chunk in all.chunks(rows_per_statement(11)) {
        let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let mut vals = Vec::with_capacity(chunk.len() * 11);
        for (invoice_id, position, l) in chunk {
            vals.extend([
                Val::Text(Some(organisation_id.to_owned())),
                Val::Text(Some((*invoice_id).to_owned())),
                Val::Int(Some(*position as i64)),
                Val::Text(l.line_item_id.clone()),
                Val::Text(l.description.clone()),
                Val::Text(l.quantity.clone()),
                Val::Text(l.unit_amount.clone()),
                Val::Text(l.account_code.clone()),
                Val::Text(l.tax_type.clone()),
                Val::Text(l.tax_amount.clone()),
                Val::Text(l.line_amount.clone()),
            ]);
        }
        let sql = format!("INSERT INTO xero_invoice_lines ({LINE_COLUMNS}) VALUES {values}");
        sqlx::query_with(&sql, args(vals)?).execute(&mut *conn).await?;
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
