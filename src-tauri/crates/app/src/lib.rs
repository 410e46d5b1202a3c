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

#[cfg(test)]
mod test_support {
    #![allow(clippy::unwrap_used)]
    use std::sync::Arc;
    use xp_context::Context;

    /// A sandbox-profile runtime on `dir`, with a memory vault and endpoints that lead nowhere.
    pub(crate) async fn runtime(dir: &std::path::Path) -> Context {
        Context::open(
            xp_ipc::Profile::Sandbox,
            crate::config::sandbox_endpoints(&url::Url::parse("http://127.0.0.1:9").unwrap()),
            xp_context::Paths::resolve(Some(dir)),
            Arc::new(xp_vault::MemoryStore::new()),
            vec![],
            Arc::new(xp_core::SystemClock),
        )
        .await
        .unwrap()
    }
}
