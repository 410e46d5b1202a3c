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
                "No OS keychain is available ({e}). Secrets are stored UNENCRYPTED in {} because plaintext secrets were allowed for this start (--allow-plaintext-secrets).",
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
pub async fn open_store(vault: &Arc<dyn SecretStore>, paths: &Paths, now: OffsetDateTime) -> Result<Store> {
    let store = open_file(vault.as_ref(), paths).await?;
    let store = store.with_audit_anchor(audit_anchor(vault, paths)?);
    if xp_store::audit::list(&store, 1).await?.is_empty() {
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
    }
    Ok(store)
}

/// The audit chain's key (made on first use, like the database key) and its signed head, both
/// in the vault under names derived from the data folder.
fn audit_anchor(vault: &Arc<dyn SecretStore>, paths: &Paths) -> Result<xp_store::audit::Anchor> {
    let name = paths.audit_key_name();
    let key = match vault.get(&name)? {
        Some(hex) => StoreKey::from_hex(&hex).ok_or(Error::BadStoredKey)?.bytes(),
        None => {
            let key = StoreKey::generate();
            vault.set(&name, &key.to_hex())?;
            key.bytes()
        }
    };
    let heads = VaultHeads { vault: vault.clone(), name: paths.audit_head_name() };
    Ok(xp_store::audit::Anchor::new(key, Arc::new(heads)))
}

/// The audit log's signed head, kept in the vault: outside the database it vouches for.
struct VaultHeads {
    vault: Arc<dyn SecretStore>,
    name: String,
}

impl std::fmt::Debug for VaultHeads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultHeads").field("name", &self.name).finish_non_exhaustive()
    }
}

impl xp_store::audit::HeadStore for VaultHeads {
    fn load(&self) -> std::result::Result<Option<String>, String> {
        self.vault.get(&self.name).map(|v| v.map(|s| s.expose().clone())).map_err(|e| e.to_string())
    }

    fn save(&self, head: &str) -> std::result::Result<(), String> {
        self.vault.set(&self.name, &xp_core::Sensitive::new(head.to_owned())).map_err(|e| e.to_string())
    }
}

async fn open_file(vault: &dyn SecretStore, paths: &Paths) -> Result<Store> {
    let dir_error =
        |e: std::io::Error| Error::DataDir { path: paths.data_dir.display().to_string(), reason: e.to_string() };
    std::fs::create_dir_all(&paths.data_dir).map_err(dir_error)?;
    // The folder holds the database, its WAL and the logs (emails, organisation names): the
    // user's alone, whatever the umask (security review 2026-12 #18).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&paths.data_dir, std::fs::Permissions::from_mode(0o700)).map_err(dir_error)?;
    }
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
    Ok(Store::open(&db, &key).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_core::Sensitive;
    use xp_vault::MemoryStore;

    fn arc(v: &MemoryStore) -> Arc<dyn SecretStore> {
        Arc::new(v.clone())
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-23 10:00 UTC)
    }

    #[tokio::test]
    async fn first_run_creates_a_key_in_the_vault_and_the_store() {
        let dir = tempfile::tempdir().unwrap();
        // A folder the app makes itself (a temporary folder is private already).
        let paths = Paths::resolve(Some(&dir.path().join("data")));
        let vault = MemoryStore::new();
        let store = open_store(&arc(&vault), &paths, now()).await.unwrap();
        assert!(vault.get(&paths.store_key_name()).unwrap().is_some(), "key saved to the vault");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&paths.data_dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "the data folder is the user's alone");
        }
        assert_eq!(xp_store::audit::verify(&store).await.unwrap(), 1, "creation is audited");
        store.close().await;
        // Second run reuses the key.
        let store = open_store(&arc(&vault), &paths, now()).await.unwrap();
        assert!(store.check().await.unwrap().ok());
    }

    #[tokio::test]
    async fn an_existing_file_without_its_key_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(dir.path()));
        let vault = MemoryStore::new();
        open_store(&arc(&vault), &paths, now()).await.unwrap().close().await;
        let before = std::fs::read(paths.db_file()).unwrap();

        let empty = MemoryStore::new();
        let err = open_store(&arc(&empty), &paths, now()).await.unwrap_err();
        assert_eq!(err.code(), xp_core::ErrorCode::StoreKeyMissing, "{err}");
        assert!(empty.get(&paths.store_key_name()).unwrap().is_none(), "no new key may be invented");
        assert_eq!(std::fs::read(paths.db_file()).unwrap(), before);

        let wrong = MemoryStore::new();
        wrong.set(&paths.store_key_name(), &StoreKey::generate().to_hex()).unwrap();
        let err = open_store(&arc(&wrong), &paths, now()).await.unwrap_err();
        assert_eq!(err.code(), xp_core::ErrorCode::StoreKeyMismatch, "{err}");
        assert_eq!(std::fs::read(paths.db_file()).unwrap(), before);

        let garbage = MemoryStore::new();
        garbage.set(&paths.store_key_name(), &Sensitive::new("not-hex".into())).unwrap();
        let err = open_store(&arc(&garbage), &paths, now()).await.unwrap_err();
        assert!(matches!(err, Error::BadStoredKey), "{err}");
    }

    /// A store with five audit entries whose append-only triggers are gone, as someone holding
    /// the database key could arrange.
    async fn five_entries_without_triggers(vault: &MemoryStore) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(&arc(vault), &Paths::resolve(Some(dir.path())), now()).await.unwrap();
        for i in 0..4 {
            let detail = serde_json::json!({ "i": i });
            let e = xp_store::audit::NewEntry { actor: "o", action: "test", subject: "s", detail };
            xp_store::audit::append(&store, e, now()).await.unwrap();
        }
        assert_eq!(xp_store::audit::verify(&store).await.unwrap(), 5);
        let triggers: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
                .fetch_all(store.pool())
                .await
                .unwrap();
        for t in triggers {
            sqlx::query(&format!("DROP TRIGGER \"{t}\"")).execute(store.pool()).await.unwrap();
        }
        (dir, store)
    }

    /// Security review 2026-12 #10: deleting the newest entries, or rewriting the chain and
    /// hashing it again, passed `verify`.
    #[tokio::test]
    async fn a_rewritten_and_rehashed_chain_is_detected() {
        let (_dir, store) = five_entries_without_triggers(&MemoryStore::new()).await;
        let rows: Vec<(i64, String, String, String, String, String)> =
            sqlx::query_as("SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq")
                .fetch_all(store.pool())
                .await
                .unwrap();
        // Rewrite entry 3 and hash everything again, as the unkeyed chain allowed.
        let mut prev = xp_store::audit::GENESIS.to_owned();
        for (seq, at, actor, action, subject, detail) in rows {
            let detail = if seq == 3 { "{\"i\":\"forged\"}".to_owned() } else { detail };
            let hash = xp_store::audit::entry_hash(&prev, &at, &actor, &action, &subject, &detail);
            sqlx::query("UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ?, keyed = 0 WHERE seq = ?")
                .bind(&detail)
                .bind(&prev)
                .bind(&hash)
                .bind(seq)
                .execute(store.pool())
                .await
                .unwrap();
            prev = hash;
        }
        // Without the key every rewritten link is unkeyed; the signed head says the log was keyed
        // from its first entry, so that is the first bad one.
        let e = xp_store::audit::verify(&store).await.unwrap_err().to_string();
        assert!(
            e.contains("entry 1") && e.contains("rewritten without the audit key"),
            "a re-hashed chain is named from its first rewritten entry: {e}"
        );
    }

    /// Heads saved before `keyed_from` was recorded (a MAC over the number and link only) still
    /// vouch for their log.
    #[tokio::test]
    async fn a_head_from_before_keyed_from_still_verifies() {
        let vault = MemoryStore::new();
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(dir.path()));
        let store = open_store(&arc(&vault), &paths, now()).await.unwrap();
        let head: serde_json::Value =
            serde_json::from_str(vault.get(&paths.audit_head_name()).unwrap().unwrap().expose()).unwrap();
        assert_eq!(head["keyed_from"], 1, "the store's first entry is keyed: {head}");
        let key = StoreKey::from_hex(&vault.get(&paths.audit_key_name()).unwrap().unwrap()).unwrap().bytes();
        let (seq, hash) = (head["seq"].as_i64().unwrap(), head["hash"].as_str().unwrap());
        let mac = xp_store::audit::entry_mac(&key, "audit-head", &seq.to_string(), hash, "", "", "");
        let old = serde_json::json!({ "seq": seq, "hash": hash, "mac": mac }).to_string();
        vault.set(&paths.audit_head_name(), &xp_core::Sensitive::new(old)).unwrap();
        assert_eq!(xp_store::audit::verify(&store).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn removing_the_newest_entries_is_detected() {
        let (_dir, store) = five_entries_without_triggers(&MemoryStore::new()).await;
        sqlx::query("DELETE FROM audit_log WHERE seq > 3").execute(store.pool()).await.unwrap();
        let e = xp_store::audit::verify(&store).await.unwrap_err().to_string();
        assert!(
            e.contains("entry 5") && e.contains("the newest entries were removed"),
            "truncation names where the log should end: {e}"
        );
    }
}
