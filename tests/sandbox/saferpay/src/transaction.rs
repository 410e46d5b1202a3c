//! The Transaction interface: `POST {base}/api/Payment/v1/Transaction/...` (saferpay/jsonapi
//! `texts/ChapterTransaction.md`; sheet §4, §5), and the transaction a paid Payment Page creates.

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::api::{amount, at, declined, opt_str, order_id, payment, req_str, Req};
use crate::error::{ApiError, ApiResult, Behavior};
use crate::model::{self, Capture, Means, SepaExport, Status, Tx};
use crate::{notify_url, Data, Order, PageState, Shared, PROVIDER};

/// Sheet §4: AuthorizeDirect with `PaymentMeans{BankAccount{IBAN,HolderName,...}}` (SEPA, §9:
/// the only Transaction-interface SEPA call) or `PaymentMeans{Card{...}}`.
pub(crate) fn authorize_direct(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let order = payment(sh, d, b)?;
    let means = if at(b, "PaymentMeans.BankAccount").is_some() {
        bank_account(b, &order.currency)?
    } else if at(b, "PaymentMeans.Card").is_some() {
        card(sh, b)?
    } else {
        return Err(ApiError::required_field("PaymentMeans"));
    };
    let tx = new_payment(d, sh.now(), order, means, false);
    if tx.status == Status::Failed {
        return Err(declined().with_transaction(&tx.id, tx.order_id.as_deref()));
    }
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    Ok(json!({"Transaction": tx.json(), "PaymentMeans": tx.means.json()}))
}

/// A new PAYMENT, AUTHORIZED — or FAILED when the `_sandbox/decline` switch says so — stored
/// and returned.
fn new_payment(d: &mut Data, now: OffsetDateTime, order: Order, means: Means, via_page: bool) -> Tx {
    let id = model::transaction_id(&mut d.rng);
    let is_dd = matches!(means, Means::BankAccount { .. });
    let declined = d.decline_next > 0;
    d.decline_next = d.decline_next.saturating_sub(1);
    let tx = Tx {
        id: id.clone(),
        kind: "PAYMENT",
        status: if declined { Status::Failed } else { Status::Authorized },
        date: now,
        amount: order.amount,
        currency: order.currency,
        order_id: order.order_id,
        description: order.description,
        approval_code: (!is_dd).then(|| model::approval_code(&mut d.rng)),
        means,
        // "if it is missing, Saferpay uses the TransactionId" (sheet §9).
        mandate_id: is_dd.then(|| order.mandate_id.unwrap_or_else(|| id.clone())),
        capture: None,
        refund_of: None,
        terminal_id: order.terminal_id,
        via_page,
        canceled_at: None,
        chargeback: None,
        sepa_export: None,
    };
    d.txs.insert(id, tx.clone());
    tx
}

fn bank_account(b: &Value, currency: &str) -> ApiResult<Means> {
    let path = "PaymentMeans.BankAccount.IBAN";
    let iban = req_str(b, path)?;
    // Electronic format only — no spaces, upper case, valid check digits (review D13; see
    // `model::electronic_iban`); the reference ErrorDetail of `texts/ErrorResponse.md` is
    // exactly this case. Correction of the sheet §4, whose AuthorizeDirect row names
    // `BankAccount{IBAN,...}` without its format: "in electronical format (without spaces)".
    if !model::electronic_iban(iban) {
        return Err(ApiError::invalid_field(path));
    }
    if !model::sepa_country(iban) || currency != "EUR" {
        return Err(ApiError::action(
            "PAYMENTMEANS_NOT_SUPPORTED",
            "Unsupported means of payment",
            Behavior::OtherMeans,
        ));
    }
    let holder = req_str(b, "PaymentMeans.BankAccount.HolderName")?.to_owned();
    let bic = opt_str(b, "PaymentMeans.BankAccount.BIC")?.map(str::to_owned);
    Ok(Means::BankAccount { iban: iban.to_owned(), holder, bic })
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

fn not_found() -> ApiError {
    ApiError::action("TRANSACTION_NOT_FOUND", "Transaction not found", Behavior::DoNotRetry)
}

/// `TransactionReference`: "Reference to authorization. Exactly one element must be set.", with
/// `TransactionId` AlphaNumeric[1..64] or an "Unambiguous OrderId" Id[1..80]
/// (`texts/ChapterTransaction.md`; `texts/ContainerDictionary.md`,
/// `Payment_Models_Data_TransactionReference`). Review D17: the sheet §4 lets either be set and
/// does not say the OrderId must name one transaction. An OrderId that several transactions
/// carry — a declined attempt and its second try, a refund given the payment's OrderId — is
/// refused rather than resolved to one of them; Saferpay's exact answer is unconfirmed.
fn reference(d: &Data, b: &Value, container: &str) -> ApiResult<String> {
    let id_path = format!("{container}.TransactionId");
    let order_path = format!("{container}.OrderId");
    match (opt_str(b, &id_path)?, opt_str(b, &order_path)?) {
        (Some(id), None) => {
            if id.is_empty() || id.len() > 64 || !id.bytes().all(|c| c.is_ascii_alphanumeric()) {
                return Err(ApiError::invalid_field(&id_path));
            }
            d.txs.contains_key(id).then(|| id.to_owned()).ok_or_else(not_found)
        }
        (None, Some(_)) => by_order_id(d, b, &order_path),
        _ => Err(ApiError::validation(format!("{container}: Exactly one element must be set."))),
    }
}

/// The one transaction an OrderId names (see [`reference`]).
fn by_order_id(d: &Data, b: &Value, path: &str) -> ApiResult<String> {
    let Some(order) = order_id(b, path)? else { return Err(ApiError::required_field(path)) };
    let mut named = d.txs.values().filter(|t| t.order_id.as_deref() == Some(order.as_str()));
    match (named.next(), named.next()) {
        (Some(t), None) => Ok(t.id.clone()),
        (None, _) => Err(not_found()),
        (Some(_), Some(_)) => Err(ApiError::validation(format!(
            "{path}: The OrderId is ambiguous; reference the transaction by its TransactionId."
        ))),
    }
}

fn tx_mut<'a>(d: &'a mut Data, b: &Value, container: &str) -> ApiResult<&'a mut Tx> {
    let id = reference(d, b, container)?;
    d.txs.get_mut(&id).ok_or_else(not_found)
}

/// Sheet §4/§5: AUTHORIZED → CAPTURED; a second capture — a retry with the same RequestId
/// included — answers TRANSACTION_ALREADY_CAPTURED (sheet §8;
/// `texts/06_ErrorHandling_TechnicalDetails.md`); partial captures take an `Amount` ≤ the
/// authorized one (AMOUNT_INVALID, CURRENCY_INVALID otherwise). REFUND transactions are
/// captured the same way (sheet §5); a captured SEPA refund waits in the export journal.
/// `Status` is always CAPTURED: "PENDING is only used for PostFinance Instant Payout at the
/// moment" (`texts/ChapterTransaction.md`, Capture response).
pub(crate) fn capture(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let requested = if at(b, "Amount").is_some() { Some(amount(b, "Amount")?) } else { None };
    if let Some(u) = opt_str(b, "PendingNotification.NotifyUrl")? {
        pending_notify_url(u)?;
    }
    let now = sh.now();
    let tx = tx_mut(d, b, "TransactionReference")?;
    let fail = |e: ApiError, t: &Tx| Err(e.with_transaction_id(&t.id));
    match tx.status {
        Status::Authorized => {}
        Status::Captured => {
            let e =
                ApiError::action("TRANSACTION_ALREADY_CAPTURED", "Transaction already captured", Behavior::DoNotRetry);
            return fail(e, tx);
        }
        _ => return fail(ApiError::wrong_state(), tx),
    }
    let amount = match requested {
        Some((_, c)) if c != tx.currency => {
            return fail(ApiError::action("CURRENCY_INVALID", "Currency does not match", Behavior::DoNotRetry), tx);
        }
        Some((a, _)) if a > tx.amount => {
            let e = ApiError::action("AMOUNT_INVALID", "Amount exceeds the authorized amount", Behavior::DoNotRetry);
            return fail(e, tx);
        }
        Some((a, _)) => a,
        None => tx.amount,
    };
    // CaptureId: the transaction id with suffix `_c` (sheet §4).
    let c = Capture { id: format!("{}_c", tx.id), date: now, amount };
    tx.status = Status::Captured;
    if tx.kind == "REFUND" && tx.is_direct_debit() {
        tx.sepa_export = Some(SepaExport::Pending);
    }
    let out = json!({"CaptureId": c.id, "Status": "CAPTURED", "Date": model::fmt_date(c.date)});
    tx.capture = Some(c);
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    Ok(out)
}

/// `PendingNotification.NotifyUrl` of Capture and Refund: called server-to-server like the
/// Payment Page notifications, so held to the same rule (see [`notify_url`]).
fn pending_notify_url(u: &str) -> ApiResult<()> {
    notify_url::public(u).map(drop).ok_or_else(|| {
        ApiError::validation(
            "PendingNotification.NotifyUrl: The field NotifyUrl must be an http or https URL that Saferpay can reach \
             from the internet.",
        )
    })
}

/// AssertCapture: "This method is only supported for pending captures. A pending capture is
/// only applicable for PostFinance Instant Payout transactions at the moment"
/// (`texts/ChapterTransaction.md`). The sandbox offers no PostFinance, so no capture is ever
/// pending and every known capture answers ACTION_NOT_SUPPORTED ("not supported in the given
/// context", `texts/06_ErrorHandling_TechnicalDetails.md`; the exact answer is unconfirmed).
/// Correction of the sheet §4/§5, which offers AssertCapture after any capture (review D17).
pub(crate) fn assert_capture(_sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let id = req_str(&req.body, "CaptureReference.CaptureId")?;
    let t = d
        .txs
        .values()
        .find(|t| t.capture.as_ref().is_some_and(|c| c.id == id))
        .ok_or_else(|| ApiError::action("TRANSACTION_NOT_FOUND", "Capture not found", Behavior::DoNotRetry))?;
    Err(ApiError::action(
        "ACTION_NOT_SUPPORTED",
        "AssertCapture is only supported for pending captures",
        Behavior::DoNotRetry,
    )
    .with_transaction_id(&t.id))
}

/// Sheet §5: AUTHORIZED → Cancel → CANCELED, for payments and refunds alike ("cancel previously
/// authorized transactions and refunds", `texts/ChapterTransaction.md`); anything else is
/// TRANSACTION_IN_WRONG_STATE.
pub(crate) fn cancel(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let now = sh.now();
    let tx = tx_mut(d, &req.body, "TransactionReference")?;
    if tx.status != Status::Authorized {
        return Err(ApiError::wrong_state().with_transaction_id(&tx.id));
    }
    tx.status = Status::Canceled;
    tx.canceled_at = Some(now);
    let mut out = json!({"TransactionId": tx.id, "Date": model::fmt_date(now)});
    if let Some(o) = &tx.order_id {
        out["OrderId"] = json!(o);
    }
    Ok(out)
}

/// Sheet §4/§5: `Refund{Amount,OrderId?,Description?}` + `CaptureReference{CaptureId}` creates a
/// new REFUND transaction, AUTHORIZED, that must itself be captured. A retried Refund is a
/// second refund (see `api::call`).
///
/// No cap by default: `Refund.RestrictRefundAmountToCapturedAmount` — "If set to true, the refund
/// will be rejected if the sum of refunds exceeds the captured amount. All authorized refunds are
/// included in the calculation even if they have not been captured yet. Cancelled refunds are not
/// included. By default, this check is disabled." (`texts/ContainerDictionary.md`,
/// `Payment_Models_Data_Refund`; added in 1.25, `texts/Changelog.md`). Correction of the sheet
/// §8, which knows no such switch (review D2).
///
/// The refund's `OrderId` is `Refund.OrderId` ("recommended"), not the payment's: a client that
/// lost the answer finds the refund with Inquire by that OrderId.
pub(crate) fn refund(sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    let b = &req.body;
    let (amount, currency) = amount(b, "Refund.Amount")?;
    let refund_order = order_id(b, "Refund.OrderId")?;
    let description = opt_str(b, "Refund.Description")?.map(str::to_owned);
    let restrict = match at(b, "Refund.RestrictRefundAmountToCapturedAmount") {
        None => false,
        Some(Value::Bool(r)) => *r,
        Some(_) => return Err(ApiError::invalid_field("Refund.RestrictRefundAmountToCapturedAmount")),
    };
    if let Some(u) = opt_str(b, "PendingNotification.NotifyUrl")? {
        pending_notify_url(u)?;
    }
    let capture_id = capture_reference(d, b)?;
    let parent = d
        .txs
        .values()
        .find(|t| t.kind == "PAYMENT" && t.capture.as_ref().is_some_and(|c| c.id == capture_id))
        .ok_or_else(|| ApiError::action("TRANSACTION_NOT_FOUND", "Capture not found", Behavior::DoNotRetry))?;
    let with_parent = |e: ApiError| e.with_transaction_id(&parent.id);
    if currency != parent.currency {
        return Err(with_parent(ApiError::action(
            "CURRENCY_INVALID",
            "Currency does not match referenced transaction currency",
            Behavior::DoNotRetry,
        )));
    }
    if restrict {
        let captured = parent.capture.as_ref().map_or(0, |c| c.amount);
        let refunded: i64 = d
            .txs
            .values()
            .filter(|t| t.refund_of.as_deref() == Some(capture_id.as_str()))
            .filter(|t| matches!(t.status, Status::Authorized | Status::Captured))
            .map(|t| t.amount)
            .sum();
        if refunded + amount > captured {
            return Err(with_parent(ApiError::action(
                "AMOUNT_INVALID",
                "The sum of refunds exceeds the captured amount",
                Behavior::DoNotRetry,
            )));
        }
    }
    let mut id = model::transaction_id(&mut d.rng);
    while d.txs.contains_key(&id) {
        id = model::transaction_id(&mut d.rng);
    }
    let tx = Tx {
        id: id.clone(),
        kind: "REFUND",
        status: Status::Authorized,
        date: sh.now(),
        amount,
        currency,
        order_id: refund_order,
        description,
        means: parent.means.clone(),
        mandate_id: None,
        approval_code: None,
        capture: None,
        refund_of: Some(capture_id),
        terminal_id: parent.terminal_id.clone(),
        via_page: false,
        canceled_at: None,
        chargeback: None,
        sepa_export: None,
    };
    let out = json!({"Transaction": tx.json(), "PaymentMeans": tx.means.json()});
    d.txs.insert(id, tx);
    sh.ctx.counters.created(PROVIDER, &req.request_id);
    Ok(out)
}

/// `CaptureReference` (`Payment_Models_CaptureReference`): the CaptureId, or — "only ... if you
/// don't have the CaptureId" — the transaction's TransactionId or "Unambiguous OrderId".
fn capture_reference(d: &Data, b: &Value) -> ApiResult<String> {
    if let Some(c) = opt_str(b, "CaptureReference.CaptureId")? {
        return Ok(c.to_owned());
    }
    let t = d.txs.get(&reference(d, b, "CaptureReference")?).ok_or_else(not_found)?;
    t.capture.as_ref().map(|c| c.id.clone()).ok_or_else(|| ApiError::wrong_state().with_transaction_id(&t.id))
}

/// Sheet §4: same containers as Assert, "the details of a transaction that has been authorized
/// successfully" (`texts/ChapterTransaction.md`) — payments and refunds, by TransactionId or an
/// unambiguous OrderId. This is how a client learns what a call whose answer was lost did.
pub(crate) fn inquire(_sh: &Shared, d: &mut Data, req: &Req) -> ApiResult<Value> {
    if req.spec_minor < 11 {
        // "needs SpecVersion ≥ 1.11" (sheet §4).
        return Err(ApiError::invalid_field("RequestHeader.SpecVersion"));
    }
    let tx = d.txs.get(&reference(d, &req.body, "TransactionReference")?).ok_or_else(not_found)?;
    if tx.status == Status::Failed {
        return Err(not_found());
    }
    Ok(tx.assert_json())
}

pub(crate) fn refund_direct_unsupported(_sh: &Shared, _d: &mut Data, _req: &Req) -> ApiResult<Value> {
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
    let tx = new_payment(d, sh.now(), page.order, means, true);
    let ok = tx.status != Status::Failed;
    let state = if ok { PageState::Completed { tx: tx.id } } else { PageState::Declined { tx: tx.id } };
    if let Some(p) = d.pages.get_mut(token) {
        p.state = state;
    }
    if ok {
        sh.ctx.counters.created(PROVIDER, &page.request_id);
    }
    Some((ok, page.return_url))
}
