//! The shell's commands over real IPC (Tauri's mock runtime: no display, no D-Bus).
#![allow(clippy::unwrap_used, clippy::new_without_default)] // in tests a panic is the failure report

mod commands;
mod directdebit;
mod ipc;
mod release;
mod roles;
mod secrets;
mod spans;

use std::sync::Arc;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;
use xp_app::{App, AppConfig, Paths};
use xp_vault::MemoryStore;

pub struct Harness {
    pub _dir: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    pub window: tauri::WebviewWindow<MockRuntime>,
    /// The runtime the window's commands use (store, paths), for looking behind them.
    pub services: xp_app::Context,
    pub vault: MemoryStore,
}

pub async fn services(dir: &std::path::Path, vault: &MemoryStore) -> App {
    services_with(dir, vault, "").await
}

pub async fn services_with(dir: &std::path::Path, vault: &MemoryStore, config: &str) -> App {
    let config = AppConfig::parse(config, "test", &Default::default()).unwrap();
    let clock = Arc::new(xp_core::ManualClock::new(time::macros::datetime!(2026-11-23 09:00 UTC)));
    App::with_vault(config, Paths::resolve(Some(dir)), Arc::new(vault.clone()), vec![], clock).await.unwrap()
}

impl Harness {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = MemoryStore::new();
        let services = tauri::async_runtime::block_on(services(dir.path(), &vault));
        Self::with_state(dir, vault, services.ctx.clone(), Ok(services))
    }

    /// A harness whose configuration is `config`; `prepare` runs on the store before the app opens.
    pub fn with_config(config: &str, prepare: impl FnOnce(&xp_app::Context)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = MemoryStore::new();
        let services = tauri::async_runtime::block_on(services_with(dir.path(), &vault, config));
        prepare(&services.ctx);
        Self::with_state(dir, vault, services.ctx.clone(), Ok(services))
    }

    pub fn with_state(
        dir: tempfile::TempDir,
        vault: MemoryStore,
        services: xp_app::Context,
        state: Result<App, xp_ipc::IpcError>,
    ) -> Self {
        let app = xero_partner_lib::attach(
            mock_builder(),
            tauri::async_runtime::block_on(xero_partner_lib::AppState::new(state)),
        )
        .build(mock_context(noop_assets()))
        .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        Self { _dir: dir, app, window, services, vault }
    }

    /// Invokes a command the way the webview does and returns the JSON it would receive.
    pub fn invoke(&self, cmd: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        let res = tauri::test::get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        );
        res.map(|body| body.deserialize::<serde_json::Value>().unwrap())
    }
}

/// The commands that do real work in single-user mode with no network, with arguments: a subset
/// of the command table (`roles.rs` and `commands.rs` cover every command).
pub fn all_commands() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("app_info", serde_json::json!({})),
        ("session_status", serde_json::json!({})),
        ("connectivity", serde_json::json!({})),
        ("db_info", serde_json::json!({})),
        ("list_connections", serde_json::json!({})),
        ("list_audit_events", serde_json::json!({ "limit": 100 })),
        ("verify_audit_log", serde_json::json!({})),
    ]
}
