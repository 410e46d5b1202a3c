//! D12: a captured SEPA direct debit can come back. The payer may claim an authorised debit for
//! 8 weeks and an unauthorised one for 13 months; the sandbox's switch follows the simulated
//! clock and refuses outside those windows.

use super::*;

async fn charge_back(sb: &Sb, id: &str, kind: &str) -> (StatusCode, Value) {
    sb.admin(&format!("/transactions/{id}/chargeback"), json!({"kind": kind})).await
}

#[tokio::test]
async fn claims_are_accepted_only_inside_their_windows() {
    let sb = start(Seed::Empty).await;
    let (early, _) = sb.captured_sepa("12000", "INV-A00030").await;
    let (late, _) = sb.captured_sepa("8000", "INV-A00031").await;
    let (stale, _) = sb.captured_sepa("5000", "INV-A00032").await;

    sb.ctx.clock.advance(time::Duration::weeks(7));
    let (s, v) = charge_back(&sb, &early, "authorised").await;
    assert_eq!(s, StatusCode::OK, "within 8 weeks: {v}");
    assert_eq!(v["Chargeback"]["Kind"], "AUTHORISED");
    assert_eq!(v["Chargeback"]["ReasonCode"], "MD06", "refund request by end customer");
    assert_eq!(v["Chargeback"]["Amount"], json!({"Value": "12000", "CurrencyCode": "EUR"}), "the whole debit");
    let (s, _) = charge_back(&sb, &early, "unauthorised").await;
    assert_eq!(s, StatusCode::CONFLICT, "a debit comes back once");

    sb.ctx.clock.advance(time::Duration::weeks(2));
    let (s, v) = charge_back(&sb, &late, "authorised").await;
    assert_eq!(s, StatusCode::CONFLICT, "9 weeks after the debit: {v}");
    assert!(v["error"].as_str().unwrap().contains("possible until"), "{v}");
    let (s, v) = charge_back(&sb, &late, "unauthorised").await;
    assert_eq!(s, StatusCode::OK, "an unauthorised debit can be claimed for 13 months: {v}");
    assert_eq!(v["Chargeback"]["ReasonCode"], "MD01");

    sb.ctx.clock.advance(time::Duration::days(13 * 31));
    let (s, _) = charge_back(&sb, &stale, "unauthorised").await;
    assert_eq!(s, StatusCode::CONFLICT, "more than 13 months after the debit");

    // The JSON API has no status for it: Inquire still says CAPTURED.
    let inq = sb.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"TransactionId": early}})).await;
    assert_eq!(inq["Transaction"]["Status"], "CAPTURED");
}

#[tokio::test]
async fn only_captured_sepa_payments_come_back() {
    let sb = start(Seed::Empty).await;
    let auth = sb.sepa("5000", "M-CB-1").await;
    let uncaptured = auth["Transaction"]["Id"].as_str().unwrap();
    let (s, v) = charge_back(&sb, uncaptured, "authorised").await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing was debited yet: {v}");

    let card = sb.card_payment("900").await;
    sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": card}})).await;
    let (s, _) = charge_back(&sb, &card, "authorised").await;
    assert_eq!(s, StatusCode::CONFLICT, "card disputes are not SEPA claims");

    let (s, _) = charge_back(&sb, "nosuchtransaction", "authorised").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (id, _) = sb.captured_sepa("5000", "INV-A00033").await;
    let (s, _) = charge_back(&sb, &id, "whenever").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) =
        sb.admin(&format!("/transactions/{id}/chargeback"), json!({"kind": "authorised", "reason": "AM04"})).await;
    assert_eq!((s, &v["Chargeback"]["ReasonCode"]), (StatusCode::OK, &json!("AM04")), "a reason code of the caller's");
}
