use crate::{t0, Fixture};
use serde_json::json;
use time::Duration;
use xp_store::outbox::{self, NewItem, Status};

fn item<'a>(key: &'a str, payload: &'a serde_json::Value) -> NewItem<'a> {
    NewItem { kind: "xero.payment.create", target: "org-1", payload, idempotency_key: key }
}

#[tokio::test]
async fn the_same_idempotency_key_is_queued_once() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let p = json!({"InvoiceID": "abc", "Amount": "10.00"});
    let a = outbox::enqueue(&store, item("k-1", &p), t0()).await.unwrap();
    let b = outbox::enqueue(&store, item("k-1", &json!({"other": true})), t0()).await.unwrap();
    assert_eq!(a, b, "a replayed enqueue must return the first item");
    assert_eq!(outbox::get(&store, a).await.unwrap().payload, p, "the first payload wins");
    let claimed = outbox::claim_due(&store, t0(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
}

#[tokio::test]
async fn items_are_claimed_once_retried_later_and_sent_once() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let p = json!({});
    let id = outbox::enqueue(&store, item("k-2", &p), t0()).await.unwrap();

    let first = outbox::claim_due(&store, t0(), 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].status, Status::InFlight);
    assert_eq!(first[0].attempts, 1);
    assert!(outbox::claim_due(&store, t0(), 10).await.unwrap().is_empty(), "in-flight items are not claimed twice");

    outbox::mark_retry(&store, id, "HTTP 503", t0() + Duration::minutes(5)).await.unwrap();
    assert!(outbox::claim_due(&store, t0() + Duration::minutes(4), 10).await.unwrap().is_empty(), "not due yet");
    let again = outbox::claim_due(&store, t0() + Duration::minutes(5), 10).await.unwrap();
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("HTTP 503"));

    outbox::mark_sent(&store, id, &json!({"PaymentID": "p-1"}), t0()).await.unwrap();
    let sent = outbox::get(&store, id).await.unwrap();
    assert_eq!(sent.status, Status::Sent);
    assert_eq!(sent.result, Some(json!({"PaymentID": "p-1"})), "the provider's answer is kept with the item");
    assert!(outbox::mark_sent(&store, id, &json!({}), t0()).await.is_err(), "a sent item cannot be sent again");
    assert!(outbox::claim_due(&store, t0() + Duration::days(1), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn in_flight_items_survive_a_crash_and_come_back() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let p = json!({});
    let id = outbox::enqueue(&store, item("k-3", &p), t0()).await.unwrap();
    outbox::claim_due(&store, t0(), 10).await.unwrap();
    store.close().await; // the "crash": the process goes away mid-send

    let store = fx.open().await;
    assert_eq!(outbox::recover_in_flight(&store).await.unwrap(), 1);
    let again = outbox::claim_due(&store, t0(), 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, id);
    assert_eq!(again[0].idempotency_key, "k-3", "the retry carries the same idempotency key");
}

#[tokio::test]
async fn a_permanent_failure_is_kept_and_never_resent() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let p = json!({});
    let id = outbox::enqueue(&store, item("k-4", &p), t0()).await.unwrap();
    outbox::claim_due(&store, t0(), 10).await.unwrap();
    outbox::mark_failed(&store, id, "ValidationException: Invoice is PAID").await.unwrap();
    let it = outbox::get(&store, id).await.unwrap();
    assert_eq!(it.status, Status::Failed);
    assert_eq!(it.last_error.as_deref(), Some("ValidationException: Invoice is PAID"));
    assert!(outbox::claim_due(&store, t0() + Duration::days(30), 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_claim_that_found_the_provider_unreachable_is_not_counted_as_an_attempt() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let p = json!({});
    let id = outbox::enqueue(&store, item("k-offline", &p), t0()).await.unwrap();
    for round in 0..3 {
        let claimed = outbox::claim_due(&store, t0() + Duration::minutes(round), 10).await.unwrap();
        assert_eq!(claimed[0].attempts, 1, "offline round {round}: only tries that reached the provider count");
        outbox::mark_waiting(&store, id, "cannot reach api.xero.com", t0() + Duration::minutes(round + 1))
            .await
            .unwrap();
    }
    let item = outbox::get(&store, id).await.unwrap();
    assert_eq!(item.status, Status::Pending, "a waiting item stays queued");
    assert_eq!(item.attempts, 0);
    assert_eq!(item.last_error.as_deref(), Some("cannot reach api.xero.com"), "the wait says why");
    assert!(
        outbox::mark_waiting(&store, id, "x", t0()).await.is_err(),
        "only an in-flight item can be put back to wait"
    );
}
