//! Upserts by the provider's id, inside the caller's transaction (the sync engine's page). An
//! event is recorded in `gocardless_applied_events` first: when it is already there, what it
//! changed is not written again, so each event is applied once even if a page is read twice.

use super::rows::{BankAccount, Customer, Event, Mandate, Payment, Payout, Record, Refund};
use super::Kind;
use crate::Result;
use serde_json::Value;
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};
use xp_core::ids::OrganisationId;

/// What one page changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Resources written (a payout's lines count with their payout).
    pub records: u64,
    /// Events applied for the first time.
    pub events_applied: u64,
}

/// Writes a page of records for one organisation (creditor).
///
/// The page's events are recorded in one statement, which answers the ones new to the store.
/// Each resource is then written once, as its last mention in the page left it: a batch names
/// the same payment in its created, submitted, confirmed and paid-out events, each time as
/// GoCardless holds it now, so writing it once per event only repeated the same row.
pub async fn upsert(conn: &mut SqliteConnection, organisation_id: OrganisationId, page: &[Record]) -> Result<Written> {
    let organisation_id = organisation_id.to_string();
    let organisation_id = organisation_id.as_str();
    let mut w = Written::default();
    let events: Vec<&Event> = page
        .iter()
        .filter_map(|r| match r {
            Record::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    let mut applied = apply_once(conn, organisation_id, &events).await?;
    let mut latest = Latest::default();
    for r in page {
        match r {
            // `remove`: an event id twice in one page is applied once.
            Record::Event(e) if applied.remove(e.id.as_str()) => {
                w.events_applied += 1;
                for changed in &e.changed {
                    w.records += u64::from(latest.keep(changed));
                }
            }
            Record::Event(_) => {}
            other => w.records += u64::from(latest.keep(other)),
        }
    }
    // Payments are most of a feed: a statement for many at once, the rest one by one.
    let (payments, others): (Vec<Record>, Vec<Record>) =
        latest.records.into_iter().partition(|r| matches!(r, Record::Payment(_)));
    let payments: Vec<&Payment> = payments
        .iter()
        .filter_map(|r| match r {
            Record::Payment(p) => Some(p),
            _ => None,
        })
        .collect();
    for chunk in payments.chunks(PAYMENTS_PER_INSERT) {
        payment_rows(conn, organisation_id, chunk).await?;
    }
    for r in others {
        resource(conn, organisation_id, &r).await?;
    }
    Ok(w)
}

/// Payments per statement: twelve parameters each, far below SQLite's limit of 32,766.
const PAYMENTS_PER_INSERT: usize = 500;

/// Each resource of a page once, in the order first named, as its last mention left it.
#[derive(Default)]
struct Latest {
    records: Vec<Record>,
    at: HashMap<(&'static str, String), usize>,
}

impl Latest {
    /// True when `r` is a resource (an event nests no event).
    fn keep(&mut self, r: &Record) -> bool {
        let key = match r {
            Record::Customer(c) => ("customer", c.id.clone()),
            Record::BankAccount(b) => ("bank_account", b.id.clone()),
            Record::Mandate(m) => ("mandate", m.id.clone()),
            Record::Payment(p) => ("payment", p.id.clone()),
            Record::Refund(f) => ("refund", f.id.clone()),
            Record::Payout(p) => ("payout", p.id.clone()),
            Record::Event(_) => return false,
        };
        match self.at.get(&key) {
            Some(&i) => {
                let mut next = r.clone();
                // As writing each mention would: a final status keeps the reason an earlier
                // event of the page gave when a later one gives none (see `mandate`).
                if let (Record::Mandate(new), Record::Mandate(old)) = (&mut next, &self.records[i]) {
                    if new.reason.is_none() && FINAL_MANDATE.contains(&new.status.as_str()) {
                        new.reason.clone_from(&old.reason);
                    }
                }
                self.records[i] = next;
            }
            None => {
                self.at.insert(key, self.records.len());
                self.records.push(r.clone());
            }
        }
        true
    }
}

/// Mandate statuses whose reason an event gave and a later list keeps (the SQL in `mandate`).
const FINAL_MANDATE: [&str; 5] = ["cancelled", "failed", "expired", "blocked", "suspended_by_payer"];

/// Events per statement: five parameters each, far below SQLite's limit of 32,766.
const EVENTS_PER_INSERT: usize = 1000;

/// Records the events as applied; answers the ids that were not recorded before.
async fn apply_once(conn: &mut SqliteConnection, org: &str, events: &[&Event]) -> Result<HashSet<String>> {
    let mut fresh = HashSet::new();
    for chunk in events.chunks(EVENTS_PER_INSERT) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO gocardless_applied_events (organisation_id, event_id, resource_type, action, created_at) ",
        );
        q.push_values(chunk, |mut row, e| {
            row.push_bind(org)
                .push_bind(&e.id)
                .push_bind(&e.resource_type)
                .push_bind(&e.action)
                .push_bind(&e.created_at);
        });
        q.push(" ON CONFLICT (organisation_id, created_at, event_id) DO NOTHING RETURNING event_id");
        let ids: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await?;
        fresh.extend(ids);
    }
    Ok(fresh)
}

async fn resource(conn: &mut SqliteConnection, org: &str, r: &Record) -> Result<u64> {
    match r {
        Record::Customer(c) => customer(conn, org, c).await?,
        Record::BankAccount(b) => bank_account(conn, org, b).await?,
        Record::Mandate(m) => mandate(conn, org, m).await?,
        Record::Payment(p) => payment(conn, org, p).await?,
        Record::Refund(r) => refund(conn, org, r).await?,
        Record::Payout(p) => payout(conn, org, p).await?,
        // An event names resources; it never nests another event.
        Record::Event(_) => return Ok(0),
    }
    Ok(1)
}

async fn customer(conn: &mut SqliteConnection, org: &str, c: &Customer) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_customers (organisation_id, customer_id, created_at, email, given_name, family_name, \
         company_name, country_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, customer_id) DO UPDATE SET email = excluded.email, \
         given_name = excluded.given_name, family_name = excluded.family_name, company_name = excluded.company_name, \
         country_code = excluded.country_code",
    )
    .bind(org)
    .bind(&c.id)
    .bind(&c.created_at)
    .bind(&c.email)
    .bind(&c.given_name)
    .bind(&c.family_name)
    .bind(&c.company_name)
    .bind(&c.country_code)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn bank_account(conn: &mut SqliteConnection, org: &str, b: &BankAccount) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_bank_accounts (organisation_id, bank_account_id, customer_id, created_at, \
         account_number_ending, bank_name, currency, country_code, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, bank_account_id) DO UPDATE SET customer_id = excluded.customer_id, \
         account_number_ending = excluded.account_number_ending, bank_name = excluded.bank_name, \
         currency = excluded.currency, country_code = excluded.country_code, enabled = excluded.enabled",
    )
    .bind(org)
    .bind(&b.id)
    .bind(&b.customer_id)
    .bind(&b.created_at)
    .bind(&b.account_number_ending)
    .bind(&b.bank_name)
    .bind(&b.currency)
    .bind(&b.country_code)
    .bind(b.enabled)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn mandate(conn: &mut SqliteConnection, org: &str, m: &Mandate) -> Result<()> {
    // A list carries no reason: a final status keeps the one its event gave; any other status
    // (a reinstated mandate) has none.
    sqlx::query(
        "INSERT INTO gocardless_mandates (organisation_id, mandate_id, customer_id, bank_account_id, created_at, \
         reference, status, scheme, next_possible_charge_date, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, mandate_id) DO UPDATE SET customer_id = excluded.customer_id, \
         bank_account_id = excluded.bank_account_id, reference = excluded.reference, status = excluded.status, \
         scheme = excluded.scheme, next_possible_charge_date = excluded.next_possible_charge_date, \
         reason = CASE WHEN excluded.status IN ('cancelled', 'failed', 'expired', 'blocked', 'suspended_by_payer') \
                       THEN COALESCE(excluded.reason, gocardless_mandates.reason) ELSE excluded.reason END",
    )
    .bind(org)
    .bind(&m.id)
    .bind(&m.customer_id)
    .bind(&m.bank_account_id)
    .bind(&m.created_at)
    .bind(&m.reference)
    .bind(&m.status)
    .bind(&m.scheme)
    .bind(&m.next_possible_charge_date)
    .bind(&m.reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn payment(conn: &mut SqliteConnection, org: &str, p: &Payment) -> Result<()> {
    payment_rows(conn, org, &[p]).await
}

/// Upserts payments in one statement.
async fn payment_rows(conn: &mut SqliteConnection, org: &str, payments: &[&Payment]) -> Result<()> {
    if payments.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO gocardless_payments (organisation_id, payment_id, mandate_id, created_at, charge_date, amount, \
         amount_refunded, currency, status, reference, description, payout_id) ",
    );
    q.push_values(payments, |mut row, p| {
        row.push_bind(org)
            .push_bind(&p.id)
            .push_bind(&p.mandate_id)
            .push_bind(&p.created_at)
            .push_bind(&p.charge_date)
            .push_bind(p.amount.amount.to_string())
            .push_bind(p.amount_refunded.amount.to_string())
            .push_bind(p.amount.currency.code())
            .push_bind(&p.status)
            .push_bind(&p.reference)
            .push_bind(&p.description)
            .push_bind(&p.payout_id);
    });
    q.push(
        " ON CONFLICT (organisation_id, payment_id) DO UPDATE SET mandate_id = excluded.mandate_id, \
         charge_date = excluded.charge_date, amount = excluded.amount, amount_refunded = excluded.amount_refunded, \
         currency = excluded.currency, status = excluded.status, reference = excluded.reference, \
         description = excluded.description, payout_id = excluded.payout_id",
    );
    q.build().execute(&mut *conn).await?;
    Ok(())
}

async fn refund(conn: &mut SqliteConnection, org: &str, r: &Refund) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_refunds (organisation_id, refund_id, payment_id, created_at, amount, currency, status, \
         reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, refund_id) DO UPDATE SET payment_id = excluded.payment_id, \
         amount = excluded.amount, currency = excluded.currency, status = excluded.status, reference = excluded.reference",
    )
    .bind(org)
    .bind(&r.id)
    .bind(&r.payment_id)
    .bind(&r.created_at)
    .bind(r.amount.amount.to_string())
    .bind(r.amount.currency.code())
    .bind(&r.status)
    .bind(&r.reference)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn payout(conn: &mut SqliteConnection, org: &str, p: &Payout) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_payouts (organisation_id, payout_id, created_at, amount, deducted_fees, currency, \
         status, arrival_date, reference, payout_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, payout_id) DO UPDATE SET amount = excluded.amount, \
         deducted_fees = excluded.deducted_fees, currency = excluded.currency, status = excluded.status, \
         arrival_date = excluded.arrival_date, reference = excluded.reference, payout_type = excluded.payout_type",
    )
    .bind(org)
    .bind(&p.id)
    .bind(&p.created_at)
    .bind(p.amount.amount.to_string())
    .bind(p.deducted_fees.amount.to_string())
    .bind(p.amount.currency.code())
    .bind(&p.status)
    .bind(&p.arrival_date)
    .bind(&p.reference)
    .bind(&p.payout_type)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM gocardless_payout_items WHERE organisation_id = ? AND payout_id = ?")
        .bind(org)
        .bind(&p.id)
        .execute(&mut *conn)
        .await?;
    for (seq, i) in p.items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO gocardless_payout_items (organisation_id, payout_id, seq, item_type, amount, currency, \
             payment_id, mandate_id, refund_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(org)
        .bind(&p.id)
        .bind(seq as i64)
        .bind(&i.item_type)
        .bind(i.amount.amount.to_string())
        .bind(i.amount.currency.code())
        .bind(&i.payment_id)
        .bind(&i.mandate_id)
        .bind(&i.refund_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// After a complete full list: removes the records of `kind` GoCardless no longer lists (a
/// payout's lines go with it). Returns how many were removed.
pub async fn delete_missing(
    conn: &mut SqliteConnection,
    organisation_id: OrganisationId,
    kind: Kind,
    keep: &[String],
) -> Result<u64> {
    let (table, key) = kind.table();
    // One JSON array parameter instead of one per id: SQLite limits the number of parameters.
    let keep = Value::Array(keep.iter().cloned().map(Value::String).collect()).to_string();
    if kind == Kind::Payouts {
        sqlx::query(
            "DELETE FROM gocardless_payout_items WHERE organisation_id = ? \
             AND payout_id NOT IN (SELECT value FROM json_each(?))",
        )
        .bind(organisation_id.to_string())
        .bind(&keep)
        .execute(&mut *conn)
        .await?;
    }
    let sql =
        format!("DELETE FROM {table} WHERE organisation_id = ? AND {key} NOT IN (SELECT value FROM json_each(?))");
    let done = sqlx::query(&sql).bind(organisation_id.to_string()).bind(&keep).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}
