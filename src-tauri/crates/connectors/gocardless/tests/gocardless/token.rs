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
