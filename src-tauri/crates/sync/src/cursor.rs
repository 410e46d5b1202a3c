//! Reading and writing `sync_cursors` rows. Writes happen inside the page's transaction.

use crate::pass::{Cursor, Pass};
use sqlx::{Row, SqliteConnection};

pub async fn load(conn: &mut SqliteConnection, organisation_id: &str, resource: &str) -> crate::Result<Cursor> {
    let row = sqlx::query(
        "SELECT modified_since, last_full_at, feed_cursor FROM sync_cursors WHERE organisation_id = ? AND resource = ?",
    )
    .bind(organisation_id)
    .bind(resource)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(Cursor::default()) };
    let ms = |v: Option<String>| v.and_then(|s| s.parse::<i64>().ok());
    // feed_cursor holds the unfinished pass for page-numbered sources (an opaque position for
    // cursor-paged feeds such as GoCardless events).
    let pass: Option<Pass> =
        row.try_get::<Option<String>, _>("feed_cursor")?.and_then(|j| serde_json::from_str(&j).ok());
    Ok(Cursor {
        modified_since_ms: ms(row.try_get("modified_since")?),
        last_full_ms: ms(row.try_get("last_full_at")?),
        pass,
    })
}

pub async fn save(
    conn: &mut SqliteConnection,
    organisation_id: &str,
    resource: &str,
    cursor: &Cursor,
    now_ms: i64,
) -> crate::Result<()> {
    let pass = cursor.pass.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default());
    sqlx::query(
        "INSERT INTO sync_cursors (organisation_id, resource, modified_since, next_page, feed_cursor, last_full_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (organisation_id, resource) DO UPDATE SET modified_since = excluded.modified_since, \
         next_page = excluded.next_page, feed_cursor = excluded.feed_cursor, last_full_at = excluded.last_full_at, \
         updated_at = excluded.updated_at",
    )
    .bind(organisation_id)
    .bind(resource)
    .bind(cursor.modified_since_ms.map(|m| m.to_string()))
    .bind(cursor.pass.as_ref().map(|p| p.next_page as i64))
    .bind(pass)
    .bind(cursor.last_full_ms.map(|m| m.to_string()))
    .bind(now_ms.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
