//! Saferpay in the app: the merchant's JSON API credentials, verified before they are kept in
//! the vault; the SEPA mandates the app makes (Saferpay keeps none); and collecting a Xero
//! invoice by SEPA direct debit through the outbox, exactly once (the intent is written with
//! its outbox item; the handler debits and captures through `xp-saferpay`'s Inquire-before-resend
//! helpers and records the transaction on the collection).

pub mod collect;
mod error;
pub mod mandates;
pub mod refund;
mod service;
pub mod settings;
pub mod sync;

pub use error::{Error, Result};
pub use service::{SaferpayCredentials, SaferpayService};
pub use settings::ENDPOINTS;
pub use sync::{SyncSummary, Written};

/// The connector as the composition root opens it: `sandbox_credentials` is the sandbox
/// start-up line's `credentials` (all providers'; this one reads its `saferpay` entry).
pub fn open(
    ctx: &xp_context::Context,
    sandbox_credentials: Option<&serde_json::Value>,
) -> std::result::Result<SaferpayService, xp_ipc::IpcError> {
    SaferpayService::new(ctx.clone(), sandbox_credentials.map(|c| &c[PROVIDER])).map_err(|e| xp_ipc::IpcError::from(&e))
}

/// The provider's name in the `collections` table and in vault keys.
pub const PROVIDER: &str = "saferpay";
