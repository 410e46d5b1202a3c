//! The audit trail: append-only (enforced by triggers) and hash-chained, so an edit made to the
//! file outside the app shows up in `verify`.

use crate::timefmt::fmt;
use crate::{Error, Result, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::OffsetDateTime;

/// The chain's anchor: the "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

pub struct NewEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

/// Pure: the hash of one entry given its predecessor's hash. Fields are length-prefixed so
/// that moving text from one field to the next changes the hash.
pub fn entry_hash(prev_hash: &str, at: &str, actor: &str, action: &str, subject: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for field in [prev_hash, at, actor, action, subject, detail] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

pub async fn append(store: &Store, entry: NewEntry<'_>, now: OffsetDateTime) -> Result<i64> {
    // BEGIN IMMEDIATE semantics: take the write lock before reading the tail so that two
    // appends cannot both chain onto the same predecessor.
    let mut conn = store.pool().acquire().await?;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let result = async {
        let prev: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
        let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
        let at = fmt(now);
        let detail = entry.detail.to_string();
        let hash = entry_hash(&prev, &at, entry.actor, entry.action, entry.subject, &detail);
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        )
        .bind(&at)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(&detail)
        .bind(&prev)
        .bind(&hash)
        .fetch_one(&mut *conn)
        .await?;
        Ok::<_, Error>(seq)
    }
    .await;
    match result {
        Ok(seq) => {
            sqlx::query("COMMIT").execute(&mut *conn).await?;
            Ok(seq)
        }
        Err(e) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            Err(e)
        }
    }
}

/// Newest first.
pub async fn list(store: &Store, limit: i64) -> Result<Vec<Entry>> {
    let rows = sqlx::query("SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq DESC LIMIT ?")
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail")?;
            Ok(Entry {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                detail: serde_json::from_str(&detail).map_err(|e| Error::Corrupt(e.to_string()))?,
            })
        })
        .collect()
}

/// Walks the whole chain; returns the number of entries verified.
pub async fn verify(store: &Store) -> Result<i64> {
    let rows =
        sqlx::query("SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            .fetch_all(store.pool())
            .await?;
    let mut prev = GENESIS.to_owned();
    for r in &rows {
        let seq: i64 = r.try_get("seq")?;
        let stored_prev: String = r.try_get("prev_hash")?;
        let stored_hash: String = r.try_get("hash")?;
        if stored_prev != prev {
            return Err(Error::AuditChain { seq, reason: "previous-hash link does not match".into() });
        }
        let expect = entry_hash(
            &prev,
            &r.try_get::<String, _>("at")?,
            &r.try_get::<String, _>("actor")?,
            &r.try_get::<String, _>("action")?,
            &r.try_get::<String, _>("subject")?,
            &r.try_get::<String, _>("detail")?,
        );
        if expect != stored_hash {
            return Err(Error::AuditChain { seq, reason: "content does not match its hash".into() });
        }
        prev = stored_hash;
    }
    Ok(rows.len() as i64)
}
