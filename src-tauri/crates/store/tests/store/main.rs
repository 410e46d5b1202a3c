//! Integration tests for the encrypted store, against real SQLCipher files on disk.
#![allow(clippy::unwrap_used, clippy::new_without_default)] // in tests a panic is the failure report

mod audit;
mod collections;
mod encryption;
mod gocardless;
mod outbox;
mod saferpay;
mod settings;
mod settlement;
mod xero;

use std::path::PathBuf;
use xp_store::{Store, StoreKey};

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub key_hex: xp_core::Sensitive<String>,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("xero-partner.db");
        Self { _dir: dir, path, key_hex: StoreKey::generate().to_hex() }
    }

    pub fn key(&self) -> StoreKey {
        StoreKey::from_hex(&self.key_hex).unwrap()
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.path, &self.key()).await.unwrap()
    }
}

pub fn t0() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-23 09:00 UTC)
}

/// A plain in-memory database with the migrations before `version` applied (the migrations, not
/// the encryption, are under a migration test), and every migration to run after the test has
/// written what an older version of the app stored.
pub async fn migrated_before(version: i64) -> (sqlx::SqliteConnection, sqlx::migrate::Migrator) {
    use sqlx::Connection;
    let all = sqlx::migrate!("./migrations");
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(all.iter().filter(|m| m.version < version).cloned().collect()),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    assert!(all.iter().any(|m| m.version == version), "the migration {version} exists");
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.unwrap();
    before.run(&mut conn).await.unwrap();
    (conn, all)
}
