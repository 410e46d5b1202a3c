//! An invoice collected by SEPA direct debit through GoCardless: written as an intent, sent by
//! the outbox under the collection's key, one payment whatever answer is lost, a second collect
//! of a live invoice refused with nothing written, and the events feed moving the collection
//! through the bank's timeline once.

use crate::{eur, world, World};
use time::OffsetDateTime;
use xp_connect_gocardless::collect::{Collect, PAYMENT_CREATE};
use xp_context::outbox::{Dispatcher, RunReport};
use xp_context::Connector;
use xp_core::ids::OrganisationId;
use xp_gocardless::Payment;
use xp_sandbox_kit::faults::Fault;
use xp_sandbox_kit::Seed;
use xp_store::collections::{self, Collection, Status};

fn dispatcher(w: &World) -> Dispatcher {
    Dispatcher::new(&w.services, w.connector.outbox_handlers()).unwrap()
}

fn later(hours: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::hours(hours)
}

fn request<'a>(org: OrganisationId, mandate: &'a str, invoice: &'a str) -> Collect<'a> {
    Collect {
        organisation_id: org,
        invoice_id: invoice,
        invoice_number: Some("INV-0042"),
        amount: eur("120.50"),
        mandate_id: mandate,
        charge_date: None,
    }
}

/// A connected creditor with a synced SEPA mandate (still `pending_submission`, as GoCardless
/// keeps it until its first payment), and `invoice` being collected from it.
async fn collecting(tag: &str, invoice: &str) -> (World, OrganisationId, String, Collection) {
    let w = world(Seed::Empty).await;
    let org: OrganisationId = w.connected().await;
    let mandate = w.mandate(tag).await;
    w.sync(false).await;
    let collection = w.connector.collect(request(org, &mandate, invoice)).await.unwrap();
    (w, org, mandate, collection)
}

/// Every payment GoCardless holds on the mandate.
async fn payments_on(w: &World, mandate: &str) -> Vec<Payment> {
    let (gc, t) = (&w.gc, &w.token);
    let all = w.all(|p| async move { gc.payments(t, &p).await }).await;
    all.into_iter().filter(|p| p.links.mandate == mandate).collect()
}

#[tokio::test]
async fn a_collected_invoice_becomes_one_payment_linked_to_its_invoice_and_collection() {
    let (w, _, mandate, collection) = collecting("once", "inv-1").await;
    assert_eq!(collection.status, Status::Intent);
    let item = xp_store::outbox::get(&w.services.store, collection.outbox_id).await.unwrap();
    assert_eq!(item.kind, PAYMENT_CREATE);
    assert_eq!(item.idempotency_key, format!("collect:{}", collection.id), "the key GoCardless will see");
    let audit = xp_store::audit::list(&w.services.store, 5).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "gocardless.collect" && e.subject == "INV-0042"), "{audit:?}");

    let report = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() });
    let payments = payments_on(&w, &mandate).await;
    assert_eq!(payments.len(), 1, "one payment: {payments:?}");
    let p = &payments[0];
    assert_eq!(p.amount, eur("120.50"));
    assert_eq!(p.reference.as_deref(), Some("INV-0042"), "the payer's statement names the invoice");
    assert_eq!(p.metadata.get("invoice_id").map(String::as_str), Some("inv-1"));
    assert_eq!(p.metadata.get("collection_id"), Some(&collection.id.to_string()));
    let counted = w.ctx.counters.snapshot().created_by_key;
    assert_eq!(counted.get(&format!("gocardless {}", item.idempotency_key)), Some(&1), "{counted:?}");

    let sent = collections::get(&w.services.store, collection.id).await.unwrap();
    assert_eq!(sent.provider_payment_id.as_deref(), Some(p.id.as_str()));
    assert_eq!(sent.status, Status::PendingSubmission, "GoCardless's first status");
    assert!(dispatcher(&w).run_once(later(2)).await.unwrap().is_empty(), "sent items are not sent again");
    assert_eq!(w.served("POST /payments"), 1);
}

#[tokio::test]
async fn answers_lost_on_every_try_of_a_run_end_in_one_payment_on_the_next_run() {
    let (w, _, mandate, collection) = collecting("lost", "inv-2").await;
    // The first create is executed and its answer lost, and so are xp-http's resends under the
    // same key (five attempts in all): the run ends not knowing.
    w.ctx.faults.add(Fault::parse_spec("gocardless:lost_response*5").unwrap());
    let first = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(first.sent, 0);
    assert_eq!(first.retrying + first.waiting, 1, "an unknown outcome is tried again: {first:?}");
    assert_eq!(payments_on(&w, &mandate).await.len(), 1, "the first create was executed");
    assert_eq!(collections::get(&w.services.store, collection.id).await.unwrap().status, Status::Intent);

    let second = dispatcher(&w).run_once(later(2)).await.unwrap();
    assert_eq!(second.sent, 1, "{second:?}");
    let payments = payments_on(&w, &mandate).await;
    assert_eq!(payments.len(), 1, "the resend was answered with the first payment: {payments:?}");
    let done = collections::get(&w.services.store, collection.id).await.unwrap();
    assert_eq!(done.provider_payment_id.as_deref(), Some(payments[0].id.as_str()));
    assert!(w.served("POST /payments") >= 6, "every try sent the same key again");
    let counted = w.ctx.counters.snapshot().created_by_key;
    assert_eq!(counted.get(&format!("gocardless collect:{}", collection.id)), Some(&1), "created once: {counted:?}");
}

#[tokio::test]
async fn a_second_collect_of_a_live_invoice_is_refused_and_writes_nothing() {
    let (w, org, mandate, first) = collecting("twice", "inv-3").await;
    let audit_before = xp_store::audit::list(&w.services.store, 100).await.unwrap().len();
    let e = w.connector.collect(request(org, &mandate, "inv-3")).await.unwrap_err();
    assert!(
        matches!(&e, xp_connect_gocardless::Error::Store(xp_store::Error::AlreadyCollecting { existing, .. }) if *existing == first.id.to_string()),
        "{e:?}"
    );
    assert_eq!(collections::list(&w.services.store, 10).await.unwrap().len(), 1, "no second collection");
    assert_eq!(xp_store::audit::list(&w.services.store, 100).await.unwrap().len(), audit_before, "nor an audit entry");
    let report = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() }, "one outbox item only");
    assert_eq!(payments_on(&w, &mandate).await.len(), 1);
}

#[tokio::test]
async fn amounts_and_mandates_that_cannot_be_collected_are_refused_before_anything_is_written() {
    let w = world(Seed::Empty).await;
    let org: OrganisationId = w.connected().await;
    let usable = w.mandate("usable").await;
    let ended = w.mandate("ended").await;
    w.gc.cancel_mandate(&w.token, &ended, &Default::default()).await.unwrap();
    w.sync(false).await;

    let gbp = Collect { amount: xp_core::Money::parse("10.00", "GBP").unwrap(), ..request(org, &usable, "a") };
    let zero = Collect { amount: eur("0.00"), ..request(org, &usable, "b") };
    let past = Collect {
        charge_date: Some(OffsetDateTime::now_utc().date().previous_day().unwrap()),
        ..request(org, &usable, "c")
    };
    let unknown = request(org, "MD_NOT_SYNCED", "d");
    let cancelled = request(org, &ended, "e");
    for (why, c) in
        [("GBP", gbp), ("zero", zero), ("a past date", past), ("unknown", unknown), ("cancelled", cancelled)]
    {
        let e = w.connector.collect(c).await.unwrap_err();
        assert!(matches!(e, xp_connect_gocardless::Error::Invalid(_)), "{why}: {e:?}");
    }
    assert!(collections::list(&w.services.store, 10).await.unwrap().is_empty(), "nothing written");
}

#[tokio::test]
async fn the_events_feed_moves_the_collection_through_the_banks_timeline_once() {
    let (w, _, _, collection) = collecting("feed", "inv-4").await;
    dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    // SEPA: submitted +1, confirmed +4, paid out +6 working days; two weeks cover holidays.
    w.ctx.clock.advance(time::Duration::days(14));
    w.sync(false).await;

    let done = collections::get(&w.services.store, collection.id).await.unwrap();
    assert_eq!(done.status, Status::PaidOut, "the bank's last word arrived with the sync");
    let timeline = collections::timeline(&w.services.store, collection.id).await.unwrap();
    let statuses: Vec<Status> = timeline.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [Status::Intent, Status::PendingSubmission, Status::Submitted, Status::Confirmed, Status::PaidOut],
        "each step once, in order"
    );
    assert!(timeline.windows(2).all(|p| p[0].at <= p[1].at), "in time order: {timeline:?}");
    assert!(timeline[2..].iter().all(|e| e.reason.is_some()), "GoCardless's description is kept: {timeline:?}");

    let again = w.sync(true).await;
    assert!(again.full_load);
    assert_eq!(collections::timeline(&w.services.store, collection.id).await.unwrap(), timeline, "nothing twice");
}

#[tokio::test]
async fn a_failure_after_confirmation_is_a_late_failure_and_frees_the_invoice() {
    let (w, org, mandate, collection) = collecting("late", "inv-5").await;
    dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    let payment = collections::get(&w.services.store, collection.id).await.unwrap().provider_payment_id.unwrap();
    w.gc.run_scenario(&w.token, "payment_late_failure", &payment).await.unwrap();
    w.sync(false).await;

    let done = collections::get(&w.services.store, collection.id).await.unwrap();
    assert_eq!(done.status, Status::LateFailure, "failed after confirmed");
    let last = collections::timeline(&w.services.store, collection.id).await.unwrap().pop().unwrap();
    assert!(last.reason.as_deref().is_some_and(|r| r.contains("insufficient funds")), "{last:?}");
    let again = w.connector.collect(request(org, &mandate, "inv-5")).await;
    assert!(again.is_ok(), "a failed collection no longer holds the invoice: {again:?}");
}

#[tokio::test]
async fn a_payment_not_yet_at_the_bank_is_cancelled_once_and_the_invoice_can_be_collected_again() {
    let (w, org, mandate, collection) = collecting("cancel", "inv-9").await;
    let refused = w.connector.cancel(collection.id).await.unwrap_err();
    assert!(refused.to_string().contains("not at GoCardless yet"), "{refused}");
    let d = dispatcher(&w);
    d.run_once(OffsetDateTime::now_utc()).await.unwrap();

    // Asked twice (a double click): one item, one cancel sent.
    let first = w.connector.cancel(collection.id).await.unwrap();
    assert_eq!(w.connector.cancel(collection.id).await.unwrap(), first);
    let report = d.run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() });
    let payments = payments_on(&w, &mandate).await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].status, xp_gocardless::PaymentStatus::Cancelled);
    assert_eq!(w.served("POST /payments/{id}/actions/cancel"), 1);
    let audit = xp_store::audit::list(&w.services.store, 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "gocardless.cancel" && e.subject == "INV-0042"), "{audit:?}");

    // The `cancelled` event moves the collection with the next sync; the invoice is free again.
    w.sync(false).await;
    let c = collections::get(&w.services.store, collection.id).await.unwrap();
    assert_eq!(c.status, Status::Cancelled);
    let again = w.connector.collect(request(org, &mandate, "inv-9")).await.unwrap();
    assert_ne!(again.id, collection.id);
    // A cancelled collection cannot be cancelled again.
    let e = w.connector.cancel(collection.id).await.unwrap_err();
    assert!(e.to_string().contains("only before it goes to the bank; this one is cancelled"), "{e}");
}

#[tokio::test]
async fn a_cancel_that_arrives_after_the_payment_went_to_the_bank_fails_for_a_person_to_see() {
    let (w, _, mandate, collection) = collecting("late-cancel", "inv-10").await;
    let d = dispatcher(&w);
    d.run_once(OffsetDateTime::now_utc()).await.unwrap();
    w.connector.cancel(collection.id).await.unwrap();
    // Before the cancel is sent, the payment goes to the bank.
    let pm = payments_on(&w, &mandate).await[0].id.clone();
    w.gc.run_scenario(&w.token, "payment_submitted", &pm).await.unwrap();
    let report = d.run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(w.served("POST /payments/{id}/actions/cancel"), 0, "read first: nothing was sent");
    assert_eq!(payments_on(&w, &mandate).await[0].status, xp_gocardless::PaymentStatus::Submitted);
}
