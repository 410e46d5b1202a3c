//! The JSON API calls. Each builds its body, adds the `RequestHeader` of the given [`Attempt`],
//! sends it through the shared `xp_http::HttpClient` with Basic auth, and maps the answer to
//! data or a typed [`Error`].
//!
//! None of these calls is marked idempotent to xp-http: Saferpay does not deduplicate (review
//! D1), so a POST that timed out or met a 5xx comes back to the caller instead of being sent
//! again blindly. Safe re-sending of money moves is [`crate::once`]'s job. Two things xp-http
//! still does on its own: a 429 is waited out and sent again unchanged (a 429 means the call
//! was not processed; Saferpay documents none, sheet §10), and its request timeout (shared
//! configuration) ends a call Saferpay would let run for up to 100 s (`texts/06_ErrorHandling.md`)
//! — a timeout is an unknown outcome, settled through Inquire like any other.

use crate::amount;
use crate::config::{Credentials, SaferpayConfig, SPEC_VERSION};
use crate::error::{from_response, Error, Result};
use crate::retry::Attempt;
use crate::types::{
    is_id, Authorization, Cancellation, Capture, DirectDebit, PaymentPage, PaymentPageRequest, Refund, TransactionRef,
};
use base64::Engine;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use url::Url;
use xp_core::Sensitive;
use xp_http::{HttpClient, Request, Response};

/// Makes RequestIds. Random (UUID v4) unless a test injects its own.
pub type RequestIds = Arc<dyn Fn() -> String + Send + Sync>;

#[derive(Clone)]
pub struct SaferpayClient {
    http: HttpClient,
    config: SaferpayConfig,
    credentials: Credentials,
    ids: RequestIds,
}

impl std::fmt::Debug for SaferpayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaferpayClient").field("config", &self.config).field("user", &self.credentials.user).finish()
    }
}

impl SaferpayClient {
    pub fn new(http: HttpClient, config: SaferpayConfig, credentials: Credentials) -> Self {
        Self { http, config, credentials, ids: Arc::new(|| uuid::Uuid::new_v4().to_string()) }
    }

    pub fn with_request_ids(mut self, ids: RequestIds) -> Self {
        self.ids = ids;
        self
    }

    pub fn config(&self) -> &SaferpayConfig {
        &self.config
    }

    /// A fresh RequestId, RetryIndicator 0.
    pub fn first_attempt(&self) -> Result<Attempt> {
        Attempt::first((self.ids)()).map_err(Error::InvalidInput)
    }

    /// `Transaction/AuthorizeDirect` with a SEPA bank account (sheet §4, §9). Moves money: after
    /// an unknown outcome use [`SaferpayClient::authorize_direct_once`], never this again.
    #[tracing::instrument(skip_all, fields(order = %debit.order_id, request = %attempt.request_id(), retry = attempt.retry_indicator()), err(level = "info"))]
    pub async fn authorize_direct(&self, debit: &DirectDebit, attempt: &Attempt) -> Result<Authorization> {
        let body = self.direct_debit_body(debit)?;
        self.post(&["Transaction", "AuthorizeDirect"], body, attempt).await
    }

    /// `Transaction/Capture` of the whole authorized amount. Refund transactions are captured
    /// the same way (sheet §5).
    #[tracing::instrument(skip_all, fields(transaction = %transaction_id, request = %attempt.request_id(), retry = attempt.retry_indicator()), err(level = "info"))]
    pub async fn capture(&self, transaction_id: &str, attempt: &Attempt) -> Result<Capture> {
        let body = json!({"TransactionReference": reference(&TransactionRef::Id(transaction_id.to_owned()))?});
        self.post(&["Transaction", "Capture"], body, attempt).await
    }

    /// `Transaction/Inquire`: a transaction that was authorized successfully, by id or by its
    /// unambiguous OrderId. Not for polling — Saferpay may restrict accounts that do
    /// (`texts/ChapterTransaction.md`, "Fair use"); it is the check after an unknown outcome.
    /// A transaction that does not exist (or failed) is TRANSACTION_NOT_FOUND.
    #[tracing::instrument(skip_all, fields(reference = %what, request = %attempt.request_id()), err(level = "info"))]
    pub async fn inquire(&self, what: &TransactionRef, attempt: &Attempt) -> Result<Authorization> {
        let body = json!({"TransactionReference": reference(what)?});
        self.post(&["Transaction", "Inquire"], body, attempt).await
    }

    /// `Transaction/Refund` of a capture: creates a REFUND transaction, AUTHORIZED, that still
    /// has to be captured. Always sends `RestrictRefundAmountToCapturedAmount: true`, so Saferpay
    /// refuses refunds that together exceed the capture — "By default, this check is disabled"
    /// (`Payment_Models_Data_Refund`; review D2).
    #[tracing::instrument(skip_all, fields(capture = %capture_id, order = %refund.order_id, request = %attempt.request_id(), retry = attempt.retry_indicator()), err(level = "info"))]
    pub async fn refund(&self, capture_id: &str, refund: &Refund, attempt: &Attempt) -> Result<Authorization> {
        check_id("CaptureId", capture_id, 64)?;
        check_id("Refund.OrderId", &refund.order_id, 80)?;
        let mut r = Map::new();
        r.insert("Amount".into(), wire_amount(&refund.amount)?);
        r.insert("OrderId".into(), json!(refund.order_id));
        if let Some(d) = &refund.description {
            r.insert("Description".into(), json!(d));
        }
        r.insert("RestrictRefundAmountToCapturedAmount".into(), json!(true));
        let body = json!({"Refund": r, "CaptureReference": {"CaptureId": capture_id}});
        self.post(&["Transaction", "Refund"], body, attempt).await
    }

    /// `Transaction/Cancel` of an authorized (not yet captured) payment or refund.
    #[tracing::instrument(skip_all, fields(reference = %what, request = %attempt.request_id()), err(level = "info"))]
    pub async fn cancel(&self, what: &TransactionRef, attempt: &Attempt) -> Result<Cancellation> {
        let body = json!({"TransactionReference": reference(what)?});
        self.post(&["Transaction", "Cancel"], body, attempt).await
    }

    /// `PaymentPage/Initialize` offering SEPA direct debit only: the payer gives the IBAN and
    /// accepts the mandate on Saferpay's page (sheet §9: "The Payment Page shows the mandate
    /// text"). Open the answer's `RedirectUrl` in the system browser.
    #[tracing::instrument(skip_all, fields(order = %page.order_id, request = %attempt.request_id()), err(level = "info"))]
    pub async fn initialize_payment_page(&self, page: &PaymentPageRequest, attempt: &Attempt) -> Result<PaymentPage> {
        let payment = self.payment(&page.amount, &page.order_id, Some(&page.description), &page.mandate_id)?;
        if page.return_url.as_str().len() > 2000 {
            return Err(Error::InvalidInput("ReturnUrl is longer than 2000 characters".into()));
        }
        let mut notification = Map::new();
        for (name, url) in [("SuccessNotifyUrl", &page.success_notify_url), ("FailNotifyUrl", &page.fail_notify_url)] {
            if let Some(u) = url {
                // "Supported schemes are http and https" (`Payment_Models_Data_Notification`).
                if !matches!(u.scheme(), "http" | "https") || u.as_str().len() > 2000 {
                    return Err(Error::InvalidInput(format!(
                        "{name} must be an http(s) URL of at most 2000 characters"
                    )));
                }
                notification.insert(name.into(), json!(u.as_str()));
            }
        }
        let mut body = json!({
            "TerminalId": self.config.terminal_id,
            "Payment": payment,
            "PaymentMethods": ["DIRECTDEBIT"],
            "ReturnUrl": {"Url": page.return_url.as_str()},
        });
        if !notification.is_empty() {
            body["Notification"] = Value::Object(notification);
        }
        self.post(&["PaymentPage", "Initialize"], body, attempt).await
    }

    /// `PaymentPage/Assert`: the outcome of a payment page. Before the payer finished it answers
    /// TRANSACTION_NOT_STARTED with `RETRY_LATER`; call it again when the payer returned, not in
    /// a loop (sheet §6: polling is forbidden).
    #[tracing::instrument(skip_all, fields(request = %attempt.request_id(), retry = attempt.retry_indicator()), err(level = "info"))]
    pub async fn assert_payment_page(&self, token: &str, attempt: &Attempt) -> Result<Authorization> {
        check_id("Token", token, 50)?;
        self.post(&["PaymentPage", "Assert"], json!({"Token": token}), attempt).await
    }

    fn direct_debit_body(&self, debit: &DirectDebit) -> Result<Value> {
        let payment = self.payment(&debit.amount, &debit.order_id, debit.description.as_deref(), &debit.mandate_id)?;
        let holder = debit.holder_name.trim();
        if holder.is_empty() || holder.chars().count() > 50 {
            return Err(Error::InvalidInput("the account holder's name has 1 to 50 characters".into()));
        }
        let mut account = Map::new();
        account.insert("IBAN".into(), json!(debit.iban.as_str()));
        account.insert("HolderName".into(), json!(holder));
        if let Some(bic) = &debit.bic {
            if !(8..=11).contains(&bic.len()) || !bic.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Error::InvalidInput("a BIC has 8 to 11 letters and digits, without spaces".into()));
            }
            account.insert("BIC".into(), json!(bic));
        }
        Ok(json!({
            "TerminalId": self.config.terminal_id,
            "Payment": payment,
            "PaymentMeans": {"BankAccount": account},
        }))
    }

    /// `Payment{Amount,OrderId,Description,MandateId}` of AuthorizeDirect and Initialize.
    fn payment(
        &self,
        amount: &xp_core::Money,
        order_id: &str,
        description: Option<&str>,
        mandate: &str,
    ) -> Result<Value> {
        if amount.currency != xp_core::Currency::EUR {
            return Err(Error::InvalidInput(format!("SEPA direct debits are in EUR, not {}", amount.currency)));
        }
        check_id("Payment.OrderId", order_id, 80)?;
        check_id("Payment.MandateId", mandate, 35)?;
        let mut p = Map::new();
        p.insert("Amount".into(), wire_amount(amount)?);
        p.insert("OrderId".into(), json!(order_id));
        if let Some(d) = description {
            p.insert("Description".into(), json!(d));
        }
        p.insert("MandateId".into(), json!(mandate));
        Ok(Value::Object(p))
    }

    /// POST `{api}/Payment/v1/{path}` with the RequestHeader of `attempt`.
    async fn post<T: DeserializeOwned>(&self, path: &[&str], mut body: Value, attempt: &Attempt) -> Result<T> {
        body["RequestHeader"] = json!({
            "SpecVersion": SPEC_VERSION,
            "CustomerId": self.config.customer_id,
            "RequestId": attempt.request_id(),
            "RetryIndicator": attempt.retry_indicator(),
        });
        let mut segments = vec!["Payment", "v1"];
        segments.extend_from_slice(path);
        let bytes = serde_json::to_vec(&body).map_err(|e| Error::InvalidInput(e.to_string()))?;
        // Sheet §2: `Content-Type: application/json; charset=utf-8` and `Accept: application/json`,
        // else 415 / 406.
        let req = self
            .authorized(Request::new(Method::POST, self.url(&segments)?))?
            .body("application/json; charset=utf-8", bytes);
        let resp = self.http.send(req).await?;
        let what = segments.join("/");
        parse(check(resp)?, &what)
    }

    /// A Management API GET: no RequestHeader, the `Saferpay-ApiVersion` and
    /// `Saferpay-RequestId` HTTP headers instead (`texts/ChapterManagementApi.md`).
    pub(crate) async fn rest_get<T: DeserializeOwned>(&self, url: Url, what: &str) -> Result<T> {
        let request_id = self.first_attempt()?;
        let req = self
            .authorized(Request::get(url))?
            .header("saferpay-apiversion", SPEC_VERSION)?
            .header("saferpay-requestid", request_id.request_id())?;
        let resp = self.http.send(req).await?;
        parse(check(resp)?, what)
    }

    fn authorized(&self, req: Request) -> Result<Request> {
        let pair = format!("{}:{}", self.credentials.user, self.credentials.password.expose());
        let basic = Sensitive::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)));
        Ok(req.secret_header("authorization", &basic)?.expect_json())
    }

    /// `{api_base}/seg/seg…`, each segment escaped (ids come from outside).
    pub(crate) fn url(&self, segments: &[&str]) -> Result<Url> {
        let mut url = self.config.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::InvalidInput(format!("{} cannot be a base URL", self.config.api_base)))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }
}

fn check(resp: Response) -> Result<Response> {
    if resp.is_success() {
        Ok(resp)
    } else {
        Err(from_response(resp.status, &resp.headers, &resp.body))
    }
}

fn parse<T: DeserializeOwned>(resp: Response, what: &str) -> Result<T> {
    serde_json::from_slice(&resp.body)
        .map_err(|e| Error::Malformed { what: format!("the {what} answer did not parse: {e}") })
}

fn check_id(name: &str, value: &str, max: usize) -> Result<()> {
    if is_id(value, max) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!("{name} {value:?} must be 1 to {max} letters, digits or .:-_")))
    }
}

fn wire_amount(money: &xp_core::Money) -> Result<Value> {
    let w = amount::to_wire(money).map_err(Error::InvalidInput)?;
    serde_json::to_value(w).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// `TransactionReference` with exactly one element (review D17).
fn reference(what: &TransactionRef) -> Result<Value> {
    Ok(match what {
        TransactionRef::Id(id) => {
            // TransactionId is AlphaNumeric[1..64] (`Payment_Models_Data_TransactionReference`).
            if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Error::InvalidInput(format!("TransactionId {id:?} must be 1 to 64 letters or digits")));
            }
            json!({"TransactionId": id})
        }
        TransactionRef::OrderId(o) => {
            check_id("OrderId", o, 80)?;
            json!({"OrderId": o})
        }
    })
}
