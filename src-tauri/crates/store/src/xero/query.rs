//! Reads for the UI: pure queries, every filter optional, offset paging with a total count.
//! Input only ever reaches SQL as bound parameters; ORDER BY columns come from enums.

use super::write::{args, reference_kind, Val};
use super::{Resource, OF_ORG};
use crate::{Error, Result, Store};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use xp_core::ids::OrganisationId;

/// The largest page a list query returns, whatever `limit` asks for.
pub const MAX_PAGE: i64 = 5_000;
/// Search input shorter than this cannot use the trigram index and scans with LIKE.
const TRIGRAM: usize = 3;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceSort {
    #[default]
    Date,
    DueDate,
    Number,
    Contact,
    Total,
    AmountDue,
    Status,
}

impl InvoiceSort {
    fn keys(self) -> &'static [&'static str] {
        match self {
            InvoiceSort::Date => &["date"],
            InvoiceSort::DueDate => &["due_date"],
            InvoiceSort::Number => &["number"],
            InvoiceSort::Contact => &["contact_name"],
            InvoiceSort::Total => &TOTAL_KEY,
            InvoiceSort::AmountDue => &DUE_KEY,
            InvoiceSort::Status => &["status"],
        }
    }
}

/// An amount's face value as two integers (whole units, fraction × 10^18), whatever its
/// currency's exponent: the expressions of the indexes in
/// migrations/20261202000002_money_exponents.sql, spelled identically so SQLite uses them.
const TOTAL_KEY: [&str; 2] =
    ["total_minor / minor_unit", "total_minor % minor_unit * (1000000000000000000 / minor_unit)"];
const DUE_KEY: [&str; 2] =
    ["amount_due_minor / minor_unit", "amount_due_minor % minor_unit * (1000000000000000000 / minor_unit)"];

/// `ORDER BY` terms for `keys` in one direction, then the rowid, so pages never overlap or skip.
fn order_by(keys: &[&str], descending: bool) -> String {
    let d = dir(descending);
    keys.iter().map(|k| format!("{k} {d}, ")).collect::<String>() + &format!("id {d}")
}

/// A filter amount as the (whole units, fraction × 10^18) pair the amount keys compare with.
fn amount_key(d: Decimal) -> Result<(i64, i64)> {
    let whole = d.trunc();
    let mut fraction = (d - whole).normalize();
    fraction.rescale(18);
    let out_of_range = || Error::InvalidQuery(format!("amount {d} is out of range"));
    if fraction.scale() != 18 {
        return Err(out_of_range());
    }
    Ok((
        i64::try_from(whole).map_err(|_| out_of_range())?,
        i64::try_from(fraction.mantissa()).map_err(|_| out_of_range())?,
    ))
}

/// Filters of the invoice list. Dates are 'YYYY-MM-DD' and inclusive; amounts are exact face
/// values of `Total` in the invoice's own currency (1000 matches 1,000 JPY and 1,000.00 USD),
/// inclusive. `search` matches a fragment of the number, the contact's name
/// or the reference, case-insensitively.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InvoiceQuery {
    pub organisation_id: Option<OrganisationId>,
    pub statuses: Vec<String>,
    pub contact_id: Option<String>,
    pub currency: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub search: Option<String>,
    pub sort: InvoiceSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceRow {
    pub organisation_id: OrganisationId,
    pub invoice_id: String,
    pub number: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub date: Option<String>,
    pub due_date: Option<String>,
    pub currency: Option<String>,
    pub total: Option<String>,
    pub amount_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    /// Rows matching the filters, over all pages.
    pub total: i64,
}

/// A stored line, as the detail views read it.
pub use super::rows::Line as LineRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRow {
    pub payment_id: String,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub status: Option<String>,
    pub reference: Option<String>,
    pub payment_type: Option<String>,
    pub account_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceDetail {
    pub row: InvoiceRow,
    pub reference: Option<String>,
    pub amount_paid: Option<String>,
    pub line_items: Vec<LineRow>,
    /// The payments the Payments feed brought (the invoice's own summaries of them are in `raw`,
    /// read by the provider crate until the feed has run).
    pub payments: Vec<PaymentRow>,
    /// The invoice as last received.
    pub raw: Value,
}

/// WHERE clauses (constant text) and their bound values.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    vals: Vec<Val>,
}

impl Filter {
    fn eq(&mut self, column: &str, v: Option<&str>) {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            self.clauses.push(format!("{column} = ?"));
            self.vals.push(Val::Text(Some(v.to_owned())));
        }
    }
    /// Rows of one organisation: the Xero tables key it by `organisations.org_key`.
    fn org(&mut self, id: Option<String>) {
        if let Some(id) = id {
            self.clauses.push(OF_ORG.into());
            self.vals.push(Val::Text(Some(id)));
        }
    }
    fn id(&mut self, column: &str, v: Option<&str>) {
        self.eq(column, v.map(|s| s.trim().to_ascii_lowercase()).as_deref());
    }
    fn any_of(&mut self, column: &str, vs: &[String]) {
        if !vs.is_empty() {
            self.clauses.push(format!("{column} IN ({})", vec!["?"; vs.len()].join(", ")));
            self.vals.extend(vs.iter().map(|v| Val::Text(Some(v.clone()))));
        }
    }
    fn int(&mut self, clause: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.clauses.push(clause.to_owned());
            self.vals.push(Val::Int(Some(v)));
        }
    }
    /// `key op amount` by face value; `key` is one of the amount keys.
    fn amount(&mut self, key: &[&str; 2], op: &str, v: Option<Decimal>) -> Result<()> {
        if let Some(v) = v {
            let (whole, fraction) = amount_key(v)?;
            self.clauses.push(format!("({}, {}) {op} (?, ?)", key[0], key[1]));
            self.vals.extend([Val::Int(Some(whole)), Val::Int(Some(fraction))]);
        }
        Ok(())
    }
    fn flag(&mut self, column: &str, v: Option<bool>) {
        self.int(&format!("{column} = ?"), v.map(i64::from));
    }
    fn date(&mut self, clause: &str, v: Option<&str>) -> Result<()> {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            if !is_ymd(v) {
                return Err(Error::InvalidQuery(format!("date {v:?} is not YYYY-MM-DD")));
            }
            self.clauses.push(clause.to_owned());
            self.vals.push(Val::Text(Some(v.to_owned())));
        }
        Ok(())
    }
    /// Case-insensitive substring over `columns` (LIKE: ASCII case folding).
    fn like_any(&mut self, columns: &[&str], needle: &str) {
        let pattern = format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let ors = columns.iter().map(|c| format!("{c} LIKE ? ESCAPE '\\'")).collect::<Vec<_>>().join(" OR ");
        self.clauses.push(format!("({ors})"));
        self.vals.extend(columns.iter().map(|_| Val::Text(Some(pattern.clone()))));
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The words searched for, without control characters: nobody types them, and a NUL made FTS5
/// fail with "unterminated string" instead of matching (security review 2026-12 #16).
fn search_text(s: &Option<String>) -> Option<String> {
    let text: String = s.as_deref()?.chars().filter(|c| !c.is_control()).collect();
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn page_bounds(offset: i64, limit: i64) -> (i64, i64) {
    (offset.max(0), if limit <= 0 { 100 } else { limit.min(MAX_PAGE) })
}

fn dir(descending: bool) -> &'static str {
    if descending {
        "DESC"
    } else {
        "ASC"
    }
}

const INVOICE_COLUMNS: &str = "(SELECT o.id FROM organisations o WHERE o.org_key = xero_invoices.org_key) AS organisation_id, invoice_id, number, type, status, contact_id, contact_name, date, \
                               due_date, currency, total, amount_due";

fn invoice_row(r: &SqliteRow) -> Result<InvoiceRow> {
    Ok(InvoiceRow {
        organisation_id: organisation_of(r)?,
        invoice_id: r.try_get("invoice_id")?,
        number: r.try_get("number")?,
        type_: r.try_get("type")?,
        status: r.try_get("status")?,
        contact_id: r.try_get("contact_id")?,
        contact_name: r.try_get("contact_name")?,
        date: r.try_get("date")?,
        due_date: r.try_get("due_date")?,
        currency: r.try_get("currency")?,
        total: r.try_get("total")?,
        amount_due: r.try_get("amount_due")?,
    })
}

fn invoice_filter(q: &InvoiceQuery) -> Result<Filter> {
    let mut f = Filter::default();
    f.org(q.organisation_id.map(|o| o.to_string()));
    f.any_of("status", &q.statuses);
    f.id("contact_id", q.contact_id.as_deref());
    f.eq("currency", q.currency.as_deref());
    f.date("date >= ?", q.date_from.as_deref())?;
    f.date("date <= ?", q.date_to.as_deref())?;
    f.amount(&TOTAL_KEY, ">=", q.amount_min)?;
    f.amount(&TOTAL_KEY, "<=", q.amount_max)?;
    if let Some(s) = search_text(&q.search) {
        if s.chars().count() >= TRIGRAM {
            // A quoted FTS5 string is one phrase: operators and column filters in it are text.
            f.clauses.push("id IN (SELECT rowid FROM xero_invoices_fts WHERE xero_invoices_fts MATCH ?)".into());
            f.vals.push(Val::Text(Some(format!("\"{}\"", s.replace('"', "\"\"")))));
        } else {
            f.like_any(&["number", "contact_name", "reference"], &s);
        }
    }
    Ok(f)
}

/// A decimal amount as typed in a filter ("1500", "1500.5", "-3.25"), exactly. Refuses what is
/// not a plain decimal, and more than 18 decimals (finer than any currency's minor unit).
pub fn amount_filter(text: &str) -> Result<Decimal> {
    let d =
        Decimal::from_str_exact(text.trim()).map_err(|_| Error::InvalidQuery(format!("{text:?} is not an amount")))?;
    if d.normalize().scale() > xp_core::money::MAX_MINOR_UNITS {
        return Err(Error::InvalidQuery(format!("{text:?} has more decimals than any currency")));
    }
    Ok(d)
}

/// How many invoices match the filters (paging fields are ignored).
pub async fn count_invoices(store: &Store, q: &InvoiceQuery) -> Result<i64> {
    let f = invoice_filter(q)?;
    let sql = format!("SELECT count(*) FROM xero_invoices{}", f.sql());
    Ok(sqlx::query_scalar_with(&sql, args(f.vals)?).fetch_one(store.pool()).await?)
}

/// One page of invoices and the number matching the filters.
pub async fn list_invoices(store: &Store, q: &InvoiceQuery) -> Result<InvoicePage> {
    let f = invoice_filter(q)?;
    let (offset, limit) = page_bounds(q.offset, q.limit);
    let where_sql = f.sql();
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM xero_invoices{where_sql} ORDER BY {order} LIMIT ? OFFSET ?",
        order = order_by(q.sort.keys(), q.descending)
    );
    let mut vals = f.vals.clone();
    vals.push(Val::Int(Some(limit)));
    vals.push(Val::Int(Some(offset)));
    let rows = sqlx::query_with(&sql, args(vals)?).fetch_all(store.pool()).await?;
    let count_sql = format!("SELECT count(*) FROM xero_invoices{where_sql}");
    let total: i64 = sqlx::query_scalar_with(&count_sql, args(f.vals)?).fetch_one(store.pool()).await?;
    Ok(InvoicePage { rows: rows.iter().map(invoice_row).collect::<Result<_>>()?, total })
}

/// `s` is a real 'YYYY-MM-DD' calendar date (the form the date columns hold).
fn is_ymd(s: &str) -> bool {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok() && s.len() == 10
}

/// The raw JSON of a side table, packed (see [`super::packed`]) or, written before, plain text.
fn packed_json(r: &SqliteRow) -> Result<Value> {
    let stored: Vec<u8> = r.try_get("raw")?;
    let text = super::packed::unpack(&stored)?;
    serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("stored Xero record: {e}")))
}

fn raw_json(r: &SqliteRow) -> Result<Value> {
    let raw: String = r.try_get("raw")?;
    serde_json::from_str(&raw).map_err(|e| Error::Corrupt(format!("stored Xero record: {e}")))
}

/// One invoice with its lines and payments, or None when it is not stored.
pub async fn get_invoice(
    store: &Store,
    organisation_id: OrganisationId,
    invoice_id: &str,
) -> Result<Option<InvoiceDetail>> {
    let invoice_id = invoice_id.trim().to_ascii_lowercase();
    let Some(r) = sqlx::query(&format!(
        "SELECT {INVOICE_COLUMNS}, xero_invoices.id AS row_id, reference, amount_paid, CAST(r.raw AS BLOB) AS raw \
         FROM xero_invoices \
         JOIN xero_invoices_raw r ON r.id = xero_invoices.id WHERE {OF_ORG} AND invoice_id = ?"
    ))
    .bind(organisation_id.to_string())
    .bind(&invoice_id)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let row = invoice_row(&r)?;
    let raw = packed_json(&r)?;
    let line_items = sqlx::query(
        "SELECT line_item_id, description, quantity, unit_amount, account_code, tax_type, tax_amount, line_amount \
         FROM xero_invoice_lines WHERE invoice_row = ? ORDER BY position",
    )
    .bind(r.try_get::<i64, _>("row_id")?)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|l| {
        Ok(LineRow {
            line_item_id: l.try_get("line_item_id")?,
            description: l.try_get("description")?,
            quantity: l.try_get("quantity")?,
            unit_amount: l.try_get("unit_amount")?,
            account_code: l.try_get("account_code")?,
            tax_type: l.try_get("tax_type")?,
            tax_amount: l.try_get("tax_amount")?,
            line_amount: l.try_get("line_amount")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let payments = sqlx::query(&format!(
        "SELECT payment_id, date, amount, currency, status, reference, payment_type, account_code \
         FROM xero_payments WHERE {OF_ORG} AND invoice_id = ? ORDER BY date, payment_id",
    ))
    .bind(organisation_id.to_string())
    .bind(&invoice_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|p| {
        Ok(PaymentRow {
            payment_id: p.try_get("payment_id")?,
            date: p.try_get("date")?,
            amount: p.try_get("amount")?,
            currency: p.try_get("currency")?,
            status: p.try_get("status")?,
            reference: p.try_get("reference")?,
            payment_type: p.try_get("payment_type")?,
            account_code: p.try_get("account_code")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(InvoiceDetail {
        reference: r.try_get("reference")?,
        amount_paid: r.try_get("amount_paid")?,
        row,
        line_items,
        payments,
        raw,
    }))
}

/// The invoices a person means by `number_or_id`: its InvoiceID (any case) or its number
/// (case-insensitive), in every organisation (numbers repeat across organisations).
pub async fn find_invoices(store: &Store, number_or_id: &str) -> Result<Vec<InvoiceRow>> {
    let key = number_or_id.trim();
    let rows = sqlx::query(&format!(
        "SELECT {INVOICE_COLUMNS} FROM xero_invoices WHERE invoice_id = ? OR number = ? \
         ORDER BY organisation_id, invoice_id"
    ))
    .bind(key.to_ascii_lowercase())
    .bind(key)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(invoice_row).collect()
}

/// Currencies of the stored invoices, for the list's filter (all organisations when None).
pub async fn list_currencies_in_use(store: &Store, organisation_id: Option<OrganisationId>) -> Result<Vec<String>> {
    let mut f = Filter::default();
    f.org(organisation_id.map(|o| o.to_string()));
    f.clauses.push("currency IS NOT NULL".into());
    let sql = format!("SELECT DISTINCT currency FROM xero_invoices{} ORDER BY currency", f.sql());
    Ok(sqlx::query_scalar_with(&sql, args(f.vals)?).fetch_all(store.pool()).await?)
}

/// A reference list (organisation, currencies, tax rates) as Xero returned it: a JSON array.
pub async fn get_reference(
    store: &Store,
    organisation_id: OrganisationId,
    resource: Resource,
) -> Result<Option<Value>> {
    let Some(kind) = reference_kind(resource) else {
        return Err(Error::InvalidQuery(format!("{resource} is not a reference list")));
    };
    let raw: Option<String> =
        sqlx::query_scalar(&format!("SELECT raw FROM xero_reference WHERE {OF_ORG} AND kind = ?",))
            .bind(organisation_id.to_string())
            .bind(kind)
            .fetch_optional(store.pool())
            .await?;
    raw.map(|r| serde_json::from_str(&r).map_err(|e| Error::Corrupt(format!("stored Xero {kind}: {e}")))).transpose()
}

// ---- Contacts ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    #[default]
    Name,
    UpdatedUtc,
}

/// `search` matches a fragment of the name, email address or contact number.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactQuery {
    pub organisation_id: Option<OrganisationId>,
    pub statuses: Vec<String>,
    pub is_customer: Option<bool>,
    pub is_supplier: Option<bool>,
    pub search: Option<String>,
    pub sort: ContactSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactRow {
    pub organisation_id: OrganisationId,
    pub contact_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub contact_number: Option<String>,
    pub status: Option<String>,
    pub is_customer: Option<bool>,
    pub is_supplier: Option<bool>,
    pub default_currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactPage {
    pub rows: Vec<ContactRow>,
    pub total: i64,
}

/// What a contact owes (ACCREC) or is owed (ACCPAY) in one currency: the amount due of its
/// AUTHORISED invoices (SUBMITTED ones are not approved yet, PAID/VOIDED/DELETED owe nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outstanding {
    pub currency: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub amount: String,
    pub invoices: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactDetail {
    pub row: ContactRow,
    /// Invoices of the contact, all statuses.
    pub invoice_count: i64,
    pub outstanding: Vec<Outstanding>,
    pub raw: Value,
}

const CONTACT_COLUMNS: &str =
    "(SELECT o.id FROM organisations o WHERE o.org_key = xero_contacts.org_key) AS organisation_id, contact_id, name, email, contact_number, status, is_customer, is_supplier, default_currency";

fn contact_row(r: &SqliteRow) -> Result<ContactRow> {
    Ok(ContactRow {
        organisation_id: organisation_of(r)?,
        contact_id: r.try_get("contact_id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        contact_number: r.try_get("contact_number")?,
        status: r.try_get("status")?,
        is_customer: r.try_get("is_customer")?,
        is_supplier: r.try_get("is_supplier")?,
        default_currency: r.try_get("default_currency")?,
    })
}

pub async fn list_contacts(store: &Store, q: &ContactQuery) -> Result<ContactPage> {
    let mut f = Filter::default();
    f.org(q.organisation_id.map(|o| o.to_string()));
    f.any_of("status", &q.statuses);
    f.flag("is_customer", q.is_customer);
    f.flag("is_supplier", q.is_supplier);
    if let Some(s) = search_text(&q.search) {
        f.like_any(&["name", "email", "contact_number"], &s);
    }
    let (offset, limit) = page_bounds(q.offset, q.limit);
    let col = match q.sort {
        ContactSort::Name => "name",
        ContactSort::UpdatedUtc => "updated_utc",
    };
    let (where_sql, d) = (f.sql(), dir(q.descending));
    let sql =
        format!("SELECT {CONTACT_COLUMNS} FROM xero_contacts{where_sql} ORDER BY {col} {d}, id {d} LIMIT ? OFFSET ?");
    let mut vals = f.vals.clone();
    vals.extend([Val::Int(Some(limit)), Val::Int(Some(offset))]);
    let rows = sqlx::query_with(&sql, args(vals)?).fetch_all(store.pool()).await?;
    let total: i64 = sqlx::query_scalar_with(&format!("SELECT count(*) FROM xero_contacts{where_sql}"), args(f.vals)?)
        .fetch_one(store.pool())
        .await?;
    Ok(ContactPage { rows: rows.iter().map(contact_row).collect::<Result<_>>()?, total })
}

pub async fn get_contact(
    store: &Store,
    organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<Option<ContactDetail>> {
    let contact_id = contact_id.trim().to_ascii_lowercase();
    let Some(r) =
        sqlx::query(&format!("SELECT {CONTACT_COLUMNS}, raw FROM xero_contacts WHERE {OF_ORG} AND contact_id = ?"))
            .bind(organisation_id.to_string())
            .bind(&contact_id)
            .fetch_optional(store.pool())
            .await?
    else {
        return Ok(None);
    };
    let invoice_count: i64 =
        sqlx::query_scalar(&format!("SELECT count(*) FROM xero_invoices WHERE {OF_ORG} AND contact_id = ?"))
            .bind(organisation_id.to_string())
            .bind(&contact_id)
            .fetch_one(store.pool())
            .await?;
    // Summed in minor units (integer arithmetic, exact) per unit size: rows stored before the
    // currency exponents counted hundredths, newer ones the currency's own minor unit.
    let mut sums: std::collections::BTreeMap<(Option<String>, Option<String>), (Decimal, i64)> = Default::default();
    for o in sqlx::query(&format!(
        "SELECT currency, type, minor_unit, sum(amount_due_minor) AS due, count(*) AS n FROM xero_invoices \
         WHERE {OF_ORG} AND contact_id = ? AND status = 'AUTHORISED' AND amount_due_minor <> 0 \
         GROUP BY currency, type, minor_unit",
    ))
    .bind(organisation_id.to_string())
    .bind(&contact_id)
    .fetch_all(store.pool())
    .await?
    {
        let unit: i64 = o.try_get("minor_unit")?;
        let exp = exponent_of_unit(unit)?;
        let e = sums.entry((o.try_get("currency")?, o.try_get("type")?)).or_default();
        e.0 += Decimal::new(o.try_get("due")?, exp);
        e.1 += o.try_get::<i64, _>("n")?;
    }
    let outstanding = sums
        .into_iter()
        .map(|((currency, type_), (mut due, invoices))| {
            if let Some(c) = currency.as_deref().and_then(|c| xp_core::money::Currency::parse(c).ok()) {
                due.rescale(c.minor_units().max(due.normalize().scale()));
            }
            Outstanding { currency, type_, amount: due.to_string(), invoices }
        })
        .collect();
    Ok(Some(ContactDetail { row: contact_row(&r)?, invoice_count, outstanding, raw: raw_json(&r)? }))
}

// ---- Bank transactions ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankTransactionSort {
    #[default]
    Date,
    Total,
    Contact,
    Reference,
    Status,
}

/// `search` matches a fragment of the reference or the contact's name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BankTransactionQuery {
    pub organisation_id: Option<OrganisationId>,
    pub statuses: Vec<String>,
    pub types: Vec<String>,
    pub contact_id: Option<String>,
    pub bank_account_code: Option<String>,
    pub is_reconciled: Option<bool>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub amount_min: Option<Decimal>,
    pub amount_max: Option<Decimal>,
    pub search: Option<String>,
    pub sort: BankTransactionSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankTransactionRow {
    pub organisation_id: OrganisationId,
    pub bank_transaction_id: String,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub date: Option<String>,
    pub reference: Option<String>,
    pub currency: Option<String>,
    pub total: Option<String>,
    pub is_reconciled: Option<bool>,
    pub bank_account_code: Option<String>,
    pub bank_account_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankTransactionPage {
    pub rows: Vec<BankTransactionRow>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BankTransactionDetail {
    pub row: BankTransactionRow,
    /// The record as received: its lines are read from it by the provider crate.
    pub raw: Value,
}

const BANK_COLUMNS: &str = "(SELECT o.id FROM organisations o WHERE o.org_key = xero_bank_transactions.org_key) AS organisation_id, bank_transaction_id, type, status, contact_id, contact_name, date, \
                            reference, currency, total, is_reconciled, bank_account_code, bank_account_name";

fn bank_row(r: &SqliteRow) -> Result<BankTransactionRow> {
    Ok(BankTransactionRow {
        organisation_id: organisation_of(r)?,
        bank_transaction_id: r.try_get("bank_transaction_id")?,
        type_: r.try_get("type")?,
        status: r.try_get("status")?,
        contact_id: r.try_get("contact_id")?,
        contact_name: r.try_get("contact_name")?,
        date: r.try_get("date")?,
        reference: r.try_get("reference")?,
        currency: r.try_get("currency")?,
        total: r.try_get("total")?,
        is_reconciled: r.try_get("is_reconciled")?,
        bank_account_code: r.try_get("bank_account_code")?,
        bank_account_name: r.try_get("bank_account_name")?,
    })
}

pub async fn list_bank_transactions(store: &Store, q: &BankTransactionQuery) -> Result<BankTransactionPage> {
    let mut f = Filter::default();
    f.org(q.organisation_id.map(|o| o.to_string()));
    f.any_of("status", &q.statuses);
    f.any_of("type", &q.types);
    f.id("contact_id", q.contact_id.as_deref());
    f.eq("bank_account_code", q.bank_account_code.as_deref());
    f.flag("is_reconciled", q.is_reconciled);
    f.date("date >= ?", q.date_from.as_deref())?;
    f.date("date <= ?", q.date_to.as_deref())?;
    f.amount(&TOTAL_KEY, ">=", q.amount_min)?;
    f.amount(&TOTAL_KEY, "<=", q.amount_max)?;
    if let Some(s) = search_text(&q.search) {
        f.like_any(&["reference", "contact_name"], &s);
    }
    let (offset, limit) = page_bounds(q.offset, q.limit);
    let keys: &[&str] = match q.sort {
        BankTransactionSort::Date => &["date"],
        BankTransactionSort::Total => &TOTAL_KEY,
        BankTransactionSort::Contact => &["contact_name"],
        BankTransactionSort::Reference => &["reference"],
        BankTransactionSort::Status => &["status"],
    };
    let where_sql = f.sql();
    let sql = format!(
        "SELECT {BANK_COLUMNS} FROM xero_bank_transactions{where_sql} ORDER BY {order} LIMIT ? OFFSET ?",
        order = order_by(keys, q.descending)
    );
    let mut vals = f.vals.clone();
    vals.extend([Val::Int(Some(limit)), Val::Int(Some(offset))]);
    let rows = sqlx::query_with(&sql, args(vals)?).fetch_all(store.pool()).await?;
    let total: i64 =
        sqlx::query_scalar_with(&format!("SELECT count(*) FROM xero_bank_transactions{where_sql}"), args(f.vals)?)
            .fetch_one(store.pool())
            .await?;
    Ok(BankTransactionPage { rows: rows.iter().map(bank_row).collect::<Result<_>>()?, total })
}

pub async fn get_bank_transaction(
    store: &Store,
    organisation_id: OrganisationId,
    bank_transaction_id: &str,
) -> Result<Option<BankTransactionDetail>> {
    let Some(r) = sqlx::query(&format!(
        "SELECT {BANK_COLUMNS}, raw FROM xero_bank_transactions WHERE {OF_ORG} AND bank_transaction_id = ?"
    ))
    .bind(organisation_id.to_string())
    .bind(bank_transaction_id.trim().to_ascii_lowercase())
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(BankTransactionDetail { row: bank_row(&r)?, raw: raw_json(&r)? }))
}

/// The exponent of a stored `minor_unit` (10^exponent).
fn exponent_of_unit(unit: i64) -> Result<u32> {
    (0..=xp_core::money::MAX_MINOR_UNITS)
        .find(|&e| 10i64.checked_pow(e) == Some(unit))
        .ok_or_else(|| Error::Corrupt(format!("minor_unit {unit} is not a power of ten")))
}

/// A row's organisation: the app's UUID, as `organisations.id` holds it.
fn organisation_of(r: &SqliteRow) -> Result<OrganisationId> {
    let text: String = r.try_get("organisation_id")?;
    text.parse().map_err(|_| Error::Corrupt(format!("organisation id {text:?}")))
}
