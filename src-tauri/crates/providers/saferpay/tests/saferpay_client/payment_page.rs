//! The hosted SEPA mandate flow: Initialize with DIRECTDEBIT, the payer on Saferpay's page (a
//! plain HTTP client plays the system browser), Assert.

use crate::sandbox::{attempt, eur, start, IBAN};
use url::Url;
use xp_saferpay::{retry_decision, Behavior, Decision, PaymentPageRequest, TransactionStatus};

fn page_request(order: &str) -> PaymentPageRequest {
    PaymentPageRequest {
        amount: eur("1200.00"),
        order_id: order.into(),
        description: format!("Invoice {order}"),
        mandate_id: format!("M-{order}"),
        return_url: Url::parse(&format!("https://pay.example.com/saferpay/return?o={order}")).unwrap(),
        success_notify_url: None,
        fail_notify_url: None,
    }
}

#[tokio::test]
async fn the_payer_accepts_the_mandate_on_the_page_and_assert_returns_the_debit() {
    let s = start().await;
    let page = s.client.initialize_payment_page(&page_request("INV-0042"), &attempt("pp-1")).await.unwrap();
    assert!(
        page.redirect_url.as_str().starts_with(&format!("{}vt2/api/PaymentPage/", s.origin)),
        "the URL for the system browser: {}",
        page.redirect_url
    );
    assert!(page.expiration > time::OffsetDateTime::now_utc());

    let first = attempt("pp-2");
    let e = s.client.assert_payment_page(&page.token, &first).await.unwrap_err();
    assert!(e.is("TRANSACTION_NOT_STARTED"), "{e:?}");
    assert_eq!(e.api().unwrap().behavior, Behavior::RetryLater);
    let Decision::RetryLater(later) = retry_decision(&e, &first) else { panic!("not started yet: later") };

    let html = s.browser.get(page.redirect_url.clone()).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("SEPA Direct Debit") && html.contains("M-INV-0042"), "the page shows our mandate: {html}");
    let paid = s
        .browser
        .post(page.redirect_url.clone())
        .form(&[
            ("method", "DIRECTDEBIT"),
            ("iban", "DE89 3704 0044 0532 0130 00"),
            ("holder_name", "Muster GmbH"),
            ("mandate", "accepted"),
            ("action", "pay"),
        ])
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_redirection(), "back to the ReturnUrl: {}", paid.status());

    let auth = s.client.assert_payment_page(&page.token, &later).await.unwrap();
    let t = &auth.transaction;
    assert_eq!((t.status, t.amount), (TransactionStatus::Authorized, eur("1200.00")));
    assert_eq!(t.direct_debit.as_ref().map(|d| d.mandate_id.as_str()), Some("M-INV-0042"));
    assert_eq!(auth.payment_means.bank_account.as_ref().map(|b| b.iban.as_str()), Some(IBAN));
    let cap = s.client.capture_once(&t.id, attempt("pp-3")).await.unwrap();
    assert_eq!(cap.capture_id, format!("{}_c", t.id));
}

#[tokio::test]
async fn notification_urls_must_be_http() {
    let s = start().await;
    let mut req = page_request("INV-0043");
    req.success_notify_url = Some(Url::parse("xero-partner://saferpay/notify").unwrap());
    let e = s.client.initialize_payment_page(&req, &attempt("pp-4")).await.unwrap_err();
    assert!(matches!(e, xp_saferpay::Error::InvalidInput(_)), "{e:?}");
    assert_eq!(s.hits("PaymentPage/Initialize"), 0);
}
