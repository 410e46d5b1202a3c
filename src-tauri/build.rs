/// The app's own commands. Listing them here makes Tauri generate an `allow-<command>`
/// permission for each and deny any command not granted by a capability file.
const COMMANDS: &[&str] = &[
    "app_info",
    "connectivity",
    "session_status",
    "sign_in",
    "cancel_sign_in",
    "sign_out",
    "lock_session",
    "session_activity",
    "update_session_settings",
    "db_info",
    "list_connections",
    "list_audit_events",
    "verify_audit_log",
    "list_organisations",
    "connect_xero",
    "keep_organisations",
    "sync_now",
    "cancel_sync",
    "disconnect_organisation",
    "list_invoices",
    "get_invoice",
    "open_in_xero",
    "list_contacts",
    "get_contact",
    "list_bank_transactions",
    "get_bank_transaction",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
