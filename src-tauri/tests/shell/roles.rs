//! Every command checks the session in Rust: called directly over IPC (as a compromised or
//! curious webview would), a signed-out, locked or under-privileged caller is refused.

use crate::Harness;
use serde_json::{json, Value};
use xp_app::session::record::{SessionRecord, RECORD_KEY};
use xp_ipc::Permission;

/// Every command of the shell with the permission it needs (None: works signed out) and
/// arguments that pass deserialisation.
fn every_command() -> Vec<(&'static str, Option<Permission>, Value)> {
    let q = |v: Value| json!({ "query": v });
    vec![
        ("app_info", None, json!({})),
        ("connectivity", None, json!({})),
        ("session_status", None, json!({})),
        ("sign_in", None, json!({})),
        ("cancel_sign_in", None, json!({})),
        ("sign_out", None, json!({})),
        ("lock_session", None, json!({})),
        ("session_activity", None, json!({})),
        (
            "update_session_settings",
            Some(Permission::ManageSignIn),
            json!({"settings": {"mode": "single_user", "idleLockMinutes": 0, "offlineGraceDays": 7}}),
        ),
        ("db_info", Some(Permission::Read), json!({})),
        ("list_connections", Some(Permission::Read), json!({})),
        ("list_audit_events", Some(Permission::Read), json!({"limit": 10})),
        ("verify_audit_log", Some(Permission::Read), json!({})),
        ("list_organisations", Some(Permission::Read), json!({})),
        ("connect_xero", Some(Permission::ManageConnections), json!({})),
        ("keep_organisations", Some(Permission::ManageConnections), json!({"connectionId": "c", "tenantIds": ["t"]})),
        ("sync_now", Some(Permission::Read), json!({"organisationId": null})),
        ("cancel_sync", Some(Permission::Read), json!({})),
        (
            "disconnect_organisation",
            Some(Permission::ManageConnections),
            json!({"organisationId": "o", "eraseData": false}),
        ),
        ("list_invoices", Some(Permission::Read), q(serde_json::to_value(xp_ipc::InvoiceQuery::default()).unwrap())),
        ("get_invoice", Some(Permission::Read), json!({"organisationId": "o", "invoiceId": "i"})),
        ("open_in_xero", Some(Permission::Read), json!({"organisationId": "o", "invoiceId": "i"})),
        ("list_contacts", Some(Permission::Read), q(serde_json::to_value(xp_ipc::ContactQuery::default()).unwrap())),
        ("get_contact", Some(Permission::Read), json!({"organisationId": "o", "contactId": "c"})),
        (
            "list_bank_transactions",
            Some(Permission::Read),
            q(serde_json::to_value(xp_ipc::BankTransactionQuery::default()).unwrap()),
        ),
        ("get_bank_transaction", Some(Permission::Read), json!({"organisationId": "o", "bankTransactionId": "b"})),
    ]
}

#[test]
fn the_list_above_is_every_command_the_window_may_call() {
    let build = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/build.rs")).unwrap();
    let listed: Vec<&str> = every_command().iter().map(|(c, _, _)| *c).collect();
    let start = build.find("const COMMANDS").unwrap();
    let end = start + build[start..].find("];").unwrap();
    let declared: Vec<&str> = build[start..end].split('"').skip(1).step_by(2).collect();
    let mut a = listed.clone();
    let mut b = declared.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "every command in build.rs must be in this test with the permission it needs");
}

/// A harness in Okta mode (issuer and client id set; nothing listens there) with `record` as
/// the remembered sign-in.
fn okta_harness(record: Option<SessionRecord>) -> Harness {
    let config = "[providers]\nokta_issuer = \"https://127.0.0.1:1/oauth2/default\"\n[okta]\nclient_id = \"0oaTEST\"";
    Harness::with_config(config, |services| {
        if let Some(r) = &record {
            tauri::async_runtime::block_on(xp_store::settings::set(&services.store, RECORD_KEY, r)).unwrap();
        }
    })
}

fn record(groups: &[&str], locked: bool) -> SessionRecord {
    let now = time::macros::datetime!(2026-11-23 09:00 UTC);
    SessionRecord {
        sub: "00uVIEWER".into(),
        name: "Vera Viewer".into(),
        email: "vera.viewer@example.com".into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        signed_in_at: now,
        last_validated_at: now,
        locked,
    }
}

fn code_of(r: Result<Value, Value>) -> Option<String> {
    r.err().and_then(|e| e["code"].as_str().map(str::to_owned))
}

#[test]
fn signed_out_every_command_but_the_session_ones_asks_for_a_sign_in() {
    let h = okta_harness(None);
    for (cmd, need, args) in every_command() {
        if cmd == "sign_in" {
            continue; // would open a browser; covered by the E2E run
        }
        let code = code_of(h.invoke(cmd, args));
        match need {
            None => assert_ne!(code.as_deref(), Some("sign_in_required"), "{cmd} must work signed out"),
            Some(_) => assert_eq!(code.as_deref(), Some("sign_in_required"), "{cmd}"),
        }
    }
}

#[test]
fn a_viewer_may_read_but_every_owner_command_is_refused_in_rust() {
    let h = okta_harness(Some(record(&["Everyone", "XP-Viewers"], false)));
    let status = h.invoke("session_status", json!({})).unwrap();
    assert_eq!(status["user"]["role"], "viewer");
    for (cmd, need, args) in every_command() {
        let Some(need) = need else { continue };
        let r = h.invoke(cmd, args);
        if xp_app::session::access::allows(xp_ipc::Role::Viewer, need) {
            assert!(
                !matches!(code_of(r.clone()).as_deref(), Some("forbidden" | "sign_in_required" | "locked")),
                "{cmd}: {r:?}"
            );
        } else {
            let e = r.unwrap_err();
            assert_eq!(e["code"], "forbidden", "{cmd}");
            assert!(e["message"].as_str().unwrap().contains("XP-Owners"), "{cmd} says how to get access: {e}");
        }
    }
}

#[test]
fn no_role_and_locked_sessions_reach_no_data() {
    let h = okta_harness(Some(record(&["Everyone"], false)));
    assert_eq!(code_of(h.invoke("list_connections", json!({}))).as_deref(), Some("forbidden"));
    let h = okta_harness(Some(record(&["XP-Owners"], true)));
    for (cmd, need, args) in every_command() {
        if need.is_some() {
            assert_eq!(code_of(h.invoke(cmd, args)).as_deref(), Some("locked"), "{cmd}");
        }
    }
}
