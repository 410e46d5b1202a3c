//! The JSON API: `POST {base}/api/Payment/v1/...`, every call with Basic auth and a
//! `RequestHeader` in the body (sheet §2, §3, §4).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{post, MethodRouter};
use axum::Router;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use time::Duration;
use url::Url;

use crate::error::{bare, json_response, ApiError, ApiResult, Behavior, CURRENT_SPEC_MINOR, CURRENT_SPEC_VERSION};
use crate::model::{self, Capture, Means, Status, Tx};
use crate::{Data, Page, PageState, Shared, PROVIDER};

/// How long the RedirectUrl can be opened. Saferpay returns it as `Expiration`; the value is
/// not documented (unconfirmed): one hour, in line with the sheet §4 example times.
pub const PAGE_LIFETIME: Duration = Duration::hours(1);
/// "This function can be called up to 24 hours after the transaction was initialized"
/// (`texts/ChapterPaymentPage.md`, PaymentPage Assert).
pub const ASSERT_WINDOW: Duration = Duration::hours(24);

/// What a validated RequestHeader tells the handlers.
pub struct Req {
    pub request_id: String,
    pub spec_minor: u32,
    pub body: Value,
}

type Op = fn(&Shared, &mut Data, &Req) -> ApiResult<Value>;

struct Endpoint {
    path: &'static str,
    op: Op,
    /// Writes are replayed for a retry of the same RequestId (see [`call`]).
    write: bool,
}

const ENDPOINTS: [Endpoint; 9] = [
    Endpoint { path: "/Payment/v1/PaymentPage/Initialize", op: initialize, write: true },
    Endpoint { path: "/Payment/v1/PaymentPage/Assert", op: assert_page, write: false },
    Endpoint { path: "/Payment/v1/Transaction/AuthorizeDirect", op: authorize_direct, write: true },
    Endpoint { path: "/Payment/v1/Transaction/Capture", op: capture, write: true },
    Endpoint { path: "/Payment/v1/Transaction/AssertCapture", op: assert_capture, write: false },
    Endpoint { path: "/Payment/v1/Transaction/Cancel", op: cancel, write: true },
    Endpoint { path: "/Payment/v1/Transaction/Refund", op: refund, write: true },
    Endpoint { path: "/Payment/v1/Transaction/Inquire", op: inquire, write: false },
    Endpoint { path: "/Payment/v1/Transaction/RefundDirect", op: refund_direct_unsupported, write: false },
];

pub fn routes() -> Router<Arc<Shared>> {
    let mut r = Router::new();
    for ep in &ENDPOINTS {
        r = r.route(&format!("/api{}", ep.path), handler(ep));
    }
    r
}

fn handler(ep: &'static Endpoint) -> MethodRouter<Arc<Shared>> {
    post(
        move |State(sh): State<Arc<Shared>>, headers: HeaderMap, body: Bytes| async move { call(&sh, ep, &headers, &body) },
    )
}

/// The pipeline every call goes through: media types (415/406), Basic auth (401), RequestHeader
/// (400/401), retry replay, then the operation.
fn call(sh: &Shared, ep: &'static Endpoint, headers: &HeaderMap, raw: &[u8]) -> Response {
    sh.ctx.counters.hit(PROVIDER, &format!("POST /api{}", ep.path));

    // Sheet §2: `Content-Type: application/json; charset=utf-8` and `Accept: application/json`;
    // a wrong header gives 415 / 406 — from the web server, so without an envelope.
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    if !header("content-type").is_some_and(|ct| ct.trim_start().starts_with("application/json")) {
        return bare(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    if let Some(accept) = header("accept") {
        let ok = accept
            .split(',')
            .map(|a| a.split(';').next().unwrap_or("").trim())
            .any(|a| matches!(a, "application/json" | "application/*" | "*/*" | ""));
        if !ok {
            return bare(StatusCode::NOT_ACCEPTABLE);
        }
    }

    let body: Option<Value> = serde_json::from_slice(raw).ok();
    let rh = body.as_ref().and_then(|b| b.get("RequestHeader"));
    // Echo what we can of the request even when it is invalid.
    let echo_id = rh.and_then(|h| h.get("RequestId")).and_then(Value::as_str).unwrap_or("").to_owned();
    let sent_spec = rh.and_then(|h| h.get("SpecVersion")).and_then(Value::as_str).map(str::to_owned);
    let parsed_minor = sent_spec.as_deref().and_then(spec_minor);
    let (echo_spec, echo_minor) = match (&sent_spec, parsed_minor) {
        (Some(s), Some(m)) => (s.clone(), m),
        _ => (CURRENT_SPEC_VERSION.to_owned(), CURRENT_SPEC_MINOR),
    };
    let fail = |e: ApiError| e.render(&echo_spec, echo_minor, &echo_id);

    if !basic_auth_ok(sh, headers) {
        return fail(ApiError::authentication());
    }
    let Some(body) = body.filter(Value::is_object) else {
        return fail(ApiError::validation("The request body is not a valid JSON object."));
    };
    let req = match request_header(sh, body, parsed_minor) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let retry = req.body["RequestHeader"]["RetryIndicator"].as_u64().unwrap_or(0);

    let mut data = sh.data();
    // Idempotency (sheet §3, §8): "reuse the same value when retrying" with RetryIndicator
    // incremented. Saferpay documents no deduplication (unconfirmed); the sandbox replays the
    // first successful answer to such a retry instead of creating a second object, the
    // behaviour a safe client must be able to rely on.
    let key = (ep.path, req.request_id.clone());
    if ep.write && retry > 0 {
        if let Some(prev) = data.replies.get(&key) {
            return json_response(StatusCode::OK, prev);
        }
    }
    match (ep.op)(sh, &mut data, &req) {
        Ok(Value::Object(fields)) => {
            let mut m = Map::new();
            m.insert("ResponseHeader".into(), json!({"SpecVersion": echo_spec, "RequestId": req.request_id}));
            m.extend(fields);
            let v = Value::Object(m);
            if ep.write {
                data.replies.insert(key, v.clone());
            }
            json_response(StatusCode::OK, &v)
        }
        Ok(_) => fail(ApiError::internal()),
        Err(e) => fail(e),
    }
}

fn basic_auth_ok(sh: &Shared, headers: &HeaderMap) -> bool {
    let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok()) else { return false };
    let Some(b64) = v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")) else { return false };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else { return false };
    let Ok(text) = String::from_utf8(raw) else { return false };
    text.split_once(':').is_some_and(|(u, p)| u == sh.creds.username && p == sh.creds.password)
}

/// `1.N` with N ≤ the current minor. Older Saferpay versions still answer (with `ABORT`).
fn spec_minor(v: &str) -> Option<u32> {
    let (major, minor) = v.split_once('.')?;
    let minor: u32 = minor.parse().ok()?;
    (major == "1" && minor <= CURRENT_SPEC_MINOR).then_some(minor)
}

/// Sheet §3 (`Common_RequestHeader`): SpecVersion, CustomerId, RequestId Id[1..50],
/// RetryIndicator 0–9, all mandatory. A CustomerId that is not the API user's answers
/// AUTHENTICATION_FAILED "Invalid credentials" (`texts/06_ErrorHandling_CommonErrors.md`).
fn request_header(sh: &Shared, body: Value, minor: Option<u32>) -> ApiResult<Req> {
    let Some(h) = body.get("RequestHeader").filter(|h| h.is_object()) else {
        return Err(ApiError::required_field("RequestHeader"));
    };
    let spec_minor = match h.get("SpecVersion") {
        None | Some(Value::Null) => return Err(ApiError::required_field("RequestHeader.SpecVersion")),
        Some(_) => minor.ok_or_else(|| ApiError::invalid_field("RequestHeader.SpecVersion"))?,
    };
    let customer = match h.get("CustomerId") {
        None | Some(Value::Null) => return Err(ApiError::required_field("RequestHeader.CustomerId")),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(ApiError::invalid_field("RequestHeader.CustomerId")),
    };
    let request_id = match h.get("RequestId") {
        None | Some(Value::Null) => return Err(ApiError::required_field("RequestHeader.RequestId")),
        Some(Value::String(s)) if is_id(s, 50) => s.clone(),
        Some(_) => return Err(ApiError::invalid_field("RequestHeader.RequestId")),
    };
    match h.get("RetryIndicator") {
        None | Some(Value::Null) => return Err(ApiError::required_field("RequestHeader.RetryIndicator")),
        Some(v) if v.as_u64().is_some_and(|n| n <= 9) => {}
        Some(_) => return Err(ApiError::invalid_field("RequestHeader.RetryIndicator")),
    }
    if customer != sh.creds.customer_id {
        return Err(ApiError::authentication());
    }
    Ok(Req { request_id, spec_minor, body })
}

/// Saferpay's `Id[1..n]`: letters, digits and `-_:.` (`texts/03_Formats.md`).
fn is_id(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
}

// ---- field access with Saferpay-style ErrorDetail paths ----

fn at<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn opt_str<'a>(body: &'a Value, path: &str) -> ApiResult<Option<&'a str>> {
    match at(body, path) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_field(path)),
    }
}

fn req_str<'a>(body: &'a Value, path: &str) -> ApiResult<&'a str> {
    opt_str(body, path)?.ok_or_else(|| ApiError::required_field(path))
}

/// `{"Value":"120000","CurrencyCode":"EUR"}`: Value a string of minor units — numbers and
/// `"12.00"` are rejected (sheet §3, §11).
fn amount(body: &Value, path: &str) -> ApiResult<(i64, String)> {
    if at(body, path).is_none() {
        return Err(ApiError::required_field(path));
    }
    let vpath = format!("{path}.Value");
    let value = req_str(body, &vpath)?;
    let minor: i64 = value
        .parse()
        .ok()
        .filter(|n| *n > 0 && value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| ApiError::invalid_field(&vpath))?;
    let cpath = format!("{path}.CurrencyCode");
    let currency = req_str(body, &cpath)?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::invalid_field(&cpath));
    }
    Ok((minor, currency.to_owned()))
}

fn terminal(sh: &Shared, body: &Value) -> ApiResult<String> {
    let t = req_str(body, "TerminalId")?;
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid_field("TerminalId"));
    }
    if t != sh.creds.terminal_id {
        return Err(ApiError::permission_denied("Terminal does not belong to the customer"));
    }
    Ok(t.to_owned())
}

fn order_id(body: &Value, path: &str) -> ApiResult<Option<String>> {
    // OrderId is Id[1..80] in the container dictionary.
    match opt_str(body, path)? {
        Some(o) if o.is_empty() || o.len() > 80 => Err(ApiError::invalid_field(path)),
        o => Ok(o.map(str::to_owned)),
    }
}

fn mandate_id(d: &Data, body: &Value) -> ApiResult<Option<String>> {
    // Sheet §9: `Payment.MandateId` is Id[1..35] and must be unique per transaction.
    match opt_str(body, "Payment.MandateId")? {
        None => Ok(None),
        Some(m) if !is_id(m, 35) => Err(ApiError::invalid_field("Payment.MandateId")),
        Some(m) if d.txs.values().any(|t| t.mandate_id.as_deref() == Some(m) && t.status != Status::Failed) => {
            Err(ApiError::validation("Payment.MandateId: The MandateId must be unique per transaction."))
        }
        Some(m) => Ok(Some(m.to_owned())),
    }
}

// ---- PaymentPage ----

/// Sheet §4 / `texts/ChapterPaymentPage.md` PaymentPage Initialize.
fn initialize(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let terminal_id = terminal(sh, b)?;
    let (amount, currency) = amount(b, "Payment.Amount")?;
    let order_id = order_id(b, "Payment.OrderId")?;
    let description = opt_str(b, "Payment.Description")?.map(str::to_owned);
    let mandate_id = mandate_id(d, b)?;
    let methods: Vec<String> = match b.get("PaymentMethods") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|m| m.as_str().filter(|m| PAGE_METHODS.contains(m)).map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| ApiError::invalid_field("PaymentMethods"))?,
        Some(_) => return Err(ApiError::invalid_field("PaymentMethods")),
    };
    if methods.iter().any(|m| m == "DIRECTDEBIT") && currency != "EUR" && methods.len() == 1 {
        // SEPA collects EUR only; Saferpay answers a missing contract for the currency (sheet §9).
        return Err(ApiError::action(
            "NO_CONTRACT",
            "No contract for the combination of terminal, means of payment/service provider and currency",
            Behavior::DoNotRetry,
        ));
    }
    let return_url = req_str(b, "ReturnUrl.Url")?;
    if return_url.len() > 2000 || Url::parse(return_url).is_err() {
        // "must not exceed 2000 characters" (`texts/ChapterPaymentPage.md`).
        return Err(ApiError::invalid_field("ReturnUrl.Url"));
    }
    let notify = |p: &str| -> ApiResult<Option<String>> {
        match opt_str(b, p)? {
            Some(u) if Url::parse(u).is_err() => Err(ApiError::invalid_field(p)),
            u => Ok(u.map(str::to_owned)),
        }
    };
    let success_notify = notify("Notification.SuccessNotifyUrl")?;
    let fail_notify = notify("Notification.FailNotifyUrl")?;

    let now = sh.now();
    let token = model::token(&mut d.rng);
    let page = Page {
        token: token.clone(),
        request_id: req.request_id.clone(),
        created: now,
        expiration: now + PAGE_LIFETIME,
        terminal_id,
        amount,
        currency,
        order_id,
        description,
        mandate_id,
        methods,
        return_url: return_url.to_owned(),
        success_notify,
        fail_notify,
        state: PageState::NotStarted,
    };
    let out = json!({
        "Token": token,
        "Expiration": model::fmt_date(page.expiration),
        "RedirectUrl": sh.redirect_url(&token),
    });
    d.pages.insert(token, page);
    Ok(out)
}

/// PaymentMethods values the emulated page offers (subset of the documented list).
pub const PAGE_METHODS: [&str; 6] = ["CARD", "VISA", "MASTERCARD", "AMEX", "DIRECTDEBIT", "MAESTRO"];

/// `texts/ChapterPaymentPage.md` PaymentPage Assert. Before the payer finished:
/// TRANSACTION_NOT_STARTED ("Try again later" → RETRY_LATER); after the page expired unused,
/// or 24 h after Initialize: TOKEN_EXPIRED; an unknown token: TOKEN_INVALID; payer aborted:
/// TRANSACTION_ABORTED; declined: TRANSACTION_DECLINED with the TransactionId
/// (`texts/06_ErrorHandling_TechnicalDetails.md`).
fn assert_page(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let token = req_str(&req.body, "Token")?;
    if !is_id(token, 50) {
        return Err(ApiError::invalid_field("Token"));
    }
    let now = sh.now();
    let Some(page) = d.pages.get(token) else {
        return Err(ApiError::action(
            "TOKEN_INVALID",
            "The token either does not exist for this customer or was already used",
            Behavior::DoNotRetry,
        ));
    };
    let expired = || ApiError::action("TOKEN_EXPIRED", "The token is expired", Behavior::DoNotRetry);
    if now > page.created + ASSERT_WINDOW {
        return Err(expired());
    }
    match &page.state {
        PageState::NotStarted | PageState::Opened if now > page.expiration => Err(expired()),
        PageState::NotStarted | PageState::Opened => Err(ApiError::action(
            "TRANSACTION_NOT_STARTED",
            "The transaction was not started by the payer",
            Behavior::RetryLater,
        )),
        PageState::Aborted => Err(ApiError::action(
            "TRANSACTION_ABORTED",
            "The transaction was aborted by the payer",
            Behavior::DoNotRetry,
        )),
        PageState::Declined { tx } => {
            Err(declined().with_transaction(tx, d.txs.get(tx).and_then(|t| t.order_id.as_deref())))
        }
        PageState::Completed { tx } => d.txs.get(tx).map(Tx::assert_json).ok_or_else(ApiError::internal),
    }
}

fn declined() -> ApiError {
    ApiError::action("TRANSACTION_DECLINED", "Transaction declined by the processor", Behavior::OtherMeans)
}

// ---- Transaction ----

/// Sheet §4: AuthorizeDirect with `PaymentMeans{BankAccount{IBAN,HolderName,...}}` (SEPA, §9:
/// the only Transaction-interface SEPA call) or `PaymentMeans{Card{...}}`.
fn authorize_direct(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let terminal_id = terminal(sh, b)?;
    let (amount, currency) = amount(b, "Payment.Amount")?;
    let order_id = order_id(b, "Payment.OrderId")?;
    let description = opt_str(b, "Payment.Description")?.map(str::to_owned);
    let mandate = mandate_id(d, b)?;
    let means = if at(b, "PaymentMeans.BankAccount").is_some() {
        bank_account(b, &currency)?
    } else if at(b, "PaymentMeans.Card").is_some() {
        card(sh, b)?
    } else {
        return Err(ApiError::required_field("PaymentMeans"));
    };
    let now = sh.now();
    let id = model::transaction_id(&mut d.rng);
    let is_dd = matches!(means, Means::BankAccount { .. });
    let mut tx = Tx {
        id: id.clone(),
        kind: "PAYMENT",
        status: Status::Authorized,
        date: now,
        amount,
        currency,
        order_id,
        description,
        approval_code: (!is_dd).then(|| model::approval_code(&mut d.rng)),
        means,
        // "if it is missing, Saferpay uses the TransactionId" (sheet §9).
        mandate_id: is_dd.then(|| mandate.unwrap_or_else(|| id.clone())),
        capture: None,
        refund_of: None,
        terminal_id,
    };
    if d.decline_next > 0 {
        d.decline_next -= 1;
        tx.status = Status::Failed;
        let err = declined().with_transaction(&id, tx.order_id.as_deref());
        d.txs.insert(id, tx);
        return Err(err);
    }
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    let out = json!({"Transaction": tx.json(), "PaymentMeans": tx.means.json()});
    d.txs.insert(id, tx);
    Ok(out)
}

fn bank_account(b: &Value, currency: &str) -> ApiResult<Means> {
    let path = "PaymentMeans.BankAccount.IBAN";
    let raw = req_str(b, path)?;
    // The reference ErrorDetail of `texts/ErrorResponse.md` is exactly this case.
    let iban = model::normalize_iban(raw).ok_or_else(|| ApiError::invalid_field(path))?;
    if !model::sepa_country(&iban) || currency != "EUR" {
        return Err(ApiError::action(
            "PAYMENTMEANS_NOT_SUPPORTED",
            "Unsupported means of payment",
            Behavior::OtherMeans,
        ));
    }
    let holder = req_str(b, "PaymentMeans.BankAccount.HolderName")?.to_owned();
    let bic = opt_str(b, "PaymentMeans.BankAccount.BIC")?.map(str::to_owned);
    Ok(Means::BankAccount { iban, holder, bic })
}

fn card(sh: &Shared, b: &Value) -> ApiResult<Means> {
    let number: String = req_str(b, "PaymentMeans.Card.Number")?.chars().filter(|c| !c.is_whitespace()).collect();
    if !model::luhn_ok(&number) {
        return Err(ApiError::invalid_field("PaymentMeans.Card.Number"));
    }
    let year = at(b, "PaymentMeans.Card.ExpYear").and_then(Value::as_i64);
    let month = at(b, "PaymentMeans.Card.ExpMonth").and_then(Value::as_u64).filter(|m| (1..=12).contains(m));
    let (Some(year), Some(month)) = (year, month) else {
        return Err(ApiError::invalid_field("PaymentMeans.Card.ExpMonth"));
    };
    let now = sh.now();
    if (year, month) < (i64::from(now.year()), u64::from(u8::from(now.month()))) {
        return Err(ApiError::action("CARD_EXPIRED", "Card expired", Behavior::OtherMeans));
    }
    let holder = opt_str(b, "PaymentMeans.Card.HolderName")?.unwrap_or("").to_owned();
    Ok(Means::Card {
        brand: model::card_brand(&number),
        number,
        exp_year: i32::try_from(year).unwrap_or(0),
        exp_month: u8::try_from(month).unwrap_or(1),
        holder,
    })
}

/// `TransactionReference{TransactionId | OrderId}` (sheet §4). By OrderId: the newest
/// successful PAYMENT with it.
fn find_tx<'a>(d: &'a mut Data, b: &Value, container: &str) -> ApiResult<&'a mut Tx> {
    let id = opt_str(b, &format!("{container}.TransactionId"))?;
    let order = opt_str(b, &format!("{container}.OrderId"))?;
    let not_found = || ApiError::action("TRANSACTION_NOT_FOUND", "Transaction not found", Behavior::DoNotRetry);
    let key = match (id, order) {
        (Some(id), _) => d.txs.contains_key(id).then(|| id.to_owned()),
        (None, Some(o)) => d
            .txs
            .values()
            .filter(|t| t.order_id.as_deref() == Some(o) && t.kind == "PAYMENT" && t.status != Status::Failed)
            .max_by_key(|t| t.date)
            .map(|t| t.id.clone()),
        (None, None) => return Err(ApiError::required_field(&format!("{container}.TransactionId"))),
    };
    key.and_then(|k| d.txs.get_mut(&k)).ok_or_else(not_found)
}

/// Sheet §4/§5: AUTHORIZED → CAPTURED; a second capture answers TRANSACTION_ALREADY_CAPTURED
/// (sheet §8); partial captures take an `Amount` ≤ the authorized one (AMOUNT_INVALID,
/// CURRENCY_INVALID otherwise). REFUND transactions are captured the same way (sheet §5).
fn capture(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let requested = if at(b, "Amount").is_some() { Some(amount(b, "Amount")?) } else { None };
    let now = sh.now();
    let tx = find_tx(d, b, "TransactionReference")?;
    let with_tx = |e: ApiError, t: &Tx| e.with_transaction(&t.id, t.order_id.as_deref());
    match tx.status {
        Status::Authorized => {}
        Status::Captured => {
            let e =
                ApiError::action("TRANSACTION_ALREADY_CAPTURED", "Transaction already captured", Behavior::DoNotRetry);
            return Err(with_tx(e, tx));
        }
        _ => return Err(with_tx(ApiError::wrong_state(), tx)),
    }
    let amount = match requested {
        Some((_, c)) if c != tx.currency => {
            let e = ApiError::action("CURRENCY_INVALID", "Currency does not match", Behavior::DoNotRetry);
            return Err(with_tx(e, tx));
        }
        Some((a, _)) if a > tx.amount => {
            let e = ApiError::action("AMOUNT_INVALID", "Amount exceeds the authorized amount", Behavior::DoNotRetry);
            return Err(with_tx(e, tx));
        }
        Some((a, _)) => a,
        None => tx.amount,
    };
    // CaptureId: the transaction id with suffix `_c` (sheet §4).
    let c = Capture { id: format!("{}_c", tx.id), date: now, amount };
    tx.status = Status::Captured;
    let out = json!({"CaptureId": c.id, "Status": "CAPTURED", "Date": model::fmt_date(c.date)});
    tx.capture = Some(c);
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    Ok(out)
}

/// Final state of a capture; captures here never stay PENDING, so it restates the capture.
fn assert_capture(_sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let id = req_str(&req.body, "CaptureReference.CaptureId")?;
    let t = d
        .txs
        .values()
        .find(|t| t.capture.as_ref().is_some_and(|c| c.id == id))
        .ok_or_else(|| ApiError::action("TRANSACTION_NOT_FOUND", "Capture not found", Behavior::DoNotRetry))?;
    let mut out = json!({"TransactionId": t.id, "Status": "CAPTURED", "Date": model::fmt_date(t.date)});
    if let Some(o) = &t.order_id {
        out["OrderId"] = json!(o);
    }
    if let Some(c) = &t.capture {
        out["Date"] = json!(model::fmt_date(c.date));
        out["Amount"] = model::amount_json(c.amount, &t.currency);
    }
    Ok(out)
}

/// Sheet §5: AUTHORIZED → Cancel → CANCELED; anything else is TRANSACTION_IN_WRONG_STATE.
fn cancel(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let now = sh.now();
    let tx = find_tx(d, &req.body, "TransactionReference")?;
    if tx.status != Status::Authorized {
        return Err(ApiError::wrong_state().with_transaction(&tx.id, tx.order_id.as_deref()));
    }
    tx.status = Status::Canceled;
    let mut out = json!({"TransactionId": tx.id, "Date": model::fmt_date(now)});
    if let Some(o) = &tx.order_id {
        out["OrderId"] = json!(o);
    }
    Ok(out)
}

/// Sheet §4/§5: `Refund{Amount,OrderId?,Description?}` + `CaptureReference{CaptureId}` creates a
/// new REFUND transaction, AUTHORIZED, that must itself be captured. Refunds together may not
/// exceed the captured amount (AMOUNT_INVALID).
fn refund(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let (amount, currency) = amount(b, "Refund.Amount")?;
    let refund_order = order_id(b, "Refund.OrderId")?;
    let description = opt_str(b, "Refund.Description")?.map(str::to_owned);
    let capture_id = match opt_str(b, "CaptureReference.CaptureId")? {
        Some(c) => c.to_owned(),
        None => {
            // CaptureReference may also name the transaction itself (TransactionId / OrderId).
            let t = find_tx(d, b, "CaptureReference")?;
            t.capture
                .as_ref()
                .map(|c| c.id.clone())
                .ok_or_else(|| ApiError::wrong_state().with_transaction(&t.id, t.order_id.as_deref()))?
        }
    };
    let parent = d
        .txs
        .values()
        .find(|t| t.kind == "PAYMENT" && t.capture.as_ref().is_some_and(|c| c.id == capture_id))
        .ok_or_else(|| ApiError::action("TRANSACTION_NOT_FOUND", "Capture not found", Behavior::DoNotRetry))?;
    let with_parent = |e: ApiError| e.with_transaction(&parent.id, parent.order_id.as_deref());
    if currency != parent.currency {
        return Err(with_parent(ApiError::action(
            "CURRENCY_INVALID",
            "Currency does not match referenced transaction currency",
            Behavior::DoNotRetry,
        )));
    }
    let captured = parent.capture.as_ref().map_or(0, |c| c.amount);
    let refunded: i64 = d
        .txs
        .values()
        .filter(|t| t.refund_of.as_deref() == Some(capture_id.as_str()) && t.status != Status::Canceled)
        .map(|t| t.amount)
        .sum();
    if amount > captured - refunded {
        return Err(with_parent(ApiError::action(
            "AMOUNT_INVALID",
            "The amount exceeds the amount left to refund",
            Behavior::DoNotRetry,
        )));
    }
    let now = sh.now();
    let mut rng_id = model::transaction_id(&mut d.rng);
    while d.txs.contains_key(&rng_id) {
        rng_id = model::transaction_id(&mut d.rng);
    }
    let tx = Tx {
        id: rng_id.clone(),
        kind: "REFUND",
        status: Status::Authorized,
        date: now,
        amount,
        currency,
        order_id: refund_order.or_else(|| parent.order_id.clone()),
        description,
        means: parent.means.clone(),
        mandate_id: None,
        approval_code: None,
        capture: None,
        refund_of: Some(capture_id),
        terminal_id: parent.terminal_id.clone(),
    };
    let out = json!({"Transaction": tx.json(), "PaymentMeans": tx.means.json()});
    d.txs.insert(rng_id, tx);
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    Ok(out)
}

/// Sheet §4: same containers as Assert, successful transactions only.
fn inquire(_sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    if req.spec_minor < 11 {
        // "needs SpecVersion ≥ 1.11" (sheet §4).
        return Err(ApiError::invalid_field("RequestHeader.SpecVersion"));
    }
    let tx = find_tx(d, &req.body, "TransactionReference")?;
    if tx.status == Status::Failed {
        return Err(ApiError::action("TRANSACTION_NOT_FOUND", "Transaction not found", Behavior::DoNotRetry));
    }
    Ok(tx.assert_json())
}

fn refund_direct_unsupported(_sh: &Shared, _d: &mut Data, _req: &Req) -> ApiResult<Value> {
    Err(ApiError::action(
        "ACTION_NOT_SUPPORTED",
        "The requested action is not supported by the sandbox terminal",
        Behavior::DoNotRetry,
    ))
}

/// Called by the payment page when the payer pays: creates the transaction the way
/// AuthorizeDirect does, or a declined one when the admin switch says so.
pub(crate) fn complete_page(sh: &Shared, d: &mut Data, token: &str, means: Means) -> Option<(bool, String)> {
    let page = d.pages.get(token)?.clone();
    let now = sh.now();
    let id = model::transaction_id(&mut d.rng);
    let is_dd = matches!(means, Means::BankAccount { .. });
    let declined = d.decline_next > 0;
    if declined {
        d.decline_next -= 1;
    }
    let tx = Tx {
        id: id.clone(),
        kind: "PAYMENT",
        status: if declined { Status::Failed } else { Status::Authorized },
        date: now,
        amount: page.amount,
        currency: page.currency.clone(),
        order_id: page.order_id.clone(),
        description: page.description.clone(),
        approval_code: (!is_dd).then(|| model::approval_code(&mut d.rng)),
        means,
        mandate_id: is_dd.then(|| page.mandate_id.clone().unwrap_or_else(|| id.clone())),
        capture: None,
        refund_of: None,
        terminal_id: page.terminal_id.clone(),
    };
    d.txs.insert(id.clone(), tx);
    let state = if declined { PageState::Declined { tx: id } } else { PageState::Completed { tx: id } };
    if let Some(p) = d.pages.get_mut(token) {
        p.state = state;
    }
    if !declined {
        sh.ctx.counters.created(PROVIDER, &page.request_id);
    }
    Some((!declined, page.return_url))
}
