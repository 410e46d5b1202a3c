//! Direct-debit collections: an intent and its outbox item are written together, a second live
//! collection of an invoice is refused by the database and creates nothing, provider events
//! apply once and build the timeline.

use super::{t0, Fixture};
use xp_core::ids::{ConnectionId, OrganisationId};
use xp_core::Money;
use xp_store::collections::{self, NewCollection, Send, Status};
use xp_store::{organisations, Store};

pub(crate) async fn organisation(store: &Store) -> OrganisationId {
    let connection = ConnectionId::new_random();
    xp_store::connections::insert(store, connection, "xero", "Xero", t0()).await.unwrap();
    let kept = organisations::Kept {
        connection_id: connection,
        provider: "xero",
        external_id: "tenant-1",
        name: "Alpenrad Velo GmbH",
        base_currency: Some("EUR"),
    };
    organisations::keep(store, kept, t0()).await.unwrap()
}

fn new(org: OrganisationId, invoice: &str) -> NewCollection<'_> {
    NewCollection {
        organisation_id: org,
        invoice_id: invoice,
        invoice_number: Some("INV-0042"),
        provider: "gocardless",
        mandate_id: "MD0001",
        amount: Money::parse("120.50", "EUR").unwrap(),
        charge_date: None,
    }
}

async fn outbox_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(store.pool()).await.unwrap()
}

/// Collects `invoice` (the outbox payload is the connector's business; any will do here).
async fn collect(store: &Store, org: OrganisationId, invoice: &str) -> xp_store::Result<collections::Collection> {
    let payload = serde_json::json!({"invoice": invoice});
    collections::create(store, new(org, invoice), Send { kind: "gocardless.payment.create", payload: &payload }, t0())
        .await
}

#[tokio::test]
async fn an_intent_is_written_with_its_outbox_item_and_a_second_collection_creates_nothing() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let org = organisation(&store).await;
    let c = collect(&store, org, "inv-1").await.unwrap();
    assert_eq!((c.status, c.amount), (Status::Intent, Money::parse("120.50", "EUR").unwrap()));
    assert_eq!(c.idempotency_key, format!("collect:{}", c.id));
    let item: String = sqlx::query_scalar("SELECT idempotency_key FROM outbox WHERE id = ?")
        .bind(c.outbox_id.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(item, c.idempotency_key, "the outbox sends it under the collection's key");

    let e = collect(&store, org, "inv-1").await;
    let e = e.unwrap_err();
    assert!(matches!(e, xp_store::Error::AlreadyCollecting { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!("invoice INV-0042 already has a collection {} (intent); nothing new was created", c.id)
    );
    assert_eq!(outbox_rows(&store).await, 1, "the refused collection queued nothing");
    assert_eq!(collections::list(&store, 10).await.unwrap().len(), 1);

    // Money on its way or arrived keeps the invoice taken; a failure frees it.
    collections::record_accepted(&store, c.id, "PM0001", Status::PendingSubmission, t0()).await.unwrap();
    for (status, event) in [(Status::Confirmed, "EV1"), (Status::PaidOut, "EV2")] {
        collections::apply_event(&store, c.id, status, None, event, t0()).await.unwrap();
        assert!(collect(&store, org, "inv-1").await.is_err());
    }
    collections::apply_event(&store, c.id, Status::ChargedBack, Some("refer_to_payer (MD07)"), "EV3", t0())
        .await
        .unwrap();
    let again = collect(&store, org, "inv-1").await.unwrap();
    assert_ne!(again.idempotency_key, c.idempotency_key, "a new attempt has its own key");
    assert!(collect(&store, org, "inv-2").await.is_ok());
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_live_collection() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let org = organisation(&store).await;
    let c = collect(&store, org, "inv-1").await.unwrap();
    // A writer that skipped the check (or raced it) still cannot insert a second live row.
    let raw = sqlx::query(
        "INSERT INTO collections (id, organisation_id, invoice_id, provider, mandate_id, amount, currency, idempotency_key, \
         outbox_id, status, created_at, updated_at) VALUES ('x', ?, 'inv-1', 'saferpay', 'M', '1', 'EUR', 'k2', ?, 'submitted', 't', 't')",
    )
    .bind(org.to_string())
    .bind(c.outbox_id.to_string())
    .execute(store.pool())
    .await;
    assert!(raw.unwrap_err().to_string().contains("UNIQUE constraint failed"));
}

#[tokio::test]
async fn provider_events_apply_once_and_make_the_timeline() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let org = organisation(&store).await;
    let c = collect(&store, org, "inv-1").await.unwrap();
    let t = |m: i64| t0() + time::Duration::minutes(m);
    collections::record_accepted(&store, c.id, "PM0001", Status::PendingSubmission, t(1)).await.unwrap();
    assert!(collections::apply_event(&store, c.id, Status::Submitted, None, "EV1", t(2)).await.unwrap());
    assert!(!collections::apply_event(&store, c.id, Status::Submitted, None, "EV1", t(3)).await.unwrap(), "once");
    assert!(collections::apply_event(&store, c.id, Status::Failed, Some("insufficient_funds (AM04)"), "EV2", t(4))
        .await
        .unwrap());
    let timeline = collections::timeline(&store, c.id).await.unwrap();
    let seen: Vec<(Status, Option<&str>)> = timeline.iter().map(|e| (e.status, e.reason.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (Status::Intent, None),
            (Status::PendingSubmission, None),
            (Status::Submitted, None),
            (Status::Failed, Some("insufficient_funds (AM04)")),
        ]
    );
    let found = collections::by_provider_payment(&store, "gocardless", "PM0001").await.unwrap().unwrap();
    assert_eq!((found.id, found.status), (c.id, Status::Failed));
    let e = collections::record_accepted(&store, c.id, "PM9999", Status::Submitted, t(5)).await.unwrap_err();
    assert!(e.to_string().contains("another provider payment"), "{e}");
}

/// The sync writer commits a group of pages while a person collects: the collection waits for
/// the write lock instead of failing. A transaction that reads first and writes second cannot
/// wait in WAL mode (SQLite returns "database is locked" without calling the busy handler when a
/// reader tries to become the writer), so every read-then-write transaction starts as a writer.
#[tokio::test]
async fn a_collection_waits_for_a_sync_commit_instead_of_failing_with_database_locked() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let org = organisation(&store).await;
    let mut sync = store.sync_writer().acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *sync).await.unwrap();
    sqlx::query("UPDATE organisations SET updated_at = updated_at").execute(&mut *sync).await.unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        sqlx::query("COMMIT").execute(&mut *sync).await.unwrap();
    });
    let c = collect(&store, org, "inv-1").await.expect("waits for the sync's commit");
    assert_eq!(c.status, Status::Intent);
    release.await.unwrap();
    assert_eq!(outbox_rows(&store).await, 1);
}

/// When the write lock stays taken past the busy timeout, the person is told the store is busy
/// (and may try again), not that it cannot be opened.
#[tokio::test]
async fn a_write_lock_held_past_the_busy_timeout_is_reported_as_busy() {
    let fx = Fixture::new();
    let store = fx.open().await;
    let mut sync = store.sync_writer().acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *sync).await.unwrap();
    let mut other = store.pool().acquire().await.unwrap();
    // The app waits 10 s; this connection gives up at once, so the test does not wait.
    sqlx::query("PRAGMA busy_timeout = 0").execute(&mut *other).await.unwrap();
    let e = sqlx::query("BEGIN IMMEDIATE").execute(&mut *other).await.unwrap_err();
    let e = xp_store::Error::from(e);
    assert!(matches!(e, xp_store::Error::Busy), "{e:?}");
    assert_eq!(e.code(), xp_core::ErrorCode::StoreBusy);
    assert_eq!(
        e.to_string(),
        "the local store is busy saving another change (a sync); nothing was changed, try again in a moment"
    );
    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *other).await.unwrap();
    sqlx::query("ROLLBACK").execute(&mut *sync).await.unwrap();
}
