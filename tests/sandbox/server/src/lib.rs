//! The sandbox server: every provider emulator behind one loopback listener, each under a
//! prefix that stands for the provider's host (`/xero/api` for api.xero.com, `/okx` for
//! www.okx.com, ...), plus an admin API for tests and the demo.
//!
//! State lives in memory; with `--state FILE` it is restored from FILE and saved back to it
//! (`state_file.rs` has the format, `saver.rs` the when).

mod admin;
mod saver;
mod state_file;

use axum::Router;
use saver::Saver;
use serde::Serialize;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use url::Url;
use xp_sandbox_kit::{Ctx, Fault, Seed};

#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub seed: Seed,
    /// Length of a rate-limit minute in milliseconds (60,000 = real time).
    pub minute_ms: u64,
    pub faults: Vec<Fault>,
    /// `--state FILE`: restore from it if it exists (`seed` is then not used), else seed and
    /// create it; keep it up to date while running.
    pub state: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The `--state` file cannot be read, restored from or written. It is left as it was.
    #[error("state file {}: {reason}", path.display())]
    State { path: PathBuf, reason: String },
}

/// The one JSON line the sandbox prints at start; the app and `xpartner` read it with
/// `--sandbox FILE`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Info {
    pub xero_identity: String,
    pub xero_login: String,
    pub xero_api: String,
    pub okta_issuer: String,
    pub gocardless: String,
    pub saferpay: String,
    pub okx: String,
    pub openai: String,
    pub admin: String,
    /// The rate-limit minute in milliseconds (`--minute-ms`), so clients pace themselves to it.
    pub minute_ms: u64,
    pub credentials: Value,
}

pub(crate) struct Emulators {
    pub xero: xp_sandbox_xero::Emulator,
    pub okta: xp_sandbox_okta::Emulator,
    pub gocardless: xp_sandbox_gocardless::Emulator,
    pub saferpay: xp_sandbox_saferpay::Emulator,
    pub okx: xp_sandbox_okx::Emulator,
    pub openai: xp_sandbox_openai::Emulator,
}

impl Emulators {
    fn seeded(ctx: &Ctx, seed: Seed, urls: &Urls) -> Self {
        Emulators {
            xero: xp_sandbox_xero::Emulator::new(ctx.clone(), seed, urls.xero()),
            okta: xp_sandbox_okta::Emulator::new(ctx.clone(), seed, urls.at("/okta")),
            gocardless: xp_sandbox_gocardless::Emulator::new(ctx.clone(), seed, urls.at("/gocardless")),
            saferpay: xp_sandbox_saferpay::Emulator::new(ctx.clone(), seed, urls.at("/saferpay")),
            okx: xp_sandbox_okx::Emulator::new(ctx.clone(), seed, urls.at("/okx")),
            openai: xp_sandbox_openai::Emulator::new(ctx.clone(), seed, urls.at("/openai")),
        }
    }
}

/// URLs under the address this run listens on.
pub(crate) struct Urls(Url);

impl Urls {
    fn new(origin: Url) -> Self {
        Self(origin)
    }

    pub fn at(&self, path: &str) -> Url {
        let mut u = self.0.clone();
        u.set_path(path);
        u
    }

    pub fn xero(&self) -> xp_sandbox_xero::Bases {
        xp_sandbox_xero::Bases {
            identity: self.at("/xero/identity"),
            login: self.at("/xero/login"),
            api: self.at("/xero/api"),
        }
    }
}

pub struct Running {
    pub addr: SocketAddr,
    pub info: Info,
    pub ctx: Ctx,
    /// With `--state` and an existing FILE: the seed that FILE's state began from (the `seed`
    /// option was not used).
    pub restored_from: Option<Seed>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    saver: Option<(Arc<Saver>, tokio::task::JoinHandle<()>)>,
}

/// How long [`Running::stop`] lets in-flight requests (a long stream) finish before the last
/// save, which should see what they changed.
const DRAIN: Duration = Duration::from_secs(5);

impl Running {
    /// Stops serving, then writes the `--state` file one last time.
    pub async fn stop(mut self) -> Result<(), Error> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            if self.saver.is_some() {
                let _ = tokio::time::timeout(DRAIN, task).await;
            } else {
                // Nothing to save: no reason to wait for open connections.
                task.abort();
            }
        }
        self.save_and_stop_saving().await
    }

    /// Serves until the server fails (stop it with [`Running::stop`], e.g. on a signal).
    /// Cancel-safe: dropping the future leaves the server running.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        let Some(task) = self.task.as_mut() else { return Ok(()) };
        let r = task.await;
        self.task = None;
        r.map_err(std::io::Error::other)?
    }

    async fn save_and_stop_saving(&mut self) -> Result<(), Error> {
        let Some((saver, loop_task)) = self.saver.take() else { return Ok(()) };
        loop_task.abort();
        let _ = loop_task.await;
        // Served requests have all been counted by now, so "not dirty" means FILE is current
        // (and a large state is not serialised again just to find that out).
        if !saver.dirty() {
            return Ok(());
        }
        saver.save_async().await.map(drop).map_err(|reason| Error::State { path: saver.path.clone(), reason })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some((_, loop_task)) = &self.saver {
            loop_task.abort();
        }
    }
}

fn state_error(path: &std::path::Path) -> impl FnOnce(String) -> Error + '_ {
    move |reason| Error::State { path: path.to_owned(), reason }
}

pub async fn start(opts: Options) -> Result<Running, Error> {
    let listener = TcpListener::bind(opts.listen).await?;
    let addr = listener.local_addr()?;
    let origin: Url = format!("http://{addr}").parse().map_err(std::io::Error::other)?;
    let urls = Urls::new(origin);
    let at = |p: &str| urls.at(p);

    let ctx = Ctx::new(Duration::from_millis(opts.minute_ms.max(1)));
    ctx.faults.add(opts.faults.clone());

    let (emulators, restored_from) = match &opts.state {
        Some(path) => match state_file::read(path).map_err(state_error(path))? {
            Some(doc) => {
                let (e, seed) = state_file::restore(&ctx, &urls, doc).map_err(state_error(path))?;
                (e, Some(seed))
            }
            None => (Emulators::seeded(&ctx, opts.seed, &urls), None),
        },
        None => (Emulators::seeded(&ctx, opts.seed, &urls), None),
    };
    let emulators = Arc::new(emulators);
    let xero_bases = urls.xero();

    let info = Info {
        xero_identity: xero_bases.identity.to_string(),
        xero_login: xero_bases.login.to_string(),
        xero_api: xero_bases.api.to_string(),
        okta_issuer: at("/okta/oauth2/default").to_string(),
        gocardless: at("/gocardless").to_string(),
        saferpay: at("/saferpay/api").to_string(),
        okx: at("/okx").to_string(),
        openai: at("/openai/v1").to_string(),
        admin: at("/admin").to_string(),
        minute_ms: opts.minute_ms,
        credentials: serde_json::json!({
            "xero": emulators.xero.credentials(),
            "okta": emulators.okta.credentials(),
            "gocardless": emulators.gocardless.credentials(),
            "saferpay": emulators.saferpay.credentials(),
            "okx": emulators.okx.credentials(),
            "openai": emulators.openai.credentials(),
        }),
    };

    let generation = Arc::new(AtomicU64::new(0));
    let saver = match &opts.state {
        Some(path) => {
            let seed = restored_from.unwrap_or(opts.seed);
            let saver = Arc::new(Saver::new(path.clone(), seed, ctx.clone(), emulators.clone(), generation.clone()));
            // A new FILE exists before the start-up line is printed; a restored one is current.
            if restored_from.is_none() {
                saver.save_async().await.map_err(state_error(path))?;
            }
            Some((saver.clone(), tokio::spawn(saver.run())))
        }
        None => None,
    };

    let app = Router::new()
        .nest("/xero", emulators.xero.router())
        .nest("/okta", emulators.okta.router())
        .nest("/gocardless", emulators.gocardless.router())
        .nest("/saferpay", emulators.saferpay.router())
        .nest("/okx", emulators.okx.router())
        .nest("/openai", emulators.openai.router())
        .nest("/admin", admin::router(ctx.clone(), emulators.clone()))
        .layer(axum::middleware::from_fn_with_state(generation, saver::bump));

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running { addr, info, ctx, restored_from, shutdown: Some(tx), task: Some(task), saver })
}
