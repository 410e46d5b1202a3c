//! The desktop shell: wires the library crates into Tauri. Business logic lives in the crates
//! under `src-tauri/crates/`; commands here are a few lines each.

mod args;
mod commands;
mod deep_link;
mod error;
mod navigation;
mod state;

pub use args::AppArgs;
pub use commands::{command, Command, Need, COMMANDS};
pub use deep_link::{route as route_deep_link, DeepLink};
pub use error::CmdError;
pub use state::{AppState, AppStateExt};

use tauri::{Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

/// Adds the app's state and command handlers to a builder. Shared by `run` and the tests,
/// which use Tauri's mock runtime.
pub fn attach<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(commands::handlers())
}

pub fn run() {
    let args = AppArgs::from_env();
    let opts = args.start_options();
    let log_guard = xp_app::logging::init(&opts.paths().log_dir(), "xero-partner", cfg!(debug_assertions));
    if let Err(e) = &log_guard {
        eprintln!("warning: cannot write logs to {}: {e}", opts.paths().log_dir().display());
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), data_dir = %opts.paths().data_dir.display(), "starting");

    // single-instance must be registered first: a second launch (e.g. the OS opening a deep
    // link) hands its arguments to this instance and exits (shared/PLATFORM.md). The keychain
    // and the store are opened in `setup`, after that check, so a second launch touches neither.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(navigation::guard(dev_url()))
        .invoke_handler(commands::handlers())
        .setup(move |app| {
            app.manage(open_state(&opts));
            watch_session(app.handle());
            watch_connectivity(app.handle());
            #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
            if let Err(e) = app.deep_link().register_all() {
                tracing::warn!(error = %e, "could not register the deep-link scheme with the desktop");
            }
            if let Ok(Some(urls)) = app.deep_link().get_current() {
                for url in urls {
                    handle_deep_link(app.handle(), url.as_str());
                }
            }
            start_background_sync(app.handle());
            start_outbox(app.handle());
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    handle_deep_link(&handle, url.as_str());
                }
            });
            Ok(())
        });
    let app = builder.build(tauri::generate_context!()).unwrap_or_else(|e| {
        tracing::error!("cannot start the window: {e}");
        std::process::exit(1);
    });
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            tracing::info!("exiting");
            close_store(handle);
            // Flushes the log writer before the process ends.
            let _ = &log_guard;
        }
    });
}

/// Folds the WAL into the database file and ends the store's connection threads before the
/// process exits. Bounded: a sync in flight gives its connection back at its next page, and the
/// window must close even if it does not.
fn close_store<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Ok(services) = app.public_services() else { return };
    tauri::async_runtime::block_on(async move {
        if tokio::time::timeout(std::time::Duration::from_secs(5), services.store.close()).await.is_err() {
            tracing::warn!("the store did not close within 5 s; exiting anyway");
        }
    });
}

/// Opens the keychain and the store (tens of milliseconds). A failure is kept and shown by every
/// command as a clear {code, message} instead of a crash.
fn open_state(opts: &xp_app::StartOptions) -> AppState {
    tauri::async_runtime::block_on(async {
        let app = xp_app::App::start(opts).await;
        if let Err(e) = &app {
            tracing::error!(code = %e.code(), "cannot open the local store: {e}");
        }
        for w in app.as_ref().map(|a| a.ctx.warnings.clone()).unwrap_or_default() {
            tracing::warn!("{w}");
        }
        AppState::new(app.map_err(|e| xp_ipc::IpcError::from(&e))).await
    })
}

/// Tells the window when the providers stop or start answering.
fn watch_connectivity<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Ok(services) = app.public_services() else { return };
    let emitter = app.clone();
    let reported = services.clone();
    services.reachability.on_change(move |_| {
        let _ = emitter.emit(xp_ipc::EVENT_CONNECTIVITY_CHANGED, reported.connectivity());
    });
}

/// Tells the window whenever the session changes, and confirms it online now and every 10 minutes.
fn watch_session<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Ok(session) = app.session() else { return };
    let emitter = app.clone();
    session.set_notify(std::sync::Arc::new(move |status| {
        let _ = emitter.emit(xp_ipc::EVENT_SESSION_CHANGED, status);
    }));
    tauri::async_runtime::spawn(async move {
        // Runs until the app exits.
        let _running = session.spawn_revalidation(std::time::Duration::from_secs(10 * 60));
        // The idle lock falls on time in Rust even when the window is hidden and sends nothing.
        let _idle = session.spawn_idle_lock(std::time::Duration::from_secs(5));
    });
}

/// Keeps kept organisations in sync while the app runs, and resumes by itself after being offline.
fn start_background_sync<R: Runtime>(app: &tauri::AppHandle<R>) {
    // Not a command: keeps the local cache fresh for whoever signs in next; no data reaches the
    // window without a command's permission check.
    let connectors: Vec<_> = app.state::<AppState>().connectors_unchecked().running().cloned().collect();
    let emitter = app.clone();
    let session = app.session().ok();
    tauri::async_runtime::spawn(async move {
        let report: xp_context::ProgressReport = std::sync::Arc::new(move |p: xp_ipc::SyncProgress| {
            // Progress names organisations: it goes to the window only while someone signed in
            // may see them, never to a locked or signed-out window.
            if session.as_ref().is_some_and(|s| s.window_may_see_data()) {
                let _ = emitter.emit(xp_ipc::EVENT_SYNC_PROGRESS, p);
            }
        });
        // Runs until the app exits.
        let stop = xp_context::CancellationToken::new();
        for c in connectors {
            c.spawn_background_sync(std::time::Duration::from_secs(15 * 60), report.clone(), stop.clone());
        }
    });
}

/// Sends what waits in the outbox (payments to Xero…) while the app runs: due items every
/// 15 s, and items that waited for the network soon after it is back.
fn start_outbox<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Ok(services) = app.public_services() else { return };
    let state = app.state::<AppState>();
    let connectors = state.connectors_unchecked();
    let background = connectors.settlement(&services);
    let answers = (connectors.clone(), services.clone());
    match connectors.dispatcher(&services) {
        Ok(dispatcher) => {
            tracing::info!(kinds = ?dispatcher.kinds(), "outbox dispatcher started");
            let dispatcher = std::sync::Arc::new(dispatcher);
            // GoCardless answers a cancellation, retry or refund with events: read them as soon
            // as the request went, not at the next 15-minute sync, so the collection's page
            // shows the outcome; then book what they changed.
            let after_sent = move |kinds: Vec<String>| {
                if !kinds.iter().any(|k| k.starts_with("gocardless.")) {
                    return;
                }
                let (connectors, ctx) = answers.clone();
                tauri::async_runtime::spawn(async move {
                    let quiet = std::sync::Arc::new(|_| {});
                    if let Err(e) = connectors.sync_and_settle(&ctx, xp_app::collect::Via::GoCardless, quiet).await {
                        tracing::warn!(error = %e, "GoCardless sync after the outbox sent to it");
                    }
                });
            };
            tauri::async_runtime::spawn(async move {
                // Runs until the app exits.
                let _running = dispatcher.spawn_with(
                    std::time::Duration::from_secs(15),
                    xp_context::CancellationToken::new(),
                    after_sent,
                );
            });
        }
        Err(e) => tracing::error!(error = %e, "the outbox dispatcher cannot start; queued items stay queued"),
    }
    // Direct debits confirmed, reversed or paid out become Xero writes in that outbox.
    if let Some(settlement) = background {
        tauri::async_runtime::spawn(async move {
            // Runs until the app exits.
            settlement.spawn(std::time::Duration::from_secs(60), xp_context::CancellationToken::new());
        });
    }
}

/// Every incoming URL is validated; anything unknown or malformed is logged and ignored.
fn handle_deep_link<R: Runtime>(app: &tauri::AppHandle<R>, url: &str) {
    match deep_link::route(url) {
        Ok(DeepLink::Navigate { path }) => {
            tracing::info!(%path, "deep link: navigate");
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
            let _ = app.emit(xp_ipc::EVENT_NAVIGATE, xp_ipc::NavigateEvent { path });
        }
        Ok(DeepLink::AuthCallback { .. }) => {
            tracing::info!("deep link: sign-in answer");
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
            // A connector's connect (Xero in https-redirect mode) may wait for this state; anything
            // else is the Okta sign-in's to check (state, code, tokens, nonce). Its refusal becomes
            // the login page's message through the session-changed event, except an error answer
            // for no pending sign-in: anyone can send one, so the session drops it unseen.
            if app.state::<AppState>().connectors_unchecked().running().any(|c| c.deliver_redirect(url)) {
                return;
            }
            let Ok(session) = app.session() else { return };
            let url = url.to_owned();
            tauri::async_runtime::spawn(async move {
                let _ = session.complete_sign_in(&url).await;
            });
        }
        Err(e) => tracing::warn!(error = %e, "deep link ignored"),
    }
}

/// `devUrl` when this is a development build (no bundled front end), where the window loads
/// the Vite server; None in a build with the front end bundled.
fn dev_url() -> Option<url::Url> {
    if !tauri::is_dev() {
        return None;
    }
    let config: serde_json::Value = serde_json::from_str(include_str!("../../tauri.conf.json")).ok()?;
    config.pointer("/build/devUrl")?.as_str().and_then(|u| url::Url::parse(u).ok())
}
