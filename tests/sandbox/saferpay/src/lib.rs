//! Sandbox emulator of the Saferpay (Worldline) JSON API, served by the sandbox server on a
//! loopback port of its own (`{base}` is that origin). `{base}/api` stands for
//! `https://www.saferpay.com/api`; the payer-facing payment
//! page lives at `{base}/vt2/api/PaymentPage/{customerId}/{terminalId}/{token}` like the real one.
//!
//! Contract: `shared/providers/saferpay.md` (the sheet); every behaviour cites its section or
//! the saferpay/jsonapi text it follows.
//!
//! Besides the JSON API (`{base}/api/Payment/v1/...`) it serves the Management API's transaction
//! report (`{base}/api/rest/customers/{customerId}/transactions`) and GetTerminal
//! (`{base}/api/rest/customers/{customerId}/terminals/{terminalId}`), and its own switches under
//! `{base}/_sandbox/...`: scripted declines, SEPA charge-backs and the SEPA refund export.

mod api;
mod error;
mod injected;
mod management;
mod model;
mod notify_url;
mod page;
mod persist;
mod report;
mod seed;
mod sepa;
mod terminals;
mod transaction;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;
use url::Url;
use xp_sandbox_kit::faults::{FaultLayer, Render};
use xp_sandbox_kit::{Ctx, FaultKind, Seed};

pub use error::{CURRENT_SPEC_MINOR, CURRENT_SPEC_VERSION};
pub use report::swiss_date;

pub const PROVIDER: &str = "saferpay";

/// Salt of this emulator's deterministic generator (`Seed::rng`).
const SEED_SALT: u64 = 0x5afe_7a11;

pub(crate) struct Creds {
    pub customer_id: String,
    pub terminal_id: String,
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PageState {
    NotStarted,
    /// The payer opened the RedirectUrl but has not paid yet.
    Opened,
    Completed {
        tx: String,
    },
    Aborted,
    Declined {
        tx: String,
    },
}

/// What the merchant asked to be paid: a Payment Page's `Payment`, or AuthorizeDirect's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Order {
    pub terminal_id: String,
    pub amount: i64,
    pub currency: String,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub mandate_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Page {
    pub token: String,
    pub request_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expiration: OffsetDateTime,
    /// Flattened: the state file keeps the fields where they always were.
    #[serde(flatten)]
    pub order: Order,
    pub methods: Vec<String>,
    pub return_url: String,
    pub success_notify: Option<String>,
    pub fail_notify: Option<String>,
    pub state: PageState,
}

pub(crate) struct Data {
    pub rng: StdRng,
    pub pages: BTreeMap<String, Page>,
    pub txs: BTreeMap<String, model::Tx>,
    /// Server-to-server notification calls made (sheet §6), newest last.
    pub notifications: Vec<Value>,
    /// Admin switch: the next N authorizations are declined.
    pub decline_next: u32,
}

pub(crate) struct Shared {
    pub ctx: Ctx,
    pub base: String,
    pub creds: Creds,
    data: Mutex<Data>,
}

impl Shared {
    pub fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn now(&self) -> OffsetDateTime {
        self.ctx.clock.now()
    }

    pub fn redirect_url(&self, token: &str) -> String {
        format!("{}/vt2/api/PaymentPage/{}/{}/{token}", self.base, self.creds.customer_id, self.creds.terminal_id)
    }
}

pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    /// `base` is the URL this emulator is reachable at (its mount prefix included).
    pub fn new(ctx: Ctx, seed: Seed, base: Url) -> Self {
        // Credentials are random per start (never real-looking secrets); the API user follows the
        // Backoffice's `API_<customerId>_<8 digits>` pattern and the password the suggested 16
        // alphanumerics (sheet §2).
        let mut r = rand::thread_rng();
        let customer_id = format!("{}", r.gen_range(200_000..999_999));
        let terminal_id = format!("1{:07}", r.gen_range(0..10_000_000));
        let username = format!("API_{customer_id}_{:08}", r.gen_range(0..100_000_000));
        let password: String = (0..16)
            .map(|_| {
                let a = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
                a[r.gen_range(0..a.len())] as char
            })
            .collect();
        let creds = Creds { customer_id, terminal_id, username, password };
        let mut data = Data {
            rng: seed.rng(SEED_SALT),
            pages: BTreeMap::new(),
            txs: BTreeMap::new(),
            notifications: Vec::new(),
            decline_next: 0,
        };
        seed::populate(&mut data, seed, &creds.terminal_id, ctx.clock.now());
        let base = base.as_str().trim_end_matches('/').to_owned();
        Self { shared: Arc::new(Shared { ctx, base, creds, data: Mutex::new(data) }) }
    }

    /// Routes relative to the mount prefix, wrapped in the fault layer.
    pub fn router(&self) -> Router {
        let fl = FaultLayer { ctx: self.shared.ctx.clone(), provider: PROVIDER, render: RENDER };
        Router::new()
            .merge(api::routes())
            .route("/vt2/api/PaymentPage/{customer_id}/{terminal_id}/{token}", get(page::show).post(page::submit))
            .route("/api/rest/customers/{customer_id}/transactions", get(report::transactions))
            .route("/api/rest/customers/{customer_id}/terminals/{terminal_id}", get(terminals::terminal))
            .route("/_sandbox/decline", post(admin_decline))
            .route("/_sandbox/transactions/{id}/chargeback", post(sepa::chargeback))
            .route("/_sandbox/sepa-refunds/export", post(sepa::export_refunds))
            .layer(axum::middleware::from_fn_with_state(fl, xp_sandbox_kit::faults::layer))
            .with_state(self.shared.clone())
    }

    /// Demo credentials for the sandbox's start-up line.
    pub fn credentials(&self) -> Value {
        let c = &self.shared.creds;
        json!({
            "customer_id": c.customer_id,
            "terminal_id": c.terminal_id,
            "username": c.username,
            "password": c.password,
            "api_base": format!("{}/api", self.shared.base),
            "spec_version": CURRENT_SPEC_VERSION,
            "test_card": "9010004150000009 (any Luhn-valid number, future expiry)",
            "test_iban": "DE89370400440532013000"
        })
    }

    /// Everything the emulator holds, for the admin API's state dump.
    pub fn dump(&self) -> Value {
        let d = self.shared.data();
        let txs: Vec<Value> = d
            .txs
            .values()
            .map(|t| {
                let mut v = t.json();
                v["PaymentMeans"] = t.means.json();
                v["_Terminal"] = json!(t.terminal_id);
                v["_Description"] = json!(t.description);
                if let Some(r) = &t.refund_of {
                    v["_RefundOf"] = json!(r);
                }
                if t.status == model::Status::Failed {
                    v["_Failed"] = json!(true);
                }
                if let Some(cb) = &t.chargeback {
                    v["_Chargeback"] = sepa::chargeback_json(cb, t.amount, &t.currency);
                }
                if let Some(e) = &t.sepa_export {
                    v["_SepaRefundExport"] = sepa::export_json(e);
                }
                v
            })
            .collect();
        let pages: Vec<Value> = d
            .pages
            .values()
            .map(|p| {
                json!({
                    "Token": p.token,
                    "OrderId": p.order.order_id,
                    "Amount": model::amount_json(p.order.amount, &p.order.currency),
                    "Expiration": model::fmt_date(p.expiration),
                    "State": format!("{:?}", p.state),
                })
            })
            .collect();
        json!({
            "customer_id": self.shared.creds.customer_id,
            "terminal_id": self.shared.creds.terminal_id,
            "transactions": txs,
            "payment_pages": pages,
            "notifications": d.notifications,
            "decline_next": d.decline_next,
        })
    }
}

/// `POST /_sandbox/decline {"count": N}`: the next N authorizations (payment page or
/// AuthorizeDirect) are declined with TRANSACTION_DECLINED.
async fn admin_decline(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Json<Value> {
    let n = body.get("count").and_then(Value::as_u64).unwrap_or(1).min(u64::from(u32::MAX)) as u32;
    sh.data().decline_next = n;
    Json(json!({"decline_next": n}))
}

const RENDER: Render = render_fault;

/// Injected faults in Saferpay's shapes (named errors — `saferpay:error=NAME[/BEHAVIOR]` — are
/// answered by the handlers, which know the request: `api::injected_error`):
/// - 500: the JSON envelope with INTERNAL_ERROR ("Try again" → Behavior RETRY).
/// - 401 (expired-token fault): AUTHENTICATION_FAILED, as for wrong credentials.
/// - 429 / 502 / 503 / 504: no JSON body. Saferpay documents no rate limit or 429 (sheet §10)
///   and says web-server / firewall errors carry no envelope (`texts/06_ErrorHandling.md`), so a
///   client must key on the status and content type, not on an ErrorName.
fn render_fault(kind: &FaultKind, _ctx: &Ctx) -> Option<axum::response::Response> {
    // No request is at hand: the ResponseHeader names the current version and no RequestId.
    let header = |e: error::ApiError| e.render(CURRENT_SPEC_VERSION, CURRENT_SPEC_MINOR, "");
    match kind {
        FaultKind::ServerError { status: 500 } => Some(header(error::ApiError::internal())),
        FaultKind::ServerError { status } => Some(error::bare(
            axum::http::StatusCode::from_u16(*status).unwrap_or(axum::http::StatusCode::SERVICE_UNAVAILABLE),
        )),
        FaultKind::RateLimit => Some(error::bare(axum::http::StatusCode::TOO_MANY_REQUESTS)),
        FaultKind::ExpiredToken => Some(header(error::ApiError::authentication())),
        _ => None,
    }
}
