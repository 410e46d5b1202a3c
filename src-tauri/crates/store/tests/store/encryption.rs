use crate::Fixture;
use sqlx::{ConnectOptions, Connection};
use xp_store::{Error, Store, StoreKey};

#[tokio::test]
async fn a_new_store_is_encrypted_on_disk() {
    let fx = Fixture::new();
    let store = fx.open().await;
    assert!(store.check().await.unwrap().ok());
    store.close().await;

    let bytes = std::fs::read(&fx.path).unwrap();
    assert!(bytes.len() >= 4096, "a migrated database has pages");
    assert_ne!(&bytes[..16], b"SQLite format 3\0", "the header must be encrypted");

    // Without the key, SQLCipher behaves like plain SQLite: the file must not be readable.
    let mut plain = sqlx::sqlite::SqliteConnectOptions::new().filename(&fx.path).connect().await.unwrap();
    let err =
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master").fetch_one(&mut plain).await.unwrap_err();
    assert!(err.to_string().contains("not a database"), "plain open gave: {err}");
    plain.close().await.unwrap();
}

#[tokio::test]
async fn a_wrong_key_is_a_clear_error_and_leaves_the_file_untouched() {
    let fx = Fixture::new();
    fx.open().await.close().await;
    let before = snapshot(&fx.path);

    let err = Store::open(&fx.path, &StoreKey::generate()).await.unwrap_err();
    assert!(matches!(err, Error::WrongKey { .. }), "got {err:?}");
    assert_eq!(err.code(), xp_core::ErrorCode::StoreKeyMismatch);
    assert!(err.to_string().contains("left untouched"), "message: {err}");
    assert_eq!(snapshot(&fx.path), before, "the file must be byte-for-byte unchanged");

    // And the right key still opens it afterwards.
    let store = fx.open().await;
    assert!(store.check().await.unwrap().ok());
}

#[tokio::test]
async fn data_survives_reopening_and_info_counts_tables() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let id = xp_core::ids::ConnectionId::new_random();
    xp_store::connections::insert(&store, id, "xero", "Xero (Demo)", crate::t0()).await.unwrap();
    store.close().await;

    let store = fx.open().await;
    let info = store.info().await.unwrap();
    assert_eq!(
        info.schema_version, 20261213000001,
        "the newest migration (Xero records by organisation key) is applied"
    );
    assert!(info.cipher_version.starts_with('4'), "SQLCipher 4.x expected, got {}", info.cipher_version);
    let count = |name: &str| info.tables.iter().find(|t| t.name == name).map(|t| t.rows);
    assert_eq!(count("connections"), Some(1));
    for t in [
        "organisations",
        "sync_cursors",
        "outbox",
        "audit_log",
        "settings",
        "collections",
        "collection_events",
        "gocardless_mandates",
        "gocardless_applied_events",
        "settlement_bookings",
        "gocardless_mandate_setups",
        "gocardless_contact_links",
        "saferpay_transactions",
        "saferpay_refunds",
    ] {
        assert_eq!(count(t), Some(0), "table {t} is part of the first schema");
    }
    let conns = xp_store::connections::list(&store).await.unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].id, id);
}

#[tokio::test]
async fn a_database_from_a_newer_app_is_refused() {
    let fx = Fixture::new();
    let store = fx.open().await;
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (29990101000000, 'future', 1, x'00', 0)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let err = Store::open(&fx.path, &fx.key()).await.unwrap_err();
    assert!(matches!(err, Error::NewerSchema { found: 29990101000000, .. }), "got {err:?}");
}

#[tokio::test]
async fn opening_a_non_database_file_never_overwrites_it() {
    let fx = Fixture::new();
    std::fs::create_dir_all(fx.path.parent().unwrap()).unwrap();
    std::fs::write(&fx.path, b"my important notes, not a database").unwrap();
    let err = Store::open(&fx.path, &fx.key()).await.unwrap_err();
    assert!(matches!(err, Error::WrongKey { .. }), "got {err:?}");
    assert_eq!(std::fs::read(&fx.path).unwrap(), b"my important notes, not a database");
}

/// Digest of the database file, so a failed assertion stays readable.
fn snapshot(path: &std::path::Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}
