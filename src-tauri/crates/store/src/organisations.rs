//! The organisations the app keeps (a Xero tenant today; a GoCardless creditor or an OKX account
//! tomorrow) and the connection each belongs to. Every statement on `organisations`, and on
//! `connections` where an organisation's fate decides the connection's, lives here.

use crate::timefmt::fmt;
use crate::{Error, Result, Store};
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;
use xp_core::ids::{ConnectionId, OrganisationId};

/// Where an organisation stands, as kept in `organisations.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    /// The provider's daily limit was reached; syncing resumes later by itself.
    Paused,
    /// The grant was revoked or expired: only a new connect helps.
    ReconnectNeeded,
    Disconnected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::ReconnectNeeded => "reconnect_needed",
            Status::Disconnected => "disconnected",
        }
    }

    fn parse(s: &str) -> Result<Status> {
        Ok(match s {
            "active" => Status::Active,
            "paused" => Status::Paused,
            "reconnect_needed" => Status::ReconnectNeeded,
            "disconnected" => Status::Disconnected,
            other => return Err(Error::Corrupt(format!("organisation status {other:?}"))),
        })
    }
}

/// One kept organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub connection_id: ConnectionId,
    /// `xero`, `gocardless`, …: the provider's name as the connections table has it.
    pub provider: String,
    /// The provider's own id (Xero tenant id, lower case).
    pub external_id: String,
    pub name: String,
    pub base_currency: Option<String>,
    pub status: Status,
    pub last_synced_at: Option<String>,
    /// Calls left this minute and today, as the provider last reported.
    pub budget_minute: Option<u32>,
    pub budget_day: Option<u32>,
}

/// What a connect learned about an organisation the user chose to keep.
#[derive(Debug, Clone, Copy)]
pub struct Kept<'a> {
    pub connection_id: ConnectionId,
    pub provider: &'a str,
    pub external_id: &'a str,
    pub name: &'a str,
    pub base_currency: Option<&'a str>,
}

const COLUMNS: &str = "id, connection_id, provider, external_id, name, base_currency, status, last_synced_at, \
                       budget_minute, budget_day";

fn row(r: &sqlx::sqlite::SqliteRow) -> Result<Organisation> {
    let id: String = r.try_get("id")?;
    let connection_id: String = r.try_get("connection_id")?;
    let budget = |c: &str| -> Result<Option<u32>> {
        Ok(r.try_get::<Option<i64>, _>(c)?.map(|v| u32::try_from(v.max(0)).unwrap_or(u32::MAX)))
    };
    Ok(Organisation {
        id: id.parse().map_err(|_| Error::Corrupt(format!("organisation id {id:?}")))?,
        connection_id: connection_id.parse().map_err(|_| Error::Corrupt(format!("connection id {connection_id:?}")))?,
        provider: r.try_get("provider")?,
        external_id: r.try_get("external_id")?,
        name: r.try_get("name")?,
        base_currency: r.try_get("base_currency")?,
        status: Status::parse(&r.try_get::<String, _>("status")?)?,
        last_synced_at: r.try_get("last_synced_at")?,
        budget_minute: budget("budget_minute")?,
        budget_day: budget("budget_day")?,
    })
}

/// Keeps an organisation (again): a known one (same provider and external id) moves to the new
/// connection and becomes active; its id, and so its synced data, stay.
pub async fn keep(store: &Store, kept: Kept<'_>, now: OffsetDateTime) -> Result<OrganisationId> {
    let now = fmt(now);
    let id: String = sqlx::query_scalar(
        "INSERT INTO organisations (id, connection_id, provider, external_id, name, base_currency, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?) \
         ON CONFLICT (provider, external_id) DO UPDATE SET connection_id = excluded.connection_id, name = excluded.name, \
         base_currency = excluded.base_currency, status = 'active', updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(OrganisationId::new_random().to_string())
    .bind(kept.connection_id.to_string())
    .bind(kept.provider)
    .bind(kept.external_id)
    .bind(kept.name)
    .bind(kept.base_currency)
    .bind(&now)
    .bind(&now)
    .fetch_one(store.pool())
    .await?;
    id.parse().map_err(|_| Error::Corrupt(format!("organisation id {id:?}")))
}

/// An account of a provider that gives one account per connection (a GoCardless creditor, a
/// Saferpay customer).
pub struct Account<'a> {
    pub provider: &'a str,
    /// How the connection is listed (e.g. "GoCardless").
    pub label: &'a str,
    pub external_id: &'a str,
    pub name: &'a str,
}

/// Keeps such an account with the connection it has, or with a new one: saving its
/// credentials again keeps its id, and so its synced data.
pub async fn keep_account(store: &Store, a: Account<'_>, now: OffsetDateTime) -> Result<OrganisationId> {
    let known = list(store).await?.into_iter().find(|o| o.provider == a.provider && o.external_id == a.external_id);
    let connection_id = match known {
        Some(o) => o.connection_id,
        None => {
            let id = ConnectionId::new_random();
            crate::connections::insert(store, id, a.provider, a.label, now).await?;
            id
        }
    };
    let kept =
        Kept { connection_id, provider: a.provider, external_id: a.external_id, name: a.name, base_currency: None };
    keep(store, kept, now).await
}

/// Every organisation, of every provider, by name.
pub async fn list(store: &Store) -> Result<Vec<Organisation>> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM organisations ORDER BY name")).fetch_all(store.pool()).await?;
    rows.iter().map(row).collect()
}

/// One provider's organisations that a sync should visit (active or paused).
pub async fn syncable(store: &Store, provider: &str) -> Result<Vec<Organisation>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE provider = ? AND status IN ('active','paused') ORDER BY name"
    ))
    .bind(provider)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row).collect()
}

/// The provider's ids of every organisation kept for it (any status).
pub async fn external_ids(store: &Store, provider: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT external_id FROM organisations WHERE provider = ?")
        .bind(provider)
        .fetch_all(store.pool())
        .await?)
}

/// One organisation of `provider`, if the app keeps it.
pub async fn find(store: &Store, provider: &str, id: OrganisationId) -> Result<Option<Organisation>> {
    let r = sqlx::query(&format!("SELECT {COLUMNS} FROM organisations WHERE id = ? AND provider = ?"))
        .bind(id.to_string())
        .bind(provider)
        .fetch_optional(store.pool())
        .await?;
    r.as_ref().map(row).transpose()
}

/// An organisation's name ("" when unknown: a read model shows what it has).
pub async fn name(store: &Store, id: OrganisationId) -> Result<String> {
    Ok(sqlx::query_scalar::<_, String>("SELECT name FROM organisations WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(store.pool())
        .await?
        .unwrap_or_default())
}

/// How a sync of one organisation ended, as the organisation keeps it.
#[derive(Debug, Clone, Copy)]
pub struct SyncOutcome {
    pub status: Status,
    /// Set when the sync completed: the organisation's data is current as of now.
    pub completed: bool,
    pub budget_minute: Option<u32>,
    pub budget_day: Option<u32>,
}

/// Records a sync's end; a grant that needs reconnecting marks its connection too, so the
/// connections page says so.
pub async fn record_sync(store: &Store, id: OrganisationId, outcome: SyncOutcome, now: OffsetDateTime) -> Result<()> {
    let now = fmt(now);
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "UPDATE organisations SET status = ?, last_synced_at = COALESCE(?, last_synced_at), \
         budget_minute = COALESCE(?, budget_minute), budget_day = COALESCE(?, budget_day), updated_at = ? WHERE id = ?",
    )
    .bind(outcome.status.as_str())
    .bind(outcome.completed.then_some(&now))
    .bind(outcome.budget_minute.map(i64::from))
    .bind(outcome.budget_day.map(i64::from))
    .bind(&now)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    if outcome.status == Status::ReconnectNeeded {
        sqlx::query(
            "UPDATE connections SET status = 'reconnect_needed', updated_at = ? \
             WHERE id = (SELECT connection_id FROM organisations WHERE id = ?)",
        )
        .bind(&now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Marks an organisation disconnected (its cached data stays, read-only), or deletes its row
/// when the data was erased. Runs inside the caller's transaction, which also erased the data.
/// Returns how many organisations of the same connection are still in use.
pub async fn disconnect(conn: &mut SqliteConnection, id: OrganisationId, erase: bool) -> Result<u64> {
    let connection_id: String = sqlx::query_scalar("SELECT connection_id FROM organisations WHERE id = ?")
        .bind(id.to_string())
        .fetch_one(&mut *conn)
        .await?;
    if erase {
        sqlx::query("DELETE FROM organisations WHERE id = ?").bind(id.to_string()).execute(&mut *conn).await?;
    } else {
        sqlx::query("UPDATE organisations SET status = 'disconnected' WHERE id = ?")
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let remaining: i64 =
        sqlx::query_scalar("SELECT count(*) FROM organisations WHERE connection_id = ? AND status <> 'disconnected'")
            .bind(&connection_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(u64::try_from(remaining).unwrap_or(0))
}

/// The connection's last organisation is gone: the connection is over too.
pub async fn close_connection(store: &Store, connection_id: ConnectionId) -> Result<()> {
    sqlx::query("UPDATE connections SET status = 'disconnected' WHERE id = ?")
        .bind(connection_id.to_string())
        .execute(store.pool())
        .await?;
    Ok(())
}
