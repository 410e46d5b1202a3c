//! Exactly one transaction after lost answers and Saferpay's error behaviours. The emulator
//! executes every call it receives (review D1): only Inquire-before-resend keeps money moves
//! single.

use crate::sandbox::{attempt, debit, eur, start, Sandbox};
use xp_saferpay::{retry_decision, Behavior, Decision, Error, Refund, TransactionStatus};

const AUTHORIZE: &str = "Transaction/AuthorizeDirect";
const INQUIRE: &str = "Transaction/Inquire";
const CAPTURE: &str = "Transaction/Capture";
const REFUND: &str = "Transaction/Refund";

fn one_payment(s: &Sandbox) {
    let payments = s.transactions_of("PAYMENT");
    assert_eq!(payments.len(), 1, "exactly one debit exists: {payments:?}");
}

#[tokio::test]
async fn a_lost_debit_answer_is_found_by_inquire_and_not_sent_again() {
    let s = start().await;
    s.fault("saferpay:lost_response*1");
    let auth = s.client.authorize_direct_once(&debit("77.00", "INV-1001"), attempt("once-1")).await.unwrap();
    assert_eq!(auth.transaction.status, TransactionStatus::Authorized);
    assert_eq!(auth.transaction.amount, eur("77.00"));
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (1, 1), "sent once, then asked");
    assert_eq!(s.created("once-1"), 1);
    one_payment(&s);
}

#[tokio::test]
async fn an_internal_error_is_inquired_and_sent_again_under_the_same_request_id() {
    let s = start().await;
    s.fault("saferpay:error=INTERNAL_ERROR*1");
    let auth = s.client.authorize_direct_once(&debit("12.34", "INV-1002"), attempt("once-2")).await.unwrap();
    assert_eq!(auth.transaction.amount, eur("12.34"));
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (2, 1), "500 RETRY: Inquire proved nothing, then one re-send");
    assert_eq!(s.created("once-2"), 1, "the re-send kept the RequestId and was the one that debited");
    one_payment(&s);
}

#[tokio::test]
async fn a_retry_answer_is_sent_again_only_after_inquire() {
    let s = start().await;
    // 402 with RETRY: nothing was executed, yet a money move is re-sent only once Inquire agrees.
    s.fault("saferpay:error=COMMUNICATION_FAILED/RETRY*1");
    s.client.authorize_direct_once(&debit("5.00", "INV-1003"), attempt("once-3")).await.unwrap();
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (2, 1));
    one_payment(&s);
}

#[tokio::test]
async fn a_communication_timeout_waits_and_the_resumed_call_asks_first() {
    let s = start().await;
    s.fault("saferpay:error=COMMUNICATION_TIMEOUT/RETRY_LATER*1");
    let d = debit("42.00", "INV-1004");
    let first = attempt("once-4");
    let e = s.client.authorize_direct_once(&d, first.clone()).await.unwrap_err();
    assert!(e.is("COMMUNICATION_TIMEOUT"), "{e:?}");
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (1, 1), "an authorization may exist: Inquire looked");
    assert!(s.transactions().is_empty());
    let Decision::RetryLater(later) = retry_decision(&e, &first) else { panic!("RETRY_LATER") };
    assert_eq!((later.request_id(), later.retry_indicator()), ("once-4", 1));

    let auth = s.client.authorize_direct_once(&d, later).await.unwrap();
    assert_eq!(auth.transaction.order_id.as_deref(), Some("INV-1004"));
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (2, 2), "the resumed call asked before sending");
    one_payment(&s);
}

#[tokio::test]
async fn declines_are_final_and_nothing_is_sent_again() {
    let s = start().await;
    for (fault, behavior) in [
        ("GENERAL_DECLINED/DO_NOT_RETRY", Behavior::DoNotRetry),
        ("BLOCKED_BY_RISK_MANAGEMENT/ABORT", Behavior::DoNotRetry),
        ("TRANSACTION_DECLINED/OTHER_MEANS", Behavior::OtherMeans),
    ] {
        s.fault(&format!("saferpay:error={fault}*1"));
        let e = s.client.authorize_direct_once(&debit("9.00", "INV-1005"), attempt("once-5")).await.unwrap_err();
        assert_eq!(e.api().map(|a| a.behavior.clone()), Some(behavior), "{fault}: {e:?}");
        assert_eq!(retry_decision(&e, &attempt("once-5")), Decision::Never, "{fault}");
    }
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (3, 0), "one call each, no look-ups, no re-sends");
    assert!(s.transactions().is_empty());
}

#[tokio::test]
async fn when_inquire_cannot_answer_nothing_more_is_sent_until_resumed() {
    let s = start().await;
    // The debit's answer is lost, then the gateway fails the Inquire.
    s.fault("saferpay:lost_response*1,saferpay:503*1");
    let d = debit("63.00", "INV-1006");
    let e = s.client.authorize_direct_once(&d, attempt("once-6")).await.unwrap_err();
    let Error::OutcomeUnknown { resume, source, .. } = &e else { panic!("{e:?}") };
    assert!(matches!(**source, Error::Status { status: 503, .. }), "{source:?}");
    assert_eq!((resume.request_id(), resume.retry_indicator()), ("once-6", 1));
    // The 503 came from the gateway in front of Saferpay: the Inquire never reached it.
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (1, 0));
    one_payment(&s);

    let auth = s.client.authorize_direct_once(&d, resume.clone()).await.unwrap();
    assert_eq!(auth.transaction.amount, eur("63.00"));
    assert_eq!((s.hits(AUTHORIZE), s.hits(INQUIRE)), (1, 1), "resumed: Inquire found the debit, nothing re-sent");
    one_payment(&s);
}

#[tokio::test]
async fn a_lost_capture_answer_counts_once() {
    let s = start().await;
    let auth = s.client.authorize_direct(&debit("30.00", "INV-1007"), &attempt("a-7")).await.unwrap();
    s.fault("saferpay:lost_response*1");
    let cap = s.client.capture_once(&auth.transaction.id, attempt("cap-7")).await.unwrap();
    assert_eq!(cap.capture_id, format!("{}_c", auth.transaction.id), "Inquire names the capture");
    assert_eq!((s.hits(CAPTURE), s.hits(INQUIRE)), (1, 1));
    assert_eq!(s.created("cap-7"), 1);
}

#[tokio::test]
async fn a_repeated_capture_is_success_once_inquire_confirms_it() {
    let s = start().await;
    let auth = s.client.authorize_direct(&debit("30.00", "INV-1008"), &attempt("a-8")).await.unwrap();
    let first = s.client.capture(&auth.transaction.id, &attempt("cap-8")).await.unwrap();
    let again = s.client.capture_once(&auth.transaction.id, attempt("cap-8b")).await.unwrap();
    assert_eq!(again.capture_id, first.capture_id, "TRANSACTION_ALREADY_CAPTURED, confirmed by Inquire");
    assert_eq!((s.hits(CAPTURE), s.hits(INQUIRE)), (2, 1));
    assert_eq!(s.created("cap-8b"), 0, "the second capture did nothing");
}

#[tokio::test]
async fn a_lost_refund_and_a_failed_look_up_still_refund_once() {
    let s = start().await;
    let (_, capture_id) = s.captured("200.00", "INV-1009").await;
    // The refund's answer is lost and so is Inquire's: the outcome stays unknown.
    s.fault("saferpay:lost_response*2");
    let refund = Refund { amount: eur("50.00"), order_id: "INV-1009-R1".into(), description: None };
    let e = s.client.refund_once(&capture_id, &refund, attempt("ref-9")).await.unwrap_err();
    let Error::OutcomeUnknown { resume, operation, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*operation, "Refund");
    assert_eq!(s.transactions_of("REFUND").len(), 1, "the first Refund was executed");

    let done = s.client.refund_once(&capture_id, &refund, resume.clone()).await.unwrap();
    assert_eq!(done.refund.transaction.amount, eur("50.00"));
    assert_eq!(s.hits(REFUND), 1, "the refund was never sent twice");
    let refunds = s.transactions_of("REFUND");
    assert_eq!(refunds.len(), 1, "exactly one refund: {refunds:?}");
    assert_eq!(refunds[0]["Status"], "CAPTURED", "and it was captured");
}

#[tokio::test]
async fn a_resumed_debit_that_finds_something_else_under_its_order_id_sends_nothing() {
    let s = start().await;
    s.client.authorize_direct(&debit("10.00", "INV-1010"), &attempt("a-10")).await.unwrap();
    // Same OrderId, another amount and mandate: not "our" debit, and not proof of nothing.
    let other = xp_saferpay::DirectDebit { mandate_id: "M-OTHER".into(), ..debit("20.00", "INV-1010") };
    let resumed = xp_saferpay::Attempt::resume("b-10", 1).unwrap();
    let e = s.client.authorize_direct_once(&other, resumed).await.unwrap_err();
    assert!(matches!(&e, Error::Mismatch { reference, .. } if reference == "order INV-1010"), "{e:?}");
    assert_eq!(retry_decision(&e, &attempt("b-10")), Decision::Never);
    assert_eq!(s.hits(AUTHORIZE), 1, "only the first debit was ever sent");
    one_payment(&s);
}
