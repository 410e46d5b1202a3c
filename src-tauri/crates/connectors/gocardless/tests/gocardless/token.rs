//! The access token: checked with a cheap authenticated call before anything is kept.

use crate::world;
use xp_core::{ErrorCode, Sensitive};
use xp_sandbox_kit::Seed;

#[tokio::test]
async fn a_wrong_token_is_refused_and_nothing_is_kept_then_the_right_one_is_kept() {
    let w = world(Seed::Empty).await;
    let wrong = w.connector.save_token(Sensitive::new("sandbox_not-the-token".into())).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::ReconnectNeeded, "GoCardless answers 401 to a wrong token: {wrong}");
    assert!(!w.vault_has_token(), "a refused token is not kept");
    assert!(xp_store::organisations::list(&w.services.store).await.unwrap().is_empty(), "nor any creditor");
    assert!(!wrong.to_string().contains("not-the-token"), "the token is never echoed: {wrong}");
    assert!(w.served("GET /creditors") >= 1, "the check is an authenticated call");

    let blank = w.connector.save_token(Sensitive::new("  ".into())).await.unwrap_err();
    assert_eq!(blank.code(), ErrorCode::InvalidInput);

    let connected = w.connector.save_token(w.token.clone()).await.unwrap();
    assert_eq!(connected.creditor_id, w.emu.credentials()["creditor_id"].as_str().unwrap());
    assert!(w.vault_has_token(), "an accepted token is kept in the vault");
    let kept = xp_store::organisations::syncable(&w.services.store, "gocardless").await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].external_id, connected.creditor_id);
    assert!(!format!("{connected:?}").contains(w.token.expose().as_str()), "nothing returned carries the token");

    // Entering it again keeps the one creditor (and its data), not a second.
    w.connector.save_token(w.token.clone()).await.unwrap();
    assert_eq!(xp_store::organisations::list(&w.services.store).await.unwrap().len(), 1);
}

#[tokio::test]
async fn nothing_syncs_before_a_token_is_entered() {
    let w = world(Seed::Empty).await;
    let e = w.connector.sync(false, std::sync::Arc::new(|_| {})).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert_eq!(w.served("GET /customers"), 0);
}

#[tokio::test]
async fn a_disconnect_forgets_the_token_keeps_the_records_unless_erased_and_waits_for_money_on_its_way() {
    let w = world(Seed::Demo).await;
    w.connected().await;
    w.sync(false).await;
    let mandates = xp_store::gocardless::mandates(&w.services.store).await.unwrap().len();
    assert!(mandates > 0);

    // A collection on its way to the bank holds the connection.
    let org = crate::setup::xero_org(&w).await;
    let usable = xp_store::gocardless::mandates(&w.services.store)
        .await
        .unwrap()
        .into_iter()
        .find(|m| xp_connect_gocardless::collect::mandate_usable(&m.status))
        .unwrap();
    let c = xp_connect_gocardless::collect::Collect {
        organisation_id: org,
        invoice_id: "inv-1",
        invoice_number: Some("INV-1"),
        amount: crate::eur("10.00"),
        mandate_id: &usable.id,
        charge_date: None,
    };
    let collection = w.connector.collect(c).await.unwrap();
    let held = w.connector.disconnect(false).await.unwrap_err();
    assert!(held.to_string().contains("still on their way"), "{held}");
    assert!(w.vault_has_token());
    xp_store::collections::refuse(
        &w.services.store,
        collection.id,
        collection.outbox_id,
        "test: never sent",
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();

    w.connector.disconnect(false).await.unwrap();
    assert!(!w.vault_has_token(), "the token is forgotten");
    assert!(xp_store::organisations::syncable(&w.services.store, "gocardless").await.unwrap().is_empty());
    assert_eq!(xp_store::gocardless::mandates(&w.services.store).await.unwrap().len(), mandates, "records kept");
    let e = w.connector.sync(false, std::sync::Arc::new(|_| {})).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "nothing syncs after a disconnect: {e}");
    assert!(w.connector.disconnect(false).await.is_err(), "disconnected once");
    let audit = xp_store::audit::list(&w.services.store, 5).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "connection.remove"), "{audit:?}");

    // Connected again, then disconnected with its data erased.
    w.connected().await;
    w.connector.disconnect(true).await.unwrap();
    assert!(xp_store::gocardless::mandates(&w.services.store).await.unwrap().is_empty(), "records erased");
}
