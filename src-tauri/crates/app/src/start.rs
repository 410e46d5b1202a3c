//! Opening the app: configuration first, then the keychain and the store in the one safe order,
//! then the features over the shared runtime.

use crate::config::Overrides;
use crate::session::SessionService;
use crate::{AppConfig, Connectors, Result};
use std::path::PathBuf;
use std::sync::Arc;
use xp_context::{bootstrap, Context, Paths};
use xp_core::{Clock, SystemClock};
use xp_vault::SecretStore;

/// What the command line (of the app or of `xpartner`) may set.
#[derive(Debug, Default, Clone)]
pub struct StartOptions {
    pub data_dir: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub overrides: Overrides,
}

impl StartOptions {
    /// The data folder of the profile this start will run in (each profile has its own).
    pub fn paths(&self) -> Paths {
        Paths::for_profile(self.data_dir.as_deref(), self.profile())
    }

    /// The profile the flags and the configuration file choose; a file that does not load
    /// counts as production here (starting reports its error anyway).
    pub fn profile(&self) -> xp_ipc::Profile {
        if let Some(p) = self.overrides.profile {
            return p;
        }
        if self.overrides.sandbox.is_some() {
            return xp_ipc::Profile::Sandbox;
        }
        AppConfig::load(self.config.as_deref(), &self.overrides).map_or(xp_ipc::Profile::Production, |c| c.profile)
    }
}

/// A running app: the shared runtime and the configuration it was composed from.
#[derive(Clone, Debug)]
pub struct App {
    pub ctx: Context,
    pub config: AppConfig,
}

impl App {
    /// Loads configuration, opens the OS keychain and the encrypted store.
    pub async fn start(opts: &StartOptions) -> Result<App> {
        let config = AppConfig::load(opts.config.as_deref(), &opts.overrides)?;
        let paths = Paths::for_profile(opts.data_dir.as_deref(), config.profile);
        let (vault, warnings) = bootstrap::open_vault(config.allow_plaintext_secrets, &paths)?;
        Self::with_vault(config, paths, vault, warnings, Arc::new(SystemClock)).await
    }

    /// Same as `start` with the vault and clock given: for tests and embedding.
    pub async fn with_vault(
        config: AppConfig,
        paths: Paths,
        vault: Arc<dyn SecretStore>,
        warnings: Vec<String>,
        clock: Arc<dyn Clock>,
    ) -> Result<App> {
        let ctx = Context::open(config.profile, config.providers.clone(), paths, vault, warnings, clock).await?;
        Ok(App { ctx, config })
    }

    /// The app's own sign-in over this runtime.
    pub async fn session(&self) -> Result<SessionService> {
        SessionService::new(self.ctx.clone(), self.config.okta.clone()).await
    }

    /// Every provider connector, each built from its own configuration section.
    pub fn connectors(&self) -> Connectors {
        Connectors::open(&self.ctx, &self.config)
    }

    /// The Xero connector (the CLI's `connect`/`sync`).
    pub fn xero(&self) -> Result<xp_connect_xero::XeroService> {
        Ok(xp_connect_xero::XeroService::new(self.ctx.clone(), self.config.xero.clone())?)
    }

    /// Direct-debit settlement into Xero (the CLI's `settle`, the app's background pass).
    pub fn settlement(&self) -> Result<crate::settlement::Settlement> {
        Ok(crate::settlement::Settlement::new(self.ctx.clone(), self.xero()?, Some(self.gocardless()?)))
    }

    /// The GoCardless connector (the CLI's `sync gocardless`).
    pub fn gocardless(&self) -> Result<xp_connect_gocardless::GoCardlessService> {
        Ok(xp_connect_gocardless::GoCardlessService::new(self.ctx.clone(), self.config.gocardless.clone())?)
    }
}
