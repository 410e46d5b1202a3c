//! The writes the app's settlement makes (payments, spend money, bank transfers, a clearing
//! bank account), what official clients send (xero-python's paths, dates and single-object
//! payments), Xero's refusals, and the Idempotency-Key as Xero documents it.

use super::*;
use reqwest::Method;

fn spec() -> &'static Spec {
    static SPEC: std::sync::OnceLock<Spec> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| Spec::official("xero_accounting.yaml").unwrap())
}

fn conforms(component: &str, body: &Value) {
    if let Err(errors) = spec().validate_component(component, body) {
        panic!("{body} does not conform to {component}:\n{}", errors.join("\n"));
    }
}

/// One payment of `amount` against `invoice` into `account` (`{"Code":…}` or `{"AccountID":…}`).
fn payment(invoice: &Value, account: Value, date: &str, amount: Value) -> Value {
    json!({"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Account": account, "Date": date, "Amount": amount})
}

/// Every validation message of a 400 answer, in order.
fn messages(body: &Value) -> Vec<String> {
    body["Elements"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["ValidationErrors"].as_array().cloned().unwrap_or_default())
        .filter_map(|m| m["Message"].as_str().map(str::to_owned))
        .collect()
}

struct Org {
    s: Sandbox,
    access: String,
    t: String,
    currency: String,
}

async fn org() -> Org {
    let s = start(Seed::Demo, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    let currency = s.creds()["tenants"][0]["currency"].as_str().unwrap().to_owned();
    Org { s, access, t, currency }
}

impl Org {
    async fn send(&self, method: Method, path: &str, key: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.s.send(method, &self.access, &self.t, path, key, &body).await
    }

    async fn get(&self, path: &str) -> Value {
        let r = self.s.api(&self.access, &self.t, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }

    /// An AUTHORISED sales invoice in `currency` with something left to pay.
    fn open_invoice(&self, currency: &str, skip: usize) -> Value {
        self.s
            .emu
            .records(&self.t, "Invoices")
            .into_iter()
            .filter(|i| i["Status"] == "AUTHORISED" && i["Type"] == "ACCREC" && i["CurrencyCode"] == currency)
            .nth(skip)
            .expect("the demo data holds open invoices in this currency")
    }

    /// A new bank account in `currency` through `PUT /Accounts`.
    async fn bank_account(&self, code: &str, currency: &str) -> Value {
        let (status, body) = self
            .send(
                Method::PUT,
                "Accounts",
                None,
                json!({"Code": code, "Name": format!("Clearing {code}"), "Type": "BANK",
                       "BankAccountNumber": format!("CH93 0076 2011 6238 5295 {code}"), "CurrencyCode": currency}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["Accounts"][0].clone()
    }
}

#[tokio::test]
async fn paths_are_case_insensitive_and_the_identity_host_serves_discovery() {
    let o = org().await;
    // xero-python asks for /Connections (the identity spec's own spelling).
    for path in ["Connections", "connections", "CONNECTIONS"] {
        let r = o.s.http.get(format!("{}/{path}", o.s.base)).bearer_auth(&o.access).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "/{path} is the same resource on Xero");
    }
    let r =
        o.s.http
            .get(format!("{}/API.XRO/2.0/invoices?page=1&pageSize=3", o.s.base))
            .bearer_auth(&o.access)
            .header("xero-tenant-id", &o.t)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    conforms("Invoices", &r.json().await.unwrap());
    let inv = o.open_invoice(&o.currency, 0);
    let (status, body) = o
        .send(
            Method::PUT,
            "payments",
            None,
            json!({"Payments": [payment(&inv, json!({"Code": "090"}), "2026-11-20", json!(1.0))]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "a write to /payments is a write to /Payments: {body}");

    let disco: Value =
        o.s.http
            .get(format!("{}/.well-known/openid-configuration", o.s.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(disco["issuer"], o.s.base.as_str(), "identity.xero.com, here the emulator's origin");
    assert_eq!(disco["code_challenge_methods_supported"], json!(["S256"]));
    // The endpoints it names are the ones that answer.
    let token = disco["token_endpoint"].as_str().unwrap();
    let r =
        o.s.http.post(token).form(&[("grant_type", "refresh_token"), ("client_id", "nobody")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "the token endpoint answers with an OAuth error");
    let authorize = disco["authorization_endpoint"].as_str().unwrap();
    assert!(authorize.ends_with("/identity/connect/authorize"), "{authorize}");
    let jwks: Value = o.s.http.get(disco["jwks_uri"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks, json!({"keys": []}), "no ID tokens are issued, so no signing keys");
}

#[tokio::test]
async fn post_payments_takes_one_payment_object_with_the_dates_xero_python_sends() {
    let o = org().await;
    let inv = o.open_invoice(&o.currency, 0);
    // xero-python's create_payment: POST /Payments with one Payment, dates as /Date(ms)/.
    let (status, body) = o
        .send(
            Method::POST,
            "Payments",
            None,
            json!({"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"},
                   "Date": "/Date(1733443200000)/", "Amount": 1.5, "Reference": "xero-python"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    conforms("Payments", &body);
    assert_eq!(body["Payments"][0]["Date"], "/Date(1733443200000+0000)/", "6 December 2024");
    assert_eq!(body["Payments"][0]["Amount"], 1.5);
    // Unset fields sent as null are fields left out, as Xero binds them.
    let (status, body) = o
        .send(
            Method::POST,
            "Payments",
            None,
            json!({"Invoice": {"InvoiceID": inv["InvoiceID"], "InvoiceNumber": null}, "Account": {"Code": "090", "AccountID": null},
                   "Date": "2024-12-06", "Amount": 0.5, "Reference": null, "IsReconciled": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    for (date, want) in [
        ("/Date(1733403600000+1300)/", "/Date(1733443200000+0000)/"),
        ("2024-12-06T00:00:00", "/Date(1733443200000+0000)/"),
        ("2024-12-06T18:00:00-05:00", "/Date(1733443200000+0000)/"),
        ("2024-12-06", "/Date(1733443200000+0000)/"),
    ] {
        let (status, body) = o
            .send(
                Method::PUT,
                "Payments",
                None,
                json!({"Payments": [payment(&inv, json!({"Code": "090"}), date, json!(0.01))]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{date}: {body}");
        assert_eq!(body["Payments"][0]["Date"], want, "{date} names 6 December 2024");
    }

    // Deleting with the spec's PaymentDelete body.
    let pid = body["Payments"][0]["PaymentID"].as_str().unwrap();
    let (status, body) = o.send(Method::POST, &format!("Payments/{pid}"), None, json!({"Status": "DELETED"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Payments"][0]["Status"], "DELETED");
    conforms("Payments", &body);
}

#[tokio::test]
async fn write_bodies_are_checked_against_the_spec_request_schema() {
    let o = org().await;
    let inv = o.open_invoice(&o.currency, 0);
    let before = o.s.emu.records(&o.t, "Payments").len();
    let pay = |extra: Value| {
        let mut p = payment(&inv, json!({"Code": "090"}), "2026-11-20", json!(1.0));
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"Payments": [p]})
    };
    for (body, needle) in [
        (pay(json!({"Amount": "1.00"})), "$.Payments[0].Amount: expected number"),
        (pay(json!({"Status": "PAID"})), "$.Payments[0].Status"),
        (pay(json!({"Invoice": "INV-1"})), "$.Payments[0].Invoice: expected object"),
        (pay(json!({"Date": "20.11.2026"})), "'20.11.2026' is not a valid date"),
        (pay(json!({"Date": "2026-02-30"})), "not a valid date"),
        (json!({"Payments": {"Amount": 1}}), "$.Payments: expected array"),
    ] {
        let (status, err) = o.send(Method::PUT, "Payments", None, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(err["Type"], "PostDataInvalidException", "{err}");
        assert_eq!(err["ErrorNumber"], 14);
        assert!(err["Message"].as_str().unwrap().contains(needle), "{needle} not in {err}");
        conforms("Error", &err);
    }
    let r =
        o.s.http
            .put(format!("{}/api.xro/2.0/Payments", o.s.base))
            .bearer_auth(&o.access)
            .header("xero-tenant-id", &o.t)
            .body("{\"Payments\": [")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a body that is not JSON");
    let (status, err) = o
        .send(
            Method::PUT,
            "BankTransactions",
            None,
            json!({"Type": "SPEND", "LineAmountTypes": "NO_TAX", "BankAccount": {"Code": "090"}, "Contact": {"Name": "Bank"},
                   "LineItems": [{"UnitAmount": 1, "AccountCode": "404"}]}),
        )
        .await;
    assert_eq!((status, err["Type"].as_str()), (StatusCode::BAD_REQUEST, Some("PostDataInvalidException")));
    assert!(err["Message"].as_str().unwrap().contains("LineAmountTypes"), "{err}");
    assert_eq!(o.s.emu.records(&o.t, "Payments").len(), before, "no refused body booked anything");
}

#[tokio::test]
async fn payments_are_refused_where_xero_refuses_them() {
    let o = org().await;
    let inv = o.open_invoice(&o.currency, 0);
    // Amounts are built from whole cents, so each prints with the two decimals it has.
    let due = (inv["AmountDue"].as_f64().unwrap() * 100.0).round() as i64;
    let money = |cents: i64| json!(cents as f64 / 100.0);
    let pay = |account: &str, amount: Value, invoice: &Value| {
        payment(invoice, json!({"Code": account}), "2026-11-20", amount)
    };
    let gbp = o.bank_account("094", "GBP").await;
    for (body, want) in [
        (pay("090", money(due + 1), &inv), "Payment amount exceeds the amount outstanding on this document"),
        (pay("090", json!(0), &inv), "Payment amount must be greater than zero"),
        (pay("090", json!(1.005), &inv), "Payment amount must have at most two decimal places"),
        (
            pay("200", json!(1), &inv),
            "Payments can only be made to BANK accounts or accounts with EnablePaymentsToAccount",
        ),
        (pay("999", json!(1), &inv), "Account could not be found"),
        (
            pay("094", json!(1), &inv),
            &format!(
                "The payment account's currency GBP must be the invoice's currency {c} or the base currency {c}",
                c = o.currency
            ),
        ),
    ] {
        let (status, err) = o.send(Method::PUT, "Payments", None, json!({"Payments": [body]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(err["Type"], "ValidationException");
        assert_eq!(messages(&err), vec![want.to_owned()], "{body}");
        conforms("Error", &err);
    }
    assert_eq!(gbp["CurrencyCode"], "GBP");
    // An account with EnablePaymentsToAccount takes payments although it is not a bank account.
    let (status, body) = o.send(Method::POST, "Payments", None, pay("880", json!(1), &inv)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A USD invoice may be paid into the base-currency account.
    let usd = o.open_invoice("USD", 0);
    let (status, body) = o.send(Method::POST, "Payments", None, pay("090", json!(1), &usd)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Two payments of one batch that together exceed the amount due: all or nothing.
    let before = o.s.emu.records(&o.t, "Payments").len();
    let half = (due - 100) / 2 + 1;
    let batch = json!({"Payments": [pay("090", money(half), &inv), pay("090", money(half), &inv)]});
    let (status, err) = o.send(Method::PUT, "Payments", None, batch.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(o.s.emu.records(&o.t, "Payments").len(), before, "a refused batch books nothing");
    // summarizeErrors=false: 200, the first booked, the second flagged.
    let (status, body) = o.send(Method::PUT, "Payments?summarizeErrors=false", None, batch).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["Payments"].as_array().unwrap();
    assert_eq!(items[0]["StatusAttributeString"], "OK");
    assert_eq!(items[1]["HasValidationErrors"], true);
    assert_eq!(items[1]["StatusAttributeString"], "ERROR");
    assert_eq!(o.s.emu.records(&o.t, "Payments").len(), before + 1);

    // Deleting twice: the second is refused; an unknown payment is 404.
    let pid = items[0]["PaymentID"].as_str().unwrap();
    let del = json!({"Payments": [{"Status": "DELETED"}]});
    assert_eq!(o.send(Method::POST, &format!("Payments/{pid}"), None, del.clone()).await.0, StatusCode::OK);
    let (status, err) = o.send(Method::POST, &format!("Payments/{pid}"), None, del.clone()).await;
    assert_eq!(
        (status, messages(&err)),
        (StatusCode::BAD_REQUEST, vec!["This payment has already been deleted".to_owned()])
    );
    let (status, _) = o.send(Method::POST, "Payments/00000000-0000-0000-0000-000000000000", None, del).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = o.send(Method::POST, &format!("Payments/{pid}"), None, json!({"Status": "AUTHORISED"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "only deleting changes a payment: {err}");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_same_request_and_refuses_another_for_six_minutes() {
    let o = org().await;
    let inv = o.open_invoice(&o.currency, 0);
    let body = json!({"Payments": [payment(&inv, json!({"Code": "092"}), "2026-11-20", json!(2.0))]});
    let key = "settle-7f3a";
    let (s1, first) = o.send(Method::PUT, "Payments", Some(key), body.clone()).await;
    assert_eq!(s1, StatusCode::OK, "{first}");
    let (s2, again) = o.send(Method::PUT, "Payments", Some(key), body.clone()).await;
    assert_eq!((s2, &again), (StatusCode::OK, &first), "the same request replays the stored answer");
    // The same key on another method or URL is another request, even with the same body.
    for (method, path) in [(Method::POST, "Payments"), (Method::PUT, "Payments?summarizeErrors=false")] {
        let (status, err) = o.send(method.clone(), path, Some(key), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}");
        assert_eq!(err["Detail"], format!("Idempotency Key: {key} is used with a different request."));
    }
    let mut other = body.clone();
    other["Payments"][0]["Amount"] = json!(3.0);
    assert_eq!(o.send(Method::PUT, "Payments", Some(key), other.clone()).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(o.s.ctx.counters.snapshot().created_by_key.get(&format!("xero {key}")), Some(&1));

    // A refusal is cached and replayed as well.
    let mut refused = body.clone();
    refused["Payments"][0]["Account"]["Code"] = json!("200");
    let (status, err) = o.send(Method::PUT, "Payments", Some("refused-1"), refused.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(o.send(Method::PUT, "Payments", Some("refused-1"), refused).await, (StatusCode::BAD_REQUEST, err));

    // Keys are kept six minutes from the first call; after that the key is new again.
    o.s.ctx.clock.advance(time::Duration::minutes(6));
    let (status, later) = o.send(Method::PUT, "Payments", Some(key), other).await;
    assert_eq!(status, StatusCode::OK, "an expired key is processed as a new key: {later}");
    assert_ne!(later["Payments"][0]["PaymentID"], first["Payments"][0]["PaymentID"]);

    let long = "k".repeat(129);
    let (status, err) = o.send(Method::PUT, "Payments", Some(&long), body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "128 characters at most");
    assert!(err["Detail"].as_str().unwrap().contains("129"), "{err}");
    let (status, _) = o.send(Method::PUT, "Payments", Some(&"k".repeat(128)), body.clone()).await;
    assert_eq!(status, StatusCode::OK);

    // Concurrent retries of one request book it once and all get its answer.
    let calls = (0..4).map(|_| o.send(Method::PUT, "Payments", Some("burst-1"), body.clone()));
    let answers = futures_util::future::join_all(calls).await;
    let ids: std::collections::HashSet<String> =
        answers.iter().map(|(_, b)| b["Payments"][0]["PaymentID"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 1, "one payment for four concurrent sends of one key");
    assert_eq!(o.s.ctx.counters.snapshot().created_by_key.get("xero burst-1"), Some(&1));
}

#[tokio::test]
async fn idempotency_keys_belong_to_the_app() {
    let o = org().await;
    // A second app: the interactive client, through its consent page.
    let client = o.s.creds()["client_id"].as_str().unwrap().to_owned();
    let (verifier, challenge) = pkce();
    let page = o.s.http.get(o.s.authorize_url(&client, &challenge, "app2")).send().await.unwrap().text().await.unwrap();
    let consent = page.split("name=\"consent\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r =
        o.s.http
            .post(format!("{}/identity/connect/authorize/consent", o.s.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("consent={consent}&decision=allow&tenant={}", o.t))
            .send()
            .await
            .unwrap();
    let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let code = loc.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let (status, tok) = o.s.exchange(&client, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tok}");
    let other_app = tok["access_token"].as_str().unwrap();

    let inv = o.open_invoice(&o.currency, 0);
    let body = json!({"Payments": [payment(&inv, json!({"Code": "092"}), "2026-11-20", json!(2.0))]});
    let (_, mine) = o.send(Method::PUT, "Payments", Some("shared-key"), body.clone()).await;
    let (status, theirs) = o.s.send(Method::PUT, other_app, &o.t, "Payments", Some("shared-key"), &body).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_ne!(theirs["Payments"][0]["PaymentID"], mine["Payments"][0]["PaymentID"], "each app has its own keys");
}

#[tokio::test]
async fn spend_money_books_line_items_with_tax_and_can_be_deleted() {
    let o = org().await;
    let fee = json!({"Type": "SPEND", "Contact": {"Name": "GoCardless Ltd"}, "BankAccount": {"Code": "092"},
                     "Date": "/Date(1733443200000)/", "Reference": "GC fees PO-1", "LineAmountTypes": "NoTax",
                     "LineItems": [{"Description": "Transaction fees", "Quantity": 3, "UnitAmount": 0.35, "AccountCode": "404"}]});
    let (status, body) =
        o.send(Method::PUT, "BankTransactions", Some("fees-1"), json!({"BankTransactions": [fee]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    conforms("BankTransactions", &body);
    let tx = &body["BankTransactions"][0];
    assert_eq!((tx["Type"].as_str(), tx["Status"].as_str()), (Some("SPEND"), Some("AUTHORISED")));
    assert_eq!(
        (tx["SubTotal"].as_f64(), tx["TotalTax"].as_f64(), tx["Total"].as_f64()),
        (Some(1.05), Some(0.0), Some(1.05))
    );
    assert_eq!(tx["LineItems"][0]["LineAmount"], 1.05);
    assert_eq!(tx["BankAccount"]["Code"], "092");
    assert_eq!(tx["Date"], "/Date(1733443200000+0000)/");
    assert_eq!(tx["CurrencyCode"], o.currency.as_str());
    let id = tx["BankTransactionID"].as_str().unwrap().to_owned();
    let contact = tx["Contact"]["ContactID"].as_str().unwrap();
    assert!(
        o.s.emu.records(&o.t, "Contacts").iter().any(|c| c["ContactID"] == contact),
        "an unknown contact name becomes a new contact"
    );
    let fetched = o.get(&format!("BankTransactions/{id}")).await;
    assert_eq!(fetched["BankTransactions"][0]["Total"], 1.05);

    // Inclusive tax at the organisation's VAT rate, one bare BankTransaction on POST.
    let rate = o.get("TaxRates").await["TaxRates"][0].clone();
    let (status, body) = o
        .send(
            Method::POST,
            "BankTransactions",
            None,
            json!({"Type": "RECEIVE", "Contact": {"Name": "Walk-in"}, "BankAccount": {"Code": "090"}, "LineAmountTypes": "Inclusive",
                   "LineItems": [{"Description": "Counter sale", "UnitAmount": 100.0, "AccountCode": "200", "TaxType": rate["TaxType"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bp = (rate["EffectiveRate"].as_f64().unwrap() * 100.0).round() as i64;
    let tax = (10_000 * bp * 2 + (10_000 + bp)) / (2 * (10_000 + bp));
    let got = &body["BankTransactions"][0];
    assert_eq!(got["Total"], 100.0);
    assert_eq!((got["TotalTax"].as_f64().unwrap() * 100.0).round() as i64, tax, "tax inside an inclusive amount");

    let base = json!({"Type": "SPEND", "Contact": {"Name": "Bank"}, "BankAccount": {"Code": "092"},
                      "LineItems": [{"UnitAmount": 1.0, "AccountCode": "404"}]});
    let with = |patch: Value| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        b
    };
    for (body, want) in [
        (
            with(json!({"LineItems": [{"UnitAmount": 1.0, "AccountCode": "999"}]})),
            "Account code '999' is not a valid code for this document.",
        ),
        (
            with(json!({"LineItems": [{"UnitAmount": 1.0, "AccountCode": "090"}]})),
            "Account code '090' is not a valid code for this document.",
        ),
        (
            with(json!({"LineItems": [{"UnitAmount": 1.0, "AccountCode": "610"}]})),
            "Account code '610' is not a valid code for this document.",
        ),
        (with(json!({"LineItems": []})), "A bank transaction must have at least one line item"),
        (with(json!({"BankAccount": {"Code": "404"}})), "The BankAccount must be an account of Type BANK"),
        (
            with(json!({"CurrencyCode": "USD"})),
            &format!("The currency USD does not match the currency {} of the bank account", o.currency),
        ),
        (with(json!({"Contact": {}})), "A Contact must be specified for this type of transaction"),
        (with(json!({"Type": "SPEND-TRANSFER"})), "Transfers between bank accounts are created with BankTransfers"),
        (
            with(json!({"LineItems": [{"UnitAmount": 1.005, "AccountCode": "404"}]})),
            "UnitAmount must be a number with at most 2 decimal places",
        ),
        (
            with(json!({"LineItems": [{"UnitAmount": 1.0, "AccountCode": "404", "TaxType": "NOPE"}]})),
            "The TaxType code 'NOPE' does not exist or cannot be used for this type of transaction.",
        ),
    ] {
        let (status, err) =
            o.send(Method::PUT, "BankTransactions", None, json!({"BankTransactions": [body.clone()]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(messages(&err), vec![want.to_owned()], "{body}");
        conforms("Error", &err);
    }
    let (status, err) =
        o.send(Method::PUT, "BankTransactions", None, json!({"BankTransactions": [{"Type": "SPEND"}]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "BankAccount, Contact and LineItems are required: {err}");
    assert_eq!(messages(&err).len(), 3, "{err}");
    // unitdp=4 admits four decimals in unit amounts.
    let four = with(json!({"LineItems": [{"UnitAmount": 0.0125, "Quantity": 100, "AccountCode": "404"}]}));
    let (status, body) = o.send(Method::PUT, "BankTransactions?unitdp=4", None, four).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["BankTransactions"][0]["Total"], 1.25);

    let (status, body) =
        o.send(Method::POST, &format!("BankTransactions/{id}"), None, json!({"Status": "DELETED"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["BankTransactions"][0]["Status"], "DELETED");
    let (status, _) = o.send(Method::POST, &format!("BankTransactions/{id}"), None, json!({"Status": "DELETED"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a deleted transaction stays deleted");
}

#[tokio::test]
async fn bank_transfers_move_money_between_two_bank_accounts() {
    let o = org().await;
    let transfer = json!({"FromBankAccount": {"Code": "092"}, "ToBankAccount": {"Code": "090"}, "Amount": 1234.56,
                          "Date": "2026-11-20", "Reference": "GoCardless payout PO-1"});
    let (status, body) =
        o.send(Method::PUT, "BankTransfers", Some("payout-1"), json!({"BankTransfers": [transfer]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    conforms("BankTransfers", &body);
    let tr = body["BankTransfers"][0].clone();
    assert_eq!((tr["Amount"].as_f64(), tr["FromBankAccount"]["Code"].as_str()), (Some(1234.56), Some("092")));
    let txs = o.s.emu.records(&o.t, "BankTransactions");
    let half = |field: &str| txs.iter().find(|t| t["BankTransactionID"] == tr[field]).unwrap().clone();
    let (from, to) = (half("FromBankTransactionID"), half("ToBankTransactionID"));
    assert_eq!((from["Type"].as_str(), from["BankAccount"]["Code"].as_str()), (Some("SPEND-TRANSFER"), Some("092")));
    assert_eq!((to["Type"].as_str(), to["BankAccount"]["Code"].as_str()), (Some("RECEIVE-TRANSFER"), Some("090")));
    assert_eq!(to["Total"], 1234.56);
    let listed = o.get("BankTransfers").await;
    conforms("BankTransfers", &listed);
    assert_eq!(listed["BankTransfers"].as_array().unwrap().len(), 1);
    conforms("BankTransactions", &o.get("BankTransactions?page=1").await);

    let gbp = o.bank_account("095X", "GBP").await;
    let send = |from: &str, to: &str, amount: Value| json!({"FromBankAccount": {"Code": from}, "ToBankAccount": {"Code": to}, "Amount": amount});
    for (body, want) in [
        (
            send("090", "090", json!(10)),
            "The FromBankAccount and ToBankAccount must be different bank accounts".to_owned(),
        ),
        (send("090", "404", json!(10)), "The ToBankAccount must be an account of Type BANK".to_owned()),
        (send("090", "092", json!(0)), "The Amount must be greater than zero".to_owned()),
        (send("090", "092", json!(0.001)), "The Amount must have at most two decimal places".to_owned()),
        (
            send("090", "095X", json!(10)),
            format!("The sandbox transfers only between accounts of one currency ({} → GBP)", o.currency),
        ),
        (json!({"ToBankAccount": {"Code": "090"}, "Amount": 10}), "A FromBankAccount is required".to_owned()),
    ] {
        let (status, err) = o.send(Method::PUT, "BankTransfers", None, json!({"BankTransfers": [body.clone()]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(messages(&err), vec![want], "{body}");
    }
    assert_eq!(gbp["Code"], "095X");

    let id = tr["BankTransferID"].as_str().unwrap();
    let (status, body) = o.send(Method::POST, &format!("BankTransfers/{id}"), None, json!({"Status": "DELETED"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let txs = o.s.emu.records(&o.t, "BankTransactions");
    for field in ["FromBankTransactionID", "ToBankTransactionID"] {
        let t = txs.iter().find(|t| t["BankTransactionID"] == tr[field]).unwrap();
        assert_eq!(t["Status"], "DELETED", "deleting a transfer deletes its {field}");
    }
    assert!(o.get("BankTransfers").await["BankTransfers"].as_array().unwrap().is_empty());
    assert_eq!(o.get("BankTransfers?includeDeleted=true").await["BankTransfers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_clearing_bank_account_is_created_with_put_accounts_and_takes_payments() {
    let o = org().await;
    let acc = o.bank_account("093", &o.currency).await;
    conforms("Accounts", &json!({"Accounts": [acc.clone()]}));
    assert_eq!(
        (acc["Type"].as_str(), acc["Class"].as_str(), acc["Status"].as_str()),
        (Some("BANK"), Some("ASSET"), Some("ACTIVE"))
    );
    let listed = o.get("Accounts?where=Type%3D%3D%22BANK%22").await;
    assert!(listed["Accounts"].as_array().unwrap().iter().any(|a| a["AccountID"] == acc["AccountID"]));
    let inv = o.open_invoice(&o.currency, 0);
    let (status, body) = o
        .send(
            Method::POST,
            "Payments",
            None,
            payment(&inv, json!({"AccountID": acc["AccountID"]}), "2026-11-20", json!(1.0)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "a new bank account takes payments: {body}");

    for (body, want) in [
        (
            json!({"Code": "097", "Name": "clearing 093", "Type": "BANK", "BankAccountNumber": "1"}),
            "Please enter a unique Name.",
        ),
        (
            json!({"Code": "093", "Name": "Another", "Type": "BANK", "BankAccountNumber": "1"}),
            "Please enter a unique Code.",
        ),
        (
            json!({"Code": "098", "Name": "No number", "Type": "BANK"}),
            "A BankAccountNumber is required for a bank account",
        ),
        (json!({"Name": "No code", "Type": "EXPENSE"}), "Please enter a Code."),
        (
            json!({"Code": "099", "Name": "Yen", "Type": "BANK", "BankAccountNumber": "1", "CurrencyCode": "JPY"}),
            "The currency JPY is not set up in this organisation",
        ),
    ] {
        let (status, err) = o.send(Method::PUT, "Accounts", None, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(messages(&err), vec![want.to_owned()], "{body}");
        conforms("Error", &err);
    }
    let (status, err) =
        o.send(Method::PUT, "Accounts", None, json!({"Code": "096", "Name": "X", "Type": "BANKING"})).await;
    assert_eq!((status, err["Type"].as_str()), (StatusCode::BAD_REQUEST, Some("PostDataInvalidException")), "{err}");
}
