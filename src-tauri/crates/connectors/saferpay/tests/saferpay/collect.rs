//! An invoice collected by SEPA direct debit through the outbox: one captured transaction
//! whatever is lost or interrupted; a decline fails the collection with Saferpay's reason.

use super::*;
use time::OffsetDateTime;
use xp_connect_saferpay::collect::{Collect, CollectHandler, COLLECT};
use xp_context::outbox::{Dispatcher, Handler, RunReport};
use xp_context::Connector;
use xp_core::Money;
use xp_store::collections::{self, Collection, Status};

const AUTHORIZE: &str = "Transaction/AuthorizeDirect";

fn dispatcher(w: &World) -> Dispatcher {
    Dispatcher::new(&w.ctx, w.saferpay.outbox_handlers()).unwrap()
}

fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
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

async fn collect_invoice(w: &World, org: OrganisationId, mandate: &str, invoice: &str) -> Collection {
    w.saferpay.collect(request(org, mandate, invoice)).await.unwrap()
}

/// The sandbox with a kept organisation, a mandate, and `invoice` being collected from it.
async fn collecting(invoice: &str) -> (World, OrganisationId, String, Collection) {
    let w = world(true).await;
    let org = w.organisation().await;
    let mandate = w.mandate(org).await;
    let collection = collect_invoice(&w, org, &mandate, invoice).await;
    (w, org, mandate, collection)
}

/// The collection ended `confirmed` with the one captured transaction; its id.
async fn confirmed(w: &World, store: &xp_store::Store, collection: &Collection) -> String {
    let transaction = one_captured_payment(w, collection);
    let done = collections::get(store, collection.id).await.unwrap();
    assert_eq!(done.status, Status::Confirmed, "captured is confirmed for the ledger");
    assert_eq!(done.provider_payment_id.as_deref(), Some(transaction.as_str()));
    transaction
}

/// The one PAYMENT the emulator holds, captured under the collection's id as OrderId.
fn one_captured_payment(w: &World, collection: &Collection) -> String {
    let payments = w.payments();
    assert_eq!(payments.len(), 1, "exactly one debit exists: {payments:?}");
    let p = &payments[0];
    assert_eq!(p["Status"], "CAPTURED", "{p}");
    assert_eq!(p["OrderId"], collection.id.to_string(), "the OrderId is the collection's id");
    assert_eq!(p["Amount"]["Value"], "12050", "exact minor units");
    p["Id"].as_str().unwrap().to_owned()
}

fn later(hours: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::hours(hours)
}

#[tokio::test]
async fn a_collected_invoice_is_debited_and_captured_once_and_confirmed_with_its_transaction() {
    let w = world(true).await;
    let org = w.organisation().await;
    let mandate = w.mandate(org).await;
    let stored = xp_store::saferpay::mandate(&w.ctx.store, &mandate).await.unwrap().unwrap();
    assert_eq!((stored.iban_last4.as_str(), stored.holder.as_str()), ("3000", "Muster GmbH"));
    let collection = collect_invoice(&w, org, &mandate, "inv-1").await;
    assert_eq!(collection.status, Status::Intent);
    let item = xp_store::outbox::get(&w.ctx.store, collection.outbox_id).await.unwrap();
    assert_eq!(item.kind, COLLECT);
    assert!(
        !item.payload.to_string().contains("370400440532013000"),
        "the IBAN is not in the outbox: {}",
        item.payload
    );
    assert_eq!(item.payload["mandateId"], mandate.as_str());

    let report = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() });
    confirmed(&w, &w.ctx.store, &collection).await;
    let timeline = collections::timeline(&w.ctx.store, collection.id).await.unwrap();
    let statuses: Vec<Status> = timeline.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Status::Intent, Status::Confirmed]);
    assert_eq!(w.hits(AUTHORIZE), 1);
    assert!(dispatcher(&w).run_once(later(2)).await.unwrap().is_empty(), "sent items are not sent again");
}

#[tokio::test]
async fn a_second_collect_of_a_live_invoice_is_refused_and_creates_nothing() {
    let (w, org, mandate, first) = collecting("inv-2").await;
    let e = w.saferpay.collect(request(org, &mandate, "inv-2")).await.unwrap_err();
    assert!(
        matches!(&e, xp_connect_saferpay::Error::Store(xp_store::Error::AlreadyCollecting { existing, .. }) if *existing == first.id.to_string()),
        "{e:?}"
    );
    assert_eq!(collections::list(&w.ctx.store, 10).await.unwrap().len(), 1, "no second collection");
    let report = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() }, "one outbox item only");
    confirmed(&w, &w.ctx.store, &first).await;
}

#[tokio::test]
async fn a_debit_whose_answer_and_inquiry_were_lost_is_found_on_the_next_run_and_not_sent_again() {
    let (w, _, _, collection) = collecting("inv-3").await;
    // The debit is executed and its answer lost; the Inquire after it is lost too.
    w.fault("saferpay:lost_response*2");

    let first = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(first.sent, 0);
    assert_eq!(first.retrying + first.waiting, 1, "an unknown outcome is tried again: {first:?}");
    assert_eq!(collections::get(&w.ctx.store, collection.id).await.unwrap().status, Status::Intent);
    assert_eq!(w.payments().len(), 1, "Saferpay executed the debit whose answer was lost");

    let second = dispatcher(&w).run_once(later(2)).await.unwrap();
    assert_eq!(second, RunReport { sent: 1, ..Default::default() });
    assert_eq!(w.hits(AUTHORIZE), 1, "the next run found the debit with Inquire and did not send it again");
    confirmed(&w, &w.ctx.store, &collection).await;
}

#[tokio::test]
async fn a_declined_debit_fails_the_collection_with_the_reason_and_is_not_retried() {
    let (w, org, mandate, collection) = collecting("inv-4").await;
    w.fault("saferpay:error=GENERAL_DECLINED/DO_NOT_RETRY*1");

    let report = dispatcher(&w).run_once(OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(report, RunReport { failed: 1, ..Default::default() });
    let failed = collections::get(&w.ctx.store, collection.id).await.unwrap();
    assert_eq!(failed.status, Status::Failed);
    let last = collections::timeline(&w.ctx.store, collection.id).await.unwrap().pop().unwrap();
    assert_eq!(last.status, Status::Failed);
    assert!(last.reason.as_deref().unwrap_or_default().contains("GENERAL_DECLINED"), "{last:?}");
    let item = xp_store::outbox::get(&w.ctx.store, collection.outbox_id).await.unwrap();
    assert_eq!(item.status, xp_context::outbox::Status::Failed);
    assert!(dispatcher(&w).run_once(later(2)).await.unwrap().is_empty(), "a refusal is never retried");
    assert_eq!(w.hits(AUTHORIZE), 1);
    assert!(w.payments().is_empty());
    // The invoice is free for a new collection once this one failed.
    collect_invoice(&w, org, &mandate, "inv-4").await;
}

#[tokio::test]
async fn a_crash_between_the_debit_and_its_record_ends_with_one_transaction_after_restart() {
    let (w, _, _, collection) = collecting("inv-5").await;
    // The run claims the item and the money moves; the app dies before recording it.
    let claimed = xp_store::outbox::claim_due(&w.ctx.store, OffsetDateTime::now_utc(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let handler = CollectHandler::new(w.saferpay.clone());
    assert_eq!(handler.kind(), COLLECT);
    let debited = handler.debit(&claimed[0]).await.unwrap();
    w.ctx.store.close().await;
    drop(handler);
    assert_eq!(w.hits(AUTHORIZE), 1);

    let line = w.emu.credentials();
    let (ctx, saferpay) = runtime(w.dir.path(), &w.origin, &w.vault, Some(&line), w.ctx.clock.clone()).await;
    let report = Dispatcher::new(&ctx, saferpay.outbox_handlers()).unwrap().run_once(later(1)).await.unwrap();
    assert_eq!(report, RunReport { sent: 1, ..Default::default() });
    assert_eq!(w.hits(AUTHORIZE), 1, "the restarted run asked Inquire and found the debit");
    assert_eq!(confirmed(&w, &ctx.store, &collection).await, debited.transaction_id);
}
