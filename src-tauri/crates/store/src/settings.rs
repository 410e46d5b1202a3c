//! App-wide settings as typed JSON values under a key (sign-in mode, the session record without
//! tokens, ...). A value that no longer parses as its type is reported, not silently replaced.

use crate::{Error, Result, Store};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub async fn get<T: DeserializeOwned>(store: &Store, key: &str) -> Result<Option<T>> {
    let text: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(store.pool()).await?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| Error::Corrupt(format!("setting {key}: {e}")))).transpose()
}

pub async fn set<T: Serialize>(store: &Store, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value).map_err(|e| Error::Corrupt(format!("setting {key}: {e}")))?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(text)
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn delete(store: &Store, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM settings WHERE key = ?").bind(key).execute(store.pool()).await?;
    Ok(())
}
