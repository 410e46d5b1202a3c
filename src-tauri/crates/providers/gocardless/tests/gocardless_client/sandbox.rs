//! Starts the GoCardless emulator at the root of an ephemeral loopback origin (its base URL is
//! that origin, as `tests/sandbox/server` serves it) and points the client at it.

use serde_json::{json, Value};
use std::time::Duration;
use url::Url;
use xp_core::{Money, Sensitive};
use xp_gocardless::{
    GoCardlessClient, GoCardlessConfig, ListParams, Metadata, NewCustomer, NewFlow, NewMandateRequest, NewPayment,
};
use xp_http::{HttpClient, HttpConfig};
use xp_sandbox_gocardless::{Emulator, PROVIDER};
use xp_sandbox_kit::{Ctx, Fault, Seed};

pub struct Sandbox {
    pub ctx: Ctx,
    pub gc: GoCardlessClient,
    /// The client's HTTP layer (shares its governor).
    pub http: HttpClient,
    pub token: Sensitive<String>,
    pub origin: Url,
}

/// A 60 s rate-limit minute and xp-http's default policy.
pub async fn start() -> Sandbox {
    start_with(Duration::from_secs(60), HttpConfig::default()).await
}

/// `minute`: the emulator's rate-limit window, and the client's.
pub async fn start_with(minute: Duration, http: HttpConfig) -> Sandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let ctx = Ctx::new(minute);
    let emu = Emulator::new(ctx.clone(), Seed::Empty, origin.clone());
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let token = Sensitive::new(emu.access_token());
    let http = HttpClient::new(http).unwrap();
    let gc = GoCardlessClient::new(http.clone(), GoCardlessConfig::emulator(&origin, minute));
    Sandbox { ctx, gc, http, token, origin }
}

pub fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

impl Sandbox {
    pub fn fault(&self, spec: &str) {
        self.ctx.faults.add(Fault::parse_spec(spec).unwrap());
    }

    pub fn faults_injected(&self) -> u64 {
        self.ctx.counters.snapshot().faults_injected.get(PROVIDER).copied().unwrap_or(0)
    }

    pub fn rate_limited(&self) -> u64 {
        self.ctx.counters.snapshot().rate_limited.get(PROVIDER).copied().unwrap_or(0)
    }

    /// Requests the emulator handled on a route template, e.g. `POST /payments`.
    pub fn served(&self, endpoint: &str) -> u64 {
        self.ctx.counters.requests(PROVIDER, endpoint)
    }

    /// Resources the emulator created under one idempotency key.
    pub fn created_with_key(&self, key: &str) -> u64 {
        self.ctx.counters.snapshot().created_by_key.get(&format!("{PROVIDER} {key}")).copied().unwrap_or(0)
    }

    /// Calls the governor has booked for this account in the current window.
    pub fn booked_this_minute(&self) -> u32 {
        self.http.governor().used_this_minute(&GoCardlessClient::account_key(&self.token), self.gc.limits())
    }

    /// The payer's part of the hosted flow, done without a browser through the emulator's own
    /// switch (`/_sandbox/...`, not GoCardless's API): details and a valid IBAN, confirmed.
    pub async fn payer_completes(&self, flow_id: &str) -> Value {
        let url = self.origin.join(&format!("_sandbox/billing_request_flows/{flow_id}/complete")).unwrap();
        let r = reqwest::Client::new().post(url).json(&json!({})).send().await.unwrap();
        assert!(r.status().is_success(), "the sandbox completes the flow: {}", r.status());
        r.json().await.unwrap()
    }

    /// Customer → billing request → hosted flow → payer: a SEPA mandate, as the app sets one up.
    pub async fn mandate(&self, tag: &str) -> String {
        let customer = NewCustomer {
            email: Some(format!("{tag}@example.de")),
            company_name: Some(format!("Kunde {tag} GmbH")),
            country_code: Some("DE".into()),
            ..NewCustomer::default()
        };
        let customer = self.gc.create_customer(&self.token, &customer, &format!("{tag}:customer")).await.unwrap();
        let setup = self
            .gc
            .start_mandate_setup(
                &self.token,
                &NewMandateRequest::sepa(Some(customer.id.clone())),
                &NewFlow::default(),
                &format!("{tag}:mandate"),
            )
            .await
            .unwrap();
        self.payer_completes(&setup.flow.id).await;
        let br = self.gc.billing_request(&self.token, &setup.billing_request.id).await.unwrap();
        br.links.mandate_request_mandate.expect("a fulfilled billing request names its mandate")
    }

    /// The ids of every payment against `mandate`, as GoCardless lists them.
    pub async fn payment_ids_of(&self, mandate: &str) -> Vec<String> {
        let page =
            self.gc.payments(&self.token, &ListParams::new().filter("mandate", mandate).limit(500)).await.unwrap();
        page.items.into_iter().map(|p| p.id).collect()
    }

    pub fn new_payment(&self, mandate: &str, amount: &str, reference: &str) -> NewPayment {
        NewPayment {
            mandate: mandate.to_owned(),
            amount: eur(amount),
            charge_date: None,
            reference: Some(reference.to_owned()),
            description: None,
            metadata: Metadata::new(),
            retry_if_possible: None,
        }
    }
}
