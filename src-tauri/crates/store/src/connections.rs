//! Provider connections as the app knows them. Credentials are never here: the vault holds them
//! under a key derived from the connection id.

use crate::timefmt::fmt;
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::ConnectionId;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Connection {
    pub id: ConnectionId,
    pub provider: String,
    pub display_name: String,
    pub status: String,
    pub created_at: String,
    pub last_synced_at: Option<String>,
    pub organisations: i64,
}

pub async fn insert(
    store: &Store,
    id: ConnectionId,
    provider: &str,
    display_name: &str,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query("INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
        .bind(id.to_string())
        .bind(provider)
        .bind(display_name)
        .bind(fmt(now))
        .bind(fmt(now))
        .execute(store.pool())
        .await?;
    Ok(())
}

pub async fn list(store: &Store) -> Result<Vec<Connection>> {
    let rows = sqlx::query(
        "SELECT c.id, c.provider, c.display_name, c.status, c.created_at, \
                max(o.last_synced_at) AS last_synced_at, count(o.id) AS organisations \
         FROM connections c LEFT JOIN organisations o ON o.connection_id = c.id \
         GROUP BY c.id ORDER BY c.provider, c.display_name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok(Connection {
                id: id.parse().map_err(|_| Error::Corrupt(format!("connection id {id:?}")))?,
                provider: r.try_get("provider")?,
                display_name: r.try_get("display_name")?,
                status: r.try_get("status")?,
                created_at: r.try_get("created_at")?,
                last_synced_at: r.try_get("last_synced_at")?,
                organisations: r.try_get("organisations")?,
            })
        })
        .collect()
}
