//! Direct-debit collections: the intent to collect an invoice, its outbox item, the provider's
//! payment once known, and the timeline of every status with its reason.
//!
//! A collection is written with its outbox item in one transaction before anything is sent:
//! after a crash the intent is there, with the idempotency key the provider saw (or will see),
//! so the outbox resolves it by retrying with that key, never by a second payment. The database
//! refuses a second live collection of the same invoice (`collections_one_live_per_invoice`),
//! whatever the caller checked first.

use crate::outbox::{enqueue_in, NewItem};
use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use xp_core::ids::{CollectionId, OrganisationId, OutboxId};
use xp_core::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written, not yet accepted by the provider.
    Intent,
    PendingSubmission,
    Submitted,
    Confirmed,
    PaidOut,
    Failed,
    Cancelled,
    ChargedBack,
    LateFailure,
    Refunded,
}

const STATUSES: [(Status, &str); 10] = [
    (Status::Intent, "intent"),
    (Status::PendingSubmission, "pending_submission"),
    (Status::Submitted, "submitted"),
    (Status::Confirmed, "confirmed"),
    (Status::PaidOut, "paid_out"),
    (Status::Failed, "failed"),
    (Status::Cancelled, "cancelled"),
    (Status::ChargedBack, "charged_back"),
    (Status::LateFailure, "late_failure"),
    (Status::Refunded, "refunded"),
];

impl Status {
    pub fn as_str(self) -> &'static str {
        STATUSES.iter().find(|(s, _)| *s == self).map_or("intent", |(_, n)| n)
    }

    pub fn parse(s: &str) -> Result<Status> {
        STATUSES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(st, _)| *st)
            .ok_or_else(|| Error::Corrupt(format!("collection status {s:?}")))
    }

    /// Money is on its way or has arrived: a second collection of the invoice is refused.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Status::Intent | Status::PendingSubmission | Status::Submitted | Status::Confirmed | Status::PaidOut
        )
    }
}

time::serde::format_description!(ymd, Date, "[year]-[month]-[day]");

/// As `xpartner collections --json` prints it: dates as YYYY-MM-DD, times as RFC 3339 (time's
/// own serde form is a tuple of numbers, `[2026,342]`, which no script should have to decode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collection {
    pub id: CollectionId,
    pub organisation_id: OrganisationId,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub provider: String,
    pub mandate_id: String,
    pub amount: Money,
    #[serde(with = "ymd::option")]
    pub charge_date: Option<Date>,
    pub idempotency_key: String,
    pub outbox_id: OutboxId,
    pub provider_payment_id: Option<String>,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

pub struct NewCollection<'a> {
    pub organisation_id: OrganisationId,
    pub invoice_id: &'a str,
    pub invoice_number: Option<&'a str>,
    pub provider: &'a str,
    pub mandate_id: &'a str,
    pub amount: Money,
    pub charge_date: Option<Date>,
}

/// What to collect, as a connector's `collect` takes it: a Xero invoice, from a mandate of its
/// payer. Each provider checks it its own way (currency, mandate, charge date) before writing
/// the [`NewCollection`].
#[derive(Debug, Clone)]
pub struct Collect<'a> {
    pub organisation_id: OrganisationId,
    pub invoice_id: &'a str,
    pub invoice_number: Option<&'a str>,
    pub amount: Money,
    pub mandate_id: &'a str,
    /// `None`: the earliest the provider allows.
    pub charge_date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: OffsetDateTime,
    pub status: Status,
    /// The provider's cause, reason code or description, as it gave them.
    pub reason: Option<String>,
}

/// The outbox item that sends a collection: its kind, and the payload the connector's handler
/// reads (built by the connector; the store only keeps it with the intent).
pub struct Send<'a> {
    pub kind: &'a str,
    pub payload: &'a serde_json::Value,
}

const COLUMNS: &str = "id, organisation_id, invoice_id, invoice_number, provider, mandate_id, amount, currency, \
     charge_date, idempotency_key, outbox_id, provider_payment_id, status, created_at, updated_at";

/// Writes the intent, its outbox item and the first timeline entry together. Refused with
/// [`Error::AlreadyCollecting`] while a live collection of the invoice exists; nothing is
/// written then.
pub async fn create(store: &Store, c: NewCollection<'_>, send: Send<'_>, now: OffsetDateTime) -> Result<Collection> {
    let id = CollectionId::new_random();
    // One key per attempt: a retry of this collection reuses it, a new collection after a
    // failure gets its own.
    let key = format!("collect:{id}");
    let mut tx = store.begin_write().await?;
    if let Some(existing) = live_in(&mut tx, c.organisation_id, c.invoice_id).await? {
        return Err(already(&c, &existing));
    }
    let outbox_id = enqueue_in(
        &mut tx,
        NewItem {
            kind: send.kind,
            target: &c.organisation_id.to_string(),
            payload: send.payload,
            idempotency_key: &key,
        },
        now,
    )
    .await?;
    let inserted =
        sqlx::query(&format!("INSERT INTO collections ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,'intent',?,?)"))
            .bind(id.to_string())
            .bind(c.organisation_id.to_string())
            .bind(c.invoice_id)
            .bind(c.invoice_number)
            .bind(c.provider)
            .bind(c.mandate_id)
            .bind(c.amount.amount.to_string())
            .bind(c.amount.currency.code())
            .bind(c.charge_date.map(|d| d.to_string()))
            .bind(&key)
            .bind(outbox_id.to_string())
            .bind(fmt(now))
            .bind(fmt(now))
            .execute(&mut *tx)
            .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        // Another writer won the race between the check above and this insert.
        if e.message().contains("collections.organisation_id, collections.invoice_id") {
            drop(tx);
            let existing = live(store, c.organisation_id, c.invoice_id).await?;
            return Err(match existing {
                Some(e) => already(&c, &e),
                None => Error::Corrupt("a live collection vanished".into()),
            });
        }
    }
    inserted?;
    push_event(&mut tx, id, now, Status::Intent, None, None).await?;
    tx.commit().await?;
    get(store, id).await
}

fn already(c: &NewCollection<'_>, existing: &Collection) -> Error {
    Error::AlreadyCollecting {
        invoice: c.invoice_number.unwrap_or(c.invoice_id).to_owned(),
        existing: existing.id.to_string(),
        status: existing.status.as_str().to_owned(),
    }
}

/// The live collection of an invoice, if any.
pub async fn live(store: &Store, organisation: OrganisationId, invoice_id: &str) -> Result<Option<Collection>> {
    let mut conn = store.pool().acquire().await?;
    live_in(&mut conn, organisation, invoice_id).await
}

/// [`live`] inside the caller's transaction.
pub async fn live_in(
    conn: &mut sqlx::SqliteConnection,
    organisation: OrganisationId,
    invoice_id: &str,
) -> Result<Option<Collection>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM collections WHERE organisation_id = ? AND invoice_id = ? \
         AND status IN ('intent','pending_submission','submitted','confirmed','paid_out')"
    ))
    .bind(organisation.to_string())
    .bind(invoice_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(row_to_collection).transpose()
}

pub async fn get(store: &Store, id: CollectionId) -> Result<Collection> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM collections WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("collection {id}")))?;
    row_to_collection(&row)
}

/// The collection a provider payment belongs to.
pub async fn by_provider_payment(store: &Store, provider: &str, payment_id: &str) -> Result<Option<Collection>> {
    let mut conn = store.pool().acquire().await?;
    by_provider_payment_in(&mut conn, provider, payment_id).await
}

/// [`by_provider_payment`] inside the caller's transaction (a sync's page, which moves the
/// collection together with the event it applies).
pub async fn by_provider_payment_in(
    conn: &mut sqlx::SqliteConnection,
    provider: &str,
    payment_id: &str,
) -> Result<Option<Collection>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM collections WHERE provider = ? AND provider_payment_id = ?"))
        .bind(provider)
        .bind(payment_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(row_to_collection).transpose()
}

/// The provider's payment ids that collections follow, in the caller's transaction: a sync page
/// looks a collection up only for the events of these payments, not for every payment event.
pub async fn followed_payments_in(
    conn: &mut sqlx::SqliteConnection,
    provider: &str,
) -> Result<std::collections::HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT provider_payment_id FROM collections WHERE provider = ? AND provider_payment_id IS NOT NULL",
    )
    .bind(provider)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().collect())
}

/// How many of a provider's collections are still on their way to the bank (queued, pending,
/// submitted, confirmed but not paid out): what stops following if the provider goes.
pub async fn on_their_way(store: &Store, provider: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM collections WHERE provider = ? \
         AND status IN ('intent', 'pending_submission', 'submitted', 'confirmed')",
    )
    .bind(provider)
    .fetch_one(store.pool())
    .await?)
}

/// The collection an outbox item sends: how its handler finds the intent it was written with
/// (the collection's id is made inside [`create`], after the caller built the payload).
pub async fn by_outbox_item(store: &Store, outbox_id: OutboxId) -> Result<Option<Collection>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM collections WHERE outbox_id = ?"))
        .bind(outbox_id.to_string())
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(row_to_collection).transpose()
}

/// Newest first.
pub async fn list(store: &Store, limit: i64) -> Result<Vec<Collection>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM collections ORDER BY created_at DESC, id LIMIT ?"))
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(row_to_collection).collect()
}

/// A provider's collections whose money was collected at some point (confirmed, and anything
/// that can only follow confirmation), oldest first: what the settlement books into Xero.
pub async fn collected(store: &Store, provider: &str) -> Result<Vec<Collection>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM collections WHERE provider = ? AND provider_payment_id IS NOT NULL \
         AND status IN ('confirmed', 'paid_out', 'charged_back', 'late_failure', 'refunded') \
         ORDER BY created_at, id"
    ))
    .bind(provider)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row_to_collection).collect()
}

/// The provider accepted the collection: its payment id and first status.
pub async fn record_accepted(
    store: &Store,
    id: CollectionId,
    provider_payment_id: &str,
    status: Status,
    at: OffsetDateTime,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE collections SET provider_payment_id = ?, status = ?, updated_at = ? \
         WHERE id = ? AND (provider_payment_id IS NULL OR provider_payment_id = ?)",
    )
    .bind(provider_payment_id)
    .bind(status.as_str())
    .bind(fmt(at))
    .bind(id.to_string())
    .bind(provider_payment_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Corrupt(format!("collection {id} belongs to another provider payment")));
    }
    push_event(&mut tx, id, at, status, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Applies a provider event to the collection once: a second delivery of the same event
/// (`source_event_id`) changes nothing and answers false.
pub async fn apply_event(
    store: &Store,
    id: CollectionId,
    status: Status,
    reason: Option<&str>,
    source_event_id: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let applied = apply_event_in(&mut tx, id, status, reason, source_event_id, at).await?;
    tx.commit().await?;
    Ok(applied)
}

/// The provider refused the collection's outbox item for good: the collection fails with the
/// provider's reason, once per item (a handler retrying the record moves nothing twice).
pub async fn refuse(store: &Store, id: CollectionId, item: OutboxId, reason: &str, at: OffsetDateTime) -> Result<bool> {
    apply_event(store, id, Status::Failed, Some(reason), &format!("outbox:{item}:refused"), at).await
}

/// [`apply_event`] inside the caller's transaction: the provider's event is recorded as applied
/// and moves the collection in one commit, or neither does.
pub async fn apply_event_in(
    conn: &mut sqlx::SqliteConnection,
    id: CollectionId,
    status: Status,
    reason: Option<&str>,
    source_event_id: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let seen: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM collection_events WHERE collection_id = ? AND source_event_id = ?")
            .bind(id.to_string())
            .bind(source_event_id)
            .fetch_optional(&mut *conn)
            .await?;
    if seen.is_some() {
        return Ok(false);
    }
    sqlx::query("UPDATE collections SET status = ?, updated_at = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(fmt(at))
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    push_event(conn, id, at, status, reason, Some(source_event_id)).await?;
    Ok(true)
}

pub async fn timeline(store: &Store, id: CollectionId) -> Result<Vec<TimelineEntry>> {
    let rows = sqlx::query("SELECT at, status, reason FROM collection_events WHERE collection_id = ? ORDER BY seq")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TimelineEntry {
                at: parse(&r.try_get::<String, _>("at")?)?,
                status: Status::parse(&r.try_get::<String, _>("status")?)?,
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}

async fn push_event(
    conn: &mut sqlx::SqliteConnection,
    id: CollectionId,
    at: OffsetDateTime,
    status: Status,
    reason: Option<&str>,
    source_event_id: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO collection_events (collection_id, seq, at, status, reason, source_event_id) \
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM collection_events WHERE collection_id = ?), ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(id.to_string())
    .bind(fmt(at))
    .bind(status.as_str())
    .bind(reason)
    .bind(source_event_id)
    .execute(conn)
    .await?;
    Ok(())
}

fn row_to_collection(r: &sqlx::sqlite::SqliteRow) -> Result<Collection> {
    let text = |c: &str| r.try_get::<String, _>(c);
    let corrupt = |what: &str, v: &str| Error::Corrupt(format!("collection {what} {v:?}"));
    let id = text("id")?;
    let amount = Money::parse(&text("amount")?, &text("currency")?).map_err(|e| Error::Corrupt(e.to_string()))?;
    let charge_date = r
        .try_get::<Option<String>, _>("charge_date")?
        .map(|d| {
            Date::parse(&d, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| corrupt("charge date", &d))
        })
        .transpose()?;
    Ok(Collection {
        id: id.parse().map_err(|_| corrupt("id", &id))?,
        organisation_id: text("organisation_id")?.parse().map_err(|_| corrupt("organisation", &id))?,
        invoice_id: text("invoice_id")?,
        invoice_number: r.try_get("invoice_number")?,
        provider: text("provider")?,
        mandate_id: text("mandate_id")?,
        amount,
        charge_date,
        idempotency_key: text("idempotency_key")?,
        outbox_id: text("outbox_id")?.parse().map_err(|_| corrupt("outbox id", &id))?,
        provider_payment_id: r.try_get("provider_payment_id")?,
        status: Status::parse(&text("status")?)?,
        created_at: parse(&text("created_at")?)?,
        updated_at: parse(&text("updated_at")?)?,
    })
}
