//! What the direct-debit settlement has booked: one row per fact (a confirmed payment, its
//! reversal, a payout), written with the fact's outbox items in one transaction. The rows hold
//! the ledger's writes as JSON; the store does not read them, the app does (a reversal undoes
//! exactly what the confirmation booked).

use crate::outbox::{enqueue_in, NewItem};
use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::{OrganisationId, OutboxId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    Confirmed,
    Reversal,
    Payout,
    /// Money given back to the payer by the provider (a Saferpay refund).
    Refund,
}

impl Fact {
    pub fn as_str(self) -> &'static str {
        match self {
            Fact::Confirmed => "confirmed",
            Fact::Reversal => "reversal",
            Fact::Payout => "payout",
            Fact::Refund => "refund",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "confirmed" => Fact::Confirmed,
            "reversal" => Fact::Reversal,
            "payout" => Fact::Payout,
            "refund" => Fact::Refund,
            other => return Err(Error::Corrupt(format!("settlement fact {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Booking {
    pub provider: String,
    pub fact: Fact,
    pub fact_id: String,
    pub organisation_id: OrganisationId,
    pub writes: serde_json::Value,
    pub attention: serde_json::Value,
    pub booked_at: OffsetDateTime,
}

pub struct NewBooking<'a> {
    pub provider: &'a str,
    pub fact: Fact,
    pub fact_id: &'a str,
    pub organisation_id: OrganisationId,
    pub writes: &'a serde_json::Value,
    pub attention: &'a serde_json::Value,
}

/// Records a booking and queues its outbox items, together. Answers None, and queues nothing,
/// when the fact is booked already.
pub async fn book(
    store: &Store,
    b: NewBooking<'_>,
    items: &[NewItem<'_>],
    now: OffsetDateTime,
) -> Result<Option<Vec<OutboxId>>> {
    let mut tx = store.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO settlement_bookings (provider, fact, fact_id, organisation_id, writes, attention, booked_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, fact, fact_id) DO NOTHING",
    )
    .bind(b.provider)
    .bind(b.fact.as_str())
    .bind(b.fact_id)
    .bind(b.organisation_id.to_string())
    .bind(b.writes.to_string())
    .bind(b.attention.to_string())
    .bind(fmt(now))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let item = NewItem {
            kind: item.kind,
            target: item.target,
            payload: item.payload,
            idempotency_key: item.idempotency_key,
        };
        ids.push(enqueue_in(&mut tx, item, now).await?);
    }
    tx.commit().await?;
    Ok(Some(ids))
}

pub async fn get(store: &Store, provider: &str, fact: Fact, fact_id: &str) -> Result<Option<Booking>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM settlement_bookings WHERE provider = ? AND fact = ? AND fact_id = ?"
    ))
    .bind(provider)
    .bind(fact.as_str())
    .bind(fact_id)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(row_to_booking).transpose()
}

/// Every booking, newest first.
pub async fn list(store: &Store, limit: i64) -> Result<Vec<Booking>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM settlement_bookings ORDER BY booked_at DESC, provider, fact, fact_id LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row_to_booking).collect()
}

const COLUMNS: &str = "provider, fact, fact_id, organisation_id, writes, attention, booked_at";

fn row_to_booking(row: &sqlx::sqlite::SqliteRow) -> Result<Booking> {
    let json = |col: &str| -> Result<serde_json::Value> {
        let text: String = row.try_get(col)?;
        serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("settlement booking {col}: {e}")))
    };
    let org: String = row.try_get("organisation_id")?;
    Ok(Booking {
        provider: row.try_get("provider")?,
        fact: Fact::parse(&row.try_get::<String, _>("fact")?)?,
        fact_id: row.try_get("fact_id")?,
        organisation_id: org.parse().map_err(|_| Error::Corrupt(format!("organisation id {org:?}")))?,
        writes: json("writes")?,
        attention: json("attention")?,
        booked_at: parse(&row.try_get::<String, _>("booked_at")?)?,
    })
}
