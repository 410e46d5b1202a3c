//! The Xero emulator over real HTTP: OAuth (PKCE, consent, rotation with grace), connections,
//! the Accounting API's envelopes checked against the official spec, paging, filters,
//! If-Modified-Since, payments with idempotency, validation errors and rate limits.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Digest;
use std::time::Duration;
use xp_sandbox_conformance::Spec;
use xp_sandbox_kit::{Ctx, Fault, Persist, Seed};
use xp_sandbox_xero::{Bases, Emulator};

/// Writes (payments, spend money, transfers, accounts), checked as strictly as Xero checks them.
mod writes;

struct Sandbox {
    base: String,
    ctx: Ctx,
    emu: std::sync::Arc<Emulator>,
    http: reqwest::Client,
}

async fn start(seed: Seed, minute: Duration) -> Sandbox {
    serve(minute, |ctx, bases| Emulator::new(ctx, seed, bases)).await
}

/// Serves the emulator `make` builds on a fresh port (the bases name that port).
async fn serve(minute: Duration, make: impl FnOnce(Ctx, Bases) -> Emulator) -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let ctx = Ctx::new(minute);
    let emu = std::sync::Arc::new(make(ctx.clone(), Bases::single(&url::Url::parse(&base).unwrap())));
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Sandbox { base, ctx, emu, http }
}

fn pkce() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-verifier".to_owned();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const SCOPE: &str = "offline_access accounting.invoices accounting.payments accounting.banktransactions accounting.contacts accounting.settings";

impl Sandbox {
    fn creds(&self) -> Value {
        self.emu.credentials()
    }

    fn authorize_url(&self, client_id: &str, challenge: &str, state: &str) -> String {
        let mut u = url::Url::parse(&format!("{}/identity/connect/authorize", self.base)).unwrap();
        u.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", SCOPE)
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        u.to_string()
    }

    async fn code_via_auto_consent(&self, state: &str) -> (String, String) {
        let (verifier, challenge) = pkce();
        let client = self.creds()["auto_consent_client_id"].as_str().unwrap().to_owned();
        let r = self.http.get(self.authorize_url(&client, &challenge, state)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
        assert_eq!(q["state"], state, "state is echoed");
        (q["code"].clone(), verifier)
    }

    async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let r = self.http.post(format!("{}/connect/token", self.base)).form(form).send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }

    /// Exchanges an authorization code for tokens as `client`.
    async fn exchange(&self, client: &str, code: &str, verifier: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .await
    }

    async fn connect(&self) -> (Value, String) {
        let (code, verifier) = self.code_via_auto_consent("st-1").await;
        let client = self.creds()["auto_consent_client_id"].as_str().unwrap().to_owned();
        let (status, tok) = self.exchange(&client, &code, &verifier).await;
        assert_eq!(status, StatusCode::OK, "{tok}");
        let access = tok["access_token"].as_str().unwrap().to_owned();
        (tok, access)
    }

    /// A write to the Accounting API; `path` may carry a query. The answer's status and body.
    async fn send(
        &self,
        method: reqwest::Method,
        access: &str,
        tenant: &str,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api.xro/2.0/{path}", self.base))
            .bearer_auth(access)
            .header("xero-tenant-id", tenant)
            .header("accept", "application/json")
            .json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn api(&self, access: &str, tenant: &str, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api.xro/2.0/{path}", self.base))
            .bearer_auth(access)
            .header("xero-tenant-id", tenant)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap()
    }
}

fn tenant(s: &Sandbox, i: usize) -> String {
    s.creds()["tenants"][i]["tenantId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_response_the_app_relies_on_conforms_to_the_official_spec() {
    let s = start(Seed::Demo, Duration::from_secs(60)).await;
    let (tok, access) = s.connect().await;
    let spec = Spec::official("xero_accounting.yaml").unwrap();
    let identity = Spec::official("xero-identity.yaml").unwrap();
    identity.validate_component("AccessToken", &tok).unwrap();
    let conns: Value =
        s.http.get(format!("{}/connections", s.base)).bearer_auth(&access).send().await.unwrap().json().await.unwrap();
    assert_eq!(conns.as_array().unwrap().len(), 2);
    for c in conns.as_array().unwrap() {
        identity.validate_component("Connection", c).unwrap();
    }
    let t = tenant(&s, 0);
    for (path, component) in [
        ("Organisation", "Organisations"),
        ("Accounts", "Accounts"),
        ("Currencies", "Currencies"),
        ("TaxRates", "TaxRates"),
        ("Contacts?page=1", "Contacts"),
        ("Invoices?page=1", "Invoices"),
        ("Invoices?page=2&pageSize=5&summaryOnly=true", "Invoices"),
        ("Payments?page=1", "Payments"),
        ("BankTransactions?page=1", "BankTransactions"),
        ("CreditNotes?page=1", "CreditNotes"),
    ] {
        let r = s.api(&access, &t, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body: Value = r.json().await.unwrap();
        if let Err(errors) = spec.validate_component(component, &body) {
            panic!(
                "{path} does not conform to {component}:\n{}",
                errors.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
            );
        }
    }
    // A validation error conforms to the spec's Error schema.
    let r = s
        .http
        .put(format!("{}/api.xro/2.0/Payments", s.base))
        .bearer_auth(&access)
        .header("xero-tenant-id", &t)
        .json(&json!({"Payments": [{"Invoice": {"InvoiceID": "00000000-0000-0000-0000-000000000000"}, "Account": {"Code": "090"}, "Date": "2026-11-20", "Amount": 10.0}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let err: Value = r.json().await.unwrap();
    spec.validate_component("Error", &err).unwrap();
    assert_eq!(err["Elements"][0]["ValidationErrors"][0]["Message"], "Invoice could not be found");
}

#[tokio::test]
async fn oauth_requires_pkce_exact_redirect_and_single_use_codes() {
    let s = start(Seed::Empty, Duration::from_secs(60)).await;
    let client = s.creds()["client_id"].as_str().unwrap().to_owned();
    let (_, challenge) = pkce();
    // Unregistered redirect URI: an error page, never a redirect.
    let bad = s.authorize_url(&client, &challenge, "s").replace("53682", "9999");
    let r = s.http.get(bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // No PKCE: redirected back with invalid_request and the state.
    let no_pkce =
        s.authorize_url(&client, &challenge, "s2").replace("code_challenge_method=S256", "code_challenge_method=plain");
    let r = s.http.get(no_pkce).send().await.unwrap();
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(loc.contains("error=invalid_request") && loc.contains("state=s2"), "{loc}");
    // The interactive client gets a consent page with an Allow button.
    let page = s.http.get(s.authorize_url(&client, &challenge, "s3")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"xero-allow\""), "{page}");

    let (code, verifier) = s.code_via_auto_consent("s4").await;
    let auto = s.creds()["auto_consent_client_id"].as_str().unwrap().to_owned();
    let wrong = s
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &auto),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "x".repeat(50).as_str()),
        ])
        .await;
    assert_eq!((wrong.0, wrong.1["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let replay = s
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &auto),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(replay.1["error"], "invalid_grant", "a code is single-use, even after a failed exchange");
}

#[tokio::test]
async fn refresh_tokens_rotate_with_a_grace_window_for_lost_responses() {
    let s = start(Seed::Empty, Duration::from_secs(60)).await;
    let (tok, _) = s.connect().await;
    let auto = s.creds()["auto_consent_client_id"].as_str().unwrap().to_owned();
    let r0 = tok["refresh_token"].as_str().unwrap().to_owned();
    let (st, first) = s.token(&[("grant_type", "refresh_token"), ("client_id", &auto), ("refresh_token", &r0)]).await;
    assert_eq!(st, StatusCode::OK);
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r0, r1, "every refresh rotates");
    // The response was "lost": the old token retried within the grace window gives the same successor.
    let (st, again) = s.token(&[("grant_type", "refresh_token"), ("client_id", &auto), ("refresh_token", &r0)]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again["refresh_token"], r1.as_str());
    s.ctx.clock.advance(time::Duration::minutes(31));
    let (st, late) = s.token(&[("grant_type", "refresh_token"), ("client_id", &auto), ("refresh_token", &r0)]).await;
    assert_eq!((st, late["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (st, _) = s.token(&[("grant_type", "refresh_token"), ("client_id", &auto), ("refresh_token", &r1)]).await;
    assert_eq!(st, StatusCode::OK, "the successor still works");
    assert_eq!(s.ctx.counters.requests("xero", "POST /identity/connect/token refresh_token"), 4);
}

#[tokio::test]
async fn access_tokens_expire_after_30_minutes_and_tenants_are_checked() {
    let s = start(Seed::Empty, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    assert_eq!(s.api(&access, &t, "Organisation").await.status(), StatusCode::OK);
    assert_eq!(
        s.api(&access, "00000000-0000-0000-0000-000000000000", "Organisation").await.status(),
        StatusCode::FORBIDDEN
    );
    s.ctx.clock.advance(time::Duration::minutes(31));
    let r = s.api(&access, &t, "Organisation").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert!(body["Detail"].as_str().unwrap().starts_with("TokenExpired"), "{body}");
}

#[tokio::test]
async fn paging_filters_and_if_modified_since() {
    let s = start(Seed::Demo, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    let all = s.emu.records(&t, "Invoices");
    let mut seen = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let body: Value = s
            .api(&access, &t, &format!("Invoices?page={page}&pageSize=200&order=UpdatedDateUTC%20ASC"))
            .await
            .json()
            .await
            .unwrap();
        let items = body["Invoices"].as_array().unwrap();
        for i in items {
            assert!(i["LineItems"].is_array(), "paged invoices carry line items");
            assert!(seen.insert(i["InvoiceID"].as_str().unwrap().to_owned()), "no duplicates across pages");
        }
        assert_eq!(body["pagination"]["itemCount"], all.len());
        if page >= body["pagination"]["pageCount"].as_u64().unwrap() as usize {
            break;
        }
        page += 1;
    }
    assert_eq!(seen.len(), all.len());

    let body: Value = s
        .api(
            &access,
            &t,
            "Invoices?page=1&pageSize=1000&where=Status%3D%3D%22AUTHORISED%22%20AND%20Type%3D%3D%22ACCREC%22",
        )
        .await
        .json()
        .await
        .unwrap();
    let items = body["Invoices"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["Status"] == "AUTHORISED" && i["Type"] == "ACCREC"));
    let bad = s.api(&access, &t, "Invoices?where=Status%3D%3D").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // If-Modified-Since returns only what changed: pay one invoice, then ask since just before.
    let since = s.ctx.clock.now() - time::Duration::seconds(1);
    let target = items[0].clone();
    let r = s
        .http
        .put(format!("{}/api.xro/2.0/Payments", s.base))
        .bearer_auth(&access)
        .header("xero-tenant-id", &t)
        .json(&json!({"Payments": [{"Invoice": {"InvoiceID": target["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-11-20", "Amount": 1.0}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let changed: Value = s
        .http
        .get(format!("{}/api.xro/2.0/Invoices?page=1", s.base))
        .bearer_auth(&access)
        .header("xero-tenant-id", &t)
        .header("if-modified-since", since.format(&time::format_description::well_known::Rfc3339).unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> =
        changed["Invoices"].as_array().unwrap().iter().map(|i| i["InvoiceID"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![target["InvoiceID"].as_str().unwrap()]);
}

#[tokio::test]
async fn payments_are_created_once_per_idempotency_key_and_can_be_deleted() {
    let s = start(Seed::Demo, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    let (org, i) = xp_sandbox_kit::demo::direct_debit_invoice(0);
    assert_eq!(org, 0);
    let inv = s.emu.records(&t, "Invoices")[i].clone();
    let total = inv["Total"].as_f64().unwrap();
    let body = json!({"Payments": [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "092"}, "Date": "2026-11-20", "Amount": total, "Reference": "SEPA DD PM01"}]});
    let put = |key: &'static str, body: Value| {
        s.http
            .put(format!("{}/api.xro/2.0/Payments", s.base))
            .bearer_auth(&access)
            .header("xero-tenant-id", &t)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first: Value = put("pay-inv-1", body.clone()).await.unwrap().json().await.unwrap();
    let second: Value = put("pay-inv-1", body.clone()).await.unwrap().json().await.unwrap();
    let pid = first["Payments"][0]["PaymentID"].as_str().unwrap().to_owned();
    assert_eq!(second["Payments"][0]["PaymentID"], pid.as_str(), "a retried write returns the first result");
    assert_eq!(s.ctx.counters.snapshot().created_by_key.get("xero pay-inv-1"), Some(&1));
    let other = put("pay-inv-1", json!({"Payments": []})).await.unwrap();
    assert_eq!(other.status(), StatusCode::BAD_REQUEST, "a key reused with another body is refused");

    let paid: Value =
        s.api(&access, &t, &format!("Invoices/{}", inv["InvoiceID"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(paid["Invoices"][0]["Status"], "PAID");
    assert_eq!(paid["Invoices"][0]["AmountDue"], 0.0);

    // Paying a PAID invoice again is a validation error naming the problem.
    let again: Value = put("pay-inv-2", body.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(again["Type"], "ValidationException");
    assert!(again["Elements"][0]["ValidationErrors"][0]["Message"].as_str().unwrap().contains("status PAID"));

    let del = s
        .http
        .post(format!("{}/api.xro/2.0/Payments/{pid}", s.base))
        .bearer_auth(&access)
        .header("xero-tenant-id", &t)
        .json(&json!({"Payments": [{"Status": "DELETED"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::OK);
    let back: Value =
        s.api(&access, &t, &format!("Invoices/{}", inv["InvoiceID"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(back["Invoices"][0]["Status"], "AUTHORISED");
    assert_eq!(back["Invoices"][0]["AmountDue"], total);
}

#[tokio::test]
async fn seventy_calls_in_a_minute_get_exactly_ten_429s_with_xero_headers() {
    let s = start(Seed::Empty, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    let mut limited = Vec::new();
    let mut last_ok_remaining = None;
    for _ in 0..70 {
        let r = s.api(&access, &t, "Organisation").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited.push(r);
        } else {
            assert_eq!(r.status(), StatusCode::OK);
            last_ok_remaining = r.headers().get("x-minlimit-remaining").map(|v| v.to_str().unwrap().to_owned());
            assert!(
                r.headers().contains_key("x-daylimit-remaining") && r.headers().contains_key("x-appminlimit-remaining")
            );
        }
    }
    assert_eq!(limited.len(), 10, "60 per minute per tenant");
    assert_eq!(last_ok_remaining.as_deref(), Some("0"));
    let h = limited[0].headers();
    assert_eq!(h["x-rate-limit-problem"], "minute");
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After within the minute: {retry}");
    // Another tenant has its own budget.
    assert_eq!(s.api(&access, &tenant(&s, 1), "Organisation").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn six_concurrent_calls_to_one_tenant_get_one_refusal() {
    let s = start(Seed::Empty, Duration::from_secs(60)).await;
    let (_, access) = s.connect().await;
    let t = tenant(&s, 0);
    // Each call is held for a while inside the API, so all six overlap.
    s.ctx.faults.add(Fault::parse_spec("xero:latency=1500*6").unwrap());
    let calls = (0..6).map(|_| s.api(&access, &t, "Organisation"));
    let results = futures_join(calls).await;
    let refused: Vec<_> = results.iter().filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS).collect();
    assert_eq!(refused.len(), 1, "5 concurrent calls per tenant");
    assert_eq!(refused[0].headers()["x-rate-limit-problem"], "concurrent");
}

async fn futures_join<F: std::future::Future<Output = reqwest::Response>>(
    calls: impl Iterator<Item = F>,
) -> Vec<reqwest::Response> {
    futures_util::future::join_all(calls).await
}

#[tokio::test]
async fn a_restored_emulator_keeps_records_tokens_and_idempotency_on_another_port() {
    let s1 = start(Seed::Demo, Duration::from_secs(60)).await;
    let (tok, access) = s1.connect().await;
    let refresh = tok["refresh_token"].as_str().unwrap().to_owned();
    let t = tenant(&s1, 0);
    let inv = s1.emu.records(&t, "Invoices")[xp_sandbox_kit::demo::direct_debit_invoice(1).1].clone();
    let body = json!({"Payments": [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "092"}, "Date": "2026-11-20", "Amount": inv["Total"], "Reference": "before restart"}]});
    let put = |s: &Sandbox| {
        s.http
            .put(format!("{}/api.xro/2.0/Payments", s.base))
            .bearer_auth(&access)
            .header("xero-tenant-id", &t)
            .header("idempotency-key", "restart-1")
            .json(&body)
            .send()
    };
    let first: Value = put(&s1).await.unwrap().json().await.unwrap();
    let pid = first["Payments"][0]["PaymentID"].as_str().unwrap().to_owned();
    let transfer = json!({"FromBankAccount": {"Code": "092"}, "ToBankAccount": {"Code": "090"}, "Amount": 10.0});
    let (status, _) = s1.send(reqwest::Method::PUT, &access, &t, "BankTransfers", None, &transfer).await;
    assert_eq!(status, StatusCode::OK);
    let extra_uri = "http://127.0.0.1:61000/callback";
    s1.http.post(format!("{}/_sandbox/redirect-uris", s1.base)).body(extra_uri).send().await.unwrap();

    let saved = s1.emu.save().unwrap();
    let s2 = serve(Duration::from_secs(60), |ctx, bases| Emulator::restore(ctx, bases, saved.clone()).unwrap()).await;
    assert_ne!(s1.base, s2.base, "the restored emulator listens elsewhere");
    assert_eq!(s2.emu.save().unwrap(), saved, "saving the restored emulator writes the same document");
    assert_eq!(s2.emu.dump(), s1.emu.dump(), "the admin state dump is unchanged by the restart");
    let (mut c1, mut c2) = (s1.creds(), s2.creds());
    assert!(c2["authorize_url"].as_str().unwrap().starts_with(&s2.base), "URLs follow the new listen address");
    c1.as_object_mut().unwrap().remove("authorize_url");
    c2.as_object_mut().unwrap().remove("authorize_url");
    assert_eq!(c2, c1, "client ids, redirect URIs and tenants survive, so the app's settings stay valid");
    assert!(c2["redirect_uris"].as_array().unwrap().iter().any(|u| u == extra_uri));
    for resource in ["Contacts", "Invoices", "Payments", "BankTransactions", "BankTransfers", "CreditNotes", "Accounts"]
    {
        assert_eq!(s2.emu.records(&t, resource), s1.emu.records(&t, resource), "{resource} are restored");
        assert!(!s2.emu.records(&t, resource).is_empty(), "{resource}: something to restore");
    }

    let paid: Value =
        s2.api(&access, &t, &format!("Invoices/{}", inv["InvoiceID"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(paid["Invoices"][0]["Status"], "PAID", "the access token issued before the restart still works");
    let replay: Value = put(&s2).await.unwrap().json().await.unwrap();
    assert_eq!(replay["Payments"][0]["PaymentID"], pid.as_str(), "a retry after the restart replays the first answer");
    assert_eq!(s2.ctx.counters.snapshot().created_by_key.get("xero restart-1"), None, "nothing was created again");
    let client = s2.creds()["auto_consent_client_id"].as_str().unwrap().to_owned();
    let (status, refreshed) =
        s2.token(&[("grant_type", "refresh_token"), ("client_id", &client), ("refresh_token", &refresh)]).await;
    assert_eq!(status, StatusCode::OK, "the refresh token issued before the restart still works: {refreshed}");
}
