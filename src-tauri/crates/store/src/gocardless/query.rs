//! Typed rows out: the mandates list, payments and payouts as stored, ids and counts for
//! reconciliation checks, and where the events feed begins.

use super::rows::{Payment, Payout, PayoutItem};
use super::Kind;
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use xp_core::ids::OrganisationId;
use xp_core::names::normalised;
use xp_core::Money;

/// One mandate with what a person needs to recognise it: the payer and their bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MandateView {
    pub id: String,
    pub status: String,
    pub scheme: String,
    pub reference: String,
    /// The company, else given and family name.
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub bank_name: Option<String>,
    pub account_number_ending: Option<String>,
    pub next_possible_charge_date: Option<String>,
    pub reason: Option<String>,
}

const MANDATE_VIEW: &str = "SELECT m.mandate_id, m.status, m.scheme, m.reference, m.next_possible_charge_date, \
     m.reason, c.company_name, c.given_name, c.family_name, c.email, b.bank_name, b.account_number_ending \
     FROM gocardless_mandates m \
     LEFT JOIN gocardless_customers c ON c.organisation_id = m.organisation_id AND c.customer_id = m.customer_id \
     LEFT JOIN gocardless_bank_accounts b ON b.organisation_id = m.organisation_id \
          AND b.bank_account_id = m.bank_account_id";
const NEWEST_FIRST: &str = "ORDER BY m.created_at DESC, m.mandate_id DESC";

/// Every mandate of every kept creditor, newest first.
pub async fn mandates(store: &Store) -> Result<Vec<MandateView>> {
    let rows = sqlx::query(&format!("{MANDATE_VIEW} {NEWEST_FIRST}")).fetch_all(store.pool()).await?;
    rows.iter().map(mandate_view).collect()
}

/// One mandate by its GoCardless id, as synced.
pub async fn mandate(store: &Store, mandate_id: &str) -> Result<Option<MandateView>> {
    let row = sqlx::query(&format!("{MANDATE_VIEW} WHERE m.mandate_id = ? {NEWEST_FIRST}"))
        .bind(mandate_id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(mandate_view).transpose()
}

/// The mandates of the payers with this email (GoCardless keeps it as the payer typed it, so
/// the match ignores case), newest first.
pub async fn mandates_by_email(store: &Store, email: &str) -> Result<Vec<MandateView>> {
    let rows = sqlx::query(&format!("{MANDATE_VIEW} WHERE c.email = ? COLLATE NOCASE {NEWEST_FIRST}"))
        .bind(email.trim())
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(mandate_view).collect()
}

/// The mandates of the payers whose company, or given and family name, is `name` as people
/// compare names ([`xp_core::names::normalised`]), newest first. Names are not unique: a caller proposes
/// what this finds and a person confirms it.
pub async fn mandates_by_name(store: &Store, name: &str) -> Result<Vec<MandateView>> {
    let wanted = normalised(name);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    // Customers are a business's payers (hundreds, rarely thousands): compared here, where the
    // normalisation is one function, rather than in SQL.
    let rows = sqlx::query(&format!("{MANDATE_VIEW} {NEWEST_FIRST}")).fetch_all(store.pool()).await?;
    let mut found = Vec::new();
    for r in &rows {
        let (company, person) = names(r)?;
        if company.as_deref().is_some_and(|c| normalised(c) == wanted) || normalised(&person) == wanted {
            found.push(mandate_view(r)?);
        }
    }
    Ok(found)
}

/// The mandates of one customer of one creditor (a contact's linked customer), newest first.
pub async fn mandates_of_customer(
    store: &Store,
    creditor_id: OrganisationId,
    customer_id: &str,
) -> Result<Vec<MandateView>> {
    let rows = sqlx::query(&format!("{MANDATE_VIEW} WHERE m.organisation_id = ? AND m.customer_id = ? {NEWEST_FIRST}"))
        .bind(creditor_id.to_string())
        .bind(customer_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(mandate_view).collect()
}

/// The payer's company, and given and family name joined ("" when neither is known).
fn names(r: &sqlx::sqlite::SqliteRow) -> Result<(Option<String>, String)> {
    let company: Option<String> = r.try_get("company_name")?;
    let person = [r.try_get::<Option<String>, _>("given_name")?, r.try_get("family_name")?]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Ok((company, person))
}

fn mandate_view(r: &sqlx::sqlite::SqliteRow) -> Result<MandateView> {
    let (company, person) = names(r)?;
    Ok(MandateView {
        id: r.try_get("mandate_id")?,
        status: r.try_get("status")?,
        scheme: r.try_get("scheme")?,
        reference: r.try_get("reference")?,
        customer_name: company.filter(|c| !c.is_empty()).or((!person.is_empty()).then_some(person)),
        customer_email: r.try_get("email")?,
        bank_name: r.try_get("bank_name")?,
        account_number_ending: r.try_get("account_number_ending")?,
        next_possible_charge_date: r.try_get("next_possible_charge_date")?,
        reason: r.try_get("reason")?,
    })
}

fn money(amount: &str, currency: &str) -> Result<Money> {
    Money::parse(amount, currency).map_err(|e| Error::Corrupt(format!("amount {amount:?} {currency}: {e}")))
}

const PAYMENT_COLUMNS: &str = "payment_id, mandate_id, created_at, charge_date, amount, amount_refunded, currency, \
     status, reference, description, payout_id";

/// One creditor's payments, by id.
pub async fn payments(store: &Store, organisation_id: OrganisationId) -> Result<Vec<Payment>> {
    let rows = sqlx::query(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM gocardless_payments WHERE organisation_id = ? ORDER BY payment_id"
    ))
    .bind(organisation_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(payment_row).collect()
}

/// One payment by its GoCardless id, as last synced.
pub async fn payment(store: &Store, payment_id: &str) -> Result<Option<Payment>> {
    let row = sqlx::query(&format!("SELECT {PAYMENT_COLUMNS} FROM gocardless_payments WHERE payment_id = ?"))
        .bind(payment_id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(payment_row).transpose()
}

fn payment_row(r: &sqlx::sqlite::SqliteRow) -> Result<Payment> {
    let currency: String = r.try_get("currency")?;
    Ok(Payment {
        id: r.try_get("payment_id")?,
        mandate_id: r.try_get("mandate_id")?,
        created_at: r.try_get("created_at")?,
        charge_date: r.try_get("charge_date")?,
        amount: money(&r.try_get::<String, _>("amount")?, &currency)?,
        amount_refunded: money(&r.try_get::<String, _>("amount_refunded")?, &currency)?,
        status: r.try_get("status")?,
        reference: r.try_get("reference")?,
        description: r.try_get("description")?,
        payout_id: r.try_get("payout_id")?,
    })
}

/// One creditor's payouts with their lines, by id.
pub async fn payouts(store: &Store, organisation_id: OrganisationId) -> Result<Vec<Payout>> {
    let rows = sqlx::query(
        "SELECT payout_id, created_at, amount, deducted_fees, currency, status, arrival_date, reference, payout_type \
         FROM gocardless_payouts WHERE organisation_id = ? ORDER BY payout_id",
    )
    .bind(organisation_id.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("payout_id")?;
        let currency: String = r.try_get("currency")?;
        let items = sqlx::query(
            "SELECT item_type, amount, currency, payment_id, mandate_id, refund_id FROM gocardless_payout_items \
             WHERE organisation_id = ? AND payout_id = ? ORDER BY seq",
        )
        .bind(organisation_id.to_string())
        .bind(&id)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|i| {
            Ok(PayoutItem {
                item_type: i.try_get("item_type")?,
                amount: money(&i.try_get::<String, _>("amount")?, &i.try_get::<String, _>("currency")?)?,
                payment_id: i.try_get("payment_id")?,
                mandate_id: i.try_get("mandate_id")?,
                refund_id: i.try_get("refund_id")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        out.push(Payout {
            id,
            created_at: r.try_get("created_at")?,
            amount: money(&r.try_get::<String, _>("amount")?, &currency)?,
            deducted_fees: money(&r.try_get::<String, _>("deducted_fees")?, &currency)?,
            status: r.try_get("status")?,
            arrival_date: r.try_get("arrival_date")?,
            reference: r.try_get("reference")?,
            payout_type: r.try_get("payout_type")?,
            items,
        });
    }
    Ok(out)
}

/// The provider ids of one kind of record (with its status where the table has one), sorted.
pub async fn ids(store: &Store, organisation_id: OrganisationId, kind: Kind) -> Result<Vec<String>> {
    let (table, key) = kind.table();
    let sql = format!("SELECT {key} FROM {table} WHERE organisation_id = ? ORDER BY {key}");
    Ok(sqlx::query_scalar(&sql).bind(organisation_id.to_string()).fetch_all(store.pool()).await?)
}

/// How much the store holds for one creditor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub customers: u64,
    pub bank_accounts: u64,
    pub mandates: u64,
    pub payments: u64,
    pub refunds: u64,
    pub payouts: u64,
    pub payout_items: u64,
    pub applied_events: u64,
}

pub async fn counts(store: &Store, organisation_id: OrganisationId) -> Result<Counts> {
    let count = |table: &'static str| async move {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE organisation_id = ?"))
            .bind(organisation_id.to_string())
            .fetch_one(store.pool())
            .await?;
        Ok::<u64, Error>(n.max(0) as u64)
    };
    Ok(Counts {
        customers: count("gocardless_customers").await?,
        bank_accounts: count("gocardless_bank_accounts").await?,
        mandates: count("gocardless_mandates").await?,
        payments: count("gocardless_payments").await?,
        refunds: count("gocardless_refunds").await?,
        payouts: count("gocardless_payouts").await?,
        payout_items: count("gocardless_payout_items").await?,
        applied_events: count("gocardless_applied_events").await?,
    })
}

/// The feed's start and the last complete full load of a creditor (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedState {
    pub since: String,
    pub loaded_at: String,
}

/// None until a first full load completed.
pub async fn feed_since(store: &Store, organisation_id: OrganisationId) -> Result<Option<FeedState>> {
    let row = sqlx::query("SELECT since, loaded_at FROM gocardless_feed WHERE organisation_id = ?")
        .bind(organisation_id.to_string())
        .fetch_optional(store.pool())
        .await?;
    row.map(|r| Ok(FeedState { since: r.try_get("since")?, loaded_at: r.try_get("loaded_at")? })).transpose()
}

/// Records a complete full load. The feed's start is set by the first one only: later the feed
/// goes on from its cursor.
pub async fn record_full_load(
    store: &Store,
    organisation_id: OrganisationId,
    since: &str,
    loaded_at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_feed (organisation_id, since, loaded_at) VALUES (?, ?, ?) \
         ON CONFLICT (organisation_id) DO UPDATE SET loaded_at = excluded.loaded_at",
    )
    .bind(organisation_id.to_string())
    .bind(since)
    .bind(loaded_at)
    .execute(store.pool())
    .await?;
    Ok(())
}
