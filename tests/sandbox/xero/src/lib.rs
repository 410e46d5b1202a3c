//! Sandbox emulator of Xero: identity (login.xero.com, identity.xero.com), /connections and the
//! Accounting API (api.xero.com/api.xro/2.0), each at its real path on the emulator's own
//! origin (the three hosts' paths do not collide). Paths match without regard to case
//! (`paths`). Reads: the synced resources with Xero's paging and filters (`accounting`). Writes,
//! each body checked against the official spec's request schema with Xero's idempotency
//! (`writes`): payments (`payments`), spend and receive money (`bank`), bank transfers
//! (`transfers`) and new accounts (`accounts`).
//!
//! Contract: shared/providers/xero.md, tests/sandbox/specs/xero_accounting.yaml and xero-identity.yaml.

// Handlers return the finished HTTP response as their error: it is what goes on the wire.
#![allow(clippy::result_large_err)]

mod accounting;
mod accounts;
mod bank;
pub mod data;
pub mod dates;
mod identity;
pub mod money;
mod paths;
mod payments;
mod persist;
pub mod query;
mod state;
mod transfers;
mod writes;

use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use url::Url;
use xp_sandbox_kit::faults::{FaultKind, FaultLayer};
use xp_sandbox_kit::{Ctx, Seed};

pub use accounting::{APP_PER_MINUTE, TENANT_CONCURRENT, TENANT_PER_DAY, TENANT_PER_MINUTE};

pub const PROVIDER: &str = "xero";

/// Loopback ports the sandbox app registration accepts (`http://127.0.0.1:{port}/callback` and
/// `http://localhost:{port}/callback`): Xero wants exact redirect URIs and no wildcards
/// (xero.md §2 Redirect URIs), so desktop apps register a few fixed ports.
pub const LOOPBACK_PORTS: [u16; 3] = [53682, 53683, 53684];
/// The https page that forwards Xero's redirect to the app's deep link.
pub const HTTPS_REDIRECT: &str = "https://xeropartner.app/oauth/xero/callback";

/// Xero's three hosts; the sandbox serves them from one origin (their paths do not collide).
#[derive(Debug, Clone)]
pub struct Bases {
    /// identity.xero.com: token, revocation
    pub identity: Url,
    /// login.xero.com: the browser's authorize page
    pub login: Url,
    /// api.xero.com: /connections and /api.xro/2.0
    pub api: Url,
}

impl Bases {
    /// All three hosts at one origin, as the sandbox serves them.
    pub fn single(origin: &Url) -> Bases {
        Bases { identity: origin.clone(), login: origin.clone(), api: origin.clone() }
    }
}

pub(crate) struct Shared {
    pub ctx: Ctx,
    pub bases: Bases,
    pub client_id: String,
    /// A second app registration whose authorize requests are consented at once by the demo
    /// user, for headless flows (CLI tests, benchmarks).
    pub auto_client_id: String,
    pub state: Mutex<state::State>,
}

pub struct Emulator {
    shared: Arc<Shared>,
    bases: Bases,
}

impl Emulator {
    pub fn new(ctx: Ctx, seed: Seed, bases: Bases) -> Self {
        let now = ctx.clock.now();
        let mut redirect_uris: Vec<String> = LOOPBACK_PORTS
            .iter()
            .flat_map(|p| [format!("http://127.0.0.1:{p}/callback"), format!("http://localhost:{p}/callback")])
            .collect();
        redirect_uris.push(HTTPS_REDIRECT.to_owned());
        let st = state::State { tenants: data::generate(seed, now), redirect_uris, ..Default::default() };
        let id = |p: &str| format!("{p}{}", identity::token("").to_ascii_uppercase().get(..32).unwrap_or_default());
        let shared = Arc::new(Shared {
            ctx,
            bases: bases.clone(),
            client_id: id(""),
            auto_client_id: id(""),
            state: Mutex::new(st),
        });
        Self { shared, bases }
    }

    /// An emulator holding `orgs` organisations of `invoices` invoices each (an accountant with
    /// many clients), for the concurrency benchmark.
    pub fn with_organisations(ctx: Ctx, orgs: usize, invoices: usize, bases: Bases) -> Self {
        let emu = Self::new(ctx, Seed::Empty, bases);
        if let Ok(mut st) = emu.shared.state.lock() {
            st.tenants = data::generate_many(orgs, invoices, emu.shared.ctx.clock.now());
        }
        emu
    }

    pub fn router(&self) -> Router {
        let s = self.shared.clone();
        let faults = FaultLayer { ctx: s.ctx.clone(), provider: PROVIDER, render };
        let fault_layer = || axum::middleware::from_fn_with_state(faults.clone(), xp_sandbox_kit::faults::layer);
        // Faults sit inside the rate-limit guard on the Accounting API, so an injected slow
        // answer holds a concurrency slot just as a slow real call does.
        let accounting = Router::new()
            .route("/{resource}", get(accounting::list))
            .route("/{resource}/{id}", get(accounting::get_one))
            .route(
                "/Payments",
                put(payments::create).post(payments::create).get(|s, h, q| accounting::list_fixed("Payments", s, h, q)),
            )
            .route("/Payments/{id}", post(payments::update).get(|s, p, h| accounting::get_fixed("Payments", s, p, h)))
            .route(
                "/BankTransactions",
                put(bank::create).post(bank::create).get(|s, h, q| accounting::list_fixed("BankTransactions", s, h, q)),
            )
            .route(
                "/BankTransactions/{id}",
                post(bank::update).get(|s, p, h| accounting::get_fixed("BankTransactions", s, p, h)),
            )
            .route(
                "/BankTransfers",
                put(transfers::write)
                    .post(transfers::write)
                    .get(|s, h, q| accounting::list_fixed("BankTransfers", s, h, q)),
            )
            .route(
                "/BankTransfers/{id}",
                post(transfers::update).get(|s, p, h| accounting::get_fixed("BankTransfers", s, p, h)),
            )
            .route("/Accounts", put(accounts::create).get(|s, h, q| accounting::list_fixed("Accounts", s, h, q)))
            .layer(fault_layer())
            .layer(axum::middleware::from_fn_with_state(s.clone(), accounting::guard));
        // Xero's three hosts keep their real paths, which do not collide, so one origin serves
        // them all and an official client works by changing only the host: login.xero.com's
        // authorize page, identity.xero.com's token and revocation, api.xero.com's
        // /connections and /api.xro/2.0.
        let identity = Router::new()
            .route("/identity/connect/authorize", get(identity::authorize))
            .route("/identity/connect/authorize/consent", post(identity::consent))
            .route("/connect/token", post(identity::token_endpoint))
            .route("/connect/revocation", post(identity::revocation))
            .route("/.well-known/openid-configuration", get(identity::openid_configuration))
            .route("/.well-known/openid-configuration/jwks", get(identity::jwks))
            .route("/connections", get(identity::connections))
            .route("/connections/{id}", axum::routing::delete(identity::delete_connection))
            .layer(fault_layer());
        let routes = Router::new()
            .merge(identity)
            .route("/_sandbox/redirect-uris", post(add_redirect_uri))
            .nest("/api.xro/2.0", accounting)
            .with_state(s);
        // Paths are matched without regard to case, as Xero does (`paths`): the rewrite must
        // happen before routing, so the routes sit behind a fallback that sees every request.
        Router::new().fallback_service(routes).layer(axum::middleware::map_request(paths::canonicalise))
    }

    pub fn credentials(&self) -> Value {
        let st = self.shared.state.lock().ok();
        json!({
            "client_id": self.shared.client_id,
            "auto_consent_client_id": self.shared.auto_client_id,
            "redirect_uris": st.as_ref().map(|s| s.redirect_uris.clone()).unwrap_or_default(),
            "authorize_url": format!("{}/identity/connect/authorize", self.bases.login.as_str().trim_end_matches('/')),
            "tenants": st.as_ref().map(|s| s.tenants.iter().map(|t| json!({"tenantId": t.tenant_id, "name": t.name, "currency": t.currency})).collect::<Vec<_>>()).unwrap_or_default(),
        })
    }

    pub fn dump(&self) -> Value {
        let Ok(st) = self.shared.state.lock() else { return json!({}) };
        json!({
            "tenants": st.tenants.iter().map(|t| json!({
                "tenantId": t.tenant_id, "name": t.name, "currency": t.currency,
                "contacts": t.contacts.len(), "invoices": t.invoices.len(), "payments": t.payments.len(),
                "bankTransactions": t.bank_transactions.len(), "bankTransfers": t.bank_transfers.len(),
                "creditNotes": t.credit_notes.len(),
            })).collect::<Vec<_>>(),
            "grants": st.grants.values().map(|g| json!({"clientId": g.client_id, "connections": g.connections.len(), "revoked": g.revoked})).collect::<Vec<_>>(),
            "activeAccessTokens": st.access.len(),
        })
    }

    /// Every record of one resource of one tenant, as the API would list it (for tests that
    /// compare a client's copy with the sandbox's).
    pub fn records(&self, tenant_id: &str, resource: &str) -> Vec<Value> {
        let Ok(st) = self.shared.state.lock() else { return vec![] };
        let Some(t) = st.tenant(tenant_id) else { return vec![] };
        match resource {
            "Contacts" => t.contacts.items.clone(),
            "Invoices" => t.invoices.items.clone(),
            "Payments" => t.payments.items.clone(),
            "BankTransactions" => t.bank_transactions.items.clone(),
            "CreditNotes" => t.credit_notes.items.clone(),
            "Accounts" => t.accounts.items.clone(),
            "BankTransfers" => t.bank_transfers.items.clone(),
            _ => vec![],
        }
    }
}

async fn add_redirect_uri(
    axum::extract::State(s): axum::extract::State<Arc<Shared>>,
    body: String,
) -> axum::http::StatusCode {
    if let Ok(mut st) = s.state.lock() {
        st.redirect_uris.push(body.trim().to_owned());
    }
    axum::http::StatusCode::NO_CONTENT
}

/// Xero's shapes for injected faults (xero.md §9–10).
fn render(kind: &FaultKind, ctx: &Ctx) -> Option<axum::response::Response> {
    use axum::response::IntoResponse;
    Some(match kind {
        FaultKind::RateLimit => (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [
                ("x-rate-limit-problem", "minute".to_owned()),
                ("retry-after", ((ctx.minute.as_millis() as u64).div_ceil(1000).max(1)).to_string()),
                ("x-minlimit-remaining", "0".to_owned()),
            ],
        )
            .into_response(),
        // During outages the body is plain text (xero.md §10).
        FaultKind::ServerError { status } => (
            axum::http::StatusCode::from_u16(*status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            "Service Unavailable",
        )
            .into_response(),
        FaultKind::ExpiredToken => identity::unauthorized("TokenExpired: token expired"),
        _ => return None,
    })
}
