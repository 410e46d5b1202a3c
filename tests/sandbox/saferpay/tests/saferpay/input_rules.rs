//! Input the real API refuses: notification URLs Saferpay cannot reach (D11), ambiguous
//! transaction references and AssertCapture outside PostFinance (D17). IBANs not in electronic
//! format (D13): `invalid_iban_answers_the_reference_example_exactly` in `main.rs`.

use super::*;

#[tokio::test]
async fn notification_urls_must_be_reachable_from_the_internet() {
    let sb = start(Seed::Empty).await;
    // A listener on this machine, standing in for the desktop app: it must never be called.
    let app = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}/saferpay/notify", app.local_addr().unwrap());
    let init = |field: &str, url: &str| {
        let mut body = json!({"TerminalId": sb.terminal,
                              "Payment": {"Amount": {"Value": "100", "CurrencyCode": "EUR"}, "OrderId": "INV-A00041"},
                              "ReturnUrl": {"Url": "https://shop.example/return"}, "Notification": {}});
        body["Notification"][field] = json!(url);
        body
    };
    for url in
        [app_url.as_str(), "http://localhost:1420/notify", "http://192.168.1.10/notify", "xpartner://saferpay/notify"]
    {
        for field in ["SuccessNotifyUrl", "FailNotifyUrl"] {
            let (s, v) = sb.call("/Payment/v1/PaymentPage/Initialize", init(field, url)).await;
            check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
            let detail = v["ErrorDetail"][0].as_str().unwrap();
            assert!(detail.starts_with(&format!("Notification.{field}: ")), "{url}: {detail}");
        }
    }
    // Before 1.24 the one field was `NotifyUrl`; the same rule holds.
    let mut old = init("NotifyUrl", &app_url);
    old["RequestHeader"] = json!({"SpecVersion": "1.23", "CustomerId": sb.customer, "RequestId": request_id(),
                                  "RetryIndicator": 0});
    let (s, v) = sb.raw("/Payment/v1/PaymentPage/Initialize", &old).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "ABORT");
    assert!(v["ErrorDetail"][0].as_str().unwrap().starts_with("Notification.NotifyUrl: "), "{v}");

    // http is as good as https ("Supported schemes are http and https").
    let ok = sb.ok("/Payment/v1/PaymentPage/Initialize", init("SuccessNotifyUrl", "http://pay.example.com/n")).await;
    assert!(ok["Token"].is_string());

    // Captures and refunds take a pending-notification URL under the same rule.
    let auth = sb.sepa("100", "M-NOTIFY-1").await;
    let (s, v) = sb
        .call(
            "/Payment/v1/Transaction/Capture",
            json!({"TransactionReference": {"TransactionId": auth["Transaction"]["Id"]},
                   "PendingNotification": {"NotifyUrl": app_url}}),
        )
        .await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");

    let accepted = tokio::time::timeout(std::time::Duration::from_millis(200), app.accept()).await;
    assert!(accepted.is_err(), "nothing connected to the app's listener");
    assert!(sb.emu.dump()["notifications"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_transaction_reference_names_exactly_one_transaction() {
    let sb = start(Seed::Empty).await;
    // A declined first attempt and a second one under the same OrderId.
    let (s, _) = sb.admin("/decline", json!({"count": 1})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = sb.call("/Payment/v1/Transaction/AuthorizeDirect", sb.sepa_body("900", "INV-A00042", None)).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_DECLINED", "OTHER_MEANS");
    let second = sb.ok("/Payment/v1/Transaction/AuthorizeDirect", sb.sepa_body("900", "INV-A00042", None)).await;
    let id = second["Transaction"]["Id"].as_str().unwrap();

    let (s, v) =
        sb.call("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"OrderId": "INV-A00042"}})).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    assert!(v["ErrorDetail"][0].as_str().unwrap().starts_with("TransactionReference.OrderId: "), "{v}");

    let both = json!({"TransactionReference": {"TransactionId": id, "OrderId": "INV-A00042"}});
    let (s, v) = sb.call("/Payment/v1/Transaction/Capture", both).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    assert_eq!(v["ErrorDetail"][0], "TransactionReference: Exactly one element must be set.");
    let (s, v) = sb.call("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {}})).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");

    let cap = sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": id}})).await;
    assert_eq!(cap["Status"], "CAPTURED", "PENDING is only used for PostFinance Instant Payout");
}

#[tokio::test]
async fn assert_capture_is_only_for_pending_captures() {
    let sb = start(Seed::Empty).await;
    let (id, capture_id) = sb.captured_sepa("900", "INV-A00043").await;
    let (s, v) =
        sb.call("/Payment/v1/Transaction/AssertCapture", json!({"CaptureReference": {"CaptureId": capture_id}})).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "ACTION_NOT_SUPPORTED", "DO_NOT_RETRY");
    assert_eq!(v["TransactionId"], id.as_str());
    let (s, v) =
        sb.call("/Payment/v1/Transaction/AssertCapture", json!({"CaptureReference": {"CaptureId": "nope_c"}})).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_NOT_FOUND", "DO_NOT_RETRY");
}
