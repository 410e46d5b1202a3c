//! Actions that must reach a provider exactly once, even across crashes and offline periods.
//!
//! Life of an item: `pending` → claimed (`in_flight`, attempts+1) → `sent` with the provider's
//! answer, or back to `pending` with a later `next_attempt_at`, or `failed` for good. The
//! idempotency key is unique here and is also sent to the provider, so a retry after a lost
//! response is recognised by the provider instead of creating a second payment.

use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;
use xp_core::ids::OutboxId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    InFlight,
    Sent,
    Failed,
}

impl Status {
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => Status::Pending,
            "in_flight" => Status::InFlight,
            "sent" => Status::Sent,
            "failed" => Status::Failed,
            other => return Err(Error::Corrupt(format!("outbox status {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: OutboxId,
    pub kind: String,
    pub target: String,
    pub payload: serde_json::Value,
    pub idempotency_key: String,
    pub status: Status,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    /// The provider's answer, once sent.
    pub result: Option<serde_json::Value>,
    pub created_at: OffsetDateTime,
}

pub struct NewItem<'a> {
    pub kind: &'a str,
    pub target: &'a str,
    pub payload: &'a serde_json::Value,
    pub idempotency_key: &'a str,
}

/// Queues an action. Enqueuing the same idempotency key twice returns the first item's id and
/// changes nothing: a double click or a replayed command cannot queue a second payment.
pub async fn enqueue(store: &Store, item: NewItem<'_>, now: OffsetDateTime) -> Result<OutboxId> {
    let mut tx = store.begin_write().await?;
    let id = enqueue_in(&mut tx, item, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`enqueue`] inside the caller's transaction, so an item and the record it acts for are
/// written together or not at all.
pub(crate) async fn enqueue_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    item: NewItem<'_>,
    now: OffsetDateTime,
) -> Result<OutboxId> {
    let id = OutboxId(Uuid::new_v4());
    sqlx::query(
        "INSERT INTO outbox (id, kind, target, payload, idempotency_key, next_attempt_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(item.kind)
    .bind(item.target)
    .bind(item.payload.to_string())
    .bind(item.idempotency_key)
    .bind(fmt(now))
    .bind(fmt(now))
    .execute(&mut **tx)
    .await?;
    let existing: String = sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = ?")
        .bind(item.idempotency_key)
        .fetch_one(&mut **tx)
        .await?;
    existing.parse().map_err(|_| Error::Corrupt(format!("outbox id {existing:?}")))
}

/// Claims up to `limit` due items for sending, oldest first, marking them `in_flight`.
pub async fn claim_due(store: &Store, now: OffsetDateTime, limit: i64) -> Result<Vec<Item>> {
    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(
        "UPDATE outbox SET status = 'in_flight', attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
                      ORDER BY next_attempt_at, created_at LIMIT ?) \
         RETURNING id, kind, target, payload, idempotency_key, status, attempts, next_attempt_at, last_error, result, created_at",
    )
    .bind(fmt(now))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut items = rows.iter().map(row_to_item).collect::<Result<Vec<_>>>()?;
    items.sort_by_key(|i| (i.next_attempt_at, i.created_at));
    Ok(items)
}

pub async fn mark_sent(store: &Store, id: OutboxId, result: &serde_json::Value, now: OffsetDateTime) -> Result<()> {
    update_state(store, id, "UPDATE outbox SET status = 'sent', result = ?, sent_at = ?, last_error = NULL WHERE id = ? AND status = 'in_flight'",
        &[result.to_string(), fmt(now)]).await
}

/// The provider could not be reached or asked us to retry: try again at `retry_at`.
pub async fn mark_retry(store: &Store, id: OutboxId, error: &str, retry_at: OffsetDateTime) -> Result<()> {
    update_state(store, id, "UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'in_flight'",
        &[error.to_owned(), fmt(retry_at)]).await
}

/// The provider could not be reached at all (connection refused, timeout): try again at
/// `retry_at`, and do not count the claim as an attempt. Being offline says nothing about the
/// item, so a long time without a network must not use up the retries a real refusal gets.
pub async fn mark_waiting(store: &Store, id: OutboxId, error: &str, retry_at: OffsetDateTime) -> Result<()> {
    update_state(store, id, "UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0), last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'in_flight'",
        &[error.to_owned(), fmt(retry_at)]).await
}

/// The provider refused the action for good (validation error): keep it visible, never resend.
pub async fn mark_failed(store: &Store, id: OutboxId, error: &str) -> Result<()> {
    update_state(
        store,
        id,
        "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'in_flight'",
        &[error.to_owned()],
    )
    .await
}

async fn update_state(store: &Store, id: OutboxId, sql: &str, binds: &[String]) -> Result<()> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b);
    }
    let done = q.bind(id.to_string()).execute(store.pool()).await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(Error::NotFound(format!("in-flight outbox item {id}")))
    }
}

/// After a crash, items left `in_flight` may or may not have reached the provider. They go back
/// to `pending`; resending is safe because the provider sees the same idempotency key.
pub async fn recover_in_flight(store: &Store) -> Result<u64> {
    let done =
        sqlx::query("UPDATE outbox SET status = 'pending' WHERE status = 'in_flight'").execute(store.pool()).await?;
    Ok(done.rows_affected())
}

/// The item queued under an idempotency key, if any.
pub async fn by_key(store: &Store, idempotency_key: &str) -> Result<Option<Item>> {
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = ?")
        .bind(idempotency_key)
        .fetch_optional(store.pool())
        .await?;
    match id {
        Some(id) => Ok(Some(get(store, id.parse().map_err(|_| Error::Corrupt(format!("outbox id {id:?}")))?).await?)),
        None => Ok(None),
    }
}

pub async fn get(store: &Store, id: OutboxId) -> Result<Item> {
    let row = sqlx::query(
        "SELECT id, kind, target, payload, idempotency_key, status, attempts, next_attempt_at, last_error, result, created_at \
         FROM outbox WHERE id = ?",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| Error::NotFound(format!("outbox item {id}")))?;
    row_to_item(&row)
}

fn row_to_item(row: &sqlx::sqlite::SqliteRow) -> Result<Item> {
    let id: String = row.try_get("id")?;
    let payload: String = row.try_get("payload")?;
    Ok(Item {
        id: id.parse().map_err(|_| Error::Corrupt(format!("outbox id {id:?}")))?,
        kind: row.try_get("kind")?,
        target: row.try_get("target")?,
        payload: serde_json::from_str(&payload).map_err(|e| Error::Corrupt(e.to_string()))?,
        idempotency_key: row.try_get("idempotency_key")?,
        status: Status::parse(&row.try_get::<String, _>("status")?)?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: parse(&row.try_get::<String, _>("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
        result: row
            .try_get::<Option<String>, _>("result")?
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(|e| Error::Corrupt(e.to_string()))?,
        created_at: parse(&row.try_get::<String, _>("created_at")?)?,
    })
}
