//! The API handlers. Bodies are keyed by the plural resource name, lists carry
//! `meta.cursors` (sheet §3, §6); actions take `{"data": {...}}` (sheet §3).

use crate::error::{ApiError, FieldError};
use crate::lifecycle::{mandate_created, mandate_takes_payments, next_possible_charge_date, plan_payment, MAX_RETRIES};
use crate::model::*;
use crate::seed::{bank_account_json, customer_json};
use crate::{App, PROVIDER};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use time::Duration;

/// How far below zero refunds may take the creditor's balance. Real accounts need refunds
/// enabled with a negative balance limit agreed with GoCardless (support request form
/// "Refund allowance request - merchants with refunds enabled however a negative balance limit
/// is required"); the sandbox grants €5,000.
const NEGATIVE_BALANCE_LIMIT: i64 = 500_000;

pub(crate) type Res = Result<Response, ApiError>;
type Obj = Map<String, Value>;
type Q = HashMap<String, String>;

pub(crate) fn one(resource: &str, v: Value, status: StatusCode) -> Response {
    let mut m = Map::new();
    m.insert(resource.to_owned(), v);
    (status, Json(Value::Object(m))).into_response()
}

fn list(resource: &str, items: Vec<Value>, meta: Value) -> Response {
    let mut m = Map::new();
    m.insert(resource.to_owned(), Value::Array(items));
    m.insert("meta".to_owned(), meta);
    Json(Value::Object(m)).into_response()
}

fn parse_body(resource: &str, body: &Bytes) -> Result<Obj, ApiError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| ApiError::bad_body("Invalid document structure"))?;
    match v.get(resource) {
        Some(Value::Object(m)) => Ok(m.clone()),
        _ => Err(ApiError::bad_body(&format!("Invalid document structure: expected a top-level '{resource}' object"))),
    }
}

/// Action bodies are `{"data": {...}}`, and may be empty.
pub(crate) fn parse_data(body: &Bytes) -> Result<Obj, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Obj::new());
    }
    let v: Value = serde_json::from_slice(body).map_err(|_| ApiError::bad_body("Invalid document structure"))?;
    match v.get("data") {
        None | Some(Value::Null) => Ok(Obj::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(ApiError::bad_body("Invalid document structure: 'data' must be an object")),
    }
}

fn query(raw: Option<String>) -> Q {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

fn s<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn link<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get("links").and_then(|l| l.get(k)).and_then(Value::as_str)
}

/// `metadata`: up to 3 keys, key ≤ 50 characters, string values ≤ 500 (sheet §3).
fn metadata(resource: &str, o: &Obj, errors: &mut Vec<FieldError>) -> Value {
    match o.get("metadata") {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(m)) => {
            if m.len() > 3 {
                errors.push(FieldError::new(resource, "metadata", "must have no more than 3 keys"));
            }
            if m.keys().any(|k| k.chars().count() > 50) {
                errors.push(FieldError::new(resource, "metadata", "keys must be no more than 50 characters"));
            }
            for v in m.values() {
                match v.as_str() {
                    Some(v) if v.chars().count() > 500 => {
                        errors.push(FieldError::new(resource, "metadata", "values must be no more than 500 characters"))
                    }
                    Some(_) => {}
                    None => errors.push(FieldError::new(resource, "metadata", "values must be strings")),
                }
            }
            Value::Object(m.clone())
        }
        Some(_) => {
            errors.push(FieldError::new(resource, "metadata", "must be an object"));
            json!({})
        }
    }
}

fn check(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

pub(crate) fn render(app: &App, st: &State, resource: &str, id: &str, now: Ts) -> Result<Value, ApiError> {
    if resource == "billing_request_flows" {
        return st.flows.get(id).map(|f| st.render_flow(f, app.base())).ok_or_else(ApiError::not_found);
    }
    st.render(resource, id, now).ok_or_else(ApiError::not_found)
}

fn get_one(app: &App, resource: &str, id: &str) -> Res {
    let (st, now) = app.state();
    Ok(one(resource, render(app, &st, resource, id, now)?, StatusCode::OK))
}

/// POST creates under an optional `Idempotency-Key` (sheet §8): a reused key answers 409
/// `idempotent_creation_conflict` naming the first resource, and never creates a second one.
fn create(
    app: &App,
    headers: &HeaderMap,
    body: &Bytes,
    resource: &'static str,
    f: impl FnOnce(&mut State, Ts, &Obj) -> Result<String, ApiError>,
) -> Res {
    let obj = parse_body(resource, body)?;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.len() > 128) {
        // `idempotency_key_too_long` (GoCardless error reference); the 128 limit is unconfirmed.
        return Err(ApiError::usage(
            StatusCode::BAD_REQUEST,
            "idempotency_key_too_long",
            "Idempotency-Key must be no more than 128 characters",
        ));
    }
    let (mut st, now) = app.state();
    if let Some(k) = &key {
        // Scoped per resource type; same key with another body is the same 409 (sheet §8:
        // behaviour for a different body unconfirmed; https://gocardless.com/blog/idempotency-keys
        // says a reused key never creates a second resource).
        if let Some(id) = st.idempotency.get(&(resource.to_owned(), k.clone())) {
            return Err(ApiError::idempotent_conflict(id));
        }
    }
    let id = f(&mut st, now, &obj)?;
    if let Some(k) = key {
        st.idempotency.insert((resource.to_owned(), k.clone()), id.clone());
        app.ctx().counters.created(PROVIDER, &k);
    }
    st.sync(now);
    Ok(one(resource, render(app, &st, resource, &id, now)?, StatusCode::CREATED))
}

// ---------------------------------------------------------------- pagination and filters

/// Cursor pagination, newest first (sheet §6): `limit` 1–500 (default 50), `after`/`before`
/// are ids; `meta.cursors.after` is null on the last page, `before` null on the first. Ids do
/// not sort like creation order (review D20), so lists are ordered, and cursors resolved, by
/// the creation order the state decodes from an id.
fn paginate(q: &Q, ids: Vec<String>) -> Result<(Vec<String>, Value), ApiError> {
    let entries = ids.into_iter().map(|id| (State::order_of(&id).unwrap_or(0), id)).collect();
    paginate_by(q, entries, State::order_of)
}

fn limit_of(q: &Q) -> Result<usize, ApiError> {
    match q.get("limit") {
        None => Ok(50),
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=500).contains(&n) => Ok(n),
            _ => Err(ApiError::field("meta", "limit", "must be a number between 1 and 500")),
        },
    }
}

/// [`paginate`] for the events list, which is kept in the order its ids were made: it walks
/// from the cursor instead of sorting every event for each page (a page of a feed of 400,000
/// events cost a sort of all of them). Same pages and cursors as [`paginate`].
fn paginate_events(q: &Q, events: &[Event], keep: impl Fn(&Event) -> bool) -> Result<(Vec<usize>, Value), ApiError> {
    let limit = limit_of(q)?;
    let order = |e: &Event| State::order_of(&e.id).unwrap_or(0);
    let cursor = |k: &str| -> Result<Option<u64>, ApiError> {
        q.get(k)
            .map(|c| State::order_of(c).ok_or_else(|| ApiError::field("meta", k, "is not a valid cursor")))
            .transpose()
    };
    let older = |to: usize, n: usize| (0..to).rev().filter(|i| keep(&events[*i])).take(n).collect::<Vec<_>>();
    let newer = |from: usize, n: usize| (from..events.len()).filter(|i| keep(&events[*i])).take(n).collect::<Vec<_>>();
    // `page` newest first; whether kept events lie beyond it on either side.
    let (page, newer_exist, older_exist) = match (cursor("after")?, cursor("before")?) {
        (Some(a), _) => {
            let pos = events.partition_point(|e| order(e) < a);
            let mut page = older(pos, limit + 1);
            let more = page.len() > limit;
            page.truncate(limit);
            (page, !newer(pos, 1).is_empty(), more)
        }
        (None, Some(b)) => {
            let pos = events.partition_point(|e| order(e) <= b);
            let mut page = newer(pos, limit + 1);
            let more = page.len() > limit;
            page.truncate(limit);
            page.reverse();
            (page, more, !older(pos, 1).is_empty())
        }
        (None, None) => {
            let mut page = older(events.len(), limit + 1);
            let more = page.len() > limit;
            page.truncate(limit);
            (page, false, more)
        }
    };
    let id = |i: Option<&usize>| i.map(|i| events[*i].id.clone());
    let before = if newer_exist { id(page.first()) } else { None };
    let after = if older_exist { id(page.last()) } else { None };
    Ok((page, json!({"cursors": {"before": before, "after": after}, "limit": limit})))
}

/// `entries` are (order, cursor); `order_of` resolves a cursor a client sends back.
fn paginate_by(
    q: &Q,
    mut entries: Vec<(u64, String)>,
    order_of: impl Fn(&str) -> Option<u64>,
) -> Result<(Vec<String>, Value), ApiError> {
    let limit = limit_of(q)?;
    let cursor = |k: &str| -> Result<Option<u64>, ApiError> {
        q.get(k).map(|c| order_of(c).ok_or_else(|| ApiError::field("meta", k, "is not a valid cursor"))).transpose()
    };
    let (after, before) = (cursor("after")?, cursor("before")?);
    entries.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    let len = entries.len();
    let (start, end) = if let Some(a) = after {
        let start = entries.iter().position(|e| e.0 < a).unwrap_or(len);
        (start, (start + limit).min(len))
    } else if let Some(b) = before {
        let end = entries.iter().position(|e| e.0 <= b).unwrap_or(len);
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(len))
    };
    let page: Vec<String> = entries[start..end].iter().map(|e| e.1.clone()).collect();
    let before = if start > 0 { page.first().cloned() } else { None };
    let after = if end < len { page.last().cloned() } else { None };
    Ok((page, json!({"cursors": {"before": before, "after": after}, "limit": limit})))
}

/// `created_at[gt|gte|lt|lte]` filters (sheet §4, §7).
fn created_filter(q: &Q) -> Result<impl Fn(Ts) -> bool, ApiError> {
    let mut bounds = Vec::new();
    for op in ["gt", "gte", "lt", "lte"] {
        if let Some(v) = q.get(&format!("created_at[{op}]")) {
            let t = parse_ts(v)
                .ok_or_else(|| ApiError::field("meta", "created_at", "must be a valid ISO 8601 timestamp"))?;
            bounds.push((op, t));
        }
    }
    Ok(move |t: Ts| {
        bounds.iter().all(|(op, b)| match *op {
            "gt" => t > *b,
            "gte" => t >= *b,
            "lt" => t < *b,
            _ => t <= *b,
        })
    })
}

fn matches(q: &Q, key: &str, value: &str) -> bool {
    q.get(key).is_none_or(|want| want.split(',').any(|w| w == value))
}

fn list_of(app: &App, q: &Q, resource: &str, asc_ids: Vec<String>) -> Res {
    let (page, meta) = paginate(q, asc_ids)?;
    let (st, now) = app.state();
    let items = page.iter().filter_map(|id| st.render(resource, id, now)).collect();
    Ok(list(resource, items, meta))
}

// ---------------------------------------------------------------- creditors

pub(crate) async fn list_creditors(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let ids = vec![app.state().0.creditor_id.clone()];
    list_of(&app, &q, "creditors", ids)
}

pub(crate) async fn get_creditor(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "creditors", &id)
}

// ---------------------------------------------------------------- customers

const CUSTOMER_FIELDS: [&str; 14] = [
    "email",
    "given_name",
    "family_name",
    "company_name",
    "address_line1",
    "address_line2",
    "address_line3",
    "city",
    "region",
    "postal_code",
    "country_code",
    "language",
    "phone_number",
    "danish_identity_number",
];

fn customer_fields(o: &Obj, target: &mut Value, errors: &mut Vec<FieldError>) {
    for f in CUSTOMER_FIELDS {
        match o.get(f) {
            None => {}
            Some(v @ (Value::String(_) | Value::Null)) => target[f] = v.clone(),
            Some(_) => errors.push(FieldError::new("customers", f, "must be a string")),
        }
    }
    if let Some(e) = s(o, "email") {
        if !e.contains('@') || e.starts_with('@') || e.ends_with('@') {
            errors.push(FieldError::new("customers", "email", "is not a valid email address"));
        }
    }
    if let Some(c) = s(o, "country_code") {
        if c.len() != 2 || !c.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new("customers", "country_code", "is invalid"));
        }
    }
}

fn blank_customer(id: &str, now: Ts) -> Value {
    let mut c = customer_json(id, now, 0);
    for f in CUSTOMER_FIELDS {
        c[f] = Value::Null;
    }
    c["language"] = json!("en");
    c
}

pub(crate) async fn create_customer(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "customers", |st, now, o| {
        let mut errors = Vec::new();
        let id = st.next_id("CU");
        let mut c = blank_customer(&id, now);
        customer_fields(o, &mut c, &mut errors);
        c["metadata"] = metadata("customers", o, &mut errors);
        check(errors)?;
        st.customers.insert(id.clone(), c);
        Ok(id)
    })
}

pub(crate) async fn update_customer(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let o = parse_body("customers", &body)?;
    let (mut st, _) = app.state();
    let mut c = st.customers.get(&id).cloned().ok_or_else(ApiError::not_found)?;
    let mut errors = Vec::new();
    customer_fields(&o, &mut c, &mut errors);
    if o.contains_key("metadata") {
        c["metadata"] = metadata("customers", &o, &mut errors);
    }
    check(errors)?;
    st.customers.insert(id, c.clone());
    Ok(one("customers", c, StatusCode::OK))
}

pub(crate) async fn get_customer(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "customers", &id)
}

pub(crate) async fn list_customers(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, _) = app.state();
        st.customers
            .values()
            .filter(|c| c["created_at"].as_str().and_then(parse_ts).is_some_and(&created))
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect()
    };
    list_of(&app, &q, "customers", ids)
}

// ---------------------------------------------------------------- customer bank accounts

fn add_bank_account(st: &mut State, now: Ts, customer: &str, holder: &str, iban: &str) -> Result<String, ApiError> {
    let compact: String = iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if let Some(existing) = st.ibans.get(&(customer.to_owned(), compact.clone())) {
        // `bank_account_exists` names the existing account in links (GoCardless error reference);
        // its type is validation_failed with code 409 (gocardless-pro-python fixture
        // `validation_failed_duplicate_bank_account_error.json`; the sheet's table has no such
        // row, review D19).
        return Err(ApiError::reasoned(
            StatusCode::CONFLICT,
            "validation_failed",
            "bank_account_exists",
            "Bank account already exists",
            Some(json!({"customer_bank_account": existing})),
        ));
    }
    let id = st.next_id("BA");
    st.bank_accounts.insert(id.clone(), bank_account_json(&id, now, customer, holder, &compact));
    st.ibans.insert((customer.to_owned(), compact), id.clone());
    Ok(id)
}

pub(crate) async fn create_bank_account(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "customer_bank_accounts", |st, now, o| {
        let r = "customer_bank_accounts";
        let mut errors = Vec::new();
        let holder = s(o, "account_holder_name").unwrap_or("");
        if holder.trim().is_empty() {
            errors.push(FieldError::new(r, "account_holder_name", "can't be blank"));
        }
        match s(o, "iban") {
            None => errors.push(FieldError::new(r, "iban", "can't be blank")),
            Some(i) if !iban_valid(i) => errors.push(FieldError::new(r, "iban", "is invalid")),
            Some(_) => {}
        }
        if s(o, "currency").is_some_and(|c| c != CURRENCY) {
            errors.push(FieldError::new(r, "currency", "must be EUR for a SEPA bank account"));
        }
        let customer = link(o, "customer").unwrap_or("");
        if customer.is_empty() {
            errors.push(FieldError::new(r, "links/customer", "can't be blank"));
        } else if !st.customers.contains_key(customer) {
            errors.push(FieldError::new(r, "links/customer", "not found"));
        }
        let meta = metadata(r, o, &mut errors);
        check(errors)?;
        let id = add_bank_account(st, now, customer, holder, s(o, "iban").unwrap_or(""))?;
        if let Some(ba) = st.bank_accounts.get_mut(&id) {
            ba["metadata"] = meta;
        }
        Ok(id)
    })
}

pub(crate) async fn get_bank_account(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "customer_bank_accounts", &id)
}

pub(crate) async fn list_bank_accounts(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, _) = app.state();
        st.bank_accounts
            .values()
            .filter(|b| matches(&q, "customer", b["links"]["customer"].as_str().unwrap_or("")))
            .filter(|b| matches(&q, "enabled", if b["enabled"].as_bool() == Some(true) { "true" } else { "false" }))
            .filter(|b| b["created_at"].as_str().and_then(parse_ts).is_some_and(&created))
            .filter_map(|b| b["id"].as_str().map(str::to_owned))
            .collect()
    };
    list_of(&app, &q, "customer_bank_accounts", ids)
}

// ---------------------------------------------------------------- mandates

fn new_mandate(st: &mut State, now: Ts, bank_account: &str, reference: Option<&str>, meta: Value) -> String {
    let customer =
        st.bank_accounts.get(bank_account).and_then(|b| b["links"]["customer"].as_str()).unwrap_or("").to_owned();
    let id = st.next_id("MD");
    // No timer takes a SEPA mandate further: it is submitted with its first payment (D3).
    let timeline = vec![mandate_created(now)];
    st.touch(now);
    let reference = reference.map_or_else(|| format!("XP-{}", &id[id.len() - 8..]), str::to_owned);
    st.mandates.insert(
        id.clone(),
        Mandate {
            id: id.clone(),
            created_at: now,
            reference,
            customer,
            bank_account: bank_account.to_owned(),
            metadata: meta,
            timeline,
            first_payment: None,
            fail_cause: None,
            reinstatements: 0,
        },
    );
    id
}

pub(crate) async fn create_mandate(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "mandates", |st, now, o| {
        let mut errors = Vec::new();
        if s(o, "scheme").is_some_and(|x| x != SCHEME) {
            errors.push(FieldError::new("mandates", "scheme", "is not supported by this creditor"));
        }
        let ba = link(o, "customer_bank_account").unwrap_or("");
        if ba.is_empty() {
            errors.push(FieldError::new("mandates", "links/customer_bank_account", "can't be blank"));
        } else if !st.bank_accounts.contains_key(ba) {
            errors.push(FieldError::new("mandates", "links/customer_bank_account", "not found"));
        }
        let meta = metadata("mandates", o, &mut errors);
        check(errors)?;
        Ok(new_mandate(st, now, ba, s(o, "reference"), meta))
    })
}

pub(crate) async fn get_mandate(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "mandates", &id)
}

pub(crate) async fn list_mandates(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, now) = app.state();
        st.mandates
            .values()
            .filter(|m| matches(&q, "customer", &m.customer))
            .filter(|m| matches(&q, "customer_bank_account", &m.bank_account))
            .filter(|m| matches(&q, "reference", &m.reference))
            .filter(|m| matches(&q, "status", m.status(now)))
            .filter(|m| created(m.created_at))
            .map(|m| m.id.clone())
            .collect()
    };
    list_of(&app, &q, "mandates", ids)
}

/// Cancels the mandate and its payments not yet submitted; those payments' events name the
/// mandate's as their parent. "This will fail with a `cancellation_failed` error if the mandate
/// is already cancelled" (gocardless-pro-python `mandates_service.py`); refusing failed and
/// expired mandates too is unconfirmed.
pub(crate) async fn cancel_mandate(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let data = parse_data(&body)?;
    let (mut st, now) = app.state();
    let m = st.mandates.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if !matches!(
        m.status(now),
        "pending_customer_approval" | "pending_submission" | "submitted" | "active" | "suspended_by_payer"
    ) {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cancellation_failed",
            "Mandate cannot be cancelled in its current state",
            None,
        ));
    }
    void_future(&mut m.timeline);
    if let Some(Value::Object(md)) = data.get("metadata") {
        merge(&mut m.metadata, md);
    }
    let det = d("api", "mandate_cancelled", "The mandate was cancelled at your request.");
    let step = action_step(now, "cancelled", "cancelled", det, &data);
    let event = st.record(Kind::Mandate, &id, step);
    let det = d("api", "mandate_cancelled", "The mandate for this payment was cancelled at your request.");
    st.cancel_pending_payments(&id, now, &det, event.as_deref());
    st.sync(now);
    Ok(one("mandates", render(&app, &st, "mandates", &id, now)?, StatusCode::OK))
}

/// "Mandates can be resubmitted up to 10 times" (gocardless-pro-python `mandates_service.py`,
/// `reinstate`; review D19).
const MAX_REINSTATEMENTS: u8 = 10;

/// A cancelled/expired mandate goes through submission again: `resubmission_requested`, then
/// `submitted`, then `reinstated` "up to two working days later" (gocardless-pro-python
/// `mandates_service.py`, `reinstate`); metadata goes on the `resubmission_requested` event.
pub(crate) async fn reinstate_mandate(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let data = parse_data(&body)?;
    let (mut st, now) = app.state();
    let m = st.mandates.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if !matches!(m.status(now), "cancelled" | "expired") {
        // Fixture `invalid_state_error.json`: "Mandate is already active or being submitted".
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mandate_not_inactive",
            "Mandate is already active or being submitted",
            None,
        ));
    }
    if m.reinstatements >= MAX_REINSTATEMENTS {
        // The reason for the eleventh attempt is unconfirmed.
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mandate_reinstatement_limit_reached",
            "Mandates can be resubmitted up to 10 times",
            None,
        ));
    }
    m.reinstatements += 1;
    let origin = |c: &str, d: &str| json!({"origin": "api", "cause": c, "description": d});
    let det = origin("mandate_reinstated", "The mandate was reinstated at your request.");
    let first = action_step(now, "pending_submission", "resubmission_requested", det, &data);
    let day = |n| at10(add_working_days(now.date(), n)).max(now + Duration::milliseconds(n.into()));
    let steps = vec![
        first,
        Step::new(
            day(1),
            "submitted",
            "submitted",
            origin("mandate_submitted", "The mandate has been submitted to the banks."),
        ),
        Step::new(day(2), "active", "reinstated", origin("mandate_reinstated", "The mandate has been reinstated.")),
    ];
    st.plan(Kind::Mandate, &id, steps);
    st.sync(now);
    Ok(one("mandates", render(&app, &st, "mandates", &id, now)?, StatusCode::OK))
}

/// A step an API action causes: the action's `metadata` is kept on its event
/// (`Event.metadata`).
fn action_step(at: Ts, status: &'static str, action: &'static str, details: Value, data: &Obj) -> Step {
    let mut step = Step::new(at, status, action, details);
    if let Some(Value::Object(m)) = data.get("metadata") {
        step.metadata = Value::Object(m.clone());
    }
    step
}

fn merge(target: &mut Value, from: &Obj) {
    if let Value::Object(t) = target {
        for (k, v) in from {
            t.insert(k.clone(), v.clone());
        }
    }
}

// ---------------------------------------------------------------- billing requests and flows

pub(crate) async fn create_billing_request(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "billing_requests", |st, now, o| {
        let r = "billing_requests";
        let mut errors = Vec::new();
        let mr = o.get("mandate_request").and_then(Value::as_object);
        if o.get("payment_request").is_some_and(|v| !v.is_null()) {
            errors.push(FieldError::new(r, "payment_request", "is not supported by this sandbox (mandates only)"));
        }
        let Some(mr) = mr else {
            errors.push(FieldError::new(r, "mandate_request", "can't be blank"));
            return Err(ApiError::validation(errors));
        };
        let scheme = s(mr, "scheme").unwrap_or(SCHEME);
        if scheme != SCHEME {
            errors.push(FieldError::new(r, "mandate_request/scheme", "is not supported by this creditor"));
        }
        let currency = s(mr, "currency").unwrap_or(CURRENCY);
        if currency != CURRENCY {
            errors.push(FieldError::new(r, "mandate_request/currency", "must be EUR for sepa_core"));
        }
        let customer = link(o, "customer").map(str::to_owned);
        if customer.as_ref().is_some_and(|c| !st.customers.contains_key(c)) {
            errors.push(FieldError::new(r, "links/customer", "not found"));
        }
        let meta = metadata(r, o, &mut errors);
        check(errors)?;
        // Without links.customer GoCardless creates an empty customer for the payer to fill in.
        let customer = match customer {
            Some(c) => c,
            None => {
                let id = st.next_id("CU");
                st.customers.insert(id.clone(), blank_customer(&id, now));
                id
            }
        };
        let id = st.next_id("BRQ");
        let mrq = st.next_id("MRQ");
        st.billing_requests.insert(
            id.clone(),
            BillingRequest {
                id: id.clone(),
                created_at: now,
                status: "pending",
                customer: customer.clone(),
                currency: currency.to_owned(),
                scheme: scheme.to_owned(),
                metadata: meta,
                mandate_request_id: mrq,
                bank_account: None,
                mandate: None,
                details_collected: false,
            },
        );
        st.emit(now, "billing_requests", "created", json!({"billing_request": id, "customer": customer}), json!({"origin": "api", "cause": "billing_request_created", "description": "This billing request has been created."}));
        Ok(id)
    })
}

pub(crate) async fn get_billing_request(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "billing_requests", &id)
}

pub(crate) async fn list_billing_requests(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, _) = app.state();
        st.billing_requests
            .values()
            .filter(|b| {
                matches(&q, "customer", &b.customer) && matches(&q, "status", b.status) && created(b.created_at)
            })
            .map(|b| b.id.clone())
            .collect()
    };
    list_of(&app, &q, "billing_requests", ids)
}

/// Creates the mandate of a billing request whose payer details are in.
pub(crate) fn fulfil(st: &mut State, now: Ts, br: &str) -> Result<(), ApiError> {
    let b = st.billing_requests.get(br).ok_or_else(ApiError::not_found)?;
    if b.status != "ready_to_fulfil" {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "billing_request_not_ready",
            "Billing request is not ready to be fulfilled",
            None,
        ));
    }
    let ba = b.bank_account.clone().unwrap_or_default();
    let customer = b.customer.clone();
    let md = new_mandate(st, now, &ba, None, json!({}));
    if let Some(b) = st.billing_requests.get_mut(br) {
        b.status = "fulfilled";
        b.mandate = Some(md.clone());
    }
    st.emit(
        now,
        "billing_requests",
        "fulfilled",
        json!({"billing_request": br, "customer": customer, "customer_bank_account": ba, "mandate_request_mandate": md}),
        json!({"origin": "api", "cause": "billing_request_fulfilled", "description": "This billing request has been fulfilled, and the resources have been created."}),
    );
    Ok(())
}

pub(crate) async fn fulfil_billing_request(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    parse_data(&body)?;
    let (mut st, now) = app.state();
    fulfil(&mut st, now, &id)?;
    st.sync(now);
    Ok(one("billing_requests", render(&app, &st, "billing_requests", &id, now)?, StatusCode::OK))
}

pub(crate) async fn cancel_billing_request(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    parse_data(&body)?;
    let (mut st, now) = app.state();
    let b = st.billing_requests.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if !matches!(b.status, "pending" | "ready_to_fulfil") {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cancellation_failed",
            "Billing request cannot be cancelled in its current state",
            None,
        ));
    }
    b.status = "cancelled";
    st.emit(now, "billing_requests", "cancelled", json!({"billing_request": id}), json!({"origin": "api", "cause": "billing_request_cancelled", "description": "This billing request has been cancelled."}));
    Ok(one("billing_requests", render(&app, &st, "billing_requests", &id, now)?, StatusCode::OK))
}

pub(crate) async fn create_flow(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "billing_request_flows", |st, now, o| {
        let r = "billing_request_flows";
        let mut errors = Vec::new();
        let br = link(o, "billing_request").unwrap_or("").to_owned();
        match st.billing_requests.get(&br) {
            _ if br.is_empty() => errors.push(FieldError::new(r, "links/billing_request", "can't be blank")),
            None => errors.push(FieldError::new(r, "links/billing_request", "not found")),
            Some(b) if !matches!(b.status, "pending" | "ready_to_fulfil") => {
                errors.push(FieldError::new(r, "links/billing_request", "is not pending"))
            }
            Some(_) => {}
        }
        for k in ["redirect_uri", "exit_uri"] {
            if let Some(u) = s(o, k) {
                if url::Url::parse(u).is_err() {
                    errors.push(FieldError::new(r, k, "is not a valid URI"));
                }
            }
        }
        check(errors)?;
        let flag = |k: &str, default: bool| o.get(k).and_then(Value::as_bool).unwrap_or(default);
        let id = st.next_id("BRF");
        st.flows.insert(
            id.clone(),
            Flow {
                id: id.clone(),
                created_at: now,
                // "Each flow currently lasts for 7 days" (API reference, billing request flows;
                // sheet §4 leaves it open).
                expires_at: now + Duration::days(7),
                billing_request: br.clone(),
                redirect_uri: s(o, "redirect_uri").map(str::to_owned),
                exit_uri: s(o, "exit_uri").map(str::to_owned),
                // auto_fulfil defaults to true (sheet §4).
                auto_fulfil: flag("auto_fulfil", true),
                lock_customer_details: flag("lock_customer_details", false),
                lock_bank_account: flag("lock_bank_account", false),
                prefilled_customer: o.get("prefilled_customer").cloned().unwrap_or(json!({})),
                pending: None,
                completed: false,
            },
        );
        Ok(id)
    })
}

/// The payer finished the hosted page: store their details and bank account, mark the billing
/// request ready and, with `auto_fulfil`, create the mandate. Returns where to send the payer.
pub(crate) fn complete_flow(st: &mut State, now: Ts, flow: &str, d: &PayerDetails) -> Result<Option<String>, ApiError> {
    let f = st.flows.get(flow).ok_or_else(ApiError::not_found)?.clone();
    if f.completed {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "billing_request_flow_completed",
            "This flow has already been completed",
            None,
        ));
    }
    if f.expires_at <= now {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "billing_request_flow_expired",
            "This flow has expired",
            None,
        ));
    }
    let br = st.billing_requests.get(&f.billing_request).ok_or_else(ApiError::not_found)?.clone();
    if br.status != "pending" {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "billing_request_not_pending",
            "The billing request is no longer pending",
            None,
        ));
    }
    let r = "customers";
    let mut errors = Vec::new();
    if d.email.trim().is_empty() || !d.email.contains('@') {
        errors.push(FieldError::new(r, "email", "is not a valid email address"));
    }
    if d.company_name.trim().is_empty() && (d.given_name.trim().is_empty() || d.family_name.trim().is_empty()) {
        errors.push(FieldError::new(r, "given_name", "can't be blank unless company_name is given"));
    }
    if !iban_valid(&d.iban) {
        errors.push(FieldError::new("customer_bank_accounts", "iban", "is invalid"));
    }
    check(errors)?;
    let nz = |v: &str| if v.trim().is_empty() { Value::Null } else { json!(v.trim()) };
    if let Some(c) = st.customers.get_mut(&br.customer) {
        c["email"] = nz(&d.email);
        c["given_name"] = nz(&d.given_name);
        c["family_name"] = nz(&d.family_name);
        c["company_name"] = nz(&d.company_name);
        c["address_line1"] = nz(&d.address_line1);
        c["city"] = nz(&d.city);
        c["postal_code"] = nz(&d.postal_code);
        let compact = d.iban.replace(' ', "").to_ascii_uppercase();
        c["country_code"] = if d.country_code.trim().is_empty() { json!(&compact[..2]) } else { nz(&d.country_code) };
    }
    let holder = if d.account_holder_name.trim().is_empty() {
        if d.company_name.trim().is_empty() {
            format!("{} {}", d.given_name.trim(), d.family_name.trim())
        } else {
            d.company_name.trim().to_owned()
        }
    } else {
        d.account_holder_name.trim().to_owned()
    };
    let compact = d.iban.replace(' ', "").to_ascii_uppercase();
    let ba = match st.ibans.get(&(br.customer.clone(), compact)) {
        Some(existing) => existing.clone(),
        None => add_bank_account(st, now, &br.customer, &holder, &d.iban)?,
    };
    if let Some(b) = st.billing_requests.get_mut(&br.id) {
        b.details_collected = true;
        b.bank_account = Some(ba.clone());
        b.status = "ready_to_fulfil";
    }
    st.emit(
        now,
        "billing_requests",
        "payer_details_confirmed",
        json!({"billing_request": br.id, "customer": br.customer, "customer_bank_account": ba}),
        json!({"origin": "payer", "cause": "billing_request_payer_details_confirmed", "description": "Payer has confirmed all their details for this billing request."}),
    );
    if f.auto_fulfil {
        fulfil(st, now, &br.id)?;
    }
    if let Some(f) = st.flows.get_mut(flow) {
        f.completed = true;
        f.pending = None;
    }
    Ok(f.redirect_uri)
}

/// `POST /_sandbox/billing_request_flows/{id}/complete` — the payer's part without a browser.
/// Body (optional): any of [`PayerDetails`]; missing fields come from `prefilled_customer`, then
/// from a demo payer with a valid IBAN.
pub(crate) async fn sandbox_complete_flow(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let given: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|_| ApiError::bad_body("Invalid JSON"))?
    };
    let (mut st, now) = app.state();
    let f = st.flows.get(&id).ok_or_else(ApiError::not_found)?;
    let mut d: PayerDetails = serde_json::from_value(f.prefilled_customer.clone()).unwrap_or_default();
    if let Ok(over) = serde_json::from_value::<Value>(given) {
        let mut cur = serde_json::to_value(&d).unwrap_or(json!({}));
        if let (Value::Object(c), Value::Object(o)) = (&mut cur, over) {
            for (k, v) in o {
                c.insert(k, v);
            }
        }
        d = serde_json::from_value(cur).unwrap_or(d);
    }
    if d.email.is_empty() {
        d.email = "payer@example.de".into();
    }
    if d.given_name.is_empty() && d.company_name.is_empty() {
        d.given_name = "Anna".into();
        d.family_name = "Muster".into();
    }
    if d.iban.is_empty() {
        d.iban = de_iban(37040044, 532013000);
    }
    let redirect = complete_flow(&mut st, now, &id, &d)?;
    st.sync(now);
    let br = st.flows.get(&id).map(|f| f.billing_request.clone()).unwrap_or_default();
    let v = render(&app, &st, "billing_requests", &br, now)?;
    Ok(Json(json!({"billing_requests": v, "redirect_to": redirect})).into_response())
}

// ---------------------------------------------------------------- payments

fn validate_amount(r: &str, o: &Obj, errors: &mut Vec<FieldError>) -> i64 {
    match o.get("amount") {
        None | Some(Value::Null) => {
            errors.push(FieldError::new(r, "amount", "can't be blank"));
            0
        }
        Some(v) => match v.as_i64() {
            Some(n) if n > 0 => n,
            Some(_) => {
                errors.push(FieldError::new(r, "amount", "must be greater than 0"));
                0
            }
            // Amounts are integers in minor units (sheet §3).
            None => {
                errors.push(FieldError::new(r, "amount", "must be a whole number of cents"));
                0
            }
        },
    }
}

fn mandate_usable(st: &State, md: &str, now: Ts) -> Result<(), ApiError> {
    let m = st.mandates.get(md).ok_or_else(|| ApiError::field("payments", "links/mandate", "not found"))?;
    if !mandate_takes_payments(m.status(now)) {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mandate_is_inactive",
            "The mandate is not active",
            None,
        ));
    }
    Ok(())
}

/// `charge_date` must be on or after the mandate's next_possible_charge_date (today + 3 SEPA
/// working days) and rolls forward to a working day (sheet §11; review D16).
fn charge_date(st: &State, md: &str, now: Ts, given: Option<&Value>) -> Result<time::Date, ApiError> {
    let npcd = st.mandates.get(md).and_then(|m| next_possible_charge_date(m, now)).unwrap_or(now.date());
    match given {
        None | Some(Value::Null) => Ok(npcd),
        Some(v) => {
            let d = v
                .as_str()
                .and_then(parse_ymd)
                .ok_or_else(|| ApiError::field("payments", "charge_date", "must be a date in the format YYYY-MM-DD"))?;
            if d < npcd {
                return Err(ApiError::field(
                    "payments",
                    "charge_date",
                    "must be on or after mandate's next_possible_charge_date",
                ));
            }
            Ok(working_day(d))
        }
    }
}

pub(crate) async fn create_payment(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "payments", |st, now, o| {
        let r = "payments";
        let mut errors = Vec::new();
        let amount = validate_amount(r, o, &mut errors);
        match s(o, "currency") {
            None => errors.push(FieldError::new(r, "currency", "can't be blank")),
            Some(c) if c != CURRENCY => {
                errors.push(FieldError::new(r, "currency", "must be EUR for a sepa_core mandate"))
            }
            Some(_) => {}
        }
        // SEPA references may be up to 140 characters (sheet §4).
        if s(o, "reference").is_some_and(|x| x.chars().count() > 140) {
            errors.push(FieldError::new(r, "reference", "is too long (maximum is 140 characters)"));
        }
        if s(o, "description").is_some_and(|x| x.chars().count() > 255) {
            errors.push(FieldError::new(r, "description", "is too long (maximum is 255 characters)"));
        }
        let meta = metadata(r, o, &mut errors);
        let md = link(o, "mandate").unwrap_or("").to_owned();
        if md.is_empty() {
            errors.push(FieldError::new(r, "links/mandate", "can't be blank"));
        }
        check(errors)?;
        mandate_usable(st, &md, now)?;
        let charge = charge_date(st, &md, now, o.get("charge_date"))?;
        let id = st.next_id("PM");
        st.payments.insert(
            id.clone(),
            Payment {
                id: id.clone(),
                created_at: now,
                charge_date: charge,
                amount,
                amount_refunded: 0,
                currency: CURRENCY.to_owned(),
                description: s(o, "description").map(str::to_owned),
                reference: s(o, "reference").map(str::to_owned),
                metadata: meta,
                // "Default is `false`" (gocardless-nodejs `Types.ts`, `Payment.retry_if_possible`;
                // the sheet's example shows `true`, review D15).
                retry_if_possible: o.get("retry_if_possible").and_then(Value::as_bool).unwrap_or(false),
                mandate: md,
                outcome: Outcome::PaidOut,
                payout: None,
                timeline: Vec::new(),
                retries: 0,
                credited: false,
            },
        );
        let created = d("api", "payment_created", "Payment created via the API.");
        let mut steps = vec![Step::new(now, "pending_submission", "created", created)];
        steps.extend(plan_payment("pending_submission", now, now, charge, Outcome::PaidOut));
        st.plan(Kind::Payment, &id, steps);
        Ok(id)
    })
}

pub(crate) async fn get_payment(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "payments", &id)
}

pub(crate) async fn update_payment(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let o = parse_body("payments", &body)?;
    let (mut st, now) = app.state();
    let mut errors = Vec::new();
    let meta = o.contains_key("metadata").then(|| metadata("payments", &o, &mut errors));
    check(errors)?;
    let p = st.payments.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if let Some(m) = meta {
        p.metadata = m;
    }
    if let Some(b) = o.get("retry_if_possible").and_then(Value::as_bool) {
        p.retry_if_possible = b;
    }
    Ok(one("payments", render(&app, &st, "payments", &id, now)?, StatusCode::OK))
}

pub(crate) async fn list_payments(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, now) = app.state();
        st.payments
            .values()
            .filter(|p| matches(&q, "mandate", &p.mandate))
            .filter(|p| matches(&q, "status", p.status(now)))
            .filter(|p| matches(&q, "currency", &p.currency))
            .filter(|p| q.get("customer").is_none_or(|c| st.mandates.get(&p.mandate).is_some_and(|m| &m.customer == c)))
            .filter(|p| created(p.created_at))
            .map(|p| p.id.clone())
            .collect()
    };
    list_of(&app, &q, "payments", ids)
}

/// Cancel only in `pending_submission`, else `cancellation_failed` (sheet §5).
pub(crate) async fn cancel_payment(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let data = parse_data(&body)?;
    let (mut st, now) = app.state();
    let p = st.payments.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if !matches!(p.status(now), "pending_submission" | "pending_customer_approval") {
        return Err(ApiError::state(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cancellation_failed",
            "Payment cannot be cancelled after it has been submitted to the banks",
            None,
        ));
    }
    void_future(&mut p.timeline);
    p.outcome = Outcome::Cancelled;
    if let Some(Value::Object(md)) = data.get("metadata") {
        merge(&mut p.metadata, md);
    }
    let det = d("api", "payment_cancelled", "The payment was cancelled.");
    let step = action_step(now, "cancelled", "cancelled", det, &data);
    st.record(Kind::Payment, &id, step);
    st.sync(now);
    Ok(one("payments", render(&app, &st, "payments", &id, now)?, StatusCode::OK))
}

/// Retry a failed payment "if the underlying mandate is active … This will return a
/// `retry_failed` error if the payment has not failed. Payments can be retried up to 3 times"
/// (gocardless-pro-python `payments_service.py`, `retry`; review D15). The reason for an
/// inactive mandate or a fourth retry is not documented; `retry_failed` is assumed for both.
pub(crate) async fn retry_payment(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let data = parse_data(&body)?;
    let (mut st, now) = app.state();
    let p = st.payments.get(&id).ok_or_else(ApiError::not_found)?;
    let (status, md, retries) = (p.status(now), p.mandate.clone(), p.retries);
    let refuse = |message: &str| ApiError::state(StatusCode::UNPROCESSABLE_ENTITY, "retry_failed", message, None);
    if status != "failed" {
        return Err(refuse("Only failed payments can be retried"));
    }
    if st.mandates.get(&md).map(|m| m.status(now)) != Some("active") {
        return Err(refuse("The payment's mandate is not active, so the payment cannot be retried"));
    }
    if retries >= MAX_RETRIES {
        return Err(refuse("Payments can be retried up to 3 times"));
    }
    let charge = charge_date(&st, &md, now, data.get("charge_date"))?;
    let p = st.payments.get_mut(&id).ok_or_else(ApiError::not_found)?;
    void_future(&mut p.timeline);
    p.charge_date = charge;
    p.outcome = Outcome::PaidOut;
    p.retries += 1;
    if let Some(Value::Object(m)) = data.get("metadata") {
        merge(&mut p.metadata, m);
    }
    let det = d("api", "payment_retried", "The payment was retried.");
    let first = action_step(now, "pending_submission", "resubmission_requested", det, &data);
    let created = p.created_at;
    let mut steps = vec![first];
    steps.extend(plan_payment(
        "pending_submission",
        now + Duration::milliseconds(1),
        created,
        charge,
        Outcome::PaidOut,
    ));
    st.plan(Kind::Payment, &id, steps);
    st.sync(now);
    Ok(one("payments", render(&app, &st, "payments", &id, now)?, StatusCode::OK))
}

/// `POST /_sandbox/mandates/{id}/fail_with_first_payment` `{"cause": "invalid_bank_details" |
/// "bank_account_closed" | "direct_debit_not_enabled"}` (default `invalid_bank_details`): the
/// bank rejects the mandate when it answers its first payment, which fails with the same cause;
/// the mandate fails and its other unsubmitted payments are cancelled. GoCardless has no
/// simulator for this: `mandate_failed` is "Not compatible with SEPA mandates, which are
/// submitted with their first payment" (gocardless-nodejs `Types.ts`, `ScenarioSimulator.id`).
pub(crate) async fn sandbox_fail_with_first_payment(
    AxState(app): AxState<App>,
    Path(id): Path<String>,
    body: Bytes,
) -> Res {
    let cause = sandbox_cause(&body, "invalid_bank_details")?;
    let (mut st, now) = app.state();
    let m = st.mandates.get_mut(&id).ok_or_else(ApiError::not_found)?;
    let first = match (m.status(now), m.first_payment.clone()) {
        ("pending_submission", _) => None,
        ("submitted", Some(pm)) => Some(pm),
        (status, _) => {
            return Err(ApiError::state(
                StatusCode::CONFLICT,
                "mandate_already_answered",
                &format!("The banks have already answered this mandate (status {status})"),
                None,
            ))
        }
    };
    m.fail_cause = Some(cause.clone());
    if let Some(pm) = first {
        st.plan_rejection(&pm, &cause);
    }
    st.sync(now);
    Ok(one("mandates", render(&app, &st, "mandates", &id, now)?, StatusCode::OK))
}

/// `POST /_sandbox/mandates/{id}/cancel_by_bank` `{"cause": …}` (same causes as above, default
/// `bank_account_closed`): the payer's bank cancels an active mandate (or rejects a submitted
/// one) now, with origin `bank`; payments not yet submitted are cancelled with it, naming its
/// event as their parent. No scenario simulator does this for SEPA (review 3(a).2).
pub(crate) async fn sandbox_cancel_by_bank(AxState(app): AxState<App>, Path(id): Path<String>, body: Bytes) -> Res {
    let cause = sandbox_cause(&body, "bank_account_closed")?;
    let (mut st, now) = app.state();
    let status = st.mandates.get(&id).map(|m| m.status(now)).ok_or_else(ApiError::not_found)?;
    if !matches!(status, "submitted" | "active" | "suspended_by_payer") {
        return Err(ApiError::state(
            StatusCode::CONFLICT,
            "mandate_not_with_the_bank",
            &format!("The bank holds no mandate in status {status}"),
            None,
        ));
    }
    let det = crate::lifecycle::mandate_failure(&cause).unwrap_or_default();
    st.end_mandate(&id, now, det, None, Value::Null);
    st.sync(now);
    Ok(one("mandates", render(&app, &st, "mandates", &id, now)?, StatusCode::OK))
}

/// The optional `{"cause": …}` of the mandate hooks: one the bank gives for a mandate.
fn sandbox_cause(body: &Bytes, default: &str) -> Result<String, ApiError> {
    let given: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|_| ApiError::bad_body("Invalid JSON"))?
    };
    let cause = given.get("cause").and_then(Value::as_str).unwrap_or(default).to_owned();
    if crate::lifecycle::mandate_failure(&cause).is_none() {
        return Err(ApiError::bad_body(
            "cause must be one of invalid_bank_details, bank_account_closed, direct_debit_not_enabled",
        ));
    }
    Ok(cause)
}

// ---------------------------------------------------------------- refunds

/// Refunds of confirmed or paid-out payments (review D4):
/// - `total_amount_confirmation` "Must be supplied if `links[payment]` is present"
///   (gocardless-nodejs `refundService.ts`, `RefundCreateRequest`); the contract sheet's §4
///   marks it unconfirmed and optional, which it is not. The exact body of the error for a
///   missing one is unconfirmed; it is rendered as a blank field.
/// - It must equal the total refunded so far plus this refund, else
///   `total_amount_confirmation_invalid`; the refund must fit the creditor's balance plus its
///   negative balance limit, else `available_refund_amount_insufficient`
///   (gocardless-pro-python `refunds_service.py`, `create`).
pub(crate) async fn create_refund(AxState(app): AxState<App>, headers: HeaderMap, body: Bytes) -> Res {
    create(&app, &headers, &body, "refunds", |st, now, o| {
        let r = "refunds";
        let mut errors = Vec::new();
        let amount = validate_amount(r, o, &mut errors);
        let meta = metadata(r, o, &mut errors);
        let pm = link(o, "payment").unwrap_or("").to_owned();
        if pm.is_empty() {
            errors.push(FieldError::new(r, "links/payment", "can't be blank"));
        }
        let confirmation = match o.get("total_amount_confirmation") {
            None | Some(Value::Null) => {
                errors.push(FieldError::new(r, "total_amount_confirmation", "can't be blank"));
                None
            }
            Some(v) => match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    errors.push(FieldError::new(r, "total_amount_confirmation", "must be a whole number of cents"));
                    None
                }
            },
        };
        check(errors)?;
        let p = st.payments.get(&pm).ok_or_else(|| ApiError::field(r, "links/payment", "not found"))?;
        if !matches!(p.status(now), "confirmed" | "paid_out") {
            return Err(ApiError::state(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refund_payment_invalid_state",
                "Only confirmed or paid out payments can be refunded",
                None,
            ));
        }
        if p.amount_refunded + amount > p.amount {
            return Err(ApiError::field(r, "amount", "exceeds the amount of the payment not yet refunded"));
        }
        if confirmation != Some(p.amount_refunded + amount) {
            return Err(ApiError::state(
                StatusCode::UNPROCESSABLE_ENTITY,
                "total_amount_confirmation_invalid",
                "total_amount_confirmation does not match the total amount refunded for the payment",
                None,
            ));
        }
        if amount > st.balance() + NEGATIVE_BALANCE_LIMIT {
            return Err(ApiError::state(
                StatusCode::UNPROCESSABLE_ENTITY,
                "available_refund_amount_insufficient",
                "The creditor does not have sufficient balance for refunds available to cover the cost of this refund",
                None,
            ));
        }
        let (currency, mandate) = (p.currency.clone(), p.mandate.clone());
        if let Some(p) = st.payments.get_mut(&pm) {
            p.amount_refunded += amount;
        }
        let id = st.next_id("RF");
        st.refunds.insert(
            id.clone(),
            Refund {
                id: id.clone(),
                created_at: now,
                amount,
                currency,
                payment: pm,
                mandate,
                reference: s(o, "reference").map(str::to_owned),
                metadata: meta,
                timeline: Vec::new(),
            },
        );
        let det = |c: &str, d: &str| json!({"origin": "api", "cause": c, "description": d});
        let day = |n| at10(add_working_days(now.date(), n)).max(now + Duration::milliseconds(n.into()));
        let mut submitted = Step::new(day(1), "submitted", "submitted", Value::Null);
        submitted.action = None;
        let steps = vec![
            Step::new(now, "pending_submission", "created", det("refund_created", "The refund has been created.")),
            submitted,
            Step::new(day(2), "paid", "paid", det("refund_paid", "The refund has been paid to the customer.")),
        ];
        st.plan(Kind::Refund, &id, steps);
        Ok(id)
    })
}

pub(crate) async fn get_refund(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "refunds", &id)
}

pub(crate) async fn list_refunds(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, _) = app.state();
        st.refunds
            .values()
            .filter(|r| {
                matches(&q, "payment", &r.payment) && matches(&q, "mandate", &r.mandate) && created(r.created_at)
            })
            .map(|r| r.id.clone())
            .collect()
    };
    list_of(&app, &q, "refunds", ids)
}

// ---------------------------------------------------------------- payouts

pub(crate) async fn get_payout(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "payouts", &id)
}

pub(crate) async fn list_payouts(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let ids = {
        let (st, _) = app.state();
        st.payouts
            .values()
            .filter(|p| matches(&q, "status", p.status))
            .filter(|p| {
                matches(&q, "currency", &p.currency) && matches(&q, "reference", &p.reference) && created(p.created_at)
            })
            .map(|p| p.id.clone())
            .collect()
    };
    list_of(&app, &q, "payouts", ids)
}

/// `GET /payout_items?payout=PO...` (sheet §4): items in the order they were booked, paged
/// with the same cursors (item cursors are positions; items have no ids).
pub(crate) async fn list_payout_items(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let Some(po) = q.get("payout") else {
        return Err(ApiError::field("meta", "payout", "can't be blank"));
    };
    let (st, _) = app.state();
    let p = st.payouts.get(po).ok_or_else(ApiError::not_found)?;
    // Lists run newest first; booking order is kept by giving the first item the highest key.
    let last = p.items.len() as u64;
    let entries = (0..last).map(|i| (last - i, i.to_string())).collect();
    let (page, meta) = paginate_by(&q, entries, |c| c.parse::<u64>().ok().filter(|i| *i < last).map(|i| last - i))?;
    let items = page.iter().filter_map(|k| k.parse::<usize>().ok()).filter_map(|k| p.items.get(k).cloned()).collect();
    Ok(list("payout_items", items, meta))
}

// ---------------------------------------------------------------- events

const EVENT_LINK_FILTERS: [&str; 7] =
    ["payment", "mandate", "payout", "refund", "billing_request", "subscription", "customer"];

/// `GET /events` with the filters of sheet §7: action, resource_type, one resource id,
/// parent_event, created_at[...], include (needs resource_type).
pub(crate) async fn list_events(AxState(app): AxState<App>, RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    let created = created_filter(&q)?;
    let include = q.get("include").cloned();
    if include.is_some() && !q.contains_key("resource_type") {
        return Err(ApiError::field("meta", "include", "requires resource_type to be given"));
    }
    let (st, now) = app.state();
    let keep = |e: &Event| {
        matches(&q, "action", &e.action)
            && matches(&q, "resource_type", e.resource_type)
            && EVENT_LINK_FILTERS
                .iter()
                .all(|k| q.get(*k).is_none_or(|want| e.links.get(*k).and_then(Value::as_str) == Some(want)))
            && q.get("parent_event")
                .is_none_or(|want| e.links.get("parent_event").and_then(Value::as_str) == Some(want))
            && created(e.created_at)
    };
    let (page, meta) = paginate_events(&q, &st.events, keep)?;
    let events: Vec<Value> = page.iter().map(|i| st.render_event(&st.events[*i])).collect();
    let mut body = json!({"events": events, "meta": meta});
    if let Some(inc) = include {
        // `include=payment` adds `linked: {"payments": [...]}` with each linked resource once.
        let plural = format!("{inc}s");
        let mut linked: Vec<Value> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for e in &events {
            if let Some(id) = e["links"][inc.as_str()].as_str() {
                if seen.insert(id.to_owned()) {
                    if let Some(v) = st.render(&plural, id, now) {
                        linked.push(v);
                    }
                }
            }
        }
        body["linked"] = json!({ plural: linked });
    }
    Ok(Json(body).into_response())
}

pub(crate) async fn get_event(AxState(app): AxState<App>, Path(id): Path<String>) -> Res {
    get_one(&app, "events", &id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events list walks from its cursor; it must give exactly the pages and cursors of the
    /// generic sort-everything pagination, for every cursor, limit and filter.
    #[test]
    fn events_pages_walked_from_the_cursor_equal_the_sorted_pages() {
        let now = time::macros::datetime!(2026-11-23 09:00 UTC);
        let mut st = State::new(now);
        for i in 0..40 {
            let ty = ["payments", "mandates", "payouts"][i % 3];
            // Other records take ids between events, as in the emulator.
            if i % 4 == 0 {
                st.next_id("PM");
            }
            st.emit(now, ty, "created", json!({}), json!({}));
        }
        let all: Vec<String> = st.events.iter().map(|e| e.id.clone()).collect();
        let mut cursors: Vec<Option<String>> = vec![None];
        cursors.extend(all.iter().step_by(3).cloned().map(Some));
        for filter in [None, Some("payments"), Some("payouts")] {
            let keep = |e: &Event| filter.is_none_or(|f| e.resource_type == f);
            let ids: Vec<String> = st.events.iter().filter(|e| keep(e)).map(|e| e.id.clone()).collect();
            for limit in [1, 2, 5, 50] {
                for cursor in &cursors {
                    for side in ["after", "before"] {
                        let mut q: Q = HashMap::from([("limit".to_owned(), limit.to_string())]);
                        if let Some(c) = cursor {
                            q.insert(side.to_owned(), c.clone());
                        }
                        let (want, want_meta) = paginate(&q, ids.clone()).unwrap();
                        let (got, got_meta) = paginate_events(&q, &st.events, keep).unwrap();
                        let got: Vec<String> = got.iter().map(|i| st.events[*i].id.clone()).collect();
                        assert_eq!((&got, &got_meta), (&want, &want_meta), "{filter:?} {limit} {side}={cursor:?}");
                    }
                }
            }
        }
    }
}
