//! A collected debit given back to the payer, in part and then the rest, each refund made once
//! at Saferpay whatever is lost on the way; more than was collected is refused in the app.

use super::*;
use xp_connect_saferpay::collect::Collect;
use xp_connect_saferpay::refund::REFUND;
use xp_context::outbox::{Dispatcher, RunReport};
use xp_context::Connector;
use xp_core::ids::CollectionId;
use xp_core::Money;
use xp_store::collections::{self, Status};
use xp_store::saferpay::refunds::{self, RefundStatus};

fn eur(v: &str) -> Money {
    Money::parse(v, "EUR").unwrap()
}

fn dispatcher(w: &World) -> Dispatcher {
    Dispatcher::new(&w.ctx, w.saferpay.outbox_handlers()).unwrap()
}

/// One outbox run, `hours` on (a retried item is due again by then).
async fn run_at(w: &World, hours: i64) -> RunReport {
    dispatcher(w).run_once(w.ctx.clock.now() + time::Duration::hours(hours)).await.unwrap()
}

async fn run(w: &World) -> RunReport {
    run_at(w, 0).await
}

/// An invoice of 120.50 EUR collected and captured.
async fn collected(w: &World) -> CollectionId {
    let org = w.organisation().await;
    let mandate = w.mandate(org).await;
    let request = Collect {
        organisation_id: org,
        invoice_id: "inv-refund",
        invoice_number: Some("INV-0088"),
        amount: eur("120.50"),
        mandate_id: &mandate,
        charge_date: None,
    };
    let c = w.saferpay.collect(request).await.unwrap();
    assert_eq!(run(w).await.sent, 1);
    assert_eq!(collections::get(&w.ctx.store, c.id).await.unwrap().status, Status::Confirmed);
    c.id
}

/// The REFUND transactions the emulator holds: (OrderId, amount in cents, status).
fn refunds_at_saferpay(w: &World) -> Vec<(String, String, String)> {
    let all = w.emu.dump()["transactions"].as_array().unwrap().clone();
    all.iter()
        .filter(|t| t["Type"] == "REFUND")
        .map(|t| {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            (s(&t["OrderId"]), s(&t["Amount"]["Value"]), s(&t["Status"]))
        })
        .collect()
}

#[tokio::test]
async fn a_debit_is_refunded_in_part_then_the_rest_and_never_more() {
    let w = world(true).await;
    let id = collected(&w).await;

    let part = w.saferpay.refund(id, Some(eur("20.50"))).await.unwrap();
    assert_eq!((part.id.clone(), part.status), (format!("{id}-R1"), RefundStatus::Intent));
    let item = xp_store::outbox::get(&w.ctx.store, part.outbox_id).await.unwrap();
    assert_eq!(item.kind, REFUND);
    assert_eq!(run(&w).await, RunReport { sent: 1, ..Default::default() });
    assert_eq!(refunds_at_saferpay(&w), vec![(part.id.clone(), "2050".into(), "CAPTURED".into())]);
    let c = collections::get(&w.ctx.store, id).await.unwrap();
    assert_eq!(c.status, Status::Confirmed, "part of the money stays collected");
    let last = collections::timeline(&w.ctx.store, id).await.unwrap().pop().unwrap();
    assert_eq!(last.reason.as_deref(), Some("Partly refunded: 20.50 EUR to the payer"));

    let e = w.saferpay.refund(id, Some(eur("100.01"))).await.unwrap_err();
    assert!(e.to_string().contains("at most what is not refunded yet (100.00 EUR)"), "{e}");
    let rest = w.saferpay.refund(id, None).await.unwrap();
    assert_eq!((rest.id.clone(), rest.amount), (format!("{id}-R2"), eur("100.00")), "all that is left");
    assert_eq!(run(&w).await.sent, 1);
    assert_eq!(collections::get(&w.ctx.store, id).await.unwrap().status, Status::Refunded);
    assert_eq!(refunds_at_saferpay(&w).len(), 2);
    let done = refunds::of_collection(&w.ctx.store, id).await.unwrap();
    assert!(done.iter().all(|r| r.status == RefundStatus::Refunded && r.transaction_id.is_some()), "{done:?}");

    let e = w.saferpay.refund(id, None).await.unwrap_err();
    assert!(e.to_string().contains("only a collected debit is refunded; this one is refunded"), "{e}");
    assert!(run_at(&w, 2).await.is_empty(), "nothing more is sent");
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_found_and_not_made_twice() {
    let w = world(true).await;
    let id = collected(&w).await;
    let refund = w.saferpay.refund(id, Some(eur("30"))).await.unwrap();
    // The refund is made and its answer lost, and the Inquire that follows it is lost too.
    w.fault("saferpay:lost_response*2");
    let first = run(&w).await;
    assert_eq!(first.sent, 0, "{first:?}");
    let second = run_at(&w, 2).await;
    assert_eq!(second.sent, 1, "{second:?}");
    let at_saferpay = refunds_at_saferpay(&w);
    assert_eq!(at_saferpay.len(), 1, "one refund at Saferpay: {at_saferpay:?}");
    assert_eq!(at_saferpay[0].0, refund.id);
    let kept = refunds::get(&w.ctx.store, &refund.id).await.unwrap().unwrap();
    assert_eq!(kept.status, RefundStatus::Refunded);
}

#[tokio::test]
async fn a_refund_saferpay_refuses_fails_with_its_reason_and_leaves_the_money_refundable() {
    let w = world(true).await;
    let id = collected(&w).await;
    let refund = w.saferpay.refund(id, None).await.unwrap();
    // Saferpay refuses the refund for good.
    w.fault("saferpay:error=TRANSACTION_IN_WRONG_STATE/DO_NOT_RETRY*1");
    let first = run(&w).await;
    assert_eq!(first.failed, 1, "{first:?}");
    let failed = refunds::get(&w.ctx.store, &refund.id).await.unwrap().unwrap();
    assert_eq!(failed.status, RefundStatus::Failed);
    assert!(failed.reason.unwrap_or_default().contains("TRANSACTION_IN_WRONG_STATE"));
    assert!(refunds_at_saferpay(&w).is_empty());
    assert_eq!(collections::get(&w.ctx.store, id).await.unwrap().status, Status::Confirmed);
    // A crash after the refusal was recorded and before the item was marked failed: the item
    // comes back from in flight, and is not sent again.
    sqlx::query("UPDATE outbox SET status = 'in_flight' WHERE id = ?")
        .bind(refund.outbox_id.to_string())
        .execute(w.ctx.store.pool())
        .await
        .unwrap();
    assert_eq!(xp_store::outbox::recover_in_flight(&w.ctx.store).await.unwrap(), 1);
    let replayed = run_at(&w, 2).await;
    assert_eq!((replayed.sent, replayed.failed), (0, 1), "{replayed:?}");
    assert!(refunds_at_saferpay(&w).is_empty(), "no refund the app holds as failed");
    let again = w.saferpay.refund(id, None).await.unwrap();
    assert_eq!((again.seq, again.amount), (2, eur("120.50")), "a failed refund does not count");
}
