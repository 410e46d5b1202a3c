//! A database written before the `sync_pass` column: an unfinished pass stored in `feed_cursor`
//! moves to the new column with the upgrade and the sync resumes at its page.

use crate::{clock, engine, now_ms, stored, Fake, TableSink};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::borrow::Cow;
use std::sync::atomic::Ordering;
use xp_store::{Store, StoreKey};
use xp_sync::{CancellationToken, Org, OrgOutcome};

/// The first migration that knows `sync_pass`.
const SYNC_PASS_MIGRATION: i64 = 20261202000001;

#[tokio::test]
async fn an_unfinished_pass_saved_before_the_upgrade_resumes_at_its_page_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let key = StoreKey::generate();
    let clock = clock();
    let now_ms = now_ms(&clock);
    {
        let mut conn = SqliteConnectOptions::new()
            .filename(&path)
            .pragma("key", format!("\"x'{}'\"", key.to_hex().expose()))
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        let all = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../store/migrations"
        )))
        .await
        .unwrap();
        let older: Vec<_> = all.iter().filter(|m| m.version < SYNC_PASS_MIGRATION).cloned().collect();
        assert!(!older.is_empty() && older.len() < all.iter().count(), "the upgrade is among the migrations");
        let old = sqlx::migrate::Migrator { migrations: Cow::Owned(older), ..sqlx::migrate::Migrator::DEFAULT };
        old.run(&mut conn).await.unwrap();
        sqlx::query("INSERT INTO connections (id, provider, display_name, created_at, updated_at) VALUES ('c1', 'xero', 'X', 'now', 'now')")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) VALUES (?, 'c1', 'xero', 'tenant-o1', 'Org o1', 'now', 'now')")
            .bind(crate::oid("o1").to_string())
            .execute(&mut conn)
            .await
            .unwrap();
        // Exactly what the engine wrote before: the pass in feed_cursor, two pages read.
        let old_pass = format!(
            r#"{{"full":true,"since_ms":null,"next_page":3,"max_seen_ms":1199,"item_count":1050,"shifted":false,"started_ms":{now_ms},"resumed":false}}"#
        );
        sqlx::query("INSERT INTO sync_cursors (organisation_id, resource, next_page, feed_cursor, updated_at) VALUES (?, 'Invoices', 3, ?, 'now')")
            .bind(crate::oid("o1").to_string())
            .bind(old_pass)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }

    let store = Store::open(&path, &key).await.unwrap();
    let row = sqlx::query("SELECT feed_cursor, sync_pass FROM sync_cursors WHERE resource = 'Invoices'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<Option<String>, _>("feed_cursor"), None, "feed_cursor is free for feed cursors again");
    let moved: serde_json::Value = serde_json::from_str(&row.get::<String, _>("sync_pass")).unwrap();
    assert_eq!(moved["position"], serde_json::json!({"page": 3}), "{moved}");

    // The organisations exist already; only the test sink's table is new.
    sqlx::query("CREATE TABLE t_records (org TEXT, resource TEXT, id TEXT, raw TEXT, PRIMARY KEY (org, resource, id))")
        .execute(store.pool())
        .await
        .unwrap();
    let fake = Fake::with_records("Invoices", 1_050);
    let engine = engine(&store, &clock, 100);
    let org = Org { id: crate::oid("o1"), external_id: "tenant-o1".into(), name: "Org o1".into() };
    let out = engine.sync_org(fake.as_ref(), &TableSink, &org, false, &|_| {}, &CancellationToken::new()).await;
    assert_eq!(out, OrgOutcome::Done { items: 850, calls: 10 }, "Settings, then Invoices pages 3 to 11");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 10);
    assert_eq!(stored(&store, "o1", "Invoices").await.len(), 850, "pages 1 and 2 were the old run's");
    let left: Option<String> = sqlx::query_scalar("SELECT sync_pass FROM sync_cursors WHERE resource = 'Invoices'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(left, None, "the finished pass is gone");
    store.close().await;
}
