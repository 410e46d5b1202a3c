//! The Management API transaction report: typed items, paging, the sandbox's `_Chargeback`.

use crate::sandbox::{eur, start};
use serde_json::json;
use xp_saferpay::{Refund, ReportQuery, TransactionState};

#[tokio::test]
async fn the_report_shows_captures_refunds_and_a_sepa_return() {
    let s = start().await;
    let today = s.ctx.clock.now().date();
    let (debit, capture_id) = s.captured("120.00", "INV-2001").await;
    let refund = Refund { amount: eur("20.00"), order_id: "INV-2001-R1".into(), description: None };
    let refunded = s.client.refund_once(&capture_id, &refund, s.client.first_attempt().unwrap()).await.unwrap();
    let (other, _) = s.captured("9.99", "INV-2002").await;
    s.ctx.clock.advance(time::Duration::days(20));
    let (status, v) = s.admin(&format!("/transactions/{debit}/chargeback"), json!({"kind": "authorised"})).await;
    assert!(status.is_success(), "{v}");
    s.ctx.clock.advance(time::Duration::days(5));

    let window = ReportQuery::days(today - time::Duration::days(1), today + time::Duration::days(2));
    let page = s.client.transactions(&window).await.unwrap();
    assert_eq!((page.page_number, page.total_transactions), (0, 3), "two debits and a refund: {page:?}");
    assert_eq!(page.next_page(), None);
    let item = |id: &str| page.transactions.iter().find(|t| t.transaction_id == id).unwrap();

    let dd = item(&debit);
    assert_eq!(dd.merchant_amount, eur("120.00"));
    assert_eq!((dd.order_id.as_deref(), dd.payment_method.as_deref()), (Some("INV-2001"), Some("DIRECTDEBIT")));
    let auth = dd.authorization_details.as_ref().unwrap();
    assert_eq!((auth.kind.as_str(), auth.state.as_str()), ("PAYMENT", "CAPTURED"));
    assert!(auth.is_captured && auth.is_refunded && !auth.is_cancelled);
    assert_eq!(auth.captured_merchant_amount, Some(eur("120.00")));
    assert!(auth.capture_date.is_some());
    let cb = dd.chargeback.as_ref().expect("the sandbox reports the SEPA return");
    assert_eq!((cb.kind.as_str(), cb.reason_code.as_str(), cb.amount), ("AUTHORISED", "MD06", eur("120.00")));
    assert!(item(&other).chargeback.is_none());

    let r = item(&refunded.refund.transaction.id);
    assert_eq!(r.merchant_amount, eur("20.00"));
    assert_eq!(r.sepa_refund_export.as_ref().map(|e| e.state.as_str()), Some("PENDING"));

    // Page by page, one at a time: every transaction once.
    let mut q = ReportQuery { page_size: 1, ..window.clone() };
    let mut seen = Vec::new();
    loop {
        let p = s.client.transactions(&q).await.unwrap();
        assert_eq!(p.transactions.len(), 1);
        seen.extend(p.transactions.iter().map(|t| t.transaction_id.clone()));
        match p.next_page() {
            Some(n) => q.page_number = n,
            None => break,
        }
    }
    seen.sort();
    let mut all: Vec<String> = page.transactions.iter().map(|t| t.transaction_id.clone()).collect();
    all.sort();
    assert_eq!(seen, all);

    let failed = s.client.transactions(&ReportQuery { state: Some(TransactionState::Failed), ..window }).await.unwrap();
    assert_eq!(failed.total_transactions, 0);
}

#[tokio::test]
async fn a_declined_debit_is_listed_as_failed_and_today_cannot_be_asked_for() {
    let s = start().await;
    // Saferpay's "today" is Zurich's: from 23:00 UTC (22:00 in summer) a day after UTC's.
    let today = xp_saferpay::to_swiss(s.ctx.clock.now()).date();
    s.admin("/decline", json!({"count": 1})).await;
    let e = s
        .client
        .authorize_direct(&crate::sandbox::debit("3.00", "INV-2003"), &s.client.first_attempt().unwrap())
        .await
        .unwrap_err();
    assert!(e.is("TRANSACTION_DECLINED"), "{e:?}");
    assert!(e.api().unwrap().transaction_id.is_some(), "the declined transaction is named");

    let e = s.client.transactions(&ReportQuery::days(today, today)).await.unwrap_err();
    assert!(e.is("VALIDATION_FAILED"), "the report covers yesterday and earlier: {e:?}");

    s.ctx.clock.advance(time::Duration::days(2));
    let q = ReportQuery { state: Some(TransactionState::Failed), ..ReportQuery::days(today, today) };
    let page = s.client.transactions(&q).await.unwrap();
    assert_eq!(page.total_transactions, 1);
    let f = page.transactions[0].failed_details.as_ref().expect("failed details");
    assert_eq!(f.saferpay_error_code.as_deref(), Some("TRANSACTION_DECLINED"));
    assert!(page.transactions[0].authorization_details.is_none());
}
