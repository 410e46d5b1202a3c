//! A SEPA mandate set up through the hosted flow, payments driven through GoCardless's
//! scenario simulators, refunds, cancellations and retries, with every amount exact.

use crate::sandbox::{eur, start};
use xp_core::ErrorCode;
use xp_gocardless::{
    BillingRequestStatus, Error, ListParams, MandateStatus, Metadata, NewCustomer, NewFlow, NewMandateRequest,
    NewRefund, PaymentStatus, RefundStatus,
};

#[tokio::test]
async fn a_mandate_comes_from_the_hosted_flow_and_activates_with_its_first_payment() {
    let s = start().await;
    let creditors = s.gc.creditors(&s.token, &ListParams::new()).await.unwrap();
    assert_eq!(creditors.items.len(), 1, "one access token, one creditor");
    assert!(creditors.items[0].scheme_identifiers.iter().any(|i| i.scheme == "sepa_core"));

    let customer = NewCustomer {
        email: Some("buchhaltung@example.de".into()),
        company_name: Some("Muster GmbH".into()),
        country_code: Some("DE".into()),
        language: Some("de".into()),
        ..NewCustomer::default()
    };
    let customer = s.gc.create_customer(&s.token, &customer, "cust-1").await.unwrap();
    assert_eq!(customer.company_name.as_deref(), Some("Muster GmbH"));

    let flow = NewFlow { redirect_uri: Some("https://app.example/done".parse().unwrap()), ..NewFlow::default() };
    let setup =
        s.gc.start_mandate_setup(&s.token, &NewMandateRequest::sepa(Some(customer.id.clone())), &flow, "mandate-1")
            .await
            .unwrap();
    assert_eq!(setup.billing_request.status, BillingRequestStatus::Pending);
    assert_eq!(setup.billing_request.links.customer, customer.id);
    assert_eq!(setup.flow.links.billing_request, setup.billing_request.id);
    assert!(
        setup.flow.authorisation_url.as_str().starts_with(s.origin.as_str())
            && setup.flow.authorisation_url.query() == Some(&format!("id={}", setup.flow.id)),
        "the payer is sent to the hosted page of this flow: {}",
        setup.flow.authorisation_url
    );
    assert!(setup.flow.expires_at > setup.flow.created_at);

    s.payer_completes(&setup.flow.id).await;
    let br = s.gc.billing_request(&s.token, &setup.billing_request.id).await.unwrap();
    assert_eq!(br.status, BillingRequestStatus::Fulfilled, "auto_fulfil creates the mandate");
    let mandate = s.gc.mandate(&s.token, br.links.mandate_request_mandate.as_deref().unwrap()).await.unwrap();
    assert_eq!(
        mandate.status,
        MandateStatus::PendingSubmission,
        "a SEPA mandate waits for its first payment to be submitted (review D3)"
    );
    assert_eq!(mandate.links.customer, customer.id);
    let account = s.gc.customer_bank_account(&s.token, &mandate.links.customer_bank_account).await.unwrap();
    assert_eq!(account.account_number_ending.len(), 2, "only the last digits are ever shown");
    assert!(account.bank_name.is_some());

    // The first payment, on the earliest date GoCardless allows.
    let npcd = mandate.next_possible_charge_date.expect("a usable mandate has a next possible charge date");
    let mut new = s.new_payment(&mandate.id, "1234.56", "INV-0042");
    new.charge_date = Some(npcd);
    new.metadata = Metadata::from([("invoice_id".to_owned(), "046d8a6d".to_owned())]);
    new.retry_if_possible = Some(false);
    let pm = s.gc.create_payment(&s.token, &new, "pay-INV-0042").await.unwrap();
    assert_eq!(pm.amount, eur("1234.56"));
    assert_eq!(pm.amount.amount.to_string(), "1234.56", "123456 cents, not a float");
    assert_eq!(pm.amount_refunded, eur("0"));
    assert_eq!(
        (pm.status, pm.charge_date, pm.reference.as_deref()),
        (PaymentStatus::PendingSubmission, npcd, Some("INV-0042"))
    );
    assert_eq!(pm.metadata.get("invoice_id").map(String::as_str), Some("046d8a6d"));
    assert_eq!(pm.links.mandate, mandate.id);

    s.gc.run_scenario(&s.token, "payment_confirmed", &pm.id).await.unwrap();
    assert_eq!(s.gc.payment(&s.token, &pm.id).await.unwrap().status, PaymentStatus::Confirmed);
    let mandate = s.gc.mandate(&s.token, &mandate.id).await.unwrap();
    assert_eq!(mandate.status, MandateStatus::Active, "submitted and activated with its first payment");

    // A charge date before the mandate's next possible one is refused by field.
    let mut early = s.new_payment(&mandate.id, "10.00", "INV-0043");
    early.charge_date = Some(npcd.previous_day().unwrap());
    let e = s.gc.create_payment(&s.token, &early, "pay-INV-0043").await.unwrap_err();
    match &e {
        Error::Validation(p) => assert_eq!(p.errors[0].field.as_deref(), Some("charge_date"), "{e}"),
        other => panic!("an early charge date is a validation failure, got {other:?}"),
    }
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn payments_are_cancelled_retried_and_refunded_with_the_states_guarded() {
    let s = start().await;
    let md = s.mandate("acme").await;

    // Cancel only while pending submission.
    let a = s.gc.create_payment(&s.token, &s.new_payment(&md, "50.00", "A"), "pay-A").await.unwrap();
    let cancelled = s.gc.cancel_payment(&s.token, &a.id, &Metadata::new()).await.unwrap();
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);
    let e = s.gc.cancel_payment(&s.token, &a.id, &Metadata::new()).await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidState(p) if p.has_reason("cancellation_failed")),
        "a second cancel is invalid_state cancellation_failed: {e:?}"
    );
    assert_eq!(e.code(), ErrorCode::InvalidInput);

    // A failed payment is collected again by retry.
    let b = s.gc.create_payment(&s.token, &s.new_payment(&md, "75.10", "B"), "pay-B").await.unwrap();
    s.gc.run_scenario(&s.token, "payment_failed", &b.id).await.unwrap();
    assert_eq!(s.gc.payment(&s.token, &b.id).await.unwrap().status, PaymentStatus::Failed);
    let retried = s.gc.retry_payment(&s.token, &b.id, None, &Metadata::new()).await.unwrap();
    assert_eq!(retried.status, PaymentStatus::PendingSubmission);
    let e = s.gc.retry_payment(&s.token, &b.id, None, &Metadata::new()).await.unwrap_err();
    assert!(matches!(&e, Error::InvalidState(p) if p.reason() == Some("retry_failed")), "{e:?}");

    // Refunds of a paid-out payment confirm the running total.
    let c = s.gc.create_payment(&s.token, &s.new_payment(&md, "999.99", "C"), "pay-C").await.unwrap();
    s.gc.run_scenario(&s.token, "payment_paid_out", &c.id).await.unwrap();
    let refund = |amount: &str, total: &str| NewRefund {
        payment: c.id.clone(),
        amount: eur(amount),
        total_amount_confirmation: eur(total),
        reference: Some("Gutschrift".into()),
        metadata: Metadata::new(),
    };
    let r1 = s.gc.create_refund(&s.token, &refund("200.01", "200.01"), "refund-C-1").await.unwrap();
    assert_eq!((r1.amount, r1.status), (eur("200.01"), RefundStatus::PendingSubmission));
    assert_eq!(r1.links.payment, c.id);
    let e = s.gc.create_refund(&s.token, &refund("100.00", "100.00"), "refund-C-2").await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidState(p) if p.has_reason("total_amount_confirmation_invalid")),
        "a total that forgets the first refund is refused, which is what stops a double refund: {e:?}"
    );
    let r2 = s.gc.create_refund(&s.token, &refund("100.00", "300.01"), "refund-C-3").await.unwrap();
    assert_eq!(r2.amount, eur("100.00"));
    let c = s.gc.payment(&s.token, &c.id).await.unwrap();
    assert_eq!((c.status, c.amount_refunded), (PaymentStatus::PaidOut, eur("300.01")));
    let refunds = s.gc.refunds(&s.token, &ListParams::new().filter("payment", c.id.clone())).await.unwrap();
    assert_eq!(refunds.items.len(), 2);

    // Listing by mandate shows all three with their exact amounts.
    let page = s.gc.payments(&s.token, &ListParams::new().filter("mandate", md.clone())).await.unwrap();
    let mut amounts: Vec<String> = page.items.iter().map(|p| p.amount.amount.to_string()).collect();
    amounts.sort();
    assert_eq!(amounts, ["50.00", "75.10", "999.99"]);

    // A cancelled mandate takes no payments.
    let m = s.gc.cancel_mandate(&s.token, &md, &Metadata::new()).await.unwrap();
    assert_eq!(m.status, MandateStatus::Cancelled);
    let e = s.gc.create_payment(&s.token, &s.new_payment(&md, "1.00", "D"), "pay-D").await.unwrap_err();
    assert!(matches!(&e, Error::InvalidState(p) if p.has_reason("mandate_is_inactive")), "{e:?}");
    let e = s.gc.cancel_mandate(&s.token, &md, &Metadata::new()).await.unwrap_err();
    assert!(matches!(&e, Error::InvalidState(p) if p.has_reason("cancellation_failed")), "{e:?}");
}

#[tokio::test]
async fn an_unknown_resource_is_not_found_and_a_bad_token_asks_to_reconnect() {
    let s = start().await;
    let e = s.gc.payment(&s.token, "PM000000000000").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e:?}");
    let wrong = xp_core::Sensitive::new("sandbox_not_the_token".to_owned());
    let e = s.gc.creditors(&wrong, &ListParams::new()).await.unwrap_err();
    assert!(matches!(&e, Error::Unauthorized(p) if p.reason() == Some("access_token_not_found")), "{e:?}");
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
    assert!(!e.to_string().contains("sandbox_not_the_token"), "messages never carry the token: {e}");
}
