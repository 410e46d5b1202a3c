//! GoCardless's scenario simulators, with their documented compatibility limits.

use super::*;

#[tokio::test]
async fn simulators_refuse_what_gocardless_documents_as_incompatible_with_sepa() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    for scenario in ["mandate_activated", "mandate_failed", "mandate_transferred_with_resubmission"] {
        let (s, v) = sb.simulate(scenario, &md).await;
        assert_eq!(
            (s, v["error"]["type"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_state")),
            "{scenario}: {v}"
        );
    }
    assert_eq!(sb.status("mandates", &md).await, "pending_submission");
    let (s, _) = sb.simulate("payment_teleported", &md).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "an unknown simulator");
    let (s, v) = sb.simulate("payment_paid_out", "PM0000NOTTHERE").await;
    assert_eq!((s, v["error"]["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("resource")));
    let (s, v) = sb.post("/scenario_simulators/payment_paid_out/actions/run", json!({"data": {}}), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "links.resource is required: {v}");
}

#[tokio::test]
async fn payment_paid_out_walks_the_payment_and_its_sepa_mandate_through_every_step() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 12_345).await;
    let (s, v) = sb.simulate("payment_paid_out", &pm).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"scenario_simulators": {"id": "payment_paid_out"}})));
    assert_eq!(sb.actions(&format!("payment={pm}")).await, ["created", "submitted", "confirmed", "paid_out"]);
    assert_eq!(
        sb.actions(&format!("mandate={md}")).await,
        ["created", "submitted", "active"],
        "submitted with its payment"
    );
    let (_, _, p) = sb.get(&format!("/payments/{pm}")).await;
    let po = p["payments"]["links"]["payout"].as_str().expect("a payout was created");
    let (_, _, payout) = sb.get(&format!("/payouts/{po}")).await;
    assert_eq!(payout["payouts"]["amount"], 12_345 - 143);

    let (s, v) = sb.simulate("payment_paid_out", &pm).await;
    assert_eq!(
        (s, reason(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_resource_state"),
        "it must start in pending_submission"
    );
}

#[tokio::test]
async fn a_settled_late_failure_nets_out_in_one_payout() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 10_000).await;
    let (s, v) = sb.simulate("payment_late_failure_settled", &pm).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        sb.actions(&format!("payment={pm}")).await,
        ["created", "submitted", "confirmed", "failed", "late_failure_settled"]
    );
    let settled = &sb.events(&format!("payment={pm}&action=late_failure_settled")).await[0];
    let po = settled["links"]["payout"].as_str().unwrap();
    let (_, _, items) = sb.get(&format!("/payout_items?payout={po}")).await;
    let types: Vec<&str> =
        items["payout_items"].as_array().unwrap().iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["payment_paid_out", "gocardless_fee", "payment_failed", "gocardless_fee"]);
    let (_, _, payout) = sb.get(&format!("/payouts/{po}")).await;
    assert_eq!((payout["payouts"]["amount"].as_i64(), payout["payouts"]["deducted_fees"].as_i64()), (Some(0), Some(0)));
    assert_eq!(sb.status("mandates", &md).await, "active", "insufficient funds is no fault of the mandate");
}

#[tokio::test]
async fn mandate_expired_cancels_its_pending_payments_and_payouts_and_refunds_bounce() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 2_000).await;
    let (s, v) = sb.simulate("mandate_expired", &md).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(sb.actions(&format!("mandate={md}")).await, ["created", "submitted", "active", "expired"]);
    let expired = &sb.events(&format!("mandate={md}&action=expired")).await[0];
    let cancelled = &sb.events(&format!("payment={pm}&action=cancelled")).await[0];
    assert_eq!(cancelled["links"]["parent_event"], expired["id"]);

    let md2 = sb.mandate().await;
    let pm2 = sb.payment(&md2, 9_000).await;
    assert_eq!(sb.simulate("payment_paid_out", &pm2).await.0, StatusCode::OK);
    let (_, _, p) = sb.get(&format!("/payments/{pm2}")).await;
    let po = p["payments"]["links"]["payout"].as_str().unwrap().to_owned();
    let (s, v) = sb.simulate("payout_bounced", &po).await;
    assert_eq!(
        (s, reason(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_resource_state"),
        "only a paid payout bounces"
    );
    sb.advance_hours(5);
    assert_eq!(sb.simulate("payout_bounced", &po).await.0, StatusCode::OK);
    assert_eq!(sb.status("payouts", &po).await, "bounced");

    let body = json!({"refunds": {"amount": 1_000, "total_amount_confirmation": 1_000, "links": {"payment": pm2}}});
    let (_, rf) = sb.post("/refunds", body, None).await;
    let rf = rf["refunds"]["id"].as_str().unwrap().to_owned();
    assert_eq!(sb.simulate("refund_bounced", &rf).await.0, StatusCode::OK);
    assert_eq!(sb.status("refunds", &rf).await, "bounced");
    let (_, _, p) = sb.get(&format!("/payments/{pm2}")).await;
    assert_eq!(p["payments"]["amount_refunded"], 0, "the bounced refund's money came back");
}
