//! The transaction report read by the sync engine: a SEPA debit's return reaches its collection
//! the day after it happened (the report ends yesterday), once, however often it is read.

use super::*;
use xp_connect_saferpay::collect::Collect;
use xp_context::outbox::Dispatcher;
use xp_context::Connector;
use xp_core::Money;
use xp_store::collections::{self, Status};
use xp_sync::Progress;

const REPORT: &str = "GET /api/rest/customers/{customerId}/transactions";

fn quiet() -> Arc<dyn Fn(Progress) + Send + Sync> {
    Arc::new(|_| {})
}

impl World {
    fn report_calls(&self) -> u64 {
        self.kit.counters.requests("saferpay", REPORT)
    }

    async fn charge_back(&self, transaction: &str, reason: &str) {
        let url = self.origin.join(&format!("_sandbox/transactions/{transaction}/chargeback")).unwrap();
        let body = serde_json::json!({"kind": "authorised", "reason": reason});
        let answer = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
        assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    }

    fn advance_days(&self, days: i64) {
        self.kit.clock.advance(time::Duration::days(days));
    }
}

/// An invoice collected and captured; the collection's id and its Saferpay transaction.
async fn collected(w: &World) -> (xp_core::ids::CollectionId, String) {
    let org = w.organisation().await;
    let mandate = w.mandate(org).await;
    let request = Collect {
        organisation_id: org,
        invoice_id: "inv-report",
        invoice_number: Some("INV-0077"),
        amount: Money::parse("120.50", "EUR").unwrap(),
        mandate_id: &mandate,
        charge_date: None,
    };
    let c = w.saferpay.collect(request).await.unwrap();
    let sent =
        Dispatcher::new(&w.ctx, w.saferpay.outbox_handlers()).unwrap().run_once(w.ctx.clock.now()).await.unwrap();
    assert_eq!(sent.sent, 1, "{sent:?}");
    let c = collections::get(&w.ctx.store, c.id).await.unwrap();
    assert_eq!(c.status, Status::Confirmed);
    (c.id, c.provider_payment_id.unwrap())
}

#[tokio::test]
async fn a_returned_debit_moves_its_collection_to_charged_back_once_from_the_report() {
    let w = world(true).await;
    let (collection, transaction) = collected(&w).await;

    // Today's capture is not in the report yet: it ends before today's midnight in Zurich.
    let today = w.saferpay.sync(false, quiet()).await.unwrap();
    assert!(today.ok(), "{:?}", today.outcome);
    assert_eq!(today.written.transactions, 0, "nothing of today is readable");
    let first_pass = w.report_calls();
    assert!(first_pass >= 1, "the first pass reads the report's reach");

    w.advance_days(1);
    let next_day = w.saferpay.sync(false, quiet()).await.unwrap();
    assert_eq!((next_day.written.transactions, next_day.written.returns), (1, 0), "the debit, captured, not returned");
    let kept = xp_store::saferpay::transactions::list(&w.ctx.store, 10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].id.as_str(), kept[0].state.as_str()), (transaction.as_str(), "CAPTURED"));
    assert_eq!(kept[0].order_id.as_deref(), Some(collection.to_string().as_str()), "the OrderId is the collection");
    assert_eq!(kept[0].amount, Money::parse("120.50", "EUR").unwrap(), "exact");

    // Three weeks later the payer asks their bank for the money back.
    w.advance_days(20);
    w.charge_back(&transaction, "MD06").await;
    // The window from the last transaction seen (inclusive) lists the debit again, as it is now.
    let calls_before = w.report_calls();
    let returned = w.saferpay.sync(false, quiet()).await.unwrap();
    assert_eq!(returned.written.returns, 1, "{returned:?}");
    assert!(
        w.report_calls() - calls_before <= 2,
        "an incremental pass reads from the last transaction seen: {} calls",
        w.report_calls() - calls_before
    );
    let c = collections::get(&w.ctx.store, collection).await.unwrap();
    assert_eq!(c.status, Status::ChargedBack);
    let timeline = collections::timeline(&w.ctx.store, collection).await.unwrap();
    let last = timeline.last().unwrap();
    assert_eq!(last.status, Status::ChargedBack);
    assert_eq!(
        last.reason.as_deref(),
        Some("SEPA return MD06 (authorised claim): the payer asked their bank for the money back")
    );
    let kept = xp_store::saferpay::transactions::list(&w.ctx.store, 10).await.unwrap();
    assert_eq!(kept[0].chargeback.as_ref().map(|c| c.reason_code.as_str()), Some("MD06"));

    // The next day's report lists the debit in the return's window: nothing moves twice.
    w.advance_days(1);
    let next = w.saferpay.sync(false, quiet()).await.unwrap();
    assert_eq!((next.written.transactions, next.written.returns), (0, 0), "{next:?}");
    // Nor does a full read of everything again.
    let again = w.saferpay.sync(true, quiet()).await.unwrap();
    assert_eq!((again.written.transactions, again.written.returns), (0, 0), "{again:?}");
    assert_eq!(collections::timeline(&w.ctx.store, collection).await.unwrap().len(), timeline.len());
}

#[tokio::test]
async fn a_report_saferpay_cannot_answer_now_is_read_again_from_the_same_place() {
    let w = world(true).await;
    let (collection, transaction) = collected(&w).await;
    w.advance_days(2);
    w.charge_back(&transaction, "AM04").await;
    w.advance_days(1);
    // Every try of this run fails: Saferpay asks to be asked later.
    w.fault("saferpay:error=INTERNAL_ERROR/RETRY_LATER*10");
    let failed = w.saferpay.sync(false, quiet()).await.unwrap();
    assert!(!failed.ok(), "{:?}", failed.outcome);
    assert_eq!(collections::get(&w.ctx.store, collection).await.unwrap().status, Status::Confirmed);
    w.kit.faults.clear();
    let resumed = w.saferpay.sync(false, quiet()).await.unwrap();
    assert!(resumed.ok(), "{:?}", resumed.outcome);
    assert_eq!((resumed.written.transactions, resumed.written.returns), (1, 1));
    assert_eq!(collections::get(&w.ctx.store, collection).await.unwrap().status, Status::ChargedBack);
}

#[tokio::test]
async fn without_credentials_nothing_is_read() {
    let w = world(false).await;
    let e = w.saferpay.sync(false, quiet()).await.unwrap_err();
    assert_eq!(e.code(), xp_core::ErrorCode::Config, "{e}");
    assert_eq!(w.report_calls(), 0);
}
