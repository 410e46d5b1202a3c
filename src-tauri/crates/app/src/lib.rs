//! What the desktop shell and the `xpartner` CLI share: configuration and profiles, data
//! folders, choosing the vault, opening the encrypted store with its key, logging with secrets
//! scrubbed, and the read models behind the first IPC commands.

pub mod bootstrap;
pub mod browse;
pub mod config;
mod error;
pub mod export;
pub mod invoices;
pub mod logging;
pub mod paths;
mod services;
pub mod session;
pub mod xero;

pub use config::{AppConfig, ProviderUrls};
pub use error::{Error, Result};
pub use paths::Paths;
pub use services::{Services, StartOptions};

/// RFC 3339 UTC text, as the store keeps timestamps.
pub fn timefmt(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
