//! Serves the emulator's router at the root of a loopback listener, with the emulator's base
//! URL that origin (as tests/sandbox/server does), and a client configured from its credentials.

use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use xp_core::{Money, Sensitive};
use xp_http::{HttpClient, HttpConfig};
use xp_saferpay::{Attempt, Credentials, DirectDebit, Iban, SaferpayClient, SaferpayConfig};
use xp_sandbox_kit::{Ctx, Fault, Seed};
use xp_sandbox_saferpay::Emulator;

/// Saferpay's own test IBAN (the emulator's `test_iban`).
pub const IBAN: &str = "DE89370400440532013000";

pub struct Sandbox {
    pub ctx: Ctx,
    pub emu: Emulator,
    pub origin: Url,
    pub client: SaferpayClient,
    pub password: String,
    /// A plain HTTP client playing the payer's browser and the sandbox admin.
    pub browser: reqwest::Client,
}

pub async fn start() -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let ctx = Ctx::new(Duration::from_secs(60));
    let emu = Emulator::new(ctx.clone(), Seed::Empty, origin.clone());
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let c = emu.credentials();
    let s = |k: &str| c[k].as_str().unwrap().to_owned();
    let config = SaferpayConfig::sandbox(&origin, &s("customer_id"), &s("terminal_id"));
    let credentials = Credentials { user: s("username"), password: Sensitive::new(s("password")) };
    let next = Arc::new(AtomicU32::new(1));
    let client = SaferpayClient::new(HttpClient::new(HttpConfig::default()).unwrap(), config, credentials)
        .with_request_ids(Arc::new(move || format!("xp-req-{}", next.fetch_add(1, Ordering::Relaxed))));
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Sandbox { ctx, emu, origin, client, password: s("password"), browser }
}

impl Sandbox {
    pub fn fault(&self, spec: &str) {
        self.ctx.faults.add(Fault::parse_spec(spec).unwrap());
    }

    /// Calls the emulator received on `POST /api/Payment/v1/{endpoint}`.
    pub fn hits(&self, endpoint: &str) -> u64 {
        self.ctx.counters.requests("saferpay", &format!("POST /api/Payment/v1/{endpoint}"))
    }

    /// Transactions the emulator created under `request_id`.
    pub fn created(&self, request_id: &str) -> u64 {
        self.ctx.counters.snapshot().created_by_key.get(&format!("saferpay {request_id}")).copied().unwrap_or(0)
    }

    /// Every transaction the emulator holds (its state dump).
    pub fn transactions(&self) -> Vec<Value> {
        self.emu.dump()["transactions"].as_array().unwrap().clone()
    }

    pub fn transactions_of(&self, kind: &str) -> Vec<Value> {
        self.transactions().into_iter().filter(|t| t["Type"] == kind).collect()
    }

    pub async fn admin(&self, path: &str, body: Value) -> (reqwest::StatusCode, Value) {
        let r = self.browser.post(self.origin.join(&format!("_sandbox{path}")).unwrap()).json(&body).send().await;
        let r = r.unwrap();
        (r.status(), r.json().await.unwrap())
    }
}

pub fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

pub fn attempt(id: &str) -> Attempt {
    Attempt::first(id).unwrap()
}

/// A SEPA debit of `amount` under its own OrderId and MandateId.
pub fn debit(amount: &str, order_id: &str) -> DirectDebit {
    DirectDebit {
        amount: eur(amount),
        order_id: order_id.into(),
        description: Some(format!("Invoice {order_id}")),
        mandate_id: format!("M-{order_id}"),
        iban: Iban::parse(IBAN).unwrap(),
        holder_name: "Muster GmbH".into(),
        bic: None,
    }
}

impl Sandbox {
    /// AuthorizeDirect + Capture: (TransactionId, CaptureId).
    pub async fn captured(&self, amount: &str, order_id: &str) -> (String, String) {
        let a = self.client.authorize_direct(&debit(amount, order_id), &self.client.first_attempt().unwrap()).await;
        let id = a.unwrap().transaction.id;
        let c = self.client.capture(&id, &self.client.first_attempt().unwrap()).await.unwrap();
        (id, c.capture_id)
    }
}
