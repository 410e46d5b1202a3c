//! What the desktop shell and the `xpartner` CLI share: configuration and profiles, data
//! folders, choosing the vault, opening the encrypted store with its key, logging with secrets
//! scrubbed, and the read models behind the first IPC commands.

pub mod bootstrap;
pub mod config;
mod error;
pub mod logging;
pub mod paths;
mod services;

pub use config::{AppConfig, ProviderUrls};
pub use error::{Error, Result};
pub use paths::Paths;
pub use services::{Services, StartOptions};
