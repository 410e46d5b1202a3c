//! GoCardless as one connector among the providers: the access token (verified with a cheap
//! authenticated call, kept in the vault, never logged or returned), and everything GoCardless
//! holds for the creditor kept in the local store through the sync engine: the lists on a full
//! load, then the events feed read oldest first from a persisted cursor (a desktop app receives
//! no webhooks), each event applied once; a full reconciliation now and then. The pieces live in
//! their crates (providers/gocardless, sync, store); this crate wires them together.

pub mod aftercare;
pub mod cancel;
pub mod collect;
mod error;
pub mod ledger;
pub mod rows;
mod service;
pub mod settings;
pub mod setup;
mod sync;

pub use error::{Error, Result};
pub use service::{Connected, GoCardlessService, SyncSummary, TOKEN_KEY};
pub use settings::{Settings, ENDPOINTS};

/// The provider's name in the `connections` and `organisations` tables.
pub const PROVIDER: &str = "gocardless";
