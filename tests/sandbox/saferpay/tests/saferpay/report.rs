//! The Management API's transaction report (`GET /rest/customers/{customerId}/transactions`,
//! `texts/ChapterManagementApi.md`): captures, failures and — a sandbox extension — SEPA
//! charge-backs, by date range.

use super::*;

impl Sb {
    pub(super) async fn report(&self, query: &str, version: Option<&str>) -> (StatusCode, Value) {
        let mut rb = self
            .http
            .get(format!("{}/api/rest/customers/{}/transactions?{query}", self.base, self.customer))
            .basic_auth(&self.user, Some(&self.password))
            .header("accept", "application/json")
            .header("Saferpay-RequestId", request_id());
        if let Some(v) = version {
            rb = rb.header("Saferpay-ApiVersion", v);
        }
        let r = rb.send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }

    pub(super) async fn report_ok(&self, query: &str) -> Value {
        let (s, v) = self.report(query, Some("1.53")).await;
        assert_eq!(s, StatusCode::OK, "{query}: {v}");
        v
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["Transactions"].as_array().unwrap().iter().map(|t| t["TransactionId"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_report_lists_captures_failures_and_charge_backs_by_date_range() {
    let sb = start(Seed::Empty).await;
    let t0 = sb.ctx.clock.now().date();
    let (debit, capture_id) = sb.captured_sepa("12000", "INV-A00050").await;
    let card = sb.card_payment("900").await;
    let refund = sb
        .ok(
            "/Payment/v1/Transaction/Refund",
            json!({"Refund": {"Amount": {"Value": "2000", "CurrencyCode": "EUR"}, "OrderId": "INV-A00050-R1"},
                   "CaptureReference": {"CaptureId": capture_id}}),
        )
        .await;
    let refund = refund["Transaction"]["Id"].as_str().unwrap().to_owned();
    sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": refund}})).await;
    sb.admin("/decline", json!({"count": 1})).await;
    let (s, declined) =
        sb.call("/Payment/v1/Transaction/AuthorizeDirect", sb.sepa_body("300", "INV-A00051", None)).await;
    assert_eq!(s, StatusCode::PAYMENT_REQUIRED);

    sb.ctx.clock.advance(time::Duration::days(20));
    let (s, v) = sb.admin(&format!("/transactions/{debit}/chargeback"), json!({"kind": "authorised"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    sb.ctx.clock.advance(time::Duration::days(5));
    let day = |d: i64| t0 + time::Duration::days(d);

    // The days of the payment: everything done then, in its current state.
    let first_days = format!("StartDate={}&EndDate={}T23:59", day(-1), day(2));
    let page = sb.report_ok(&first_days).await;
    let mut listed = ids(&page);
    listed.sort();
    let mut expected = vec![debit.clone(), card.clone(), refund.clone()];
    expected.sort();
    assert_eq!(listed, expected, "successful ones only, unless asked: {page}");
    assert_eq!((page["PageNumber"].as_u64(), page["TotalTransactions"].as_u64()), (Some(0), Some(3)));
    assert_eq!(page["PageSize"], 1000, "the default page size");
    let find = |id: &str| page["Transactions"].as_array().unwrap().iter().find(|t| t["TransactionId"] == id).unwrap();
    let dd = find(&debit);
    assert_eq!(dd["MerchantAmount"], json!({"Value": "12000", "CurrencyCode": "EUR"}));
    assert_eq!(
        dd["CustomerId"],
        sb.customer.parse::<u64>().unwrap(),
        "an integer (RestApi_Models_Transactions_Transaction)"
    );
    assert_eq!(dd["TerminalId"], sb.terminal.parse::<u64>().unwrap());
    assert_eq!((dd["PaymentMethod"].as_str(), dd["Application"].as_str()), (Some("DIRECTDEBIT"), Some("Json Api")));
    let auth = &dd["AuthorizationDetails"];
    assert_eq!((auth["Type"].as_str(), auth["State"].as_str()), (Some("PAYMENT"), Some("CAPTURED")));
    assert_eq!((auth["IsCaptured"].as_bool(), auth["IsRefunded"].as_bool()), (Some(true), Some(true)));
    assert_eq!(auth["CapturedMerchantAmount"], json!({"Value": "12000", "CurrencyCode": "EUR"}));
    assert_eq!(auth["IBAN"], "DE89370400440532013000");
    assert_eq!(auth["AuthorizedBy"], sb.user.as_str());
    let date = auth["CaptureDate"].as_str().unwrap();
    assert_eq!(date.len(), "2025-08-19T11:26:21.493".len(), "no offset, like the documented example: {date}");
    assert_eq!(dd["_Chargeback"]["Kind"], "AUTHORISED", "the charge-back shows on the payment");
    assert_eq!(find(&card)["AuthorizationDetails"]["State"], "AUTHORIZED");
    assert_eq!(find(&card)["AuthorizationDetails"]["CapturedMerchantAmount"]["Value"], "0");
    assert_eq!(find(&refund)["AuthorizationDetails"]["Type"], "REFUND");
    assert_eq!(find(&refund)["_SepaRefundExport"]["State"], "PENDING");

    let failed = sb.report_ok(&format!("{first_days}&TransactionState=FAILED")).await;
    assert_eq!(ids(&failed), [declined["TransactionId"].as_str().unwrap()]);
    assert_eq!(failed["Transactions"][0]["FailedDetails"]["SaferpayErrorCode"], "TRANSACTION_DECLINED");
    assert!(failed["Transactions"][0].get("AuthorizationDetails").is_none());
    let pending = sb.report_ok(&format!("{first_days}&TransactionState=PENDING")).await;
    assert_eq!(pending["TotalTransactions"], 0);

    // Later days: only what happened then — the charge-back of an old payment.
    let now = sb.ctx.clock.now().date();
    let later = sb.report_ok(&format!("StartDate={}&EndDate={}T23:59", day(10), now - time::Duration::days(2))).await;
    assert_eq!(ids(&later), [debit.as_str()], "found by the charge-back's date: {later}");

    // Pages of one, counted from 1 in the request and from 0 in the answer.
    let mut paged = Vec::new();
    for n in 1..=3 {
        let p = sb.report_ok(&format!("{first_days}&PageSize=1&PageNumber={n}")).await;
        assert_eq!((p["PageNumber"].as_u64(), p["PageSize"].as_u64()), (Some(n - 1), Some(1)));
        assert_eq!(p["TotalTransactions"], 3);
        paged.extend(ids(&p));
    }
    paged.sort();
    assert_eq!(paged, expected, "the pages hold each transaction once");
    let big = sb.report_ok(&format!("{first_days}&PageSize=5000")).await;
    assert_eq!(big["PageSize"], 2000, "larger pages are shrunk, and the answer says so");
}

#[tokio::test]
async fn the_report_checks_its_headers_and_dates() {
    let sb = start(Seed::Empty).await;
    // Half past eleven at night, UTC: already the next day in Zurich, whose "today" the report
    // refuses (a test that took today's UTC date failed only in that hour).
    let now = sb.ctx.clock.now();
    let night = now.replace_time(time::Time::from_hms(23, 30, 0).unwrap());
    sb.ctx.clock.advance(if night > now { night - now } else { night + time::Duration::days(1) - now });
    let today = xp_sandbox_saferpay::swiss_date(sb.ctx.clock.now());
    assert_eq!(today, sb.ctx.clock.now().date() + time::Duration::days(1), "Zurich is a day ahead");
    let ok_range = format!("StartDate={}&EndDate={}", today - time::Duration::days(7), today - time::Duration::days(2));

    let (s, v) = sb.report(&ok_range, None).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    assert!(v["ErrorDetail"][0].as_str().unwrap().starts_with("Saferpay-ApiVersion: "), "{v}");
    let (s, v) = sb.report(&ok_range, Some("1.14")).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "ABORT");
    assert!(v["ErrorDetail"][0].as_str().unwrap().contains("1.48"), "the report came with 1.48: {v}");

    let (s, v) =
        sb.report(&format!("StartDate={}&EndDate={}", today - time::Duration::days(3), today), Some("1.53")).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    assert!(v["ErrorDetail"][0].as_str().unwrap().starts_with("EndDate: "), "today is not reported yet: {v}");
    let (s, v) = sb.report(&format!("EndDate={}", today - time::Duration::days(2)), Some("1.53")).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
    // Yesterday in Zurich (today's UTC date) is reported.
    let (s, v) = sb
        .report(
            &format!("StartDate={}&EndDate={}T23:59", today - time::Duration::days(3), today - time::Duration::days(1)),
            Some("1.53"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let r = sb
        .http
        .get(format!("{}/api/rest/customers/111111/transactions?{ok_range}", sb.base))
        .basic_auth(&sb.user, Some(&sb.password))
        .header("Saferpay-ApiVersion", "1.53")
        .header("Saferpay-RequestId", "r-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "another customer's report");
    let r = sb.http.get(format!("{}/api/rest/customers/{}/transactions?{ok_range}", sb.base, sb.customer)).send().await;
    assert_eq!(r.unwrap().status(), StatusCode::UNAUTHORIZED, "Basic auth as for the JSON API");

    let empty = sb.report_ok(&ok_range).await;
    assert_eq!(empty, json!({"PageNumber": 0, "PageSize": 1000, "TotalTransactions": 0, "Transactions": []}));
}
