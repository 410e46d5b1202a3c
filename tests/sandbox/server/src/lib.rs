//! The sandbox server: every provider emulator behind one loopback listener, each under a
//! prefix that stands for the provider's host (`/xero/api` for api.xero.com, `/okx` for
//! www.okx.com, ...), plus an admin API for tests and the demo.

mod admin;

use axum::Router;
use serde::Serialize;
use serde_json::Value;
use std::net::SocketAddr;
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

pub struct Running {
    pub addr: SocketAddr,
    pub info: Info,
    pub ctx: Ctx,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until the process is told to stop (Ctrl-C / SIGTERM).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.map_err(std::io::Error::other)?
    }
}

pub async fn start(opts: Options) -> std::io::Result<Running> {
    let listener = TcpListener::bind(opts.listen).await?;
    let addr = listener.local_addr()?;
    let origin: Url = format!("http://{addr}").parse().map_err(std::io::Error::other)?;
    let at = |p: &str| origin.join(p).expect("sandbox path joins");

    let ctx = Ctx::new(Duration::from_millis(opts.minute_ms.max(1)));
    ctx.faults.add(opts.faults.clone());

    let xero_bases =
        xp_sandbox_xero::Bases { identity: at("/xero/identity"), login: at("/xero/login"), api: at("/xero/api") };
    let emulators = Arc::new(Emulators {
        xero: xp_sandbox_xero::Emulator::new(ctx.clone(), opts.seed, xero_bases.clone()),
        okta: xp_sandbox_okta::Emulator::new(ctx.clone(), opts.seed, at("/okta")),
        gocardless: xp_sandbox_gocardless::Emulator::new(ctx.clone(), opts.seed, at("/gocardless")),
        saferpay: xp_sandbox_saferpay::Emulator::new(ctx.clone(), opts.seed, at("/saferpay")),
        okx: xp_sandbox_okx::Emulator::new(ctx.clone(), opts.seed, at("/okx")),
        openai: xp_sandbox_openai::Emulator::new(ctx.clone(), opts.seed, at("/openai")),
    });

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

    let app = Router::new()
        .nest("/xero", emulators.xero.router())
        .nest("/okta", emulators.okta.router())
        .nest("/gocardless", emulators.gocardless.router())
        .nest("/saferpay", emulators.saferpay.router())
        .nest("/okx", emulators.okx.router())
        .nest("/openai", emulators.openai.router())
        .nest("/admin", admin::router(ctx.clone(), emulators.clone()));

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running { addr, info, ctx, shutdown: Some(tx), task })
}
