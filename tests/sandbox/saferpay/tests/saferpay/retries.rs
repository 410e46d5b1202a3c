//! D1: Saferpay does not deduplicate. `RequestId` is "for debugging purposes"
//! (`Common_RequestHeader`), so a retry with the same RequestId and a higher RetryIndicator is
//! executed again; what a client does after a lost answer is ask Transaction/Inquire.

use super::*;

/// Sends `body` under `request_id` with RetryIndicator `retry`.
async fn send(sb: &Sb, path: &str, request_id: &str, retry: u32, mut body: Value) -> (StatusCode, Value) {
    body["RequestHeader"] = sb.header(request_id, retry);
    sb.raw(path, &body).await
}

/// POSTs with a `lost_response` fault queued: true when no complete answer arrived.
async fn send_losing_the_answer(sb: &Sb, path: &str, body: &Value) -> bool {
    let sent = sb
        .http
        .post(format!("{}/api{path}", sb.base))
        .basic_auth(&sb.user, Some(&sb.password))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await;
    match sent {
        Ok(r) => r.bytes().await.is_err(),
        Err(_) => true,
    }
}

#[tokio::test]
async fn a_retried_authorize_direct_debits_a_second_time() {
    let sb = start(Seed::Empty).await;
    let id = request_id();
    // No MandateId: Saferpay then uses each transaction's own id, so nothing stops the repeat.
    let body = sb.sepa_body("4200", "INV-A00009", None);
    let (s1, first) = send(&sb, "/Payment/v1/Transaction/AuthorizeDirect", &id, 0, body.clone()).await;
    let (s2, second) = send(&sb, "/Payment/v1/Transaction/AuthorizeDirect", &id, 1, body).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{second}");
    assert_ne!(first["Transaction"]["Id"], second["Transaction"]["Id"], "the retry is a second debit, not a replay");
    assert_eq!(sb.created(&id), 2, "two transactions under one RequestId");
    assert_eq!(sb.emu.dump()["transactions"].as_array().unwrap().len(), 2);

    // With a MandateId of its own the repeat is refused: it must be unique per transaction.
    let mid = request_id();
    let body = sb.sepa_body("4200", "INV-A00011", Some("M-RETRY-1"));
    let (s, _) = send(&sb, "/Payment/v1/Transaction/AuthorizeDirect", &mid, 0, body.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = send(&sb, "/Payment/v1/Transaction/AuthorizeDirect", &mid, 1, body).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
}

#[tokio::test]
async fn a_retried_refund_refunds_a_second_time() {
    let sb = start(Seed::Empty).await;
    let (_, capture_id) = sb.captured_sepa("10000", "INV-A00012").await;
    let id = request_id();
    let body = json!({"Refund": {"Amount": {"Value": "2500", "CurrencyCode": "EUR"}},
                      "CaptureReference": {"CaptureId": capture_id}});
    let (_, first) = send(&sb, "/Payment/v1/Transaction/Refund", &id, 0, body.clone()).await;
    let (s, second) = send(&sb, "/Payment/v1/Transaction/Refund", &id, 1, body).await;
    assert_eq!(s, StatusCode::OK, "{second}");
    assert_eq!(second["Transaction"]["Type"], "REFUND");
    assert_ne!(first["Transaction"]["Id"], second["Transaction"]["Id"], "two refunds, 2 × 25.00 EUR");
    let refunds = sb.emu.dump()["transactions"].as_array().unwrap().iter().filter(|t| t["Type"] == "REFUND").count();
    assert_eq!(refunds, 2);
}

#[tokio::test]
async fn a_retried_capture_answers_already_captured() {
    let sb = start(Seed::Empty).await;
    let auth = sb.sepa("5000", "M-CAPTURE-1").await;
    let tx = auth["Transaction"]["Id"].as_str().unwrap();
    let id = request_id();
    let body = json!({"TransactionReference": {"TransactionId": tx}});
    let (s, _) = send(&sb, "/Payment/v1/Transaction/Capture", &id, 0, body.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = send(&sb, "/Payment/v1/Transaction/Capture", &id, 1, body).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_ALREADY_CAPTURED", "DO_NOT_RETRY");
    // texts/ErrorResponse.md: TransactionId "of the failed transaction, if available"; OrderId
    // "is only returned in the PaymentPage Assert Response and the Transaction Authorize Response".
    assert_eq!(
        v,
        json!({"ResponseHeader": {"SpecVersion": "1.53", "RequestId": id}, "Behavior": "DO_NOT_RETRY",
               "ErrorName": "TRANSACTION_ALREADY_CAPTURED", "ErrorMessage": "Transaction already captured",
               "TransactionId": tx}),
        "the retry echoes its own RequestId and names the transaction"
    );
    assert_eq!(sb.created(&id), 1, "only the first capture did anything");
}

#[tokio::test]
async fn after_a_lost_answer_inquire_by_order_id_tells_what_happened() {
    let sb = start(Seed::Empty).await;
    sb.ctx.faults.add(Fault::parse_spec("saferpay:lost_response*1").unwrap());
    let mut body = sb.sepa_body("7700", "INV-A00013", Some("M-LOST-1"));
    body["RequestHeader"] = sb.header(&request_id(), 0);
    let lost = send_losing_the_answer(&sb, "/Payment/v1/Transaction/AuthorizeDirect", &body).await;
    assert!(lost, "the client never sees the answer");

    // The OrderId is the client's own, so it can ask without the TransactionId.
    let inq =
        sb.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"OrderId": "INV-A00013"}})).await;
    assert_eq!(inq["Transaction"]["Status"], "AUTHORIZED", "the debit exists: capture it, do not authorize again");
    assert_eq!(inq["Transaction"]["DirectDebit"]["MandateId"], "M-LOST-1");

    // Same for a refund whose answer was lost, by the refund's own OrderId.
    let tx = inq["Transaction"]["Id"].as_str().unwrap();
    let cap = sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": tx}})).await;
    sb.ctx.faults.add(Fault::parse_spec("saferpay:lost_response*1").unwrap());
    let refund = json!({"RequestHeader": sb.header(&request_id(), 0),
                        "Refund": {"Amount": {"Value": "700", "CurrencyCode": "EUR"}, "OrderId": "INV-A00013-R1"},
                        "CaptureReference": {"CaptureId": cap["CaptureId"]}});
    assert!(send_losing_the_answer(&sb, "/Payment/v1/Transaction/Refund", &refund).await);
    let inq =
        sb.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"OrderId": "INV-A00013-R1"}})).await;
    assert_eq!(
        (inq["Transaction"]["Type"].as_str(), inq["Transaction"]["Status"].as_str()),
        (Some("REFUND"), Some("AUTHORIZED"))
    );
    assert_eq!(inq["Transaction"]["Amount"]["Value"], "700");
}
