//! A page of the GoCardless feed: each event applied once (also when a page names it twice or
//! is read again), each resource written once per page as its last mention left it, and a
//! mandate's reason kept the way writing each mention in turn would keep it.

use super::collections::organisation;
use super::Fixture;
use xp_core::ids::OrganisationId;
use xp_core::Money;
use xp_store::gocardless::rows::{Event, Mandate, Payment, Record};
use xp_store::gocardless::{self, Written};

fn payment(status: &str) -> Record {
    Record::Payment(Payment {
        id: "PM1".into(),
        mandate_id: "MD1".into(),
        created_at: "2026-12-01T09:00:00Z".into(),
        charge_date: "2026-12-04".into(),
        amount: Money::parse("120.50", "EUR").unwrap(),
        amount_refunded: Money::parse("0", "EUR").unwrap(),
        status: status.into(),
        reference: None,
        description: None,
        payout_id: None,
    })
}

fn mandate(status: &str, reason: Option<&str>) -> Record {
    Record::Mandate(Mandate {
        id: "MD1".into(),
        customer_id: "CU1".into(),
        bank_account_id: "BA1".into(),
        created_at: "2026-12-01T09:00:00Z".into(),
        reference: "REF".into(),
        status: status.into(),
        scheme: "sepa_core".into(),
        next_possible_charge_date: None,
        reason: reason.map(Into::into),
    })
}

fn event(id: &str, resource_type: &str, action: &str, changed: Vec<Record>) -> Record {
    Record::Event(Event {
        id: id.into(),
        created_at: "2026-12-02T09:00:00Z".into(),
        resource_type: resource_type.into(),
        action: action.into(),
        changed,
        payment_id: None,
        reason: None,
        will_attempt_retry: false,
    })
}

async fn write(store: &xp_store::Store, org: OrganisationId, page: &[Record]) -> Written {
    let mut tx = store.begin_write().await.unwrap();
    let w = gocardless::upsert(&mut tx, org, page).await.unwrap();
    tx.commit().await.unwrap();
    w
}

#[tokio::test]
async fn each_event_is_applied_once_and_each_resource_written_as_its_last_mention_left_it() {
    let f = Fixture::new();
    let store = f.open().await;
    let org = organisation(&store).await;
    let page = [
        event("EV1", "payments", "created", vec![payment("pending_submission")]),
        event("EV2", "payments", "submitted", vec![payment("submitted")]),
        event("EV2", "payments", "submitted", vec![payment("submitted")]),
        event("EV3", "payments", "confirmed", vec![payment("confirmed")]),
    ];
    let w = write(&store, org, &page).await;
    assert_eq!(w, Written { records: 3, events_applied: 3 }, "EV2 twice in a page is applied once");
    let stored = gocardless::payment(&store, "PM1").await.unwrap().unwrap();
    assert_eq!(stored.status, "confirmed", "the last mention wins");

    // The page read again (a crash before the cursor moved): nothing applied, nothing written.
    let later = [event("EV3", "payments", "confirmed", vec![payment("paid_out")])];
    assert_eq!(write(&store, org, &later).await, Written::default());
    assert_eq!(gocardless::payment(&store, "PM1").await.unwrap().unwrap().status, "confirmed");
}

#[tokio::test]
async fn a_cancelled_mandate_keeps_its_events_reason_when_a_later_mention_gives_none() {
    let f = Fixture::new();
    let store = f.open().await;
    let org = organisation(&store).await;
    let page = [
        event("EV1", "mandates", "cancelled", vec![mandate("cancelled", Some("bank_account_closed"))]),
        event("EV2", "mandates", "customer_approval_skipped", vec![mandate("cancelled", None)]),
    ];
    write(&store, org, &page).await;
    let m = gocardless::mandate(&store, "MD1").await.unwrap().unwrap();
    assert_eq!((m.status.as_str(), m.reason.as_deref()), ("cancelled", Some("bank_account_closed")));

    // Reinstated: an active mandate has no reason.
    write(&store, org, &[event("EV3", "mandates", "reinstated", vec![mandate("active", None)])]).await;
    assert_eq!(gocardless::mandate(&store, "MD1").await.unwrap().unwrap().reason, None);
}

/// The migration that keys applied events by time carries every applied event over: an event
/// applied before it is still applied once after it (a plain in-memory database: the migrations,
/// not the encryption, are under test).
#[tokio::test]
async fn events_applied_before_the_feed_order_migration_stay_applied() {
    let (mut conn, all) = crate::migrated_before(20261211000001).await;
    sqlx::query(
        "INSERT INTO connections (id, provider, display_name, status, created_at, updated_at) \
         VALUES ('c1', 'gocardless', 'GoCardless', 'active', 't', 't')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO organisations (id, connection_id, provider, external_id, name, created_at, updated_at) \
         VALUES ('0000000a-0000-4000-8000-000000000001', 'c1', 'gocardless', 'CR1', 'Creditor', 't', 't')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO gocardless_applied_events (organisation_id, event_id, resource_type, action, created_at) \
         VALUES ('0000000a-0000-4000-8000-000000000001', 'EV1', 'payments', 'confirmed', '2026-12-02T09:00:00Z')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    all.run(&mut conn).await.unwrap();
    let again = event("EV1", "payments", "confirmed", vec![payment("confirmed")]);
    let mut tx = sqlx::Connection::begin_with(&mut conn, "BEGIN IMMEDIATE").await.unwrap();
    let w = gocardless::upsert(
        &mut tx,
        "0000000a-0000-4000-8000-000000000001".parse().unwrap(),
        std::slice::from_ref(&again),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(w, Written::default(), "the event applied before the migration is not applied again");
}
