//! Every `Behavior` a client must handle, reachable through the fault kit:
//! `saferpay:error=NAME[/BEHAVIOR][*count]` answers that documented ErrorName
//! (`texts/06_ErrorHandling_TechnicalDetails.md`) instead of executing the call.

use super::*;

#[tokio::test]
async fn named_errors_carry_each_behavior_and_execute_nothing() {
    let sb = start(Seed::Empty).await;
    let cases = [
        ("TRANSACTION_NOT_STARTED", "1.53", StatusCode::PAYMENT_REQUIRED, "RETRY_LATER"),
        ("INTERNAL_ERROR", "1.53", StatusCode::INTERNAL_SERVER_ERROR, "RETRY"),
        ("COMMUNICATION_FAILED", "1.53", StatusCode::PAYMENT_REQUIRED, "RETRY"),
        ("TRANSACTION_DECLINED", "1.53", StatusCode::PAYMENT_REQUIRED, "OTHER_MEANS"),
        ("GENERAL_DECLINED", "1.53", StatusCode::PAYMENT_REQUIRED, "DO_NOT_RETRY"),
        ("GENERAL_DECLINED", "1.32", StatusCode::PAYMENT_REQUIRED, "ABORT"),
        ("COMMUNICATION_TIMEOUT/DO_NOT_RETRY", "1.53", StatusCode::PAYMENT_REQUIRED, "DO_NOT_RETRY"),
        ("BLOCKED_BY_RISK_MANAGEMENT/ABORT", "1.53", StatusCode::PAYMENT_REQUIRED, "ABORT"),
        ("PERMISSION_DENIED", "1.53", StatusCode::FORBIDDEN, "DO_NOT_RETRY"),
    ];
    for (spec, version, status, behavior) in cases {
        sb.ctx.faults.add(Fault::parse_spec(&format!("saferpay:error={spec}*1")).unwrap());
        let id = request_id();
        let mut body = sb.sepa_body("100", "INV-A00060", None);
        body["RequestHeader"] =
            json!({"SpecVersion": version, "CustomerId": sb.customer, "RequestId": id, "RetryIndicator": 0});
        let (s, v) = sb.raw("/Payment/v1/Transaction/AuthorizeDirect", &body).await;
        let name = spec.split('/').next().unwrap();
        check_envelope(s, &v, status, name, behavior);
        assert_eq!(v["ResponseHeader"], json!({"SpecVersion": version, "RequestId": id}), "{spec}: echoes the request");
        assert_eq!(sb.created(&id), 0, "{spec}: nothing was authorized");
    }
    assert!(sb.emu.dump()["transactions"].as_array().unwrap().is_empty());
    let ok = sb.ok("/Payment/v1/Transaction/AuthorizeDirect", sb.sepa_body("100", "INV-A00060", None)).await;
    assert_eq!(ok["Transaction"]["Status"], "AUTHORIZED", "the faults are used up");

    sb.ctx.faults.add(Fault::parse_spec("saferpay:error=NO_SUCH_ERROR*1").unwrap());
    let (s, v) =
        sb.call("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"OrderId": "INV-A00060"}})).await;
    check_envelope(s, &v, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "RETRY");
    assert!(v["ErrorDetail"][0].as_str().unwrap().contains("NO_SUCH_ERROR"), "a typo in the spec shows: {v}");
    assert_eq!(sb.ctx.counters.snapshot().faults_injected.get(PROVIDER), Some(&10));
}

#[tokio::test]
async fn the_report_takes_named_errors_too() {
    let sb = start(Seed::Empty).await;
    sb.ctx.faults.add(Fault::parse_spec("saferpay:error=INTERNAL_ERROR*1").unwrap());
    let today = sb.ctx.clock.now().date();
    let range = format!("StartDate={}&EndDate={}", today - time::Duration::days(7), today - time::Duration::days(2));
    let (s, v) = sb.report(&range, Some("1.53")).await;
    check_envelope(s, &v, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "RETRY");
    assert_eq!(sb.report(&range, Some("1.53")).await.0, StatusCode::OK);
}
