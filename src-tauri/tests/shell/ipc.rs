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
fn collections_and_their_timeline_round_trip_through_ipc() {
    let h = Harness::new();
    let store = &h.services.store;
    let t0 = time::macros::datetime!(2026-12-07 09:00 UTC);
    let collection = tauri::async_runtime::block_on(async {
        let org = xero_org(store, t0).await;
        let payload = json!({});
        let new = xp_store::collections::NewCollection {
            organisation_id: org,
            invoice_id: "inv-1",
            invoice_number: Some("INV-0042"),
            provider: "gocardless",
            mandate_id: "MD0001",
            amount: xp_core::Money::parse("120.50", "EUR").unwrap(),
            charge_date: None,
        };
        let send = xp_store::collections::Send { kind: "gocardless.payment.create", payload: &payload };
        let c = xp_store::collections::create(store, new, send, t0).await.unwrap();
        xp_store::collections::record_accepted(
            store,
            c.id,
            "PM0001",
            xp_store::collections::Status::PendingSubmission,
            t0,
        )
        .await
        .unwrap();
        c
    });
    let list: Vec<xp_ipc::CollectionSummary> =
        serde_json::from_value(h.invoke("list_collections", json!({"limit": 10})).unwrap()).unwrap();
    assert_eq!(list.len(), 1);
    let row = &list[0];
    assert_eq!((row.amount.as_str(), row.currency.as_str()), ("120.50", "EUR"), "exact decimal text");
    assert_eq!((row.provider, row.status), (xp_ipc::Provider::Gocardless, xp_ipc::CollectionStatus::PendingSubmission));
    let detail: xp_ipc::CollectionDetail =
        serde_json::from_value(h.invoke("get_collection", json!({"collectionId": collection.id.to_string()})).unwrap())
            .unwrap();
    let statuses: Vec<_> = detail.timeline.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [xp_ipc::CollectionStatus::Intent, xp_ipc::CollectionStatus::PendingSubmission]);
    let bad = h.invoke("get_collection", json!({"collectionId": "not-an-id"})).unwrap_err();
    assert_eq!(bad["code"], "invalid_input");
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

#[test]
fn a_saferpay_mandate_is_recorded_only_when_signed_and_for_a_known_contact() {
    let h = Harness::new();
    let store = &h.services.store;
    let t0 = time::macros::datetime!(2026-12-07 09:00 UTC);
    let org = tauri::async_runtime::block_on(xero_org(store, t0));
    let args = |signed: bool| {
        json!({"organisationId": org.to_string(), "contactId": "contact-1", "holder": "Velo Huber AG",
               "iban": "DE89 3704 0044 0532 0130 00", "bank": null, "customerSigned": signed})
    };
    let unsigned = h.invoke("record_saferpay_mandate", args(false)).unwrap_err();
    assert_eq!(unsigned["code"], "invalid_input");
    assert!(unsigned["message"].as_str().unwrap().contains("signature"), "{unsigned}");
    let unknown = h.invoke("record_saferpay_mandate", args(true)).unwrap_err();
    assert_eq!(unknown["code"], "invalid_input");
    assert!(unknown["message"].as_str().unwrap().contains("no Xero contact"), "{unknown}");
    assert!(!unknown.to_string().contains("0532"), "the IBAN is not echoed: {unknown}");
    let listed =
        h.invoke("saferpay_contact_mandates", json!({"organisationId": org.to_string(), "contactId": "contact-1"}));
    assert_eq!(listed.unwrap(), json!([]), "nothing was recorded");
}

/// A Xero organisation kept in the store, as a connect leaves it.
async fn xero_org(store: &xp_store::Store, t0: time::OffsetDateTime) -> xp_core::ids::OrganisationId {
    let connection = xp_core::ids::ConnectionId::new_random();
    xp_store::connections::insert(store, connection, "xero", "Xero", t0).await.unwrap();
    let kept = xp_store::organisations::Kept {
        connection_id: connection,
        provider: "xero",
        external_id: "tenant-1",
        name: "Alpenrad Velo GmbH",
        base_currency: Some("EUR"),
    };
    xp_store::organisations::keep(store, kept, t0).await.unwrap()
}
