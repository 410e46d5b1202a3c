//! Payouts carry every movement of the creditor's money (review D5).

use super::*;

#[tokio::test]
async fn chargebacks_are_debited_from_a_later_payout_with_their_fees_refunded() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let small = sb.payment(&md, 5_000).await;
    let (a, b) = (sb.payment(&md, 40_000).await, sb.payment(&md, 30_000).await);
    for pm in [&a, &b] {
        let (s, v) = sb.simulate("payment_charged_back", pm).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(sb.status("payments", pm).await, "charged_back");
    }
    let (_, _, v) = sb.get("/payouts").await;
    assert_eq!(v["payouts"].as_array().unwrap().len(), 2, "each charged-back payment was paid out first");

    // A payment created a working day later, so it is paid out later than `small`.
    let (_, _, p) = sb.get(&format!("/payments/{small}")).await;
    let small_charge = p["payments"]["charge_date"].as_str().unwrap().to_owned();
    loop {
        sb.advance_hours(6);
        let (_, _, m) = sb.get(&format!("/mandates/{md}")).await;
        if m["mandates"]["next_possible_charge_date"].as_str().unwrap() > small_charge.as_str() {
            break;
        }
    }
    let big = sb.payment(&md, 200_000).await;

    // On `small`'s payout day the balance (5,000 − 70 − 69,280) is negative: nothing is paid
    // out, and `small` stays confirmed until collections make up for it.
    let small_day = add_working_days(date(&small_charge), 3);
    sb.advance_to(at(small_day, 12, 0));
    assert_eq!(sb.status("payments", &small).await, "confirmed", "a negative balance holds payouts back");
    let (_, _, v) = sb.get("/payouts").await;
    assert_eq!(v["payouts"].as_array().unwrap().len(), 2);
    assert!(sb.events("action=chargeback_settled").await.is_empty());

    sb.advance_days(10);
    assert_eq!(sb.status("payments", &small).await, "paid_out");
    assert_eq!(sb.status("payments", &big).await, "paid_out");
    let (_, _, p) = sb.get(&format!("/payments/{big}")).await;
    let po = p["payments"]["links"]["payout"].as_str().unwrap().to_owned();
    let (_, _, p) = sb.get(&format!("/payments/{small}")).await;
    assert_eq!(p["payments"]["links"]["payout"], po.as_str(), "held back, then paid out with the next payout");
    let (_, _, payout) = sb.get(&format!("/payouts/{po}")).await;
    let payout = &payout["payouts"];
    // Credits 200,000 and 5,000 less fees 400 and 70; debits 40,000 and 30,000 with their fees
    // 400 and 320 refunded.
    assert_eq!(payout["amount"], 200_000 - 400 + 5_000 - 70 - 40_000 + 400 - 30_000 + 320);
    assert_eq!(payout["deducted_fees"], 400 + 70 - 400 - 320, "refunded fees make deducted_fees negative");
    let (_, _, items) = sb.get(&format!("/payout_items?payout={po}&limit=500")).await;
    let items = items["payout_items"].as_array().unwrap();
    let of = |pm: &str| -> Vec<(String, String)> {
        items
            .iter()
            .filter(|i| i["links"]["payment"] == pm)
            .map(|i| (i["type"].as_str().unwrap().to_owned(), i["amount"].as_str().unwrap().to_owned()))
            .collect()
    };
    let pair =
        |t: &str, a: &str, f: &str| vec![(t.to_owned(), a.to_owned()), ("gocardless_fee".to_owned(), f.to_owned())];
    assert_eq!(of(&a), pair("payment_charged_back", "-40000.0", "400.0"));
    assert_eq!(of(&b), pair("payment_charged_back", "-30000.0", "320.0"));
    assert_eq!(of(&big), pair("payment_paid_out", "200000.0", "-400.0"));
    for pm in [&a, &b] {
        let settled = sb.events(&format!("payment={pm}&action=chargeback_settled")).await;
        assert_eq!(settled.len(), 1, "chargeback_settled once the debit is in a payout");
        assert_eq!(settled[0]["links"]["payout"], po.as_str());
    }
}
