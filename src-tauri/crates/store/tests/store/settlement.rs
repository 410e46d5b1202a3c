//! Settlement bookings: a fact is booked with its outbox items in one transaction, and booking
//! it again queues nothing.

use super::collections::organisation;
use super::{t0, Fixture};
use serde_json::json;
use xp_store::outbox::NewItem;
use xp_store::settlement::{self, Fact, NewBooking};

async fn outbox_keys(store: &xp_store::Store) -> Vec<String> {
    sqlx::query_scalar("SELECT idempotency_key FROM outbox ORDER BY idempotency_key")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_fact_is_booked_once_with_its_outbox_items() {
    let f = Fixture::new();
    let store = f.open().await;
    let org = organisation(&store).await;
    let writes = json!([{"Payment": {"key": "gocardless:PM1:payment"}}, {"Receive": {"key": "gocardless:PM1:excess"}}]);
    let attention = json!([{"Overpaid": {}}]);
    let payload = json!({"any": "payload"});
    let target = org.to_string();
    let items = [
        NewItem {
            kind: "xero.ledger.write",
            target: &target,
            payload: &payload,
            idempotency_key: "gocardless:PM1:payment",
        },
        NewItem {
            kind: "xero.ledger.write",
            target: &target,
            payload: &payload,
            idempotency_key: "gocardless:PM1:excess",
        },
    ];
    let booking = || NewBooking {
        provider: "gocardless",
        fact: Fact::Confirmed,
        fact_id: "PM1",
        organisation_id: org,
        writes: &writes,
        attention: &attention,
    };

    let ids = settlement::book(&store, booking(), &items, t0()).await.unwrap().expect("first booking");
    assert_eq!(ids.len(), 2);
    assert_eq!(outbox_keys(&store).await, ["gocardless:PM1:excess", "gocardless:PM1:payment"]);

    // Again (a second pass, a crash after the commit): nothing new.
    let other = [NewItem { kind: "xero.ledger.write", target: &target, payload: &payload, idempotency_key: "new" }];
    assert_eq!(settlement::book(&store, booking(), &other, t0()).await.unwrap(), None);
    assert_eq!(outbox_keys(&store).await.len(), 2, "a booked fact queues nothing more");

    let got = settlement::get(&store, "gocardless", Fact::Confirmed, "PM1").await.unwrap().unwrap();
    assert_eq!(got.writes, writes);
    assert_eq!(got.attention, attention);
    assert_eq!(got.organisation_id, org);
    assert!(settlement::get(&store, "gocardless", Fact::Reversal, "PM1").await.unwrap().is_none());
    assert_eq!(settlement::list(&store, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_booking_whose_items_cannot_be_written_leaves_nothing() {
    let f = Fixture::new();
    let store = f.open().await;
    let org = organisation(&store).await;
    let writes = json!([]);
    let payload = json!({});
    // An unknown organisation: the booking's reference fails, so neither it nor its item stays.
    let stranger = xp_core::ids::OrganisationId::new_random();
    let target = stranger.to_string();
    let items = [NewItem { kind: "xero.ledger.write", target: &target, payload: &payload, idempotency_key: "k1" }];
    let booking = NewBooking {
        provider: "gocardless",
        fact: Fact::Payout,
        fact_id: "PO1",
        organisation_id: stranger,
        writes: &writes,
        attention: &writes,
    };
    assert!(settlement::book(&store, booking, &items, t0()).await.is_err());
    assert!(outbox_keys(&store).await.is_empty());
    assert!(settlement::get(&store, "gocardless", Fact::Payout, "PO1").await.unwrap().is_none());
    let _ = org;
}
