//! Xero as one connector among the providers: connect (system browser, PKCE, loopback or an
//! https page forwarding to the deep link), choose organisations, sync them through the engine,
//! disconnect; send queued payments and the ledger's settlement writes through the outbox; and the invoice, contact and bank-transaction read models and exports over the
//! local store. The pieces live in their crates (auth, providers/xero, sync, store); this crate
//! wires them together for one provider and owns its `[xero]` configuration section.

pub mod accounts;
pub mod browse;
mod error;
pub mod export;
pub mod invoices;
pub mod ledger;
pub mod outbox;
pub mod rows;
mod service;
pub mod settings;
mod sync;

pub use error::{Error, Result};
pub use service::{next_delay, organisations, XeroService, SCOPES};
pub use settings::{Settings, ENDPOINTS};

/// The provider's name in the `connections` and `organisations` tables.
pub const PROVIDER: &str = "xero";
