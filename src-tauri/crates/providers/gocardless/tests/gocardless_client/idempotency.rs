//! Creates under the caller's idempotency key: a reused key, a lost answer and an outbox resend
//! after the client gave up all end with exactly one payment (the emulator's counters count
//! what it created under each key).

use crate::sandbox::{eur, start, start_with};
use std::time::Duration;
use xp_gocardless::{Error, NewFlow, NewMandateRequest};
use xp_http::{HttpConfig, RetryPolicy};

#[tokio::test]
async fn a_reused_key_returns_the_payment_it_created_and_creates_nothing() {
    let s = start().await;
    let md = s.mandate("reuse").await;
    let first = s.gc.create_payment(&s.token, &s.new_payment(&md, "10.00", "R-1"), "intent-7").await.unwrap();
    let again = s.gc.create_payment(&s.token, &s.new_payment(&md, "10.00", "R-1"), "intent-7").await.unwrap();
    assert_eq!(again, first, "the 409 idempotent_creation_conflict resolves to the first payment");
    // GoCardless's official clients return the conflicting resource whatever the second body
    // said; the key, not the body, names the intent.
    let other = s.gc.create_payment(&s.token, &s.new_payment(&md, "99.00", "R-2"), "intent-7").await.unwrap();
    assert_eq!((other.id.as_str(), other.amount), (first.id.as_str(), eur("10.00")));

    assert_eq!(s.created_with_key("intent-7"), 1);
    assert_eq!(s.served("POST /payments"), 3);
    assert_eq!(s.served("GET /payments/{id}"), 2, "each conflict fetched the first payment");
    assert_eq!(s.payment_ids_of(&md).await, [first.id]);
}

#[tokio::test]
async fn a_lost_answer_is_resent_with_the_same_key_and_yields_one_payment() {
    let s = start().await;
    let md = s.mandate("lost").await;
    s.fault("gocardless:lost_response*1");
    let pm = s.gc.create_payment(&s.token, &s.new_payment(&md, "250.00", "LOST"), "intent-lost").await.unwrap();
    assert_eq!((pm.amount, pm.reference.as_deref()), (eur("250.00"), Some("LOST")));
    assert_eq!(s.faults_injected(), 1, "the first answer really was dropped after the payment was made");
    assert_eq!(s.served("POST /payments"), 2, "xp-http resent the keyed create once");
    assert_eq!(s.created_with_key("intent-lost"), 1, "the resend created nothing");
    assert_eq!(s.payment_ids_of(&md).await, [pm.id]);
}

#[tokio::test]
async fn an_outbox_resend_after_the_client_gave_up_finds_the_first_payment() {
    let quick = HttpConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(5),
        },
        ..HttpConfig::default()
    };
    let s = start_with(Duration::from_secs(60), quick).await;
    let md = s.mandate("outbox").await;
    // Both attempts are handled and their answers lost: the client cannot know.
    s.fault("gocardless:lost_response*2");
    let new = s.new_payment(&md, "42.42", "OUTBOX");
    let e = s.gc.create_payment(&s.token, &new, "intent-outbox").await.unwrap_err();
    assert!(matches!(e, Error::Http(_)), "no answer arrived: {e:?}");
    assert_eq!(s.created_with_key("intent-outbox"), 1, "the first attempt did create it");

    // Later the outbox sends the stored intent again, under its stored key.
    let pm = s.gc.create_payment(&s.token, &new, "intent-outbox").await.unwrap();
    assert_eq!(pm.amount, eur("42.42"));
    assert_eq!(s.created_with_key("intent-outbox"), 1, "still one payment");
    assert_eq!(s.payment_ids_of(&md).await, [pm.id]);
}

#[tokio::test]
async fn a_reused_flow_key_is_refused_since_flows_cannot_be_read_back() {
    let s = start().await;
    let br = s.gc.create_mandate_request(&s.token, &NewMandateRequest::sepa(None), "br-1").await.unwrap();
    s.gc.create_flow(&s.token, &br.id, &NewFlow::default(), "flow-1").await.unwrap();
    let e = s.gc.create_flow(&s.token, &br.id, &NewFlow::default(), "flow-1").await.unwrap_err();
    assert!(matches!(&e, Error::InvalidState(p) if p.has_reason("idempotent_creation_conflict")), "{e:?}");
    let e = s.gc.create_payment(&s.token, &s.new_payment("MD1", "1.00", "X"), " ").await.unwrap_err();
    assert!(matches!(e, Error::Request(_)), "a create without a key is refused before it is sent");
}
