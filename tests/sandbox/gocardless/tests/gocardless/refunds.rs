//! Refund rules (review D4) and the refund's way into a payout.

use super::*;

async fn refund(sb: &Sandbox, pm: &str, amount: i64, total: Option<i64>) -> (StatusCode, Value) {
    let mut r = json!({"amount": amount, "links": {"payment": pm}});
    if let Some(t) = total {
        r["total_amount_confirmation"] = json!(t);
    }
    sb.post("/refunds", json!({ "refunds": r }), None).await
}

#[tokio::test]
async fn refunds_need_the_confirmed_total_and_enough_balance() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 120_000).await;
    assert_eq!(sb.simulate("payment_paid_out", &pm).await.0, StatusCode::OK);

    let (s, v) = refund(&sb, &pm, 20_000, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "total_amount_confirmation is required with links[payment]: {v}");
    assert_eq!(v["error"]["type"], "validation_failed");
    assert_eq!(v["error"]["errors"][0]["field"], "total_amount_confirmation");

    let (s, v) = refund(&sb, &pm, 20_000, Some(30_000)).await;
    assert_eq!((s, reason(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "total_amount_confirmation_invalid"));
    assert_eq!(v["error"]["type"], "invalid_state");

    let (s, first) = refund(&sb, &pm, 20_000, Some(20_000)).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["refunds"]["status"], "pending_submission");
    let (s, v) = refund(&sb, &pm, 10_000, Some(10_000)).await;
    assert_eq!(
        (s, reason(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "total_amount_confirmation_invalid"),
        "the total includes earlier refunds"
    );
    let (s, v) = refund(&sb, &pm, 10_000, Some(30_000)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, _, p) = sb.get(&format!("/payments/{pm}")).await;
    assert_eq!(p["payments"]["amount_refunded"], 30_000);

    // The creditor's balance is now 300.00 below zero; 6,000.00 more exceeds what refunds may
    // draw (gocardless-pro-python `refunds_service.py`: available_refund_amount_insufficient).
    let big = sb.payment(&md, 600_000).await;
    assert_eq!(sb.simulate("payment_paid_out", &big).await.0, StatusCode::OK);
    let (s, v) = refund(&sb, &big, 600_000, Some(600_000)).await;
    assert_eq!((s, reason(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "available_refund_amount_insufficient"));

    // refund_settled: paid, then debited in a payout of its own (negative: nothing else in it).
    let rf = first["refunds"]["id"].as_str().unwrap();
    let (s, v) = sb.simulate("refund_settled", rf).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(sb.status("refunds", rf).await, "paid");
    let settled = sb.events(&format!("refund={rf}")).await;
    let actions: Vec<&str> = settled.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "paid", "refund_settled"]);
    let po = settled[2]["links"]["payout"].as_str().unwrap();
    let (_, _, payout) = sb.get(&format!("/payouts/{po}")).await;
    assert_eq!(payout["payouts"]["amount"], -20_000, "the payout's amount is its items' sum");
    let (_, _, items) = sb.get(&format!("/payout_items?payout={po}")).await;
    assert_eq!(
        items["payout_items"][0],
        json!({"type": "payment_refunded", "amount": "-20000.0", "taxes": [],
               "links": {"payment": pm, "mandate": md, "refund": rf}})
    );
}
