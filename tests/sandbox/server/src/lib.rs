//! The sandbox server: every provider emulator on a loopback port of its own, answering the
//! provider's real paths at the root (so an official client works by changing only the host),
//! plus an admin API for tests and the demo on the `--listen` address.
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
            okta: xp_sandbox_okta::Emulator::new(ctx.clone(), seed, urls.okta.clone()),
            gocardless: xp_sandbox_gocardless::Emulator::new(ctx.clone(), seed, urls.gocardless.clone()),
            saferpay: xp_sandbox_saferpay::Emulator::new(ctx.clone(), seed, urls.saferpay.clone()),
            okx: xp_sandbox_okx::Emulator::new(ctx.clone(), seed, urls.okx.clone()),
            openai: xp_sandbox_openai::Emulator::new(ctx.clone(), seed, urls.openai.clone()),
        }
    }

    /// Each emulator's router, in the order of [`Urls::of`].
    fn routers(&self) -> [Router; 6] {
        [
            self.xero.router(),
            self.okta.router(),
            self.gocardless.router(),
            self.saferpay.router(),
            self.okx.router(),
            self.openai.router(),
        ]
    }
}

/// Each emulator's origin in this run.
pub(crate) struct Urls {
    pub xero: Url,
    pub okta: Url,
    pub gocardless: Url,
    pub saferpay: Url,
    pub okx: Url,
    pub openai: Url,
}

impl Urls {
    /// The origins of the listeners bound for xero, okta, gocardless, saferpay, okx and openai,
    /// in that order.
    fn of(addrs: &[SocketAddr; 6]) -> Result<Self, std::io::Error> {
        let origin = |a: &SocketAddr| format!("http://{a}").parse::<Url>().map_err(std::io::Error::other);
        Ok(Urls {
            xero: origin(&addrs[0])?,
            okta: origin(&addrs[1])?,
            gocardless: origin(&addrs[2])?,
            saferpay: origin(&addrs[3])?,
            okx: origin(&addrs[4])?,
            openai: origin(&addrs[5])?,
        })
    }

    pub fn xero(&self) -> xp_sandbox_xero::Bases {
        xp_sandbox_xero::Bases::single(&self.xero)
    }
}

/// `path` under an origin.
fn under(origin: &Url, path: &str) -> String {
    let mut u = origin.clone();
    u.set_path(path);
    u.to_string()
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

/// The admin listener on `--listen`, then one per emulator on a free loopback port of the same
/// address (a fixed range next to `--listen` could be taken; the start-up line names them).
async fn bind_all(listen: SocketAddr) -> Result<(TcpListener, [TcpListener; 6]), std::io::Error> {
    let admin = TcpListener::bind(listen).await?;
    let mut emulators = Vec::with_capacity(6);
    for _ in 0..6 {
        emulators.push(TcpListener::bind(SocketAddr::new(listen.ip(), 0)).await?);
    }
    let emulators: [TcpListener; 6] = emulators.try_into().map_err(|_| std::io::Error::other("six listeners"))?;
    Ok((admin, emulators))
}

pub async fn start(opts: Options) -> Result<Running, Error> {
    let (listener, emulator_listeners) = bind_all(opts.listen).await?;
    let addr = listener.local_addr()?;
    let admin_origin: Url = format!("http://{addr}").parse().map_err(std::io::Error::other)?;
    let mut emulator_addrs = [addr; 6];
    for (slot, l) in emulator_addrs.iter_mut().zip(&emulator_listeners) {
        *slot = l.local_addr()?;
    }
    let urls = Urls::of(&emulator_addrs)?;

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
        okta_issuer: under(&urls.okta, "/oauth2/default"),
        gocardless: urls.gocardless.to_string(),
        saferpay: under(&urls.saferpay, "/api"),
        okx: urls.okx.to_string(),
        openai: under(&urls.openai, "/v1"),
        admin: under(&admin_origin, "/admin"),
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

    let bump = || axum::middleware::from_fn_with_state(generation.clone(), saver::bump);
    let admin_app = Router::new().nest("/admin", admin::router(ctx.clone(), emulators.clone())).layer(bump());
    let mut apps = vec![(listener, admin_app)];
    for (l, router) in emulator_listeners.into_iter().zip(emulators.routers()) {
        apps.push((l, router.layer(bump())));
    }

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (stop_all, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut servers = tokio::task::JoinSet::new();
    for (l, app) in apps {
        let mut stop = stop_all.subscribe();
        servers.spawn(async move {
            axum::serve(l, app.into_make_service())
                .with_graceful_shutdown(async move {
                    let _ = stop.recv().await;
                })
                .await
        });
    }
    // One task stands for all the listeners: it ends when they have all stopped, or with the
    // first one that fails.
    let task = tokio::spawn(async move {
        let mut rx = rx;
        loop {
            tokio::select! {
                _ = &mut rx => break,
                ended = servers.join_next() => match ended {
                    None => return Ok(()),
                    Some(r) => r.map_err(std::io::Error::other)??,
                },
            }
        }
        let _ = stop_all.send(());
        while let Some(r) = servers.join_next().await {
            r.map_err(std::io::Error::other)??;
        }
        Ok(())
    });
    Ok(Running { addr, info, ctx, restored_from, shutdown: Some(tx), task: Some(task), saver })
}
