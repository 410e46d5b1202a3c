//! Refunds of Saferpay debits: written with their outbox item in one transaction, before
//! anything reaches Saferpay. A refund's id is its OrderId at Saferpay, so Transaction/Inquire
//! finds it after a lost answer. What may still be refunded is the debit less every refund not
//! failed, checked in the same transaction, so two refunds asked for at once cannot both pass.

use crate::collections::Collection;
use crate::outbox::{enqueue_in, NewItem};
use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::{CollectionId, OutboxId};
use xp_core::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Intent,
    Refunded,
    Failed,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Intent => "intent",
            RefundStatus::Refunded => "refunded",
            RefundStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "intent" => Ok(RefundStatus::Intent),
            "refunded" => Ok(RefundStatus::Refunded),
            "failed" => Ok(RefundStatus::Failed),
            other => Err(Error::Corrupt(format!("refund status {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// The refund's OrderId at Saferpay.
    pub id: String,
    pub collection_id: CollectionId,
    pub seq: i64,
    pub amount: Money,
    pub outbox_id: OutboxId,
    pub status: RefundStatus,
    pub transaction_id: Option<String>,
    pub reason: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Why a refund was not queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// More than what is not refunded yet (or nothing at all).
    TooMuch { left: Money },
    /// Not in the debit's currency.
    Currency,
}

const COLUMNS: &str =
    "id, collection_id, seq, amount, currency, outbox_id, status, transaction_id, reason, created_at, updated_at";

/// Queues a refund of `amount` (default: all that is not refunded yet) with the outbox item
/// `kind`, whose payload is made from the refund's id. `Ok(Err(..))` when it is refused; nothing
/// is written then.
pub async fn queue(
    store: &Store,
    collection: &Collection,
    amount: Option<Money>,
    kind: &str,
    payload: impl FnOnce(&str) -> serde_json::Value,
    now: OffsetDateTime,
) -> Result<std::result::Result<Refund, Refused>> {
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query("SELECT seq, amount, status FROM saferpay_refunds WHERE collection_id = ?")
        .bind(collection.id.to_string())
        .fetch_all(&mut *tx)
        .await?;
    let mut left = collection.amount.amount;
    let mut seq = 0;
    for r in &rows {
        seq = seq.max(r.try_get::<i64, _>("seq")?);
        if r.try_get::<String, _>("status")? != RefundStatus::Failed.as_str() {
            let a: String = r.try_get("amount")?;
            left -=
                a.parse::<rust_decimal::Decimal>().map_err(|e| Error::Corrupt(format!("refund amount {a:?}: {e}")))?;
        }
    }
    let left = Money { amount: left, currency: collection.amount.currency };
    let amount = amount.unwrap_or(left);
    if amount.currency != left.currency {
        return Ok(Err(Refused::Currency));
    }
    if amount.amount <= rust_decimal::Decimal::ZERO || amount.amount > left.amount {
        return Ok(Err(Refused::TooMuch { left }));
    }
    let seq = seq + 1;
    let id = format!("{}-R{seq}", collection.id);
    let payload = payload(&id);
    let outbox_id = enqueue_in(
        &mut tx,
        NewItem {
            kind,
            target: &collection.organisation_id.to_string(),
            payload: &payload,
            idempotency_key: &format!("saferpay-refund:{id}"),
        },
        now,
    )
    .await?;
    sqlx::query(&format!("INSERT INTO saferpay_refunds ({COLUMNS}) VALUES (?,?,?,?,?,?,'intent',NULL,NULL,?,?)"))
        .bind(&id)
        .bind(collection.id.to_string())
        .bind(seq)
        .bind(amount.amount.to_string())
        .bind(amount.currency.code())
        .bind(outbox_id.to_string())
        .bind(fmt(now))
        .bind(fmt(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    get(store, &id).await?.ok_or_else(|| Error::Corrupt(format!("refund {id} vanished"))).map(Ok)
}

pub async fn get(store: &Store, id: &str) -> Result<Option<Refund>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM saferpay_refunds WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(row_to_refund).transpose()
}

/// A collection's refunds, oldest first.
pub async fn of_collection(store: &Store, collection: CollectionId) -> Result<Vec<Refund>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM saferpay_refunds WHERE collection_id = ? ORDER BY seq"))
        .bind(collection.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(row_to_refund).collect()
}

/// Every refund Saferpay made, oldest first (the settlement books each once).
pub async fn refunded(store: &Store) -> Result<Vec<Refund>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM saferpay_refunds WHERE status = 'refunded' ORDER BY created_at, id"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row_to_refund).collect()
}

/// Records that Saferpay made the refund. Refunded again (a retried send) changes nothing.
pub async fn record_refunded(store: &Store, id: &str, transaction_id: &str, now: OffsetDateTime) -> Result<()> {
    sqlx::query(
        "UPDATE saferpay_refunds SET status = 'refunded', transaction_id = ?, updated_at = ? \
         WHERE id = ? AND status = 'intent'",
    )
    .bind(transaction_id)
    .bind(fmt(now))
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Records that Saferpay refused the refund, with its reason.
pub async fn record_failed(store: &Store, id: &str, reason: &str, now: OffsetDateTime) -> Result<()> {
    sqlx::query(
        "UPDATE saferpay_refunds SET status = 'failed', reason = ?, updated_at = ? WHERE id = ? AND status = 'intent'",
    )
    .bind(reason)
    .bind(fmt(now))
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

fn row_to_refund(r: &sqlx::sqlite::SqliteRow) -> Result<Refund> {
    let text = |c: &str| r.try_get::<String, _>(c);
    let corrupt = |what: &str, v: &str| Error::Corrupt(format!("refund {what} {v:?}"));
    let collection: String = text("collection_id")?;
    let outbox: String = text("outbox_id")?;
    Ok(Refund {
        id: text("id")?,
        collection_id: collection.parse().map_err(|_| corrupt("collection", &collection))?,
        seq: r.try_get("seq")?,
        amount: Money::parse(&text("amount")?, &text("currency")?).map_err(|e| Error::Corrupt(e.to_string()))?,
        outbox_id: outbox.parse().map_err(|_| corrupt("outbox item", &outbox))?,
        status: RefundStatus::parse(&text("status")?)?,
        transaction_id: r.try_get("transaction_id")?,
        reason: r.try_get("reason")?,
        created_at: parse(&text("created_at")?)?,
        updated_at: parse(&text("updated_at")?)?,
    })
}
