//! The admin API: simulated time, faults, counters and a state dump. Loopback only, no auth:
//! it exists for tests and the demo.

use crate::Emulators;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use xp_sandbox_kit::{Ctx, Fault};

#[derive(Clone)]
struct AdminState {
    ctx: Ctx,
    emulators: Arc<Emulators>,
}

pub(crate) fn router(ctx: Ctx, emulators: Arc<Emulators>) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({"ok": true})) }))
        .route("/time", get(time))
        .route("/time/advance", post(advance))
        .route("/faults", get(list_faults).post(add_faults).delete(clear_faults))
        .route("/counters", get(counters).delete(reset_counters))
        .route("/state", get(state))
        .route("/xero/{tenant}/{resource}", get(xero_records))
        .with_state(AdminState { ctx, emulators })
}

async fn time(State(s): State<AdminState>) -> Json<Value> {
    Json(json!({
        "now": s.ctx.clock.now().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "offset_seconds": s.ctx.clock.offset().whole_seconds(),
    }))
}

#[derive(Deserialize)]
struct Advance {
    #[serde(default)]
    seconds: i64,
    #[serde(default)]
    days: i64,
}

async fn advance(
    State(s): State<AdminState>,
    Json(a): Json<Advance>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let by = time::Duration::seconds(a.seconds) + time::Duration::days(a.days);
    if !by.is_positive() {
        return Err((
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "time only moves forward: give seconds or days > 0"})),
        ));
    }
    s.ctx.clock.advance(by);
    Ok(time(State(s)).await)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FaultsBody {
    Spec { spec: String },
    List(Vec<Fault>),
}

async fn add_faults(
    State(s): State<AdminState>,
    Json(body): Json<FaultsBody>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let faults = match body {
        FaultsBody::Spec { spec } => {
            Fault::parse_spec(&spec).map_err(|e| (StatusCode::BAD_REQUEST, Json(json!({"error": e}))))?
        }
        FaultsBody::List(list) => list,
    };
    s.ctx.faults.add(faults);
    Ok(list_faults(State(s)).await)
}

async fn list_faults(State(s): State<AdminState>) -> Json<Value> {
    Json(json!({ "faults": s.ctx.faults.list() }))
}

async fn clear_faults(State(s): State<AdminState>) -> Json<Value> {
    s.ctx.faults.clear();
    list_faults(State(s)).await
}

async fn counters(State(s): State<AdminState>) -> Json<Value> {
    Json(serde_json::to_value(s.ctx.counters.snapshot()).unwrap_or_default())
}

async fn reset_counters(State(s): State<AdminState>) -> StatusCode {
    s.ctx.counters.reset();
    StatusCode::NO_CONTENT
}

async fn state(State(s): State<AdminState>) -> Json<Value> {
    let e = &s.emulators;
    Json(json!({
        "xero": e.xero.dump(),
        "okta": e.okta.dump(),
        "gocardless": e.gocardless.dump(),
        "saferpay": e.saferpay.dump(),
        "okx": e.okx.dump(),
        "openai": e.openai.dump(),
    }))
}

/// Every record of one Xero resource of one tenant, as the API would list it: what a test
/// checks the app wrote (an invoice PAID, a payment in the clearing account, a transfer).
async fn xero_records(
    State(s): State<AdminState>,
    Path((tenant, resource)): Path<(String, String)>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    const RESOURCES: [&str; 6] = ["Contacts", "Invoices", "Payments", "BankTransactions", "BankTransfers", "Accounts"];
    if !RESOURCES.contains(&resource.as_str()) {
        return Err((
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no resource {resource}; one of {RESOURCES:?}")})),
        ));
    }
    Ok(Json(json!({ resource.clone(): s.emulators.xero.records(&tenant, &resource) })))
}
