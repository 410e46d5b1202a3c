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
