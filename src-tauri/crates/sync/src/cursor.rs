//! Reading and writing `sync_cursors` rows. Writes happen inside the page's transaction.

use crate::pass::{Pass, Position, Saved};
use sqlx::{Row, SqliteConnection};
use xp_core::ids::OrganisationId;

pub async fn load(
    conn: &mut SqliteConnection,
    organisation_id: OrganisationId,
    resource: &str,
) -> crate::Result<Saved> {
    let row = sqlx::query(
        "SELECT modified_since, last_full_at, feed_cursor, sync_pass FROM sync_cursors \
         WHERE organisation_id = ? AND resource = ?",
    )
    .bind(organisation_id.to_string())
    .bind(resource)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(Saved::default()) };
    let ms = |v: Option<String>| v.and_then(|s| s.parse::<i64>().ok());
    // A pass this version cannot read (written by another one) is dropped: the resource starts
    // a fresh pass, which costs calls but never loses records.
    let pass: Option<Pass> = row.try_get::<Option<String>, _>("sync_pass")?.and_then(|j| serde_json::from_str(&j).ok());
    Ok(Saved {
        modified_since_ms: ms(row.try_get("modified_since")?),
        last_full_ms: ms(row.try_get("last_full_at")?),
        feed: row.try_get("feed_cursor")?,
        pass,
    })
}

pub async fn save(
    conn: &mut SqliteConnection,
    organisation_id: OrganisationId,
    resource: &str,
    saved: &Saved,
    now_ms: i64,
) -> crate::Result<()> {
    let pass = saved.pass.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default());
    // next_page stays filled for numbered passes so the column keeps meaning what the foundation
    // migration says; the engine reads the position from sync_pass.
    let next_page = saved.pass.as_ref().and_then(|p| match p.position {
        Position::Page(n) => Some(i64::from(n)),
        _ => None,
    });
    sqlx::query(
        "INSERT INTO sync_cursors (organisation_id, resource, modified_since, next_page, feed_cursor, sync_pass, last_full_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, resource) DO UPDATE SET modified_since = excluded.modified_since, \
         next_page = excluded.next_page, feed_cursor = excluded.feed_cursor, sync_pass = excluded.sync_pass, \
         last_full_at = excluded.last_full_at, updated_at = excluded.updated_at",
    )
    .bind(organisation_id.to_string())
    .bind(resource)
    .bind(saved.modified_since_ms.map(|m| m.to_string()))
    .bind(next_page)
    .bind(saved.feed.as_deref())
    .bind(pass)
    .bind(saved.last_full_ms.map(|m| m.to_string()))
    .bind(now_ms.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
