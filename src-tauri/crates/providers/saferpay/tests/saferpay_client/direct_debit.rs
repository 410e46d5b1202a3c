//! SEPA debits through the Transaction interface: authorize, capture, inquire, cancel, refund.

use crate::sandbox::{attempt, debit, eur, start, IBAN};
use xp_core::{ErrorCode, Money};
use xp_saferpay::{
    retry_decision, Behavior, CaptureStatus, Decision, Error, Iban, Refund, TransactionRef, TransactionStatus,
    TransactionType,
};

#[tokio::test]
async fn a_debit_is_authorized_captured_and_inquired_with_exact_amounts() {
    let s = start().await;
    let d = debit("1234.56", "INV-0001");
    let auth = s.client.authorize_direct(&d, &attempt("dd-1")).await.unwrap();
    let t = &auth.transaction;
    assert_eq!((t.kind, t.status), (TransactionType::Payment, TransactionStatus::Authorized));
    assert_eq!(t.amount, eur("1234.56"), "sent as \"123456\" minor units and read back exactly");
    assert_eq!(t.order_id.as_deref(), Some("INV-0001"));
    let dd = t.direct_debit.as_ref().expect("a SEPA debit names its mandate");
    assert_eq!(dd.mandate_id, "M-INV-0001", "the caller's MandateId, not Saferpay's fallback");
    assert!(!dd.creditor_id.is_empty());
    assert_eq!(auth.payment_means.brand.payment_method.as_deref(), Some("DIRECTDEBIT"));
    assert_eq!(auth.payment_means.bank_account.as_ref().map(|b| b.iban.as_str()), Some(IBAN));
    assert_eq!(s.created("dd-1"), 1);

    let cap = s.client.capture(&t.id, &attempt("cap-1")).await.unwrap();
    assert_eq!(cap.status, CaptureStatus::Captured);
    assert_eq!(cap.capture_id, format!("{}_c", t.id), "CaptureId: the transaction id with suffix _c (sheet §4)");
    assert!(cap.date.is_some());

    let by_order = s.client.inquire(&TransactionRef::OrderId("INV-0001".into()), &attempt("inq-1")).await.unwrap();
    assert_eq!(by_order.transaction.status, TransactionStatus::Captured);
    assert_eq!(by_order.transaction.capture_id.as_deref(), Some(cap.capture_id.as_str()));
    let by_id = s.client.inquire(&TransactionRef::Id(t.id.clone()), &attempt("inq-2")).await.unwrap();
    assert_eq!(by_id, by_order, "both references name the same transaction");

    let missing = s.client.inquire(&TransactionRef::OrderId("INV-9999".into()), &attempt("inq-3")).await;
    let e = missing.unwrap_err();
    assert!(e.is("TRANSACTION_NOT_FOUND"), "{e:?}");
    assert_eq!(e.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let s = start().await;
    assert!(Iban::parse("DE89 3704 0044 0532 0130 00").is_err(), "grouped IBANs are refused (review D13)");
    assert!(Iban::parse("DE89370400440532013001").is_err(), "mod-97");
    let cases = [
        xp_saferpay::DirectDebit { amount: Money::parse("10", "CHF").unwrap(), ..debit("10", "INV-0002") },
        xp_saferpay::DirectDebit { mandate_id: "M".repeat(36), ..debit("10", "INV-0002") },
        xp_saferpay::DirectDebit { order_id: "INV 0002".into(), ..debit("10", "INV-0002") },
        xp_saferpay::DirectDebit { amount: eur("10.005"), ..debit("10", "INV-0002") },
        xp_saferpay::DirectDebit { holder_name: " ".into(), ..debit("10", "INV-0002") },
    ];
    for d in cases {
        let e = s.client.authorize_direct(&d, &attempt("bad")).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{d:?}: {e:?}");
        assert_eq!(e.code(), ErrorCode::InvalidInput);
    }
    assert_eq!(s.hits("Transaction/AuthorizeDirect"), 0, "none of them reached Saferpay");
}

#[tokio::test]
async fn an_iban_outside_sepa_asks_for_other_means() {
    let s = start().await;
    // A valid IBAN (mod-97 holds) of a country outside the SEPA scheme.
    let d =
        xp_saferpay::DirectDebit { iban: Iban::parse("SA0380000000608010167519").unwrap(), ..debit("10", "INV-0007") };
    let e = s.client.authorize_direct(&d, &attempt("sa-1")).await.unwrap_err();
    assert!(e.is("PAYMENTMEANS_NOT_SUPPORTED"), "{e:?}");
    assert_eq!(e.api().unwrap().behavior, Behavior::OtherMeans);
    assert_eq!(retry_decision(&e, &attempt("sa-1")), Decision::Never, "the payer has to give another account");
}

#[tokio::test]
async fn a_mandate_id_debits_once() {
    let s = start().await;
    s.client.authorize_direct(&debit("10", "INV-0003"), &attempt("m-1")).await.unwrap();
    let again = xp_saferpay::DirectDebit { order_id: "INV-0004".into(), ..debit("10", "INV-0003") };
    let e = s.client.authorize_direct(&again, &attempt("m-2")).await.unwrap_err();
    assert!(e.is("VALIDATION_FAILED"), "MandateId must be unique per transaction (sheet §9): {e:?}");
    assert_eq!(e.api().unwrap().behavior, Behavior::DoNotRetry);
    assert_eq!(retry_decision(&e, &attempt("m-2")), Decision::Never);
    assert_eq!(s.transactions().len(), 1);
}

#[tokio::test]
async fn an_authorization_is_cancelled_and_then_cannot_be_captured() {
    let s = start().await;
    let auth = s.client.authorize_direct(&debit("80", "INV-0005"), &attempt("c-1")).await.unwrap();
    let c = s.client.cancel(&TransactionRef::OrderId("INV-0005".into()), &attempt("c-2")).await.unwrap();
    assert_eq!((c.transaction_id.as_str(), c.order_id.as_deref()), (auth.transaction.id.as_str(), Some("INV-0005")));
    let e = s.client.capture(&auth.transaction.id, &attempt("c-3")).await.unwrap_err();
    assert!(e.is("TRANSACTION_IN_WRONG_STATE"), "{e:?}");
    assert_eq!(retry_decision(&e, &attempt("c-3")), Decision::Never);
    let e = s.client.capture_once(&auth.transaction.id, attempt("c-4")).await.unwrap_err();
    assert!(e.is("TRANSACTION_IN_WRONG_STATE"), "the exactly-once capture does not hide it: {e:?}");
    assert_eq!(s.transactions()[0]["Status"], "CANCELED");
}

#[tokio::test]
async fn a_refund_is_authorized_and_captured_under_its_own_order_id() {
    let s = start().await;
    let (_, capture_id) = s.captured("100.00", "INV-0006").await;
    let refund = Refund { amount: eur("25.50"), order_id: "INV-0006-R1".into(), description: Some("Credit".into()) };
    let done = s.client.refund_once(&capture_id, &refund, attempt("r-1")).await.unwrap();
    let t = &done.refund.transaction;
    assert_eq!((t.kind, t.amount, t.order_id.as_deref()), (TransactionType::Refund, eur("25.50"), Some("INV-0006-R1")));
    assert_eq!(done.capture.capture_id, format!("{}_c", t.id), "the REFUND itself was captured (sheet §5)");
    let refunds = s.transactions_of("REFUND");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["Status"], "CAPTURED");
    assert_eq!(refunds[0]["_SepaRefundExport"]["State"], "PENDING", "a SEPA refund waits for the Backoffice export");

    // RestrictRefundAmountToCapturedAmount is always sent: Saferpay's default would take this
    // refund, which together with the first exceeds the capture (review D2).
    let over = Refund { amount: eur("74.51"), order_id: "INV-0006-R2".into(), description: None };
    let e = s.client.refund_once(&capture_id, &over, attempt("r-2")).await.unwrap_err();
    assert!(e.is("AMOUNT_INVALID"), "{e:?}");
    assert_eq!(s.transactions_of("REFUND").len(), 1, "no second refund");
    let rest = Refund { amount: eur("74.50"), order_id: "INV-0006-R3".into(), description: None };
    s.client.refund_once(&capture_id, &rest, attempt("r-3")).await.unwrap();
    assert_eq!(s.transactions_of("REFUND").len(), 2, "up to the captured amount is fine");
}
