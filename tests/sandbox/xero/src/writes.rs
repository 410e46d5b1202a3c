//! What every write to the Accounting API shares: the `Idempotency-Key`, reading the body in
//! either form Xero takes, checking it against the official spec's request schema, and running
//! a batch with `summarizeErrors`.
//!
//! Idempotency follows Xero's guide (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/,
//! quoted from third-party copies since the page renders client-side): "Xero will then cache the
//! response to these requests and if subsequent requests are made with the same idempotency key,
//! they won't be processed and instead the cached response will be returned"; only POST, PUT and
//! PATCH ("The idempotency key header will be ignored for all other HTTP methods"); "Key re-use
//! is procesed per app. If a key has been re-used by the same app on a different request a 400
//! server error will be returned" (a different URL, body or method; message `Idempotency Key:
//! KEY is used with a different request.`); at most 128 characters; "keys are stored for 6
//! minutes from the time of the first call, after which they expire. Repeating the same key
//! after expiry ... will instead be processed as a new key"; errors are cached and replayed too;
//! idempotency is applied after rate limiting (the guard runs first). A concurrent repeat gets
//! the first one's answer: the whole write runs under the state lock.

use crate::accounting::envelope;
use crate::data::Tenant;
use crate::state::Idempotent;
use crate::Shared;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::OnceLock;
use time::OffsetDateTime;
use xp_sandbox_conformance::Spec;

/// The OAuth app (client id) behind the calling token; set by `accounting::guard`.
#[derive(Debug, Clone)]
pub struct App(pub String);

pub const KEY_TTL: time::Duration = time::Duration::minutes(6);
/// "128 character max." (spec parameter `idempotencyKey`).
pub const KEY_MAX: usize = 128;

/// The vendored official document, embedded so the sandbox binary checks requests wherever it
/// runs; parsed once, on the first write.
static SPEC: OnceLock<Result<Spec, String>> = OnceLock::new();

fn spec() -> Result<&'static Spec, String> {
    SPEC.get_or_init(|| Spec::parse(include_str!("../../specs/xero_accounting.yaml"), "xero_accounting.yaml"))
        .as_ref()
        .map_err(Clone::clone)
}

/// One write as received.
pub struct Call {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Call {
    fn target(&self) -> String {
        self.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default()
    }

    /// `summarizeErrors` (spec parameter): true unless `false` is given.
    pub fn summarize(&self) -> bool {
        !self.uri.query().unwrap_or_default().split('&').any(|p| p.eq_ignore_ascii_case("summarizeErrors=false"))
    }
}

/// What a write answers; `created` counts the records it made (for the sandbox's counters).
pub struct Outcome {
    pub status: StatusCode,
    pub body: Value,
    pub created: usize,
}

impl Outcome {
    pub fn ok(body: Value, created: usize) -> Self {
        Self { status: StatusCode::OK, body, created }
    }

    /// 400 `PostDataInvalidException` (ErrorNumber 14): the body could not be read as the
    /// documented type, e.g. `Error converting value "NO_TAX" to type '...LineAmountType'`
    /// (recorded Xero answers quoted in public issue trackers).
    pub fn post_data_invalid(message: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message}),
            created: 0,
        }
    }

    /// 400 `ValidationException` with the elements that failed (xero.md §10).
    pub fn validation(elements: Vec<Value>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred", "Elements": elements}),
            created: 0,
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            body: json!({"Title": "Not Found", "Status": 404, "Detail": format!("{what} was not found")}),
            created: 0,
        }
    }
}

/// `element` as posted, with its validation messages attached.
pub fn with_errors(element: &Value, messages: Vec<String>) -> Value {
    let mut el = if element.is_object() { element.clone() } else { json!({}) };
    el["ValidationErrors"] = Value::Array(messages.into_iter().map(|m| json!({"Message": m})).collect());
    el
}

fn bad_request(detail: String) -> Response {
    // The body shape of Xero's idempotency refusals is unconfirmed; the message is Xero's.
    (StatusCode::BAD_REQUEST, Json(json!({"Title": "Bad Request", "Status": 400, "Detail": detail}))).into_response()
}

/// Runs one write against the calling tenant with Xero's idempotency around it. `f` gets the
/// tenant, the parsed body and the time; an unreadable body never reaches it.
pub fn run(
    s: &Shared,
    app: &str,
    call: &Call,
    f: impl FnOnce(&mut Tenant, &Value, OffsetDateTime) -> Outcome,
) -> Response {
    let key = call.headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(k) = &key {
        if k.chars().count() > KEY_MAX {
            return bad_request(format!(
                "Idempotency Key: {k} has a length of {}, the maximum length is {KEY_MAX}",
                k.chars().count()
            ));
        }
    }
    let now = s.ctx.clock.now();
    let tenant_id = call.headers.get("xero-tenant-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let Ok(mut st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let slot = key.as_ref().map(|k| (app.to_owned(), k.clone()));
    if let Some(slot) = &slot {
        match st.idempotency.get(slot) {
            Some(prev) if now - prev.at < KEY_TTL => {
                let same = prev.method.eq_ignore_ascii_case(call.method.as_str())
                    && prev.target == call.target()
                    && prev.body.as_bytes() == call.body.as_ref();
                if !same {
                    return bad_request(format!("Idempotency Key: {} is used with a different request.", slot.1));
                }
                let status = StatusCode::from_u16(prev.status).unwrap_or(StatusCode::OK);
                return (status, Json(prev.response.clone())).into_response();
            }
            Some(_) => {
                st.idempotency.remove(slot);
            }
            None => {}
        }
    }
    let outcome = match serde_json::from_slice::<Value>(&call.body) {
        Err(e) => Outcome::post_data_invalid(&format!("The JSON in the request body could not be read: {e}")),
        Ok(body) => match st.tenant_mut(&tenant_id) {
            Some(t) => f(t, &body, now),
            None => Outcome::not_found("organisation"),
        },
    };
    if let Some(slot) = slot {
        for _ in 0..outcome.created {
            s.ctx.counters.created(crate::PROVIDER, &slot.1);
        }
        st.idempotency.insert(
            slot,
            Idempotent {
                method: call.method.as_str().to_owned(),
                target: call.target(),
                body: String::from_utf8_lossy(&call.body).into_owned(),
                status: outcome.status.as_u16(),
                response: outcome.body.clone(),
                at: now,
            },
        );
    }
    (outcome.status, Json(outcome.body)).into_response()
}

/// The elements of a write body. Xero takes the plural wrapper (`{"Payments":[...]}`, the
/// spec's `createPayments`) and one bare element (`createPayment`, which xero-python's
/// `create_payment` sends); either is checked against the spec's schema for it. A value the
/// documented type cannot hold is a `PostDataInvalidException`; a missing required field is
/// left to the caller's checks, which name it in a `ValidationException` as Xero does.
pub fn elements(body: &Value, plural: &str, singular: &str) -> Result<Vec<Value>, Outcome> {
    let (schema, items) = match body.get(plural) {
        Some(Value::Array(items)) => (plural, items.clone()),
        Some(_) => (plural, vec![]),
        None => (singular, vec![body.clone()]),
    };
    conforms(schema, body)?;
    if items.is_empty() {
        return Err(Outcome::post_data_invalid(&format!("The request holds no {singular}")));
    }
    Ok(items)
}

/// Checks `body` against `#/components/schemas/{schema}` of the official spec.
pub fn conforms(schema: &str, body: &Value) -> Result<(), Outcome> {
    if !body.is_object() {
        return Err(Outcome::post_data_invalid(&format!("The request body must be a JSON object ({schema})")));
    }
    let spec = spec().map_err(|e| Outcome {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: json!({"Title": "Internal Server Error", "Status": 500, "Detail": e}),
        created: 0,
    })?;
    let errors: Vec<String> = match spec.validate_component(schema, &without_nulls(body)) {
        Ok(()) => return Ok(()),
        Err(errors) => errors.into_iter().filter(|e| !e.contains("missing required field")).collect(),
    };
    match errors.split_first() {
        None => Ok(()),
        Some((first, [])) => Err(Outcome::post_data_invalid(&format!("The request does not match {schema}: {first}"))),
        Some((first, rest)) => Err(Outcome::post_data_invalid(&format!(
            "The request does not match {schema}: {first} (and {} more)",
            rest.len()
        ))),
    }
}

/// `body` without its null members: Xero binds a null as a value left out (SDKs generated from
/// the spec, e.g. xero-node, send unset fields as null), while the spec's types admit no null.
fn without_nulls(body: &Value) -> Value {
    match body {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Applies `step` to each element in order. With `summarizeErrors` (the default) the batch is
/// all or nothing: any failure answers 400 with the failed elements and changes nothing. With
/// `summarizeErrors=false` each element stands alone and the answer is 200, failures flagged
/// with `HasValidationErrors`, `StatusAttributeString` "ERROR" and their `ValidationErrors`
/// (xero.md §10; spec parameter `summarizeErrors`). `step` must not change the tenant when it
/// returns `Err`.
pub fn batch(
    t: &mut Tenant,
    items: &[Value],
    summarize: bool,
    plural: &str,
    now: OffsetDateTime,
    mut step: impl FnMut(&mut Tenant, &Value) -> Result<Value, Vec<String>>,
) -> Outcome {
    if !summarize {
        let mut created = 0;
        let out = items
            .iter()
            .map(|item| match step(t, item) {
                Ok(mut v) => {
                    created += 1;
                    v["StatusAttributeString"] = json!("OK");
                    v
                }
                Err(messages) => {
                    let mut el = with_errors(item, messages);
                    el["HasValidationErrors"] = json!(true);
                    el["StatusAttributeString"] = json!("ERROR");
                    el
                }
            })
            .collect();
        return Outcome::ok(envelope(plural, out, now), created);
    }
    // Later elements see the earlier ones' effects (two payments on one invoice), so a
    // multi-element batch runs on a copy that is kept only if every element passed.
    let mut copy = (items.len() > 1).then(|| t.clone());
    let work = copy.as_mut().unwrap_or(t);
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    for item in items {
        match step(work, item) {
            Ok(v) => done.push(v),
            Err(messages) => failed.push(with_errors(item, messages)),
        }
    }
    if !failed.is_empty() {
        return Outcome::validation(failed);
    }
    if let Some(c) = copy {
        *t = c;
    }
    let n = done.len();
    Outcome::ok(envelope(plural, done, now), n)
}

/// An account named by `{"AccountID": ...}` or `{"Code": ...}`.
pub fn account<'a>(t: &'a Tenant, r: &Value) -> Option<&'a Value> {
    r["AccountID"]
        .as_str()
        .and_then(|id| t.accounts.get(id))
        .or_else(|| r["Code"].as_str().and_then(|c| t.accounts.items.iter().find(|a| a["Code"] == c)))
}

/// A date field of a write: absent is `None`; present but unreadable is a
/// `PostDataInvalidException` (Xero fails to convert it, e.g. "The string '20100510' is not a
/// valid AllXsd value.").
pub fn date_field(v: &Value, field: &str) -> Result<Option<OffsetDateTime>, Outcome> {
    match &v[field] {
        Value::Null => Ok(None),
        Value::String(s) => crate::dates::parse_request_date(s)
            .map(Some)
            .ok_or_else(|| Outcome::post_data_invalid(&format!("The string '{s}' is not a valid date for {field}"))),
        other => Err(Outcome::post_data_invalid(&format!("{other} is not a valid date for {field}"))),
    }
}
