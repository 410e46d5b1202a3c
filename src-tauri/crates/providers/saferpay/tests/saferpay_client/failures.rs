//! Credentials, gateway errors and unreadable answers.

use crate::sandbox::{attempt, debit, start};
use xp_core::{ErrorCode, Sensitive};
use xp_http::{HttpClient, HttpConfig};
use xp_saferpay::{Credentials, Error, SaferpayClient, TransactionRef};

#[tokio::test]
async fn a_wrong_password_is_authentication_failed_and_never_echoed() {
    let s = start().await;
    let wrong = format!("{}x", s.password);
    let client = SaferpayClient::new(
        HttpClient::new(HttpConfig::default()).unwrap(),
        s.client.config().clone(),
        Credentials { user: "API_000000_00000000".into(), password: Sensitive::new(wrong.clone()) },
    );
    let e = client.inquire(&TransactionRef::OrderId("INV-1".into()), &attempt("auth-1")).await.unwrap_err();
    assert!(matches!(&e, Error::Api { status: 401, error } if error.name == "AUTHENTICATION_FAILED"), "{e:?}");
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded, "the user has to enter the API credentials again");
    assert!(!e.to_string().contains(&wrong) && !format!("{e:?}").contains(&wrong), "{e}");
}

#[tokio::test]
async fn gateway_errors_without_an_envelope_keep_their_status() {
    let s = start().await;
    s.fault("saferpay:502*1");
    let e = s.client.inquire(&TransactionRef::OrderId("INV-2".into()), &attempt("gw-1")).await.unwrap_err();
    assert!(matches!(&e, Error::Status { status: 502, .. }), "{e:?}");
    assert!(e.outcome_unknown());
    assert_eq!(e.code(), ErrorCode::Provider);
}

#[tokio::test]
async fn an_unreadable_debit_answer_is_resolved_by_inquire() {
    let s = start().await;
    // A 200 cut in half: the debit happened, its answer cannot be read.
    s.fault("saferpay:truncated*1");
    let d = debit("15.00", "INV-3");
    let e = s.client.authorize_direct(&d, &attempt("tr-1")).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(s.transactions().len(), 1, "the plain call does not hide that it moved money");

    s.fault("saferpay:truncated*1");
    let d2 = debit("16.00", "INV-4");
    let auth = s.client.authorize_direct_once(&d2, attempt("tr-2")).await.unwrap();
    assert_eq!(auth.transaction.order_id.as_deref(), Some("INV-4"));
    assert_eq!(s.transactions().len(), 2, "one debit each, none repeated");
}
