//! The calls. Each builds an `xp_http::Request` with GoCardless's headers, sends it through the
//! shared client (which retries GETs and keyed creates on 5xx, timeouts and resets, and waits
//! out a 429 until `RateLimit-Reset`), feeds `RateLimit-Remaining` to the governor, and maps the
//! answer to a typed resource or a typed [`Error`].

use crate::config::{GoCardlessConfig, API_VERSION, RATE_LIMIT_PER_MINUTE};
use crate::error::{from_response, Error, Result};
use crate::events::Event;
use crate::pages::{ListParams, Page};
use crate::rate::{RateLimit, RESET_HEADER};
use crate::requests::{ymd, NewCustomer, NewFlow, NewMandateRequest, NewPayment, NewRefund};
use crate::types::{
    wire, BillingRequest, BillingRequestFlow, Creditor, Customer, CustomerBankAccount, Mandate, Metadata, Payment,
    Payout, PayoutItem, Refund,
};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::SystemTime;
use time::Date;
use time::OffsetDateTime;
use url::Url;
use xp_core::{Clock, Sensitive, SystemClock};
use xp_http::{HttpClient, Limits, Request, Response};

/// A billing request and the hosted flow that completes it: send the payer to
/// `flow.authorisation_url`; the mandate appears as `links.mandate_request_mandate` of the
/// billing request once they finish (and as a `billing_requests` `fulfilled` event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateSetup {
    pub billing_request: BillingRequest,
    pub flow: BillingRequestFlow,
}

#[derive(Debug, Clone)]
pub struct GoCardlessClient {
    http: HttpClient,
    config: GoCardlessConfig,
    clock: Arc<dyn Clock>,
}

impl GoCardlessClient {
    pub fn new(http: HttpClient, config: GoCardlessConfig) -> Self {
        Self { http, config, clock: Arc::new(SystemClock) }
    }

    /// Time for reading `RateLimit-Reset`; the system clock unless replaced.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &GoCardlessConfig {
        &self.config
    }

    /// The account's budget as booked in the governor.
    pub fn limits(&self) -> Limits {
        Limits { concurrent: None, per_minute: Some(RATE_LIMIT_PER_MINUTE), per_day: None, minute: self.config.minute }
    }

    /// The governor key of the account a token belongs to. GoCardless limits per account and
    /// one access token is one account's, so a digest of the token tells accounts apart
    /// without keeping the token in the key.
    pub fn account_key(token: &Sensitive<String>) -> String {
        let digest = Sha256::digest(token.expose().as_bytes());
        format!("gocardless account={}", hex::encode(&digest[..8]))
    }

    // ------------------------------------------------------------------ creditors

    pub async fn creditors(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Creditor>> {
        self.list(token, "creditors", params).await
    }

    pub async fn creditor(&self, token: &Sensitive<String>, id: &str) -> Result<Creditor> {
        self.fetch(token, "creditors", id).await
    }

    // ------------------------------------------------------------------ customers

    pub async fn create_customer(
        &self,
        token: &Sensitive<String>,
        customer: &NewCustomer,
        idempotency_key: &str,
    ) -> Result<Customer> {
        self.create(token, "customers", customer.body(), idempotency_key).await
    }

    pub async fn customer(&self, token: &Sensitive<String>, id: &str) -> Result<Customer> {
        self.fetch(token, "customers", id).await
    }

    pub async fn customers(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Customer>> {
        self.list(token, "customers", params).await
    }

    /// Bank accounts are only read: the hosted flow collects them from the payer, so this app
    /// never sends or holds an IBAN.
    pub async fn customer_bank_account(&self, token: &Sensitive<String>, id: &str) -> Result<CustomerBankAccount> {
        self.fetch(token, "customer_bank_accounts", id).await
    }

    pub async fn customer_bank_accounts(
        &self,
        token: &Sensitive<String>,
        params: &ListParams,
    ) -> Result<Page<CustomerBankAccount>> {
        self.list(token, "customer_bank_accounts", params).await
    }

    // ------------------------------------------------------------------ mandates

    pub async fn mandate(&self, token: &Sensitive<String>, id: &str) -> Result<Mandate> {
        self.fetch(token, "mandates", id).await
    }

    /// Filters: `customer`, `customer_bank_account`, `reference`, `status`, `created_at[…]`.
    pub async fn mandates(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Mandate>> {
        self.list(token, "mandates", params).await
    }

    /// Cancels the mandate and its payments not yet submitted. A mandate already cancelled is
    /// `InvalidState` with reason `cancellation_failed`.
    pub async fn cancel_mandate(&self, token: &Sensitive<String>, id: &str, metadata: &Metadata) -> Result<Mandate> {
        self.action(token, "mandates", id, "cancel", json!({"metadata": metadata})).await
    }

    /// Sends a cancelled or expired mandate through submission again (at most 10 times).
    pub async fn reinstate_mandate(&self, token: &Sensitive<String>, id: &str, metadata: &Metadata) -> Result<Mandate> {
        self.action(token, "mandates", id, "reinstate", json!({"metadata": metadata})).await
    }

    // ------------------------------------------------------------------ billing requests

    pub async fn create_mandate_request(
        &self,
        token: &Sensitive<String>,
        request: &NewMandateRequest,
        idempotency_key: &str,
    ) -> Result<BillingRequest> {
        self.create(token, "billing_requests", request.body(), idempotency_key).await
    }

    pub async fn billing_request(&self, token: &Sensitive<String>, id: &str) -> Result<BillingRequest> {
        self.fetch(token, "billing_requests", id).await
    }

    /// Stops a billing request that is still pending, so its flow no longer works; one already
    /// fulfilled answers InvalidState `cancellation_failed`.
    pub async fn cancel_billing_request(
        &self,
        token: &Sensitive<String>,
        id: &str,
        metadata: &Metadata,
    ) -> Result<BillingRequest> {
        self.action(token, "billing_requests", id, "cancel", json!({"metadata": metadata})).await
    }

    /// GoCardless has no `GET /billing_request_flows/{id}`, so a reused key cannot be resolved
    /// to the first flow: its 409 comes back as `InvalidState`. A flow moves no money; create
    /// another under a new key.
    pub async fn create_flow(
        &self,
        token: &Sensitive<String>,
        billing_request: &str,
        flow: &NewFlow,
        idempotency_key: &str,
    ) -> Result<BillingRequestFlow> {
        self.create(token, "billing_request_flows", flow.body(billing_request), idempotency_key).await
    }

    /// A new mandate through the hosted flow: the billing request under `{key}:billing_request`,
    /// its flow under `{key}:flow`.
    pub async fn start_mandate_setup(
        &self,
        token: &Sensitive<String>,
        request: &NewMandateRequest,
        flow: &NewFlow,
        idempotency_key: &str,
    ) -> Result<MandateSetup> {
        let billing_request =
            self.create_mandate_request(token, request, &format!("{idempotency_key}:billing_request")).await?;
        let flow = self.create_flow(token, &billing_request.id, flow, &format!("{idempotency_key}:flow")).await?;
        Ok(MandateSetup { billing_request, flow })
    }

    // ------------------------------------------------------------------ payments

    pub async fn create_payment(
        &self,
        token: &Sensitive<String>,
        payment: &NewPayment,
        idempotency_key: &str,
    ) -> Result<Payment> {
        let body = payment.body().map_err(Error::Request)?;
        self.create(token, "payments", body, idempotency_key).await
    }

    pub async fn payment(&self, token: &Sensitive<String>, id: &str) -> Result<Payment> {
        self.fetch(token, "payments", id).await
    }

    /// Filters: `mandate`, `customer`, `status`, `currency`, `created_at[…]`.
    pub async fn payments(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Payment>> {
        self.list(token, "payments", params).await
    }

    /// Only in `pending_submission`; afterwards `InvalidState` with reason
    /// `cancellation_failed`. Not resent by xp-http after a 5xx: actions carry no
    /// idempotency key, so read the payment before trying again.
    pub async fn cancel_payment(&self, token: &Sensitive<String>, id: &str, metadata: &Metadata) -> Result<Payment> {
        self.action(token, "payments", id, "cancel", json!({"metadata": metadata})).await
    }

    /// Collects a failed payment again (active mandate, at most 3 retries; else `InvalidState`
    /// `retry_failed`).
    pub async fn retry_payment(
        &self,
        token: &Sensitive<String>,
        id: &str,
        charge_date: Option<Date>,
        metadata: &Metadata,
    ) -> Result<Payment> {
        let mut data = json!({"metadata": metadata});
        if let Some(d) = charge_date {
            data["charge_date"] = json!(ymd(d));
        }
        self.action(token, "payments", id, "retry", data).await
    }

    // ------------------------------------------------------------------ refunds

    pub async fn create_refund(
        &self,
        token: &Sensitive<String>,
        refund: &NewRefund,
        idempotency_key: &str,
    ) -> Result<Refund> {
        let body = refund.body().map_err(Error::Request)?;
        self.create(token, "refunds", body, idempotency_key).await
    }

    pub async fn refund(&self, token: &Sensitive<String>, id: &str) -> Result<Refund> {
        self.fetch(token, "refunds", id).await
    }

    /// Filters: `payment`, `mandate`, `created_at[…]`.
    pub async fn refunds(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Refund>> {
        self.list(token, "refunds", params).await
    }

    // ------------------------------------------------------------------ payouts

    pub async fn payout(&self, token: &Sensitive<String>, id: &str) -> Result<Payout> {
        self.fetch(token, "payouts", id).await
    }

    pub async fn payouts(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Payout>> {
        self.list(token, "payouts", params).await
    }

    /// The lines of one payout, in the payout's currency (items carry none of their own).
    pub async fn payout_items(
        &self,
        token: &Sensitive<String>,
        payout: &Payout,
        params: &ListParams,
    ) -> Result<Page<PayoutItem>> {
        let params = params.clone().filter("payout", payout.id.clone());
        let mut page = self.list_values(token, "payout_items", &params).await?;
        let currency = payout.amount.currency;
        let items = std::mem::take(&mut page.items)
            .into_iter()
            .map(|v| {
                let w: wire::PayoutItem = serde_json::from_value(v).map_err(|e| e.to_string())?;
                PayoutItem::from_wire(w, currency)
            })
            .collect::<std::result::Result<_, String>>()
            .map_err(|e| malformed("payout_items", &e))?;
        Ok(page.with_items(items))
    }

    // ------------------------------------------------------------------ events

    /// One page of `GET /events`, newest first. To apply events in order, use
    /// [`crate::EventFeed`].
    pub async fn events(&self, token: &Sensitive<String>, params: &ListParams) -> Result<Page<Event>> {
        self.list(token, "events", params).await
    }

    pub async fn event(&self, token: &Sensitive<String>, id: &str) -> Result<Event> {
        self.fetch(token, "events", id).await
    }

    // ------------------------------------------------------------------ sandbox

    /// `POST /scenario_simulators/{scenario}/actions/run` (GoCardless's sandbox only), e.g.
    /// `payment_paid_out` on `PM…`. The body is under `data`, as both official clients send it
    /// (gocardless-pro-python `scenario_simulators_service.py`, `run`).
    pub async fn run_scenario(&self, token: &Sensitive<String>, scenario: &str, resource: &str) -> Result<()> {
        let url = self.url(&["scenario_simulators", scenario, "actions", "run"])?;
        let body = json!({"data": {"links": {"resource": resource}}});
        let req = self.request(Method::POST, url, token)?.json_body(&body)?;
        self.send(token, req).await.map(drop)
    }

    // ------------------------------------------------------------------ the plumbing

    #[tracing::instrument(skip_all, fields(resource = %resource, id = %id), err(level = "info"))]
    async fn fetch<T: DeserializeOwned>(&self, token: &Sensitive<String>, resource: &str, id: &str) -> Result<T> {
        let req = self.request(Method::GET, self.url(&[resource, id])?, token)?;
        let (resp, _) = self.send(token, req).await?;
        one(resource, &resp.body)
    }

    async fn list<T: DeserializeOwned>(
        &self,
        token: &Sensitive<String>,
        resource: &str,
        params: &ListParams,
    ) -> Result<Page<T>> {
        let mut page = self.list_values(token, resource, params).await?;
        let items = std::mem::take(&mut page.items)
            .into_iter()
            .map(serde_json::from_value)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| malformed(resource, &e.to_string()))?;
        Ok(page.with_items(items))
    }

    #[tracing::instrument(skip_all, fields(resource = %resource), err(level = "info"))]
    async fn list_values(&self, token: &Sensitive<String>, resource: &str, params: &ListParams) -> Result<Page<Value>> {
        let mut url = self.url(&[resource])?;
        let query = params.query().map_err(Error::Request)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let req = self.request(Method::GET, url, token)?;
        let (resp, rate) = self.send(token, req).await?;
        let mut body: Value = serde_json::from_slice(&resp.body).map_err(|e| malformed(resource, &e.to_string()))?;
        let items = match body.get_mut(resource).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => return Err(malformed(resource, &format!("no {resource} array"))),
        };
        let cursor = |k: &str| body.pointer(&format!("/meta/cursors/{k}")).and_then(Value::as_str).map(str::to_owned);
        let (before, after) = (cursor("before"), cursor("after"));
        let limit = body.pointer("/meta/limit").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok());
        let linked = body.get_mut("linked").map(Value::take).unwrap_or(Value::Null);
        tracing::debug!(items = items.len(), more = after.is_some(), "page fetched");
        Ok(Page { items, before, after, limit, rate, linked })
    }

    /// `POST /{resource}` under the caller's idempotency key. A 409
    /// `idempotent_creation_conflict` means the first request with this key created the
    /// resource (its answer was lost, or this is the outbox sending the intent again): fetch
    /// `links.conflicting_resource_id` and return it as the result, as both official clients do
    /// (gocardless-pro-python `services/payments_service.py`, `create`: `except
    /// IdempotentCreationConflictError: return self.get(identity=err.conflicting_resource_id)`;
    /// gocardless-nodejs `src/api/api.ts`: `return fetch(err.conflictingResourceId)`).
    #[tracing::instrument(skip_all, fields(resource = %resource), err(level = "info"))]
    async fn create<T: DeserializeOwned>(
        &self,
        token: &Sensitive<String>,
        resource: &str,
        body: Value,
        idempotency_key: &str,
    ) -> Result<T> {
        if idempotency_key.trim().is_empty() {
            return Err(Error::Request("a create needs an idempotency key".into()));
        }
        let mut envelope = Map::new();
        envelope.insert(resource.to_owned(), body);
        let req = self
            .request(Method::POST, self.url(&[resource])?, token)?
            .json_body(&Value::Object(envelope))?
            .idempotency_key(idempotency_key)?;
        match self.send(token, req).await {
            Ok((resp, _)) => one(resource, &resp.body),
            Err(Error::InvalidState(p)) if resource != "billing_request_flows" => {
                match p.conflicting_resource_id().map(str::to_owned) {
                    Some(id) => {
                        tracing::info!(id = %id, "idempotency key already used: returning the resource it created");
                        self.fetch(token, resource, &id).await
                    }
                    None => Err(Error::InvalidState(p)),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /{resource}/{id}/actions/{action}` with `{"data": …}` (gocardless.md §3).
    #[tracing::instrument(skip_all, fields(resource = %resource, action = %action), err(level = "info"))]
    async fn action<T: DeserializeOwned>(
        &self,
        token: &Sensitive<String>,
        resource: &str,
        id: &str,
        action: &str,
        data: Value,
    ) -> Result<T> {
        let url = self.url(&[resource, id, "actions", action])?;
        let req = self.request(Method::POST, url, token)?.json_body(&json!({"data": data}))?;
        let (resp, _) = self.send(token, req).await?;
        one(resource, &resp.body)
    }

    /// `{api_base}/seg/seg…`, each segment escaped (ids come from outside).
    fn url(&self, segments: &[&str]) -> Result<Url> {
        let mut url = self.config.api_base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Request(format!("{} cannot be a base URL", self.config.api_base)))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Headers of every call (gocardless.md §2). A 200 that is not JSON is retried by xp-http
    /// like a reset connection, where the request is safe to resend.
    fn request(&self, method: Method, url: Url, token: &Sensitive<String>) -> Result<Request> {
        Ok(Request::new(method, url)
            .bearer(token)?
            .header("gocardless-version", API_VERSION)?
            .expect_json()
            .rate_limited(Self::account_key(token), self.limits())
            .rate_limit_reset_header(RESET_HEADER))
    }

    /// Sends, folds `RateLimit-Remaining` into the governor (so calls made elsewhere with the
    /// same account slow us down before GoCardless has to), and maps a refusal to an error.
    async fn send(&self, token: &Sensitive<String>, req: Request) -> Result<(Response, RateLimit)> {
        let resp = self.http.send(req).await?;
        let now = SystemTime::from(self.clock.now());
        let rate = RateLimit::from_headers(&resp.headers, now);
        match (rate.remaining, rate.reset_in(OffsetDateTime::from(now))) {
            // GoCardless says when its window resets ("Limits & Safeguards"): until then its
            // remaining calls are what there is, and after it a new window begins.
            (Some(remaining), Some(reset_in)) => {
                self.http.governor().observe_window(&Self::account_key(token), self.limits(), remaining, reset_in)
            }
            (Some(_), None) => {
                self.http.governor().observe_remaining(&Self::account_key(token), self.limits(), rate.remaining, None)
            }
            _ => {}
        }
        if resp.is_success() {
            Ok((resp, rate))
        } else {
            Err(from_response(resp.status, &resp.headers, &resp.body, now))
        }
    }
}

/// The resource object of a `{"<resource>": {...}}` answer.
fn one<T: DeserializeOwned>(resource: &str, body: &[u8]) -> Result<T> {
    let mut v: Value = serde_json::from_slice(body).map_err(|e| malformed(resource, &e.to_string()))?;
    let inner = v.get_mut(resource).map(Value::take).ok_or_else(|| malformed(resource, "no envelope"))?;
    serde_json::from_value(inner).map_err(|e| malformed(resource, &e.to_string()))
}

fn malformed(resource: &str, why: &str) -> Error {
    Error::Malformed { what: format!("the {resource} answer did not parse: {}", crate::error::trim(why)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_keys_tell_tokens_apart_without_containing_them() {
        let a = GoCardlessClient::account_key(&Sensitive::new("sandbox_token_a".into()));
        let b = GoCardlessClient::account_key(&Sensitive::new("sandbox_token_b".into()));
        assert_ne!(a, b);
        assert!(a.starts_with("gocardless account=") && !a.contains("sandbox_token"), "{a}");
        assert_eq!(a, GoCardlessClient::account_key(&Sensitive::new("sandbox_token_a".into())), "stable per token");
    }

    #[test]
    fn an_answer_without_its_envelope_is_malformed() {
        let r: Result<Creditor> = one("creditors", br#"{"payments":{"id":"PM1"}}"#);
        assert!(matches!(r, Err(Error::Malformed { .. })), "{r:?}");
        let r: Result<Creditor> = one("creditors", b"<html>");
        assert!(matches!(r, Err(Error::Malformed { .. })));
    }
}
