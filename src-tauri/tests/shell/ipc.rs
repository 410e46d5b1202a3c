use crate::Harness;
use serde_json::json;

#[test]
fn app_info_reports_profile_vault_and_endpoints() {
    let h = Harness::new();
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["profile"], "production");
    assert_eq!(info["vault"], "memory");
    assert_eq!(info["endpoints"][0], json!({"provider": "xero", "baseUrl": "https://api.xero.com/"}));
    // The payload must deserialise into the type the TypeScript bindings were generated from.
    let _: xp_ipc::AppInfo = serde_json::from_value(info).unwrap();
}

#[test]
fn db_info_shows_the_encrypted_schema() {
    let h = Harness::new();
    let info: xp_ipc::DbInfo = serde_json::from_value(h.invoke("db_info", json!({})).unwrap()).unwrap();
    assert!(info.cipher_version.starts_with('4'), "{}", info.cipher_version);
    assert!(info.tables.iter().any(|t| t.name == "outbox"));
}

#[test]
fn connections_and_audit_round_trip_through_ipc() {
    let h = Harness::new();
    tauri::async_runtime::block_on(xp_store::connections::insert(
        &h.services.store,
        xp_core::ids::ConnectionId::new_random(),
        "xero",
        "Demo Company (EU)",
        time::macros::datetime!(2026-11-23 09:00 UTC),
    ))
    .unwrap();
    let list: Vec<xp_ipc::ConnectionSummary> =
        serde_json::from_value(h.invoke("list_connections", json!({})).unwrap()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].provider, xp_ipc::Provider::Xero);
    assert_eq!(list[0].status, xp_ipc::ConnectionStatus::Active);

    let events: Vec<xp_ipc::AuditEvent> =
        serde_json::from_value(h.invoke("list_audit_events", json!({"limit": 10})).unwrap()).unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    // Newest first: the first start pins the sign-in settings (security review #4).
    assert_eq!(actions, ["settings.sign_in_pinned", "store.created"]);
    assert_eq!(h.invoke("verify_audit_log", json!({})).unwrap(), json!({"entries": 2}));
}

#[test]
fn a_store_that_failed_to_open_gives_code_and_message_on_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let vault = xp_vault::MemoryStore::new();
    let services = tauri::async_runtime::block_on(crate::services(dir.path(), &vault));
    let failure = xp_ipc::IpcError {
        code: xp_ipc::ErrorCode::StoreKeyMismatch,
        message: "the key does not open the local database".into(),
    };
    let h = Harness::with_state(dir, vault, services.ctx, Err(failure));
    for (cmd, args) in crate::all_commands() {
        let err = h.invoke(cmd, args).unwrap_err();
        assert_eq!(
            err,
            json!({"code": "store_key_mismatch", "message": "the key does not open the local database"}),
            "{cmd}"
        );
    }
}

#[test]
fn bad_arguments_are_rejected_not_crashing() {
    let h = Harness::new();
    let err = h.invoke("list_audit_events", json!({"limit": "lots"})).unwrap_err();
    assert!(err.as_str().unwrap_or_default().contains("limit"), "{err}");
    let err = h.invoke("no_such_command", json!({})).unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}
