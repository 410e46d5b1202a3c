//! Retries (review D15): off unless asked for, at most three, only on an active mandate.

use super::*;

async fn retry(sb: &Sandbox, pm: &str) -> (StatusCode, Value) {
    sb.post(&format!("/payments/{pm}/actions/retry"), json!({"data": {"metadata": {"attempt": "manual"}}}), None).await
}

#[tokio::test]
async fn a_failed_payment_is_retried_at_most_three_times_and_only_on_an_active_mandate() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let pm = sb.payment(&md, 4_500).await;
    let (_, _, p) = sb.get(&format!("/payments/{pm}")).await;
    assert_eq!(p["payments"]["retry_if_possible"], false, "retry_if_possible defaults to false");

    for attempt in 0..=3 {
        let (s, v) = sb.simulate("payment_failed", &pm).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let failed = sb.events(&format!("payment={pm}&action=failed")).await;
        let details = &failed.last().unwrap()["details"];
        assert_eq!(details["will_attempt_retry"], false, "GoCardless does not retry on its own by default");
        assert_eq!(details["not_retried_reason"], "other");
        let (s, v) = retry(&sb, &pm).await;
        if attempt < 3 {
            assert_eq!(s, StatusCode::OK, "retry {}: {v}", attempt + 1);
            assert_eq!(v["payments"]["status"], "pending_submission");
        } else {
            assert_eq!((s, reason(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "retry_failed"), "a fourth retry");
        }
    }
    let resubmissions = sb.events(&format!("payment={pm}&action=resubmission_requested")).await;
    assert_eq!(resubmissions.len(), 3);
    assert_eq!(resubmissions[0]["metadata"], json!({"attempt": "manual"}), "an action's metadata is on its event");

    // A failed payment on a mandate that is no longer active cannot be retried.
    let other = sb.payment(&md, 1_000).await;
    assert_eq!(sb.simulate("payment_failed", &other).await.0, StatusCode::OK);
    let (s, _) = sb.post(&format!("/mandates/{md}/actions/cancel"), json!({"data": {}}), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = retry(&sb, &other).await;
    assert_eq!((s, reason(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "retry_failed"));
}

#[tokio::test]
async fn with_retry_if_possible_gocardless_retries_an_insufficient_funds_failure() {
    let sb = start(Seed::Empty).await;
    let md = sb.mandate().await;
    let body =
        json!({"payments": {"amount": 4_500, "currency": "EUR", "retry_if_possible": true, "links": {"mandate": md}}});
    let (s, p) = sb.post("/payments", body, None).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pm = p["payments"]["id"].as_str().unwrap().to_owned();
    assert_eq!(sb.simulate("payment_failed", &pm).await.0, StatusCode::OK);
    let failed = &sb.events(&format!("payment={pm}&action=failed")).await[0];
    assert_eq!(failed["details"]["will_attempt_retry"], true);
    assert_eq!(sb.status("payments", &pm).await, "failed");

    sb.advance_days(4);
    let events = sb.events(&format!("payment={pm}")).await;
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions[..4], ["created", "submitted", "failed", "resubmission_requested"], "{actions:?}");
    assert_eq!(events[3]["details"]["origin"], "gocardless", "GoCardless retried it, not the API");
}
