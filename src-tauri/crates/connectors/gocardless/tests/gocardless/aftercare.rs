//! After a collection: a failed payment tried again once (the collection follows it back to
//! the bank), and refunds made once under their key with the total GoCardless checks, a lost
//! answer found again, and nothing refunded beyond what was collected.

use crate::{eur, world, World};
use time::OffsetDateTime;
use xp_connect_gocardless::collect::Collect;
use xp_context::outbox::Dispatcher;
use xp_context::Connector;
use xp_core::ids::OrganisationId;
use xp_sandbox_kit::faults::Fault;
use xp_sandbox_kit::Seed;
use xp_store::collections::{self, Collection, Status};

fn dispatcher(w: &World) -> Dispatcher {
    Dispatcher::new(&w.services, w.connector.outbox_handlers()).unwrap()
}

fn later(hours: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::hours(hours)
}

async fn collect_and_send(
    w: &World,
    org: OrganisationId,
    mandate: &str,
    invoice: &str,
    hours: i64,
) -> (Collection, String) {
    let c = Collect {
        organisation_id: org,
        invoice_id: invoice,
        invoice_number: Some(invoice),
        amount: eur("120.50"),
        mandate_id: mandate,
        charge_date: None,
    };
    let c = w.connector.collect(c).await.unwrap();
    dispatcher(w).run_once(later(hours)).await.unwrap();
    let pm = collections::get(&w.services.store, c.id).await.unwrap().provider_payment_id.unwrap();
    (c, pm)
}

async fn status(w: &World, c: &Collection) -> Status {
    collections::get(&w.services.store, c.id).await.unwrap().status
}

#[tokio::test]
async fn a_failed_payment_is_tried_again_once_and_its_collection_goes_back_to_the_bank() {
    let w = world(Seed::Empty).await;
    let org: OrganisationId = w.connected().await;
    let mandate = w.mandate("retry").await;
    w.sync(false).await;
    // The mandate becomes active with its first collected payment; a retry needs that.
    let (first, pm1) = collect_and_send(&w, org, &mandate, "INV-1", 0).await;
    w.gc.run_scenario(&w.token, "payment_paid_out", &pm1).await.unwrap();
    let (second, pm2) = collect_and_send(&w, org, &mandate, "INV-2", 1).await;
    w.gc.run_scenario(&w.token, "payment_failed", &pm2).await.unwrap();
    w.sync(false).await;
    assert_eq!(status(&w, &second).await, Status::Failed);

    let e = w.connector.retry(first.id).await.unwrap_err();
    assert!(e.to_string().contains("only a failed payment"), "{e}");
    let item = w.connector.retry(second.id).await.unwrap();
    assert_eq!(w.connector.retry(second.id).await.unwrap(), item, "asked twice, queued once");

    let report = dispatcher(&w).run_once(later(2)).await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(w.served("POST /payments/{id}/actions/retry"), 1);
    assert_eq!(w.gc.payment(&w.token, &pm2).await.unwrap().status, xp_gocardless::PaymentStatus::PendingSubmission);
    w.sync(false).await;
    assert_eq!(status(&w, &second).await, Status::PendingSubmission, "the retry's event moved the collection back");
    let audit = xp_store::audit::list(&w.services.store, 20).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "gocardless.retry" && e.subject == "INV-2"), "{audit:?}");
}

#[tokio::test]
async fn refunds_are_made_once_under_their_key_and_never_beyond_what_was_collected() {
    let w = world(Seed::Empty).await;
    let org: OrganisationId = w.connected().await;
    let mandate = w.mandate("refund").await;
    w.sync(false).await;
    let (c, pm) = collect_and_send(&w, org, &mandate, "INV-3", 0).await;
    let e = w.connector.refund(c.id, None).await.unwrap_err();
    assert!(e.to_string().contains("only collected money"), "{e}");
    w.gc.run_scenario(&w.token, "payment_paid_out", &pm).await.unwrap();
    w.sync(false).await;
    assert_eq!(status(&w, &c).await, Status::PaidOut);

    for too_much in ["120.51", "0", "-1"] {
        assert!(w.connector.refund(c.id, Some(eur(too_much))).await.is_err(), "{too_much} is refused");
    }
    let part = w.connector.refund(c.id, Some(eur("20.50"))).await.unwrap();
    let other = w.connector.refund(c.id, Some(eur("30.00"))).await.unwrap_err();
    assert!(other.to_string().contains("waiting to be sent"), "{other}");

    // The refund is made and its answer lost on every resend of the run: the next run finds it.
    w.ctx.faults.add(Fault::parse_spec("gocardless:lost_response*5").unwrap());
    let lost = dispatcher(&w).run_once(later(1)).await.unwrap();
    assert_eq!(lost.sent, 0, "{lost:?}");
    let sent = dispatcher(&w).run_once(later(3)).await.unwrap();
    assert_eq!(sent.sent, 1, "{sent:?}");
    let created = w.ctx.counters.snapshot().created_by_key;
    assert_eq!(created.get(&format!("gocardless refund:{}:0", c.id)), Some(&1), "one refund: {created:?}");
    assert_eq!(w.gc.payment(&w.token, &pm).await.unwrap().amount_refunded, eur("20.50"));
    let sent_item = xp_store::outbox::get(&w.services.store, part).await.unwrap();
    assert_eq!(sent_item.status, xp_store::outbox::Status::Sent);

    // The rest, once GoCardless's first refund is synced: the total confirms both.
    w.sync(false).await;
    w.connector.refund(c.id, None).await.unwrap();
    assert_eq!(dispatcher(&w).run_once(later(5)).await.unwrap().sent, 1);
    assert_eq!(w.gc.payment(&w.token, &pm).await.unwrap().amount_refunded, eur("120.50"));
    w.sync(false).await;
    let nothing_left = w.connector.refund(c.id, None).await.unwrap_err();
    assert!(nothing_left.to_string().contains("at most what is not refunded"), "{nothing_left}");
}
