//! The encrypted local store. Every view reads from here, so the app works offline; every
//! action that must reach a provider waits in the outbox; every change is in the audit log.

pub mod audit;
pub mod collections;
pub mod connections;
mod db;
mod error;
pub mod gocardless;
mod key;
pub mod organisations;
pub mod outbox;
pub mod saferpay;
pub mod settings;
pub mod settlement;
mod timefmt;
pub mod xero;

pub use db::{CheckReport, DbInfo, Store, TableCount};
pub use error::{Error, Result};
pub use key::StoreKey;
