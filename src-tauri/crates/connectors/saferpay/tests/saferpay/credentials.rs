//! Credentials are kept only once Saferpay accepted them, and only in the vault.

use super::*;
use xp_connect_saferpay::Error;

#[tokio::test]
async fn refused_credentials_are_not_kept_and_accepted_ones_are_kept_in_the_vault_only() {
    let w = world(false).await;
    assert!(!w.saferpay.is_configured().unwrap(), "no credentials saved, no sandbox line");
    let good = w.demo_credentials();

    let wrong_password = SaferpayCredentials { password: "not-the-password".into(), ..good.clone() };
    let e = w.saferpay.save_credentials(wrong_password).await.unwrap_err();
    assert!(matches!(e, Error::CredentialsRefused(_)), "Saferpay said no: {e:?}");
    let other_customer = SaferpayCredentials { customer_id: "999999".into(), ..good.clone() };
    let e = w.saferpay.save_credentials(other_customer).await.unwrap_err();
    assert!(matches!(e, Error::CredentialsRefused(_)), "another customer's id is refused too: {e:?}");
    assert_eq!(w.hits("Transaction/Inquire"), 2, "each was checked with Saferpay");
    assert!(!w.saferpay.is_configured().unwrap(), "nothing refused was kept");

    let bad_terminal = SaferpayCredentials { terminal_id: "1234".into(), ..good.clone() };
    assert!(matches!(w.saferpay.save_credentials(bad_terminal).await, Err(Error::Invalid(_))));
    assert_eq!(w.hits("Transaction/Inquire"), 2, "a malformed terminal id is refused before any call");
    // Well formed, but not this customer's: Saferpay's GetTerminal says so before anything is kept.
    let other = if good.terminal_id == "17999999" { "17999998" } else { "17999999" };
    let not_ours = SaferpayCredentials { terminal_id: other.into(), ..good.clone() };
    let e = w.saferpay.save_credentials(not_ours).await.unwrap_err();
    assert!(e.to_string().contains(&format!("terminal {other} is not one of")), "{e}");
    let asked = w.kit.counters.requests("saferpay", "GET /api/rest/customers/{customerId}/terminals/{terminalId}");
    assert_eq!(asked, 1, "the terminal was asked about");
    assert!(!w.saferpay.is_configured().unwrap(), "nothing refused was kept");

    w.saferpay.save_credentials(good.clone()).await.unwrap();
    assert!(w.saferpay.is_configured().unwrap());
    let stored = w.ctx.vault.get("saferpay/credentials").unwrap().expect("kept in the vault");
    assert!(stored.expose().contains(&good.api_user));
    assert!(!format!("{good:?}").contains(&good.password), "the password never prints");
    let audit = w.ctx.audit_events(10).await.unwrap();
    let saves: Vec<_> = audit.iter().filter(|e| e.action == "saferpay.credentials.save").collect();
    assert_eq!(saves.len(), 1, "one save, one entry: {audit:?}");
    assert!(audit.iter().all(|e| !e.detail.contains(&good.password)), "the audit log holds no password");
}

#[tokio::test]
async fn the_sandbox_line_configures_saferpay_without_saving_anything() {
    let w = world(true).await;
    assert!(w.saferpay.is_configured().unwrap(), "the start-up line's demo account");
    assert!(w.ctx.vault.get("saferpay/credentials").unwrap().is_none(), "demo credentials are not kept");
}
