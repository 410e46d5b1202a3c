#![allow(clippy::unwrap_used)]
//! The Saferpay emulator over a real loopback server, driven with reqwest the way a client
//! would drive https://www.saferpay.com/api. Error envelopes are checked field by field against
//! the reference examples the sheet (`shared/providers/saferpay.md` §7) cites.
//!
//! The modules hold what the sandbox fidelity review (2026-12) made stricter: retries that
//! execute again (D1), refund caps (D2), SEPA charge-backs and refund exports (D12), input rules
//! (D11, D13, D17), the Management API's transaction report, and injected error behaviours.

mod behaviors;
mod chargebacks;
mod input_rules;
mod refunds;
mod report;
mod retries;
mod terminals;

use reqwest::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use xp_sandbox_kit::{Ctx, Fault, Persist, Seed};
use xp_sandbox_saferpay::{Emulator, PROVIDER};

struct Sb {
    ctx: Ctx,
    emu: Emulator,
    base: String,
    http: reqwest::Client,
    customer: String,
    terminal: String,
    user: String,
    password: String,
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

fn request_id() -> String {
    format!("req-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

async fn start(seed: Seed) -> Sb {
    start_with(|ctx, base| Emulator::new(ctx, seed, base)).await
}

/// Serves the emulator `make` builds on a fresh port (`base` names that port).
async fn start_with(make: impl FnOnce(Ctx, url::Url) -> Emulator) -> Sb {
    let ctx = Ctx::new(Duration::from_secs(60));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/saferpay", listener.local_addr().unwrap());
    let emu = make(ctx.clone(), base.parse().unwrap());
    let app = axum::Router::new().nest("/saferpay", emu.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let c = emu.credentials();
    let s = |k: &str| c[k].as_str().unwrap().to_owned();
    Sb {
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        customer: s("customer_id"),
        terminal: s("terminal_id"),
        user: s("username"),
        password: s("password"),
        ctx,
        emu,
        base,
    }
}

impl Sb {
    fn header(&self, request_id: &str, retry: u32) -> Value {
        json!({"SpecVersion": "1.53", "CustomerId": self.customer, "RequestId": request_id, "RetryIndicator": retry})
    }

    /// POST `{base}/api{path}` with the body as given (RequestHeader included by the caller).
    async fn raw(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}/api{path}", self.base))
            .basic_auth(&self.user, Some(&self.password))
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .header("accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let ct = r.headers().get(CONTENT_TYPE).cloned();
        let text = r.text().await.unwrap();
        assert!(
            ct.as_ref().and_then(|c| c.to_str().ok()).is_some_and(|c| c.starts_with("application/json")),
            "API answers are JSON, {status} {text}"
        );
        (status, serde_json::from_str(&text).unwrap())
    }

    /// POST with a fresh RequestHeader merged into `body`.
    async fn call(&self, path: &str, mut body: Value) -> (StatusCode, Value) {
        let id = request_id();
        body["RequestHeader"] = self.header(&id, 0);
        let (s, v) = self.raw(path, &body).await;
        if s == StatusCode::OK {
            assert_eq!(v["ResponseHeader"], json!({"SpecVersion": "1.53", "RequestId": id}), "ResponseHeader echoes");
        }
        (s, v)
    }

    async fn ok(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.call(path, body).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        v
    }

    async fn initialize(&self, amount: &str, currency: &str, methods: Value, mandate: Option<&str>) -> Value {
        let mut payment = json!({"Amount": {"Value": amount, "CurrencyCode": currency}, "OrderId": "INV-S00001",
                                 "Description": "Invoice INV-S00001"});
        if let Some(m) = mandate {
            payment["MandateId"] = json!(m);
        }
        self.ok(
            "/Payment/v1/PaymentPage/Initialize",
            json!({"TerminalId": self.terminal, "Payment": payment, "PaymentMethods": methods,
                   "ReturnUrl": {"Url": "https://shop.example/return?o=INV-S00001"},
                   "Notification": {"SuccessNotifyUrl": "https://shop.example/notify?ok",
                                    "FailNotifyUrl": "https://shop.example/notify?fail"}}),
        )
        .await
    }

    async fn assert_token(&self, token: &str) -> (StatusCode, Value) {
        self.call("/Payment/v1/PaymentPage/Assert", json!({"Token": token})).await
    }

    async fn sepa(&self, amount: &str, mandate: &str) -> Value {
        self.ok(
            "/Payment/v1/Transaction/AuthorizeDirect",
            self.sepa_body(amount, &format!("INV-{mandate}"), Some(mandate)),
        )
        .await
    }

    /// An AuthorizeDirect body debiting a SEPA account (RequestHeader left to the caller).
    fn sepa_body(&self, amount: &str, order_id: &str, mandate: Option<&str>) -> Value {
        let mut payment = json!({"Amount": {"Value": amount, "CurrencyCode": "EUR"}, "OrderId": order_id});
        if let Some(m) = mandate {
            payment["MandateId"] = json!(m);
        }
        json!({"TerminalId": self.terminal, "Payment": payment,
               "PaymentMeans": {"BankAccount": {"IBAN": "DE89370400440532013000", "HolderName": "Muster GmbH"}}})
    }

    /// AuthorizeDirect + Capture of a SEPA debit: (TransactionId, CaptureId).
    async fn captured_sepa(&self, amount: &str, order_id: &str) -> (String, String) {
        let auth = self.ok("/Payment/v1/Transaction/AuthorizeDirect", self.sepa_body(amount, order_id, None)).await;
        let id = auth["Transaction"]["Id"].as_str().unwrap().to_owned();
        let cap =
            self.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": id}})).await;
        (id, cap["CaptureId"].as_str().unwrap().to_owned())
    }

    /// An authorized card payment in EUR made with AuthorizeDirect: its TransactionId.
    async fn card_payment(&self, amount: &str) -> String {
        let auth = self
            .ok(
                "/Payment/v1/Transaction/AuthorizeDirect",
                json!({"TerminalId": self.terminal, "Payment": {"Amount": {"Value": amount, "CurrencyCode": "EUR"}},
                       "PaymentMeans": {"Card": {"Number": "9010004150000009", "ExpYear": 2099, "ExpMonth": 12}}}),
            )
            .await;
        auth["Transaction"]["Id"].as_str().unwrap().to_owned()
    }

    async fn admin(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self.http.post(format!("{}/_sandbox{path}", self.base)).json(&body).send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }

    fn created(&self, request_id: &str) -> u64 {
        self.ctx.counters.snapshot().created_by_key.get(&format!("{PROVIDER} {request_id}")).copied().unwrap_or(0)
    }
}

/// Field-by-field check of an error answer against `texts/ErrorResponse.md`: the fields it
/// lists (and no others), the mandatory ones present with their types, Behavior from the
/// documented list, and the expected name/behavior.
fn check_envelope(status: StatusCode, v: &Value, want_status: StatusCode, name: &str, behavior: &str) {
    assert_eq!(status, want_status, "{name} comes with HTTP {want_status}: {v}");
    let allowed = [
        "ResponseHeader",
        "Behavior",
        "ErrorName",
        "ErrorMessage",
        "ErrorDetail",
        "TransactionId",
        "OrderId",
        "PayerMessage",
        "ProcessorName",
        "ProcessorResult",
        "ProcessorMessage",
        "Risk",
    ];
    let obj = v.as_object().expect("error body is an object");
    for k in obj.keys() {
        assert!(allowed.contains(&k.as_str()), "unexpected envelope field {k}: {v}");
    }
    let rh = obj["ResponseHeader"].as_object().expect("ResponseHeader is mandatory");
    assert_eq!(rh.len(), 2, "ResponseHeader holds SpecVersion and RequestId only: {v}");
    assert!(rh["SpecVersion"].is_string() && rh["RequestId"].is_string(), "{v}");
    assert!(["DO_NOT_RETRY", "ABORT", "OTHER_MEANS", "RETRY", "RETRY_LATER"].contains(&v["Behavior"].as_str().unwrap()));
    assert_eq!(v["ErrorName"], name, "{v}");
    assert_eq!(v["Behavior"], behavior, "{v}");
    assert!(v["ErrorMessage"].is_string(), "ErrorMessage is mandatory: {v}");
    if let Some(d) = v.get("ErrorDetail") {
        assert!(d.as_array().unwrap().iter().all(Value::is_string), "ErrorDetail is string[]: {v}");
    }
    for k in ["TransactionId", "OrderId"] {
        if let Some(x) = v.get(k) {
            assert!(x.is_string(), "{k} is a string: {v}");
        }
    }
}

/// Pays the hosted page the way a browser would: GET the RedirectUrl, POST its form.
async fn pay_page(sb: &Sb, redirect_url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let page = sb.http.get(redirect_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\">") && html.contains("name=\"action\" value=\"pay\""), "{html}");
    sb.http.post(redirect_url).form(form).send().await.unwrap()
}

const CARD_FORM: [(&str, &str); 6] = [
    ("method", "CARD"),
    ("card_number", "9010 0041 5000 0009"),
    ("exp_month", "12"),
    ("exp_year", "2099"),
    ("holder_name", "Anna Keller"),
    ("action", "pay"),
];

#[tokio::test]
async fn bad_basic_auth_is_401_with_the_reference_envelope() {
    let sb = start(Seed::Empty).await;
    let id = request_id();
    let body = json!({"RequestHeader": sb.header(&id, 0), "Token": "abc"});
    for auth in [Some(("wrong", "creds")), Some((sb.user.as_str(), "not-the-password")), None] {
        let mut rb = sb
            .http
            .post(format!("{}/api/Payment/v1/PaymentPage/Assert", sb.base))
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body.to_string());
        if let Some((u, p)) = auth {
            rb = rb.basic_auth(u, Some(p));
        }
        let r = rb.send().await.unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        check_envelope(status, &v, StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "DO_NOT_RETRY");
        // texts/06_ErrorHandling_CommonErrors.md, AUTHENTICATION_FAILED example.
        assert_eq!(
            v,
            json!({"ResponseHeader": {"SpecVersion": "1.53", "RequestId": id}, "Behavior": "DO_NOT_RETRY",
                   "ErrorName": "AUTHENTICATION_FAILED", "ErrorMessage": "Unable to authenticate request",
                   "ErrorDetail": ["Invalid credentials"]})
        );
    }
}

#[tokio::test]
async fn request_header_is_validated() {
    let sb = start(Seed::Empty).await;
    let token = json!("abc");
    let cases = [
        (json!({"SpecVersion": "1.53", "CustomerId": sb.customer, "RetryIndicator": 0}), "RequestHeader.RequestId"),
        (
            json!({"SpecVersion": "2.0", "CustomerId": sb.customer, "RequestId": "x1", "RetryIndicator": 0}),
            "RequestHeader.SpecVersion",
        ),
        (
            json!({"SpecVersion": "1.53", "CustomerId": sb.customer, "RequestId": "x2", "RetryIndicator": 10}),
            "RequestHeader.RetryIndicator",
        ),
        (json!({"SpecVersion": "1.53", "RequestId": "x3", "RetryIndicator": 0}), "RequestHeader.CustomerId"),
    ];
    for (header, field) in cases {
        let (s, v) = sb.raw("/Payment/v1/PaymentPage/Assert", &json!({"RequestHeader": header, "Token": token})).await;
        check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");
        assert_eq!(v["ErrorMessage"], "Request validation failed", "reference message (texts/ErrorResponse.md)");
        let detail = v["ErrorDetail"][0].as_str().unwrap();
        assert!(detail.starts_with(&format!("{field}: ")), "detail names the field {field}: {detail}");
    }
    let (s, _) = sb.raw("/Payment/v1/PaymentPage/Assert", &json!({"Token": token})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a missing RequestHeader is a validation error");

    // Another customer's id with this API user's password: "Invalid credentials".
    let header = json!({"SpecVersion": "1.53", "CustomerId": "111111", "RequestId": "x4", "RetryIndicator": 0});
    let (s, v) = sb.raw("/Payment/v1/PaymentPage/Assert", &json!({"RequestHeader": header, "Token": token})).await;
    check_envelope(s, &v, StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "DO_NOT_RETRY");

    // Wrong media types are refused by the web server: 415 / 406 without an envelope.
    let send = |ct: &'static str, accept: &'static str| {
        sb.http
            .post(format!("{}/api/Payment/v1/PaymentPage/Assert", sb.base))
            .basic_auth(&sb.user, Some(&sb.password))
            .header(CONTENT_TYPE, HeaderValue::from_static(ct))
            .header("accept", accept)
            .body("{}")
            .send()
    };
    assert_eq!(send("text/plain", "application/json").await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(send("application/json", "text/html").await.unwrap().status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn invalid_iban_answers_the_reference_example_exactly() {
    let sb = start(Seed::Empty).await;
    // Wrong check digits, and (review D13) anything but electronic format: "without spaces"
    // (`Payment_Models_Data_BankAccount`), upper case, no separators.
    let ibans = [
        "DE89370400440532013001",
        "DE89 3704 0044 0532 0130 00",
        "de89370400440532013000",
        "DE89-3704-0044-0532-0130-00",
    ];
    let mut body = Value::Null;
    for iban in ibans {
        // SpecVersion 1.8, the version of the example in texts/ErrorResponse.md (hence ABORT).
        let id = request_id();
        body = json!({
            "RequestHeader": {"SpecVersion": "1.8", "CustomerId": sb.customer, "RequestId": id, "RetryIndicator": 0},
            "TerminalId": sb.terminal,
            "Payment": {"Amount": {"Value": "120000", "CurrencyCode": "EUR"}, "OrderId": "INV-0042"},
            "PaymentMeans": {"BankAccount": {"IBAN": iban, "HolderName": "Muster GmbH"}}
        });
        let (s, v) = sb.raw("/Payment/v1/Transaction/AuthorizeDirect", &body).await;
        check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "ABORT");
        assert_eq!(
            v,
            json!({"ResponseHeader": {"SpecVersion": "1.8", "RequestId": id}, "Behavior": "ABORT",
                   "ErrorName": "VALIDATION_FAILED", "ErrorMessage": "Request validation failed",
                   "ErrorDetail": ["PaymentMeans.BankAccount.IBAN: The field IBAN is invalid."]}),
            "{iban:?}: texts/ErrorResponse.md example with our RequestId"
        );
    }
    assert!(sb.emu.dump()["transactions"].as_array().unwrap().is_empty(), "nothing was debited");

    // Amount values must be strings of minor units (sheet §3).
    let mut numeric = body.clone();
    numeric["RequestHeader"]["RequestId"] = json!(request_id());
    numeric["Payment"]["Amount"]["Value"] = json!(120000);
    let (s, v) = sb.raw("/Payment/v1/Transaction/AuthorizeDirect", &numeric).await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "ABORT");
    assert_eq!(v["ErrorDetail"][0], "Payment.Amount.Value: The field Value is invalid.");

    // A valid IBAN outside SEPA: PAYMENTMEANS_NOT_SUPPORTED (TechnicalDetails: "e.g. non SEPA IBAN").
    let (s, v) = sb
        .call(
            "/Payment/v1/Transaction/AuthorizeDirect",
            json!({"TerminalId": sb.terminal, "Payment": {"Amount": {"Value": "100", "CurrencyCode": "EUR"}},
                   "PaymentMeans": {"BankAccount": {"IBAN": iban("BR", "00360305000010009795493P1"), "HolderName": "X"}}}),
        )
        .await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "PAYMENTMEANS_NOT_SUPPORTED", "OTHER_MEANS");
}

/// An IBAN with correct check digits for `country` + `bban`.
fn iban(country: &str, bban: &str) -> String {
    let digits: String = format!("{bban}{country}00").chars().map(|c| c.to_digit(36).unwrap().to_string()).collect();
    let rem = digits.bytes().fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    format!("{country}{:02}{bban}", 98 - rem)
}

#[tokio::test]
async fn payment_page_flow_initialize_pay_assert_capture() {
    let sb = start(Seed::Empty).await;
    let init = sb.initialize("12345", "CHF", json!(["VISA", "MASTERCARD"]), None).await;
    let token = init["Token"].as_str().unwrap();
    let redirect = init["RedirectUrl"].as_str().unwrap();
    assert_eq!(
        redirect,
        format!("{}/vt2/api/PaymentPage/{}/{}/{token}", sb.base, sb.customer, sb.terminal),
        "RedirectUrl shape of texts/ChapterPaymentPage.md"
    );
    assert!(init["Expiration"].as_str().unwrap().len() == "2015-01-30T12:45:22.258+01:00".len());

    // Assert before the payer acted: TRANSACTION_NOT_STARTED, retry later.
    let (s, v) = sb.assert_token(token).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_NOT_STARTED", "RETRY_LATER");

    let r = pay_page(&sb, redirect, &CARD_FORM).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the page sends the payer back to the shop");
    assert_eq!(r.headers()[LOCATION], "https://shop.example/return?o=INV-S00001");

    let (s, v) = sb.assert_token(token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let tx = &v["Transaction"];
    assert_eq!((tx["Type"].as_str(), tx["Status"].as_str()), (Some("PAYMENT"), Some("AUTHORIZED")));
    assert_eq!(tx["Amount"], json!({"Value": "12345", "CurrencyCode": "CHF"}));
    assert_eq!(tx["OrderId"], "INV-S00001");
    assert_eq!(tx["Id"].as_str().unwrap().len(), 28);
    assert_eq!(tx["SixTransactionReference"], format!("0:0:3:{}", tx["Id"].as_str().unwrap()));
    assert_eq!(v["PaymentMeans"]["Brand"]["PaymentMethod"], "VISA");
    assert_eq!(v["PaymentMeans"]["Card"]["MaskedNumber"], "901000xxxxxx0009");
    assert_eq!(v["Liability"]["LiabilityShift"], true);
    assert_eq!(sb.ctx.counters.requests(PROVIDER, "POST /api/Payment/v1/PaymentPage/Assert"), 2);

    // The page cannot be paid twice.
    let again = sb.http.get(redirect).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let id = tx["Id"].as_str().unwrap();
    let cap = sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": id}})).await;
    assert_eq!(cap["CaptureId"], format!("{id}_c"));
    assert_eq!(cap["Status"], "CAPTURED");
    let inq =
        sb.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"OrderId": "INV-S00001"}})).await;
    assert_eq!(inq["Transaction"]["Status"], "CAPTURED");
    assert_eq!(inq["Transaction"]["CaptureId"], format!("{id}_c"));
}

#[tokio::test]
async fn payment_page_direct_debit_carries_the_mandate() {
    let sb = start(Seed::Empty).await;
    let init = sb.initialize("120000", "EUR", json!(["DIRECTDEBIT"]), Some("LDG-INV-0042-01")).await;
    let redirect = init["RedirectUrl"].as_str().unwrap();
    let form = [
        ("method", "DIRECTDEBIT"),
        ("iban", "DE89 3704 0044 0532 0130 00"),
        ("holder_name", "Muster GmbH"),
        ("action", "pay"),
    ];
    let r = pay_page(&sb, redirect, &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "without accepting the mandate the page stays");
    let mut form = form.to_vec();
    form.push(("mandate", "accepted"));
    let r = sb.http.post(redirect).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, v) = sb.assert_token(init["Token"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["Transaction"]["DirectDebit"],
        json!({"CreditorId": "DE98ZZZ09999999999", "MandateId": "LDG-INV-0042-01"})
    );
    assert_eq!(v["Transaction"]["AcquirerName"], "Intercard");
    assert_eq!(v["PaymentMeans"]["Brand"], json!({"PaymentMethod": "DIRECTDEBIT", "Name": "SEPA Direct Debit"}));
    assert_eq!(v["PaymentMeans"]["DisplayText"], "DE89 3704 xxxx xxxx xx30 00");
    assert!(v.get("Liability").is_none(), "no 3-D Secure for SEPA");
    let dump = sb.emu.dump();
    assert_eq!(dump["notifications"][0]["Kind"], "success", "the success notify URL was called");
}

#[tokio::test]
async fn payer_abort_and_decline_are_reported_by_assert() {
    let sb = start(Seed::Empty).await;
    let init = sb.initialize("500", "CHF", json!(["VISA"]), None).await;
    let redirect = init["RedirectUrl"].as_str().unwrap();
    let r = sb.http.post(redirect).form(&[("action", "cancel")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, v) = sb.assert_token(init["Token"].as_str().unwrap()).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_ABORTED", "DO_NOT_RETRY");

    let admin = sb.http.post(format!("{}/_sandbox/decline", sb.base)).json(&json!({"count": 1})).send().await.unwrap();
    assert_eq!(admin.status(), StatusCode::OK);
    let init = sb.initialize("500", "CHF", json!(["VISA"]), None).await;
    pay_page(&sb, init["RedirectUrl"].as_str().unwrap(), &CARD_FORM).await;
    let (s, v) = sb.assert_token(init["Token"].as_str().unwrap()).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_DECLINED", "OTHER_MEANS");
    assert_eq!(v["TransactionId"].as_str().map(str::len), Some(28), "the failed transaction is named");
    assert_eq!(v["OrderId"], "INV-S00001");
}

#[tokio::test]
async fn sepa_authorize_direct_capture_inquire_refund() {
    let sb = start(Seed::Empty).await;
    let auth = sb.sepa("120000", "LDG-INV-0042-01").await;
    let tx = &auth["Transaction"];
    assert_eq!(tx["Status"], "AUTHORIZED");
    assert_eq!(tx["DirectDebit"]["MandateId"], "LDG-INV-0042-01");
    assert_eq!(auth["PaymentMeans"]["BankAccount"]["IBAN"], "DE89370400440532013000");
    let id = tx["Id"].as_str().unwrap().to_owned();

    // Mandate ids are unique per transaction (sheet §9).
    let (s, v) = sb
        .call(
            "/Payment/v1/Transaction/AuthorizeDirect",
            json!({"TerminalId": sb.terminal,
                   "Payment": {"Amount": {"Value": "1", "CurrencyCode": "EUR"}, "MandateId": "LDG-INV-0042-01"},
                   "PaymentMeans": {"BankAccount": {"IBAN": "DE89370400440532013000", "HolderName": "X"}}}),
        )
        .await;
    check_envelope(s, &v, StatusCode::BAD_REQUEST, "VALIDATION_FAILED", "DO_NOT_RETRY");

    let reference = json!({"TransactionReference": {"TransactionId": id}});
    let cap = sb.ok("/Payment/v1/Transaction/Capture", reference.clone()).await;
    let capture_id = cap["CaptureId"].as_str().unwrap().to_owned();
    let inq = sb.ok("/Payment/v1/Transaction/Inquire", reference.clone()).await;
    assert_eq!(inq["Transaction"]["Status"], "CAPTURED", "Inquire shows the capture");

    let (s, v) = sb.call("/Payment/v1/Transaction/Capture", reference.clone()).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_ALREADY_CAPTURED", "DO_NOT_RETRY");
    assert_eq!(v["TransactionId"], id.as_str());

    let refund = sb
        .ok(
            "/Payment/v1/Transaction/Refund",
            json!({"Refund": {"Amount": {"Value": "20000", "CurrencyCode": "EUR"}},
                   "CaptureReference": {"CaptureId": capture_id}}),
        )
        .await;
    let rt = &refund["Transaction"];
    assert_eq!((rt["Type"].as_str(), rt["Status"].as_str()), (Some("REFUND"), Some("AUTHORIZED")));
    assert_ne!(rt["Id"], id.as_str(), "a refund is its own transaction");
    let rid = rt["Id"].as_str().unwrap();
    let rc = sb.ok("/Payment/v1/Transaction/Capture", json!({"TransactionReference": {"TransactionId": rid}})).await;
    assert_eq!(rc["Status"], "CAPTURED", "refunds are captured like payments (sheet §5)");

    let (s, v) = sb
        .call(
            "/Payment/v1/Transaction/Refund",
            json!({"Refund": {"Amount": {"Value": "100001", "CurrencyCode": "EUR"},
                              "RestrictRefundAmountToCapturedAmount": true},
                   "CaptureReference": {"CaptureId": capture_id}}),
        )
        .await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "AMOUNT_INVALID", "DO_NOT_RETRY");
}

#[tokio::test]
async fn cancel_then_capture_is_in_wrong_state() {
    let sb = start(Seed::Empty).await;
    let auth = sb.sepa("5000", "M-CANCEL-1").await;
    let reference = json!({"TransactionReference": {"TransactionId": auth["Transaction"]["Id"]}});
    let c = sb.ok("/Payment/v1/Transaction/Cancel", reference.clone()).await;
    assert_eq!(c["TransactionId"], auth["Transaction"]["Id"]);
    let (s, v) = sb.call("/Payment/v1/Transaction/Capture", reference).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_IN_WRONG_STATE", "DO_NOT_RETRY");
    // texts/06_ErrorHandling_CommonErrors.md example message.
    assert_eq!(v["ErrorMessage"], "Invalid action");
    let (s, v) =
        sb.call("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"TransactionId": "nope"}})).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TRANSACTION_NOT_FOUND", "DO_NOT_RETRY");
}

#[tokio::test]
async fn tokens_expire_on_the_simulated_clock() {
    let sb = start(Seed::Empty).await;
    let init = sb.initialize("900", "CHF", json!(["VISA"]), None).await;
    let redirect = init["RedirectUrl"].as_str().unwrap();
    sb.ctx.clock.advance(time::Duration::hours(2));
    let r = sb.http.get(redirect).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::GONE, "after Expiration the RedirectUrl can no longer be opened");
    let (s, v) = sb.assert_token(init["Token"].as_str().unwrap()).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TOKEN_EXPIRED", "DO_NOT_RETRY");

    // A paid page can be asserted for 24 h, not longer.
    let init = sb.initialize("900", "CHF", json!(["VISA"]), None).await;
    pay_page(&sb, init["RedirectUrl"].as_str().unwrap(), &CARD_FORM).await;
    let token = init["Token"].as_str().unwrap();
    assert_eq!(sb.assert_token(token).await.0, StatusCode::OK);
    sb.ctx.clock.advance(time::Duration::hours(25));
    let (s, v) = sb.assert_token(token).await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TOKEN_EXPIRED", "DO_NOT_RETRY");

    let (s, v) = sb.assert_token("doesnotexist").await;
    check_envelope(s, &v, StatusCode::PAYMENT_REQUIRED, "TOKEN_INVALID", "DO_NOT_RETRY");
}

#[tokio::test]
async fn injected_faults_take_saferpay_shapes() {
    let sb = start(Seed::Empty).await;
    sb.ctx.faults.add(Fault::parse_spec("saferpay:500*1,saferpay:503*1,saferpay:expired_token*1").unwrap());
    let (s, v) = sb.call("/Payment/v1/PaymentPage/Assert", json!({"Token": "abc"})).await;
    check_envelope(s, &v, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "RETRY");
    let r = sb
        .http
        .post(format!("{}/api/Payment/v1/PaymentPage/Assert", sb.base))
        .header(CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "gateway errors carry no envelope");
    let (s, v) = sb.call("/Payment/v1/PaymentPage/Assert", json!({"Token": "abc"})).await;
    check_envelope(s, &v, StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "DO_NOT_RETRY");
}

#[tokio::test]
async fn demo_seed_holds_history_for_both_organisations() {
    let sb = start(Seed::Demo).await;
    let dump = sb.emu.dump();
    let txs = dump["transactions"].as_array().unwrap();
    assert!(txs.len() >= 6, "a handful of historical transactions");
    let has = |f: &dyn Fn(&Value) -> bool| txs.iter().any(f);
    assert!(has(&|t| t["Amount"]["CurrencyCode"] == "CHF" && t["Status"] == "CAPTURED"));
    assert!(has(&|t| t["Type"] == "REFUND"));
    assert!(has(&|t| t["PaymentMeans"]["Brand"]["PaymentMethod"] == "DIRECTDEBIT" && t["_Failed"] == true));
    let first_chf = xp_sandbox_kit::demo::invoice_number(1, 0);
    let card = txs.iter().find(|t| t["OrderId"] == first_chf.as_str() && t["Type"] == "PAYMENT").unwrap();
    assert_eq!(card["Status"], "CAPTURED");
    let inq =
        sb.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"TransactionId": card["Id"]}})).await;
    assert_eq!(inq["Transaction"]["Amount"], card["Amount"]);
    assert_eq!(inq["PaymentMeans"]["Card"]["HolderName"].as_str().unwrap(), xp_sandbox_kit::demo::contact_name(1, 0));
    assert_eq!(start(Seed::Large(50)).await.emu.dump()["transactions"].as_array().unwrap().len(), 50);
    assert!(start(Seed::Empty).await.emu.dump()["transactions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_restored_emulator_keeps_credentials_transactions_pages_and_charge_backs() {
    let sb1 = start(Seed::Demo).await;
    let (first, _) = sb1.captured_sepa("4200", "INV-A00010").await;
    let (s, v) = sb1.admin(&format!("/transactions/{first}/chargeback"), json!({"kind": "authorised"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let page = sb1.initialize("1000", "CHF", json!(["VISA"]), None).await;
    let token = page["Token"].as_str().unwrap().to_owned();
    let saved = sb1.emu.save().unwrap();

    let sb2 = start_with(|ctx, base| Emulator::restore(ctx, base, saved.clone()).unwrap()).await;
    assert_eq!(sb2.emu.save().unwrap(), saved, "saving the restored emulator writes the same document");
    assert_eq!(sb2.emu.dump(), sb1.emu.dump(), "transactions, charge-backs, pages and notifications survive");
    assert_eq!(
        (&sb2.customer, &sb2.terminal, &sb2.user, &sb2.password),
        (&sb1.customer, &sb1.terminal, &sb1.user, &sb1.password),
        "the API credentials survive, so the start-up line stays the same"
    );
    assert!(sb2.emu.credentials()["api_base"].as_str().unwrap().starts_with(&sb2.base), "the URL follows the port");

    let (s, v) = sb2.admin(&format!("/transactions/{first}/chargeback"), json!({"kind": "authorised"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "the charge-back made before the restart is still there: {v}");
    let inq =
        sb2.ok("/Payment/v1/Transaction/Inquire", json!({"TransactionReference": {"TransactionId": first}})).await;
    assert_eq!(inq["Transaction"]["Status"], "CAPTURED");
    let url = format!("{}/vt2/api/PaymentPage/{}/{}/{token}", sb2.base, sb2.customer, sb2.terminal);
    let r = sb2.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the payment page opens at the new address");
    let sepa = sb2.sepa("100", "M-RESTART-2").await;
    assert_ne!(sepa["Transaction"]["Id"].as_str(), Some(first.as_str()), "new ids do not repeat old ones");
}

#[test]
fn a_state_file_from_before_retries_executed_again_still_reads() {
    let ctx = Ctx::new(Duration::from_secs(60));
    let base: url::Url = "http://127.0.0.1:1/saferpay".parse().unwrap();
    let mut saved = Emulator::new(ctx.clone(), Seed::Demo, base.clone()).save().unwrap();
    saved["replies"] = json!([{"endpoint": "/Payment/v1/Transaction/Refund", "request_id": "r-1",
                               "response": {"ResponseHeader": {}}}]);
    for t in saved["transactions"].as_object_mut().unwrap().values_mut() {
        let t = t.as_object_mut().unwrap();
        for newer in ["via_page", "canceled_at", "chargeback", "sepa_export"] {
            t.remove(newer);
        }
    }
    let restored = Emulator::restore(ctx, base, saved).expect("an older state file is read");
    assert!(restored.save().unwrap().get("replies").is_none(), "kept answers are dropped, not replayed");
}
