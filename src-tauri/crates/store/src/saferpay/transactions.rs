//! Saferpay transactions from the transaction report, kept per Saferpay customer (an
//! organisation row of provider `saferpay`). Written inside the sync engine's page transaction,
//! so a page's rows, the collections they move and the report position commit together.

use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::OrganisationId;
use xp_core::Money;

/// A SEPA return or charge-back of a debit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chargeback {
    /// `AUTHORISED` or `UNAUTHORISED`.
    pub kind: String,
    pub reason_code: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub id: String,
    pub order_id: Option<String>,
    pub kind: String,
    pub state: String,
    pub payment_method: Option<String>,
    pub amount: Money,
    #[serde(with = "time::serde::rfc3339")]
    pub authorised_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub captured_at: Option<OffsetDateTime>,
    pub chargeback: Option<Chargeback>,
}

const COLUMNS: &str = "id, order_id, kind, state, payment_method, amount, currency, authorised_at, captured_at, \
                       chargeback_kind, chargeback_reason, chargeback_at";

/// Writes the transactions as the report holds them now; returns how many rows are new or
/// changed. A transaction read again in a later window (one per action on it) writes nothing.
pub async fn upsert_in(
    conn: &mut sqlx::SqliteConnection,
    organisation_id: OrganisationId,
    rows: &[Transaction],
    now: OffsetDateTime,
) -> Result<u64> {
    let mut changed = 0;
    for t in rows {
        let cb = t.chargeback.as_ref();
        let done = sqlx::query(
            "INSERT INTO saferpay_transactions (organisation_id, id, order_id, kind, state, payment_method, amount, \
             currency, authorised_at, captured_at, chargeback_kind, chargeback_reason, chargeback_at, synced_at) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) \
             ON CONFLICT (organisation_id, id) DO UPDATE SET order_id = excluded.order_id, kind = excluded.kind, \
             state = excluded.state, payment_method = excluded.payment_method, amount = excluded.amount, \
             currency = excluded.currency, authorised_at = excluded.authorised_at, \
             captured_at = excluded.captured_at, chargeback_kind = excluded.chargeback_kind, \
             chargeback_reason = excluded.chargeback_reason, chargeback_at = excluded.chargeback_at, \
             synced_at = excluded.synced_at \
             WHERE (order_id, kind, state, payment_method, amount, currency, authorised_at, captured_at, \
                    chargeback_kind, chargeback_reason, chargeback_at) IS NOT \
                   (excluded.order_id, excluded.kind, excluded.state, excluded.payment_method, excluded.amount, \
                    excluded.currency, excluded.authorised_at, excluded.captured_at, excluded.chargeback_kind, \
                    excluded.chargeback_reason, excluded.chargeback_at)",
        )
        .bind(organisation_id.to_string())
        .bind(&t.id)
        .bind(t.order_id.as_deref())
        .bind(&t.kind)
        .bind(&t.state)
        .bind(t.payment_method.as_deref())
        .bind(t.amount.amount.to_string())
        .bind(t.amount.currency.code())
        .bind(fmt(t.authorised_at))
        .bind(t.captured_at.map(fmt))
        .bind(cb.map(|c| c.kind.as_str()))
        .bind(cb.map(|c| c.reason_code.as_str()))
        .bind(cb.map(|c| fmt(c.at)))
        .bind(fmt(now))
        .execute(&mut *conn)
        .await?;
        changed += done.rows_affected();
    }
    Ok(changed)
}

/// The transactions kept, newest first.
pub async fn list(store: &Store, limit: i64) -> Result<Vec<Transaction>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM saferpay_transactions ORDER BY authorised_at DESC, id DESC LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row).collect()
}

fn row(r: &sqlx::sqlite::SqliteRow) -> Result<Transaction> {
    let text = |c: &str| r.try_get::<String, _>(c);
    let at = |c: &str| -> Result<Option<OffsetDateTime>> {
        r.try_get::<Option<String>, _>(c)?.map(|s| parse(&s)).transpose()
    };
    let amount = Money::parse(&text("amount")?, &text("currency")?).map_err(|e| Error::Corrupt(e.to_string()))?;
    let chargeback = match (r.try_get::<Option<String>, _>("chargeback_kind")?, at("chargeback_at")?) {
        (Some(kind), Some(at)) => Some(Chargeback {
            kind,
            reason_code: r.try_get::<Option<String>, _>("chargeback_reason")?.unwrap_or_default(),
            at,
        }),
        _ => None,
    };
    Ok(Transaction {
        id: text("id")?,
        order_id: r.try_get("order_id")?,
        kind: text("kind")?,
        state: text("state")?,
        payment_method: r.try_get("payment_method")?,
        amount,
        authorised_at: parse(&text("authorised_at")?)?,
        captured_at: at("captured_at")?,
        chargeback,
    })
}
