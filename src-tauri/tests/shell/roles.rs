//! Every command checks the session in Rust: called directly over IPC (as a compromised or
//! curious webview would), a signed-out, locked or under-privileged caller is refused, exactly as
//! the command table says.

use crate::Harness;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use xero_partner_lib::COMMANDS;
use xp_app::session::record::{SessionRecord, RECORD_KEY};
use xp_ipc::Permission;

/// Arguments for each command that pass deserialisation, so the call reaches its permission check.
/// Keyed by name: the list of commands and what each needs come from the command table, and
/// `commands.rs` fails naming this file when a command has no entry here.
pub(crate) fn arguments() -> BTreeMap<&'static str, Value> {
    let q = |v: Value| json!({ "query": v });
    BTreeMap::from([
        ("app_info", json!({})),
        ("connectivity", json!({})),
        ("session_status", json!({})),
        ("sign_in", json!({})),
        ("cancel_sign_in", json!({})),
        ("sign_out", json!({})),
        ("lock_session", json!({})),
        ("session_activity", json!({})),
        (
            "update_session_settings",
            json!({"settings": {"mode": "single_user", "idleLockMinutes": 0, "offlineGraceDays": 7}}),
        ),
        ("adopt_proposed_sign_in", json!({})),
        ("db_info", json!({})),
        ("list_connections", json!({})),
        ("list_audit_events", json!({"limit": 10})),
        ("verify_audit_log", json!({})),
        ("list_collections", json!({"limit": 10})),
        ("list_settlement_attention", json!({"limit": 10})),
        ("get_collection", json!({"collectionId": "c"})),
        ("cancel_collection", json!({"collectionId": "c"})),
        (
            "collect_invoice",
            json!({"organisationId": "o", "invoiceId": "INV-1", "via": "gocardless", "chargeDate": null, "confirmMatch": false}),
        ),
        ("connect_gocardless", json!({"token": "sandbox_token"})),
        ("list_gocardless_mandates", json!({})),
        ("disconnect_gocardless", json!({"eraseData": false})),
        ("list_gocardless_payouts", json!({})),
        ("saferpay_contact_mandates", json!({"organisationId": "o", "contactId": "C1"})),
        (
            "record_saferpay_mandate",
            json!({"organisationId": "o", "contactId": "C1", "holder": "A", "iban": "DE89370400440532013000", "bank": null, "customerSigned": true}),
        ),
        ("retry_collection", json!({"collectionId": "5b0e1c3a-7c1d-4a8e-9f0b-1a2b3c4d5e6f"})),
        ("refund_collection", json!({"collectionId": "5b0e1c3a-7c1d-4a8e-9f0b-1a2b3c4d5e6f", "amount": null})),
        ("sync_gocardless", json!({})),
        ("gocardless_contact_mandates", json!({"organisationId": "o", "contactId": "C1"})),
        ("confirm_gocardless_customer", json!({"organisationId": "o", "contactId": "C1", "mandateId": "MD1"})),
        ("start_gocardless_mandate_setup", json!({"organisationId": "o", "contactId": "C1"})),
        ("follow_gocardless_mandate_setup", json!({"setupId": "0b7c2f1e-55a4-4d8e-9a51-6c1f3f2b9d10"})),
        ("cancel_gocardless_mandate_setup", json!({"setupId": "0b7c2f1e-55a4-4d8e-9a51-6c1f3f2b9d10"})),
        (
            "connect_saferpay",
            json!({"credentials": {"apiUser": "u", "password": "p", "customerId": "1", "terminalId": "12345678"}}),
        ),
        ("saferpay_status", json!({})),
        ("list_saferpay_mandates", json!({})),
        ("sync_saferpay", json!({})),
        ("get_settlement_mappings", json!({})),
        (
            "set_settlement_mapping",
            json!({"provider": "gocardless", "mapping": {"organisationId": "o", "accounts": {"clearing": "1", "bank": "2", "fees": "3", "suspense": "4"}}}),
        ),
        ("list_xero_accounts", json!({"organisationId": "o"})),
        ("create_clearing_account", json!({"provider": "saferpay", "organisationId": "o"})),
        ("list_organisations", json!({})),
        ("connect_xero", json!({})),
        ("keep_organisations", json!({"connectionId": "c", "tenantIds": ["t"]})),
        ("sync_now", json!({"organisationId": null})),
        ("cancel_sync", json!({})),
        ("disconnect_organisation", json!({"organisationId": "o", "eraseData": false})),
        ("list_invoices", q(serde_json::to_value(xp_ipc::InvoiceQuery::default()).unwrap())),
        ("get_invoice", json!({"organisationId": "o", "invoiceId": "i"})),
        ("open_in_xero", json!({"organisationId": "o", "invoiceId": "i"})),
        ("list_contacts", q(serde_json::to_value(xp_ipc::ContactQuery::default()).unwrap())),
        ("get_contact", json!({"organisationId": "o", "contactId": "c"})),
        ("list_bank_transactions", q(serde_json::to_value(xp_ipc::BankTransactionQuery::default()).unwrap())),
        ("get_bank_transaction", json!({"organisationId": "o", "bankTransactionId": "b"})),
    ])
}

/// Every command in the table with the permission the table says it needs (None: works signed
/// out) and its arguments.
fn every_command() -> Vec<(&'static str, Option<Permission>, Value)> {
    let mut args = arguments();
    COMMANDS
        .iter()
        .map(|c| {
            let a = args.remove(c.name).unwrap_or_else(|| panic!("roles.rs has no arguments for {}", c.name));
            (c.name, c.need.permission(), a)
        })
        .collect()
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
    for (cmd, need, args) in every_command() {
        if need.is_some() {
            assert_eq!(code_of(h.invoke(cmd, args)).as_deref(), Some("forbidden"), "{cmd}: no role, no data");
        }
    }
    let h = okta_harness(Some(record(&["XP-Owners"], true)));
    for (cmd, need, args) in every_command() {
        if need.is_some() {
            assert_eq!(code_of(h.invoke(cmd, args)).as_deref(), Some("locked"), "{cmd}");
        }
    }
}
