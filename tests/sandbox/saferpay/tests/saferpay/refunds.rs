//! D2: refunds are not capped by the captured amount unless the request asks for it
//! (`Refund.RestrictRefundAmountToCapturedAmount`, "By default, this check is disabled").
//! D12: a captured SEPA refund waits in the Backoffice export journal.

use super::*;

fn refund_body(capture_id: &str, amount: &str, restrict: Option<Value>) -> Value {
    let mut refund = json!({"Amount": {"Value": amount, "CurrencyCode": "EUR"}});
    if let Some(r) = restrict {
        refund["RestrictRefundAmountToCapturedAmount"] = r;
    }
    json!({"Refund": refund, "CaptureReference": {"CaptureId": capture_id}})
}

#[tokio::test]
async fn refunds_above_the_captured_amount_pass_unless_restricted() {
    let sb = start(Seed::Empty).await;
    let (_, capture_id) = sb.captured_sepa("10000", "INV-A00020").await;
    let over = sb.ok("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "15000", None)).await;
    assert_eq!(over["Transaction"]["Amount"]["Value"], "15000", "more than was captured, and Saferpay takes it");
    let again = sb.ok("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "10000", Some(json!(false)))).await;
    assert_eq!(again["Transaction"]["Type"], "REFUND", "false is the default");

    let (_, capture_id) = sb.captured_sepa("10000", "INV-A00021").await;
    let r1 = sb.ok("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "6000", Some(json!(true)))).await;
    // Authorized, not yet captured refunds count ("All authorized refunds are included").
    let (s, v) = sb.call("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "4001", Some(json!(true)))).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "AMOUNT_INVALID", "DO_NOT_RETRY");
    // "Cancelled refunds are not included."
    sb.ok(
        "/Payment/v1/Transaction/Cancel",
        json!({"TransactionReference": {"TransactionId": r1["Transaction"]["Id"]}}),
    )
    .await;
    let full = sb.ok("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "10000", Some(json!(true)))).await;
    assert_eq!(full["Transaction"]["Status"], "AUTHORIZED");

    let (s, v) = sb.call("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "1", Some(json!("yes")))).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    assert_eq!(
        v["ErrorDetail"][0],
        "Refund.RestrictRefundAmountToCapturedAmount: The field RestrictRefundAmountToCapturedAmount is invalid."
    );
}

#[tokio::test]
async fn a_captured_sepa_refund_waits_for_the_backoffice_export() {
    let sb = start(Seed::Empty).await;
    let (_, capture_id) = sb.captured_sepa("10000", "INV-A00022").await;
    let refund = sb.ok("/Payment/v1/Transaction/Refund", refund_body(&capture_id, "3000", None)).await;
    let rid = refund["Transaction"]["Id"].as_str().unwrap().to_owned();
    let find = |sb: &Sb| {
        sb.emu.dump()["transactions"].as_array().unwrap().iter().find(|t| t["Id"] == rid.as_str()).unwrap().clone()
    };
    assert!(find(&sb).get("_SepaRefundExport").is_none(), "an uncaptured refund is not in the journal yet");
    sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": rid}})).await;
    assert_eq!(find(&sb)["_SepaRefundExport"], json!({"State": "PENDING"}), "captured, but no money moved yet");

    let (s, v) = sb.admin("/sepa-refunds/export", json!({"TransactionIds": ["unknown"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = sb.admin("/sepa-refunds/export", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["Exported"],
        json!([{"TransactionId": rid, "Amount": {"Value": "3000", "CurrencyCode": "EUR"},
                                      "IBAN": "DE89370400440532013000"}])
    );
    assert_eq!(find(&sb)["_SepaRefundExport"]["State"], "EXPORTED");
    let (_, v) = sb.admin("/sepa-refunds/export", json!({})).await;
    assert_eq!(v["Exported"], json!([]), "each refund is exported once");
}
