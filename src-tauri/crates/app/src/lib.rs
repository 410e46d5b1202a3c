//! The composition root shared by the desktop shell and the `xpartner` CLI: it reads the
//! configuration and composes each feature's section, opens the shared runtime
//! ([`xp_context::Context`]), the session (sign-in, roles, lock) and the registry of provider
//! connectors, and runs the background jobs. Features live in their own crates; nothing here
//! knows a provider's wire format or tables.

pub mod collect;
pub mod config;
pub mod connectors;
mod error;
pub mod mandates;
pub mod session;
pub mod settlement;
mod start;

pub use config::AppConfig;
pub use connectors::Connectors;
pub use error::{Error, Result};
pub use start::{App, StartOptions};
pub use xp_context::{logging, Context, Paths};
