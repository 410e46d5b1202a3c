//! The GoCardless connector over a real runtime (encrypted store, memory vault) against the
//! GoCardless emulator served at the root of a loopback origin: the token checked on entry, a
//! full load equal to what the emulator holds, the events feed applied once across syncs and a
//! restart, scenario changes arriving with the next sync, exact (negative) payouts, and no IBAN
//! anywhere in the database.
#![allow(clippy::unwrap_used)]

mod aftercare;
mod collect;
mod feed;
mod load;
mod setup;
mod token;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use xp_connect_gocardless::{GoCardlessService, Settings, SyncSummary};
use xp_context::{Context, Endpoints, Paths};
use xp_core::{Money, Sensitive};
use xp_gocardless::{
    GoCardlessClient, GoCardlessConfig, ListParams, Metadata, NewCustomer, NewFlow, NewMandateRequest, NewPayment,
};
use xp_http::{HttpClient, HttpConfig};
use xp_sandbox_gocardless::{Emulator, PROVIDER};
use xp_sandbox_kit::{Ctx, Seed};

pub struct World {
    pub dir: tempfile::TempDir,
    pub origin: Url,
    pub ctx: Ctx,
    pub emu: Emulator,
    /// The test's own client, to act as the payer and GoCardless's dashboard would.
    pub gc: GoCardlessClient,
    pub token: Sensitive<String>,
    pub vault: Arc<xp_vault::MemoryStore>,
    pub services: Context,
    pub connector: GoCardlessService,
}

pub async fn world(seed: Seed) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let ctx = Ctx::new(Duration::from_secs(60));
    let emu = Emulator::new(ctx.clone(), seed, origin.clone());
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let token = Sensitive::new(emu.access_token());
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let gc = GoCardlessClient::new(http, GoCardlessConfig::emulator(&origin, Duration::from_secs(60)));
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(xp_vault::MemoryStore::new());
    let services = runtime(&dir, &origin, vault.clone()).await;
    let connector = GoCardlessService::new(services.clone(), Settings::default()).unwrap();
    World { dir, origin, ctx, emu, gc, token, vault, services, connector }
}

async fn runtime(dir: &tempfile::TempDir, origin: &Url, vault: Arc<xp_vault::MemoryStore>) -> Context {
    Context::open(
        xp_ipc::Profile::Sandbox,
        Endpoints::sandbox(&xp_connect_gocardless::ENDPOINTS, origin),
        Paths::resolve(Some(dir.path())),
        vault,
        vec![],
        Arc::new(xp_core::SystemClock),
    )
    .await
    .unwrap()
}

impl World {
    /// The app closed and started again on the same data folder and keychain.
    pub async fn restart(&mut self) {
        self.services.store.close().await;
        self.services = runtime(&self.dir, &self.origin, self.vault.clone()).await;
        self.connector = GoCardlessService::new(self.services.clone(), Settings::default()).unwrap();
    }

    /// The token entered and accepted.
    pub async fn connected(&self) -> xp_core::ids::OrganisationId {
        self.connector.save_token(self.token.clone()).await.unwrap().organisation_id
    }

    pub async fn sync(&self, full: bool) -> SyncSummary {
        let s = self.connector.sync(full, Arc::new(|_| {})).await.unwrap();
        assert!(s.ok(), "every part of the sync completes: {:?}", s.outcomes);
        s
    }

    /// Requests the emulator handled on a route template, e.g. `GET /events`.
    pub fn served(&self, endpoint: &str) -> u64 {
        self.ctx.counters.requests(PROVIDER, endpoint)
    }

    pub fn vault_has_token(&self) -> bool {
        xp_vault::SecretStore::get(self.services.vault.as_ref(), xp_connect_gocardless::TOKEN_KEY).unwrap().is_some()
    }

    /// Customer → billing request → hosted flow → payer (through the emulator's own switch):
    /// a SEPA mandate, as the app sets one up.
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
        let url = self.origin.join(&format!("_sandbox/billing_request_flows/{}/complete", setup.flow.id)).unwrap();
        let r = reqwest::Client::new().post(url).json(&json!({})).send().await.unwrap();
        assert!(r.status().is_success(), "the sandbox completes the flow: {}", r.status());
        let br = self.gc.billing_request(&self.token, &setup.billing_request.id).await.unwrap();
        br.links.mandate_request_mandate.expect("a fulfilled billing request names its mandate")
    }

    pub async fn payment(&self, mandate: &str, amount: &str, reference: &str) -> String {
        let p = NewPayment {
            mandate: mandate.to_owned(),
            amount: eur(amount),
            charge_date: None,
            reference: Some(reference.to_owned()),
            description: None,
            metadata: Metadata::new(),
            retry_if_possible: None,
        };
        self.gc.create_payment(&self.token, &p, &format!("pay-{reference}")).await.unwrap().id
    }

    /// Every item of a list, walking its pages.
    pub async fn all<T, F, Fut>(&self, list: F) -> Vec<T>
    where
        F: Fn(ListParams) -> Fut,
        Fut: std::future::Future<Output = xp_gocardless::Result<xp_gocardless::Page<T>>>,
    {
        let mut params = ListParams::new().limit(500);
        let mut out = Vec::new();
        loop {
            let page = list(params.clone()).await.unwrap();
            let next = page.next(&params);
            out.extend(page.items);
            match next {
                Some(n) => params = n,
                None => return out,
            }
        }
    }

    /// Every value in every GoCardless table of the decrypted database, as text.
    pub async fn stored_text(&self) -> String {
        let pool = self.services.store.pool();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .fetch_all(pool)
                .await
                .unwrap();
        let mut all = String::new();
        for t in tables {
            let cols: Vec<String> = sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .fetch_all(pool)
                .await
                .unwrap();
            if cols.is_empty() {
                continue;
            }
            let joined = cols
                .iter()
                .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {joined} FROM \"{t}\"")).fetch_all(pool).await.unwrap_or_default();
            all.push_str(&rows.join("\n"));
        }
        all
    }
}

pub fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

/// Every IBAN-looking string anywhere in a JSON value.
pub fn ibans(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let s = s.replace(' ', "");
            let looks = s.is_ascii()
                && s.len() >= 15
                && s.len() <= 34
                && s[..2].chars().all(|c| c.is_ascii_uppercase())
                && s[2..4].chars().all(|c| c.is_ascii_digit())
                && s[4..].chars().all(|c| c.is_ascii_alphanumeric());
            if looks {
                out.push(s);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| ibans(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            ibans(&Value::String(k.clone()), out);
            ibans(x, out)
        }),
        _ => {}
    }
}
