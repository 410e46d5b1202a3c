//! Opening the vault and the encrypted store in the one safe order.

use crate::{Error, Paths, Result};
use std::sync::Arc;
use time::OffsetDateTime;
use xp_store::{Store, StoreKey};
use xp_vault::{KeychainStore, PlaintextFileStore, SecretStore};

/// The OS keychain, or, only if the user explicitly allowed it, a plaintext file with a warning.
/// Returns the vault and the warnings to show at this start.
pub fn open_vault(allow_plaintext_secrets: bool, paths: &Paths) -> Result<(Arc<dyn SecretStore>, Vec<String>)> {
    match KeychainStore::open() {
        Ok(k) => Ok((Arc::new(k), Vec::new())),
        Err(e) if allow_plaintext_secrets => {
            let file = paths.plaintext_secrets_file();
            let warning = format!(
                "No OS keychain is available ({e}). Secrets are stored UNENCRYPTED in {} because plaintext secrets were allowed in settings.",
                file.display()
            );
            tracing::warn!("{warning}");
            Ok((Arc::new(PlaintextFileStore::new(file)), vec![warning]))
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens the database of `paths` with its key from `vault`.
///
/// - file exists, key present: open (a wrong key is an error; the file is not touched);
/// - file exists, key missing: error; never generate a new key for an existing file;
/// - no file: reuse a stored key or generate one, **save it to the vault first**, then create.
pub async fn open_store(vault: &dyn SecretStore, paths: &Paths, now: OffsetDateTime) -> Result<Store> {
    std::fs::create_dir_all(&paths.data_dir)
        .map_err(|e| Error::DataDir { path: paths.data_dir.display().to_string(), reason: e.to_string() })?;
    let db = paths.db_file();
    let key_name = paths.store_key_name();
    let stored = vault.get(&key_name)?;
    if db.exists() {
        let hex = stored.ok_or_else(|| xp_store::Error::KeyMissing { path: db.display().to_string() })?;
        let key = StoreKey::from_hex(&hex).ok_or(Error::BadStoredKey)?;
        return Ok(Store::open(&db, &key).await?);
    }
    let key = match stored {
        Some(hex) => StoreKey::from_hex(&hex).ok_or(Error::BadStoredKey)?,
        None => {
            let key = StoreKey::generate();
            vault.set(&key_name, &key.to_hex())?;
            key
        }
    };
    let store = Store::open(&db, &key).await?;
    xp_store::audit::append(
        &store,
        xp_store::audit::NewEntry {
            actor: "system",
            action: "store.created",
            subject: "local database",
            detail: serde_json::json!({ "cipher": "sqlcipher" }),
        },
        now,
    )
    .await?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_core::Sensitive;
    use xp_vault::MemoryStore;

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-23 10:00 UTC)
    }

    #[tokio::test]
    async fn first_run_creates_a_key_in_the_vault_and_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(dir.path()));
        let vault = MemoryStore::new();
        let store = open_store(&vault, &paths, now()).await.unwrap();
        assert!(vault.get(&paths.store_key_name()).unwrap().is_some(), "key saved to the vault");
        assert_eq!(xp_store::audit::verify(&store).await.unwrap(), 1, "creation is audited");
        store.close().await;
        // Second run reuses the key.
        let store = open_store(&vault, &paths, now()).await.unwrap();
        assert!(store.check().await.unwrap().ok());
    }

    #[tokio::test]
    async fn an_existing_file_without_its_key_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(dir.path()));
        let vault = MemoryStore::new();
        open_store(&vault, &paths, now()).await.unwrap().close().await;
        let before = std::fs::read(paths.db_file()).unwrap();

        let empty = MemoryStore::new();
        let err = open_store(&empty, &paths, now()).await.unwrap_err();
        assert_eq!(err.code(), xp_core::ErrorCode::StoreKeyMissing, "{err}");
        assert!(empty.get(&paths.store_key_name()).unwrap().is_none(), "no new key may be invented");
        assert_eq!(std::fs::read(paths.db_file()).unwrap(), before);

        let wrong = MemoryStore::new();
        wrong.set(&paths.store_key_name(), &StoreKey::generate().to_hex()).unwrap();
        let err = open_store(&wrong, &paths, now()).await.unwrap_err();
        assert_eq!(err.code(), xp_core::ErrorCode::StoreKeyMismatch, "{err}");
        assert_eq!(std::fs::read(paths.db_file()).unwrap(), before);

        let garbage = MemoryStore::new();
        garbage.set(&paths.store_key_name(), &Sensitive::new("not-hex".into())).unwrap();
        let err = open_store(&garbage, &paths, now()).await.unwrap_err();
        assert!(matches!(err, Error::BadStoredKey), "{err}");
    }
}
