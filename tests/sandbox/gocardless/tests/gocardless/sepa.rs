//! SEPA mandates go to the banks with their first payment (review D3), and every timing is
//! counted in SEPA working days (review D16).

use super::*;

#[tokio::test]
async fn a_sepa_mandate_is_submitted_and_activated_with_its_first_payment_in_working_days() {
    let sb = start(Seed::Empty).await;
    let t0 = next_december_22(sb.now());
    sb.advance_to(t0);
    let md = sb.mandate().await;
    let today = t0.date();
    let npcd = add_working_days(today, 3);

    let (_, _, m) = sb.get(&format!("/mandates/{md}")).await;
    assert_eq!(
        m["mandates"]["next_possible_charge_date"],
        npcd.to_string(),
        "today + 3 SEPA working days, skipping Christmas and the weekend"
    );
    let early = add_working_days(today, 2).to_string();
    let body = json!({"payments": {"amount": 5000, "currency": "EUR", "charge_date": early, "links": {"mandate": md}}});
    let (s, v) = sb.post("/payments", body, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["type"], "validation_failed");
    assert_eq!(v["error"]["errors"][0]["field"], "charge_date");
    assert_eq!(v["error"]["errors"][0]["message"], "must be on or after mandate's next_possible_charge_date");

    let pm = sb.payment(&md, 5000).await;
    let (_, _, p) = sb.get(&format!("/payments/{pm}")).await;
    assert_eq!(p["payments"]["charge_date"], npcd.to_string());

    let submit = add_working_days(today, 1);
    sb.advance_to(at(submit, 9, 59));
    assert_eq!(sb.status("mandates", &md).await, "pending_submission");
    sb.advance_to(at(submit, 10, 1));
    assert_eq!(sb.status("payments", &pm).await, "submitted", "submitted one working day after creation");
    assert_eq!(sb.status("mandates", &md).await, "submitted", "the mandate goes to the banks with its payment");

    let confirm = add_working_days(npcd, 1);
    sb.advance_to(at(confirm, 9, 59));
    assert_eq!(sb.status("mandates", &md).await, "submitted", "not active before the payment's outcome");
    sb.advance_to(at(confirm, 10, 1));
    assert_eq!(sb.status("payments", &pm).await, "confirmed");
    assert_eq!(sb.status("mandates", &md).await, "active", "active with its first payment");
    assert_eq!(sb.actions(&format!("mandate={md}")).await, ["created", "submitted", "active"]);

    let payout_day = add_working_days(npcd, 3);
    sb.advance_to(at(payout_day, 10, 59));
    assert_eq!(sb.status("payments", &pm).await, "confirmed");
    sb.advance_to(at(payout_day, 11, 1));
    assert_eq!(sb.status("payments", &pm).await, "paid_out", "paid out six working days after creation");
    let (_, _, p) = sb.get(&format!("/payments/{pm}")).await;
    let po = p["payments"]["links"]["payout"].as_str().unwrap().to_owned();
    let (_, _, v) = sb.get(&format!("/payouts/{po}")).await;
    assert_eq!((v["payouts"]["status"].as_str(), &v["payouts"]["arrival_date"]), (Some("pending"), &Value::Null));
    sb.advance_hours(4);
    let (_, _, v) = sb.get(&format!("/payouts/{po}")).await;
    assert_eq!(v["payouts"]["status"], "paid");
    assert_eq!(v["payouts"]["arrival_date"], payout_day.to_string());
}

#[tokio::test]
async fn a_bank_rejecting_the_mandate_fails_its_first_payment_and_cancels_the_others() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let first = sb.payment(&md, 7000).await;
    let later = add_working_days(sb.now().date(), 15).to_string();
    let body = json!({"payments": {"amount": 8000, "currency": "EUR", "charge_date": later, "links": {"mandate": md}}});
    let (s, v) = sb.post("/payments", body, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let second = v["payments"]["id"].as_str().unwrap().to_owned();

    let r = sb
        .http
        .post(format!("{}/_sandbox/mandates/{md}/fail_with_first_payment", sb.base))
        .json(&json!({"cause": "bank_account_closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    sb.advance_days(3);
    assert_ne!(sb.status("mandates", &md).await, "failed", "the bank answers with the first payment's outcome");
    sb.advance_days(7);

    assert_eq!(sb.status("payments", &first).await, "failed");
    assert_eq!(sb.status("mandates", &md).await, "failed", "the mandate fails with its first payment");
    assert_eq!(sb.status("payments", &second).await, "cancelled");
    let failed = &sb.events(&format!("payment={first}&action=failed")).await[0];
    assert_eq!(failed["details"]["cause"], "bank_account_closed");
    assert_eq!(failed["details"]["reason_code"], "AC04");
    assert_eq!(failed["details"]["will_attempt_retry"], false);
    let mandate_failed = &sb.events(&format!("mandate={md}&action=failed")).await[0];
    assert_eq!(mandate_failed["details"]["cause"], "bank_account_closed");
    assert_eq!(mandate_failed["created_at"], failed["created_at"], "one answer from the bank");
    let cancelled = &sb.events(&format!("payment={second}&action=cancelled")).await[0];
    assert_eq!(cancelled["links"]["parent_event"], mandate_failed["id"], "cancelled because the mandate failed");

    let (s, v) = sb
        .post("/payments", json!({"payments": {"amount": 100, "currency": "EUR", "links": {"mandate": md}}}), None)
        .await;
    assert_eq!((s, reason(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "mandate_is_inactive"));
}

#[tokio::test]
async fn a_duplicate_bank_account_is_a_validation_failure_with_status_409() {
    let sb = start(Seed::Empty).await;
    let (_, cu) = sb
        .post(
            "/customers",
            json!({"customers": {"email": "a@example.de", "given_name": "A", "family_name": "B"}}),
            None,
        )
        .await;
    let cu = cu["customers"]["id"].as_str().unwrap();
    let body = json!({"customer_bank_accounts": {"account_holder_name": "A B", "iban": "DE89370400440532013000", "links": {"customer": cu}}});
    let (s, first) = sb.post("/customer_bank_accounts", body.clone(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (s, v) = sb.post("/customer_bank_accounts", body, None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // gocardless-pro-python fixture `validation_failed_duplicate_bank_account_error.json`.
    assert_eq!((v["error"]["type"].as_str(), v["error"]["code"].as_i64()), (Some("validation_failed"), Some(409)));
    assert_eq!(reason(&v), "bank_account_exists");
    assert_eq!(v["error"]["errors"][0]["links"]["customer_bank_account"], first["customer_bank_accounts"]["id"]);
}

#[tokio::test]
async fn a_bank_cancelling_an_active_mandate_cancels_its_unsubmitted_payments() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let hook = format!("{}/_sandbox/mandates/{md}/cancel_by_bank", sb.base);
    let r = sb.http.post(&hook).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "a mandate never submitted is not with the bank yet");

    let first = sb.payment(&md, 1_500).await;
    assert_eq!(sb.simulate("payment_paid_out", &first).await.0, StatusCode::OK);
    let pending = sb.payment(&md, 2_500).await;
    let r = sb.http.post(&hook).json(&json!({"cause": "bank_account_closed"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    assert_eq!(sb.status("mandates", &md).await, "cancelled");
    let cancelled = &sb.events(&format!("mandate={md}&action=cancelled")).await[0];
    assert_eq!(
        (cancelled["details"]["origin"].as_str(), cancelled["details"]["cause"].as_str()),
        (Some("bank"), Some("bank_account_closed"))
    );
    assert_eq!(sb.status("payments", &pending).await, "cancelled");
    let p = &sb.events(&format!("payment={pending}&action=cancelled")).await[0];
    assert_eq!(p["links"]["parent_event"], cancelled["id"]);
    assert_eq!(sb.status("payments", &first).await, "paid_out", "money already collected stays collected");
}

#[tokio::test]
async fn the_bank_charges_back_a_paid_out_payment_once_and_not_one_still_to_collect() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 4_200).await;
    let hook = format!("{}/_sandbox/payments/{pm}/charge_back", sb.base);
    let r = sb.http.post(&hook).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "money not collected yet cannot come back");
    assert_eq!(sb.status("payments", &pm).await, "pending_submission");

    assert_eq!(sb.simulate("payment_paid_out", &pm).await.0, StatusCode::OK);
    let r = sb.http.post(&hook).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(sb.status("payments", &pm).await, "charged_back");
    let back = &sb.events(&format!("payment={pm}&action=charged_back")).await[0];
    assert_eq!(
        (
            back["details"]["origin"].as_str(),
            back["details"]["cause"].as_str(),
            back["details"]["reason_code"].as_str()
        ),
        (Some("bank"), Some("authorisation_disputed"), Some("MD01"))
    );
    let r = sb.http.post(&hook).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "charged back once");
}
