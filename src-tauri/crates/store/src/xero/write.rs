//! Writes from the sync engine: typed rows (see [`super::rows`]) into the Xero tables. Every
//! function takes the caller's connection so a page of records and its position commit
//! together (or not at all).

use super::rows::{
    Account, Amount, BankTransaction, Contact, CreditNote, Invoice, Line, Page, Payment, Raw, ReferenceList,
};
use super::{Resource, OF_ORG};
use crate::{Error, Result};
use serde_json::Value;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use xp_core::ids::OrganisationId;
use xp_core::money::Currency;

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
    // A summary record (no lines) must not lose the lines already stored: the flag stays set.
    special: &[("has_line_items", "max(excluded.has_line_items, xero_invoices.has_line_items)")],
};

const CONTACTS: Table = Table {
    name: "xero_contacts",
    key: "contact_id",
    raw_table: None,
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
    let mut cols = vec!["org_key", t.key];
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
    // The hash condition repeats the pre-check of `upsert` inside the statement, so a record
    // whose content is the stored one can never be rewritten, whatever the caller did.
    format!(
        "INSERT INTO {name} ({cols}) VALUES {values} \
         ON CONFLICT (org_key, {key}) DO UPDATE SET {sets} \
         WHERE (excluded.updated_utc IS NULL OR {name}.updated_utc IS NULL OR excluded.updated_utc >= {name}.updated_utc) \
         AND {name}.content_hash IS NOT excluded.content_hash \
         RETURNING id, {key}",
        name = t.name,
        cols = cols.join(", "),
        key = t.key,
    )
}

/// A row of one of the keyed tables: its id, its raw text, and its typed columns in the order
/// of its [`Table`]'s columns.
trait Keyed {
    const TABLE: &'static Table;
    fn id(&self) -> &str;
    fn raw(&self) -> &Raw;
    fn columns(&self, out: &mut Vec<Val>);
    /// The lines that replace the stored set; None keeps it.
    fn lines(&self) -> Option<&[Line]> {
        None
    }
}

fn text(s: &Option<String>) -> Val {
    Val::Text(s.clone())
}
/// A calendar date as 'YYYY-MM-DD', the form every date filter and sort compares.
fn ymd(d: Option<Date>) -> Val {
    Val::Text(d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())))
}
/// `*_utc` columns are ms since the epoch.
fn ms(t: Option<OffsetDateTime>) -> Val {
    Val::Int(t.map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64))
}
fn flag(b: Option<bool>) -> Val {
    Val::Int(b.map(i64::from))
}
fn amount_text(a: &Option<Amount>) -> Val {
    Val::Text(a.as_ref().map(|a| a.text.clone()))
}
fn amount_minor(a: &Option<Amount>) -> Val {
    Val::Int(a.as_ref().map(|a| a.minor))
}
fn code(c: Option<Currency>) -> Val {
    Val::Text(c.map(|c| c.code().to_owned()))
}

impl Keyed for Invoice {
    const TABLE: &'static Table = &INVOICES;
    fn id(&self) -> &str {
        &self.invoice_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.number),
            text(&self.type_),
            text(&self.status),
            text(&self.contact_id),
            text(&self.contact_name),
            text(&self.reference),
            ymd(self.date),
            ymd(self.due_date),
            code(self.currency),
            amount_text(&self.total),
            amount_text(&self.amount_due),
            amount_text(&self.amount_paid),
            amount_minor(&self.total),
            amount_minor(&self.amount_due),
            Val::Int(Some(self.exponent.unit())),
            ms(self.updated),
            Val::Int(Some(i64::from(self.lines.is_some()))),
        ]);
    }
    fn lines(&self) -> Option<&[Line]> {
        self.lines.as_deref()
    }
}

impl Keyed for Contact {
    const TABLE: &'static Table = &CONTACTS;
    fn id(&self) -> &str {
        &self.contact_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.name),
            text(&self.email),
            text(&self.contact_number),
            text(&self.status),
            flag(self.is_customer),
            flag(self.is_supplier),
            text(&self.default_currency),
            ms(self.updated),
        ]);
    }
}

impl Keyed for Payment {
    const TABLE: &'static Table = &PAYMENTS;
    fn id(&self) -> &str {
        &self.payment_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.invoice_id),
            ymd(self.date),
            amount_text(&self.amount),
            amount_minor(&self.amount),
            Val::Int(Some(self.exponent.unit())),
            code(self.currency),
            text(&self.status),
            text(&self.reference),
            text(&self.payment_type),
            text(&self.account_code),
            flag(self.is_reconciled),
            ms(self.updated),
        ]);
    }
}

impl Keyed for BankTransaction {
    const TABLE: &'static Table = &BANK_TRANSACTIONS;
    fn id(&self) -> &str {
        &self.bank_transaction_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.type_),
            text(&self.status),
            text(&self.contact_id),
            text(&self.contact_name),
            ymd(self.date),
            text(&self.reference),
            code(self.currency),
            amount_text(&self.total),
            amount_minor(&self.total),
            Val::Int(Some(self.exponent.unit())),
            flag(self.is_reconciled),
            text(&self.bank_account_code),
            text(&self.bank_account_name),
            ms(self.updated),
        ]);
    }
}

impl Keyed for CreditNote {
    const TABLE: &'static Table = &CREDIT_NOTES;
    fn id(&self) -> &str {
        &self.credit_note_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.number),
            text(&self.type_),
            text(&self.status),
            text(&self.contact_id),
            text(&self.contact_name),
            ymd(self.date),
            code(self.currency),
            amount_text(&self.total),
            amount_minor(&self.total),
            Val::Int(Some(self.exponent.unit())),
            amount_text(&self.remaining_credit),
            ms(self.updated),
        ]);
    }
}

impl Keyed for Account {
    const TABLE: &'static Table = &ACCOUNTS;
    fn id(&self) -> &str {
        &self.account_id
    }
    fn raw(&self) -> &Raw {
        &self.raw
    }
    fn columns(&self, out: &mut Vec<Val>) {
        out.extend([
            text(&self.code),
            text(&self.name),
            text(&self.type_),
            text(&self.class),
            text(&self.status),
            text(&self.currency),
            flag(self.enable_payments),
            ms(self.updated),
        ]);
    }
}

/// Stores one page of records for `organisation_id` (the app's organisations.id) inside the
/// caller's transaction, so the page and the sync position after it commit together.
///
/// Idempotent: storing the same page again writes nothing. A record whose raw text hashes to
/// the stored record's is skipped before any statement touches its row (so no row update, no
/// raw rewrite, no line replacement, no FTS work), and so is one older (by its updated time)
/// than the stored copy. Returns how many records were written.
///
/// Invoices: a record WITH lines replaces the stored lines; one without (a summary listing)
/// keeps them. Reference lists (organisation, currencies, tax rates) replace the stored list.
///
/// A page is written with a handful of multi-row statements (rows, raw side table, lines), not
/// one per record: the per-statement cost dominated ingest (docs/benchmarks.md).
#[tracing::instrument(skip(conn, page), fields(records = page.len()), err)]
pub async fn upsert(conn: &mut SqliteConnection, organisation_id: OrganisationId, page: &Page) -> Result<usize> {
    let org = org_key(conn, organisation_id).await?;
    match page {
        Page::Invoices(rows) => upsert_rows(conn, org, rows).await,
        Page::Contacts(rows) => upsert_rows(conn, org, rows).await,
        Page::Payments(rows) => upsert_rows(conn, org, rows).await,
        Page::BankTransactions(rows) => upsert_rows(conn, org, rows).await,
        Page::CreditNotes(rows) => upsert_rows(conn, org, rows).await,
        Page::Accounts(rows) => upsert_rows(conn, org, rows).await,
        Page::Reference(list) => upsert_reference(conn, org, list).await,
    }
}

/// The organisation's key in the Xero tables (`organisations.org_key`, a small integer: its UUID
/// in every index entry made the indexes twice the size; migration 20261213000001).
async fn org_key(conn: &mut SqliteConnection, organisation_id: OrganisationId) -> Result<i64> {
    sqlx::query_scalar("SELECT org_key FROM organisations WHERE id = ?")
        .bind(organisation_id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("organisation {organisation_id}")))
}

async fn upsert_rows<R: Keyed>(conn: &mut SqliteConnection, org: i64, rows: &[R]) -> Result<usize> {
    let t = R::TABLE;
    // One row per id: a multi-row upsert may not touch the same row twice in a way its RETURNING
    // could tell apart, and the later copy of a record in a page is the one sent last.
    let mut seen = HashSet::with_capacity(rows.len());
    let mut page: Vec<(&R, [u8; 32])> =
        rows.iter().rev().filter(|r| seen.insert(r.id())).map(|r| (r, *r.raw().hash())).collect();
    page.reverse();
    let stored = stored_hashes(conn, org, t, page.iter().map(|(r, _)| r.id())).await?;
    page.retain(|(r, hash)| stored.get(r.id()).is_none_or(|h| h.as_deref() != Some(hash.as_slice())));
    if page.is_empty() {
        return Ok(0);
    }
    let (changed, new): (Vec<_>, Vec<_>) = page.into_iter().partition(|(r, _)| stored.contains_key(r.id()));
    let mut written = insert_new(conn, org, t, &new).await?;
    written.extend(update_changed(conn, org, t, &changed).await?);
    // Only what was inserted or really updated goes on to the raw side table and the lines.
    if let Some(side) = t.raw_table {
        store_raw(conn, side, &written).await?;
        // A record not stored before has no lines to replace: only the others need the DELETE.
        let with_lines: Vec<(i64, &[Line], bool)> = written
            .iter()
            .filter_map(|(r, row_id)| r.lines().map(|l| (*row_id, l, stored.contains_key(r.id()))))
            .collect();
        replace_lines(conn, with_lines).await?;
    }
    Ok(written.len())
}

/// Records not stored before, as plain INSERTs with the row ids given: a first sync is nearly all
/// of them, and an upsert that finds no conflict still built its RETURNING rows in a temporary
/// table and ran its conflict clause's machinery for every row. The ids are the ones SQLite
/// would pick (one past the largest), taken inside the caller's write transaction, which no
/// other writer can enter, so nothing can take them in between; outside one, a concurrent
/// insert makes this fail on the key, never store a row twice.
async fn insert_new<'r, R: Keyed>(
    conn: &mut SqliteConnection,
    org: i64,
    t: &Table,
    rows: &[(&'r R, [u8; 32])],
) -> Result<Vec<(&'r R, i64)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let last: i64 =
        sqlx::query_scalar(&format!("SELECT coalesce(max(id), 0) FROM {}", t.name)).fetch_one(&mut *conn).await?;
    let written: Vec<(&R, i64)> = rows.iter().zip(last + 1..).map(|((r, _), id)| (*r, id)).collect();
    let cols = upsert_columns(t).len() + 1;
    for (chunk, ids) in rows.chunks(rows_per_statement(cols)).zip(written.chunks(rows_per_statement(cols))) {
        let mut vals = Vec::with_capacity(chunk.len() * cols);
        for ((r, hash), (_, id)) in chunk.iter().zip(ids) {
            vals.push(Val::Int(Some(*id)));
            push_row(&mut vals, org, t, *r, hash);
        }
        sqlx::query_with(&insert_sql(t, chunk.len()), args(vals)?).execute(&mut *conn).await?;
    }
    Ok(written)
}

/// Records stored before whose content changed: one upsert per chunk, which also leaves a copy
/// older than the stored one alone (see [`upsert_sql`]); its RETURNING says which rows it wrote.
async fn update_changed<'r, R: Keyed>(
    conn: &mut SqliteConnection,
    org: i64,
    t: &Table,
    rows: &[(&'r R, [u8; 32])],
) -> Result<Vec<(&'r R, i64)>> {
    let cols = upsert_columns(t).len();
    let mut changed: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(cols)) {
        let mut vals = Vec::with_capacity(chunk.len() * cols);
        for (r, hash) in chunk {
            push_row(&mut vals, org, t, *r, hash);
        }
        let returned: Vec<(i64, String)> =
            sqlx::query_as_with(&upsert_sql(t, chunk.len()), args(vals)?).fetch_all(&mut *conn).await?;
        changed.extend(returned.into_iter().map(|(row_id, key)| (key, row_id)));
    }
    Ok(rows.iter().filter_map(|(r, _)| changed.get(r.id()).map(|&row_id| (*r, row_id))).collect())
}

/// A record's values in the order of [`upsert_columns`].
fn push_row<R: Keyed>(vals: &mut Vec<Val>, org: i64, t: &Table, r: &R, hash: &[u8; 32]) {
    vals.push(Val::Int(Some(org)));
    vals.push(Val::Text(Some(r.id().to_owned())));
    r.columns(vals);
    if t.raw_table.is_none() {
        vals.push(r.raw().stored());
    }
    vals.push(Val::Blob(hash.to_vec()));
}

/// One multi-row INSERT of `rows` records not stored before, row ids included.
fn insert_sql(t: &Table, rows: usize) -> String {
    let cols = upsert_columns(t);
    let one = format!("({})", vec!["?"; cols.len() + 1].join(", "));
    let values = vec![one.as_str(); rows].join(", ");
    format!("INSERT INTO {name} (id, {cols}) VALUES {values}", name = t.name, cols = cols.join(", "))
}

/// Which of `ids` are stored, with their content hash (None for rows written before hashes):
/// one statement per page, and the look-up a re-sync of unchanged records is reduced to.
async fn stored_hashes<'a>(
    conn: &mut SqliteConnection,
    org: i64,
    t: &Table,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, Option<Vec<u8>>>> {
    // One JSON array parameter for the ids: one statement, whatever the page size.
    let ids = Value::Array(ids.map(|id| Value::String(id.to_owned())).collect());
    let sql = format!(
        "SELECT {key}, content_hash FROM {name} WHERE org_key = ? \
         AND {key} IN (SELECT value FROM json_each(?))",
        key = t.key,
        name = t.name
    );
    let rows: Vec<(String, Option<Vec<u8>>)> =
        sqlx::query_as(&sql).bind(org).bind(ids.to_string()).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}

async fn store_raw<R: Keyed>(conn: &mut SqliteConnection, side: &str, rows: &[(&R, i64)]) -> Result<()> {
    for chunk in rows.chunks(rows_per_statement(2)) {
        let values = vec!["(?, ?)"; chunk.len()].join(", ");
        let sql =
            format!("INSERT INTO {side} (id, raw) VALUES {values} ON CONFLICT (id) DO UPDATE SET raw = excluded.raw");
        let mut vals = Vec::with_capacity(chunk.len() * 2);
        for (r, row_id) in chunk {
            vals.push(Val::Int(Some(*row_id)));
            vals.push(r.raw().stored());
        }
        sqlx::query_with(&sql, args(vals)?).execute(&mut *conn).await?;
    }
    Ok(())
}

const LINE_COLUMNS: &str = "invoice_row, position, line_item_id, description, quantity, unit_amount, account_code, \
                            tax_type, tax_amount, line_amount";

/// Replaces the lines of `invoices` (its row id, its lines, whether it was stored before) as sets.
async fn replace_lines(conn: &mut SqliteConnection, mut invoices: Vec<(i64, &[Line], bool)>) -> Result<()> {
    let stored: Vec<Value> =
        invoices.iter().filter(|(_, _, known)| *known).map(|(id, _, _)| Value::from(*id)).collect();
    if !stored.is_empty() {
        sqlx::query("DELETE FROM xero_invoice_lines WHERE invoice_row IN (SELECT value FROM json_each(?))")
            .bind(Value::Array(stored).to_string())
            .execute(&mut *conn)
            .await?;
    }
    // In key order: a first sync's invoices have ascending row ids, so their lines append at the
    // table's right edge instead of being spread over its leaves (which each commit re-encrypts).
    invoices.sort_unstable_by_key(|(id, _, _)| *id);
    let all: Vec<(i64, usize, &Line)> = invoices
        .iter()
        .flat_map(|(id, lines, _)| lines.iter().enumerate().map(move |(position, l)| (*id, position, l)))
        .collect();
    for chunk in all.chunks(rows_per_statement(10)) {
        let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let mut vals = Vec::with_capacity(chunk.len() * 10);
        for (invoice_row, position, l) in chunk {
            vals.extend([
                Val::Int(Some(*invoice_row)),
                Val::Int(Some(*position as i64)),
                text(&l.line_item_id),
                text(&l.description),
                text(&l.quantity),
                text(&l.unit_amount),
                text(&l.account_code),
                text(&l.tax_type),
                text(&l.tax_amount),
                text(&l.line_amount),
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

async fn upsert_reference(conn: &mut SqliteConnection, org: i64, list: &ReferenceList) -> Result<usize> {
    let kind = reference_kind(list.resource)
        .ok_or_else(|| Error::InvalidQuery(format!("{} is not a reference list", list.resource)))?;
    // The records are JSON texts already: joined, not parsed again.
    let raw = format!("[{}]", list.records.join(","));
    sqlx::query(
        "INSERT INTO xero_reference (org_key, kind, raw) VALUES (?, ?, ?) \
         ON CONFLICT (org_key, kind) DO UPDATE SET raw = excluded.raw",
    )
    .bind(org)
    .bind(kind)
    .bind(raw)
    .execute(&mut *conn)
    .await?;
    Ok(list.records.len())
}

/// Full reconciliation: removes the organisation's `resource` records whose ids are not in
/// `keep_ids` (they no longer exist upstream). Returns how many were removed. Reference lists
/// are replaced whole by [`upsert`], so for them this does nothing.
#[tracing::instrument(skip(conn, keep_ids), fields(keep = keep_ids.len()), err)]
pub async fn delete_missing(
    conn: &mut SqliteConnection,
    organisation_id: OrganisationId,
    resource: Resource,
    keep_ids: &[String],
) -> Result<u64> {
    let organisation_id = organisation_id.to_string();
    let organisation_id = organisation_id.as_str();
    let Some(t) = table(resource) else {
        return Ok(0);
    };
    // One JSON array parameter instead of one parameter per id: 100k ids exceed SQLite's limit.
    let keep = Value::Array(keep_ids.iter().map(|id| Value::String(id.trim().to_ascii_lowercase())).collect());
    let sql = format!(
        "DELETE FROM {name} WHERE {OF_ORG} AND {key} NOT IN (SELECT value FROM json_each(?))",
        name = t.name,
        key = t.key
    );
    let done = sqlx::query(&sql).bind(organisation_id).bind(keep.to_string()).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}

/// "Erase cached data": removes every Xero record of the organisation (the organisation row
/// itself stays). Returns how many rows were removed.
#[tracing::instrument(skip(conn), err)]
pub async fn clear_organisation(conn: &mut SqliteConnection, organisation_id: OrganisationId) -> Result<u64> {
    let organisation_id = organisation_id.to_string();
    let organisation_id = organisation_id.as_str();
    // Lines hang off their invoice's row (deleting it would cascade to them), removed first so
    // the count includes them.
    let mut removed = sqlx::query(&format!(
        "DELETE FROM xero_invoice_lines WHERE invoice_row IN (SELECT id FROM xero_invoices WHERE {OF_ORG})"
    ))
    .bind(organisation_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    for name in [
        "xero_invoices",
        "xero_contacts",
        "xero_payments",
        "xero_bank_transactions",
        "xero_credit_notes",
        "xero_accounts",
        "xero_reference",
    ] {
        let sql = format!("DELETE FROM {name} WHERE {OF_ORG}");
        removed += sqlx::query(&sql).bind(organisation_id).execute(&mut *conn).await?.rows_affected();
    }
    Ok(removed)
}
