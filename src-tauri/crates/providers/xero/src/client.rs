//! The calls. Each one builds an `xp_http::Request`, sends it through the shared client (which
//! retries 5xx, transport errors and short 429s), feeds the rate headers back to the governor,
//! and maps the answer to data or a typed [`Error`].

use crate::bank_writes::{NewBankTransaction, NewBankTransfer};
use crate::config::XeroConfig;
use crate::dates;
use crate::error::{from_response, Error, Result};
use crate::rate::RateBudget;
use crate::resources::Resource;
use crate::types::{Connection, NewPayment, OrganisationSummary, Payment};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::time::SystemTime;
use time::OffsetDateTime;
use url::Url;
use xp_core::{Clock, Sensitive, SystemClock};
use xp_http::{HttpClient, Limits, Request, Response};

/// The largest `pageSize` Xero takes: 1000 (xero.md §7, unconfirmed: CData driver docs). The
/// default without it is 100.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The governor key every organisation-independent call is booked under (10,000/minute).
const APP_KEY: &str = "xero app";

/// One list call. `page` only applies to paged resources ([`Resource::paged`]); the others
/// return everything at once and ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<'a> {
    /// 1-based; `None` asks for the unpaged list (no line items on invoices, xero.md §7).
    pub page: Option<u32>,
    pub page_size: u32,
    /// Sent as `If-Modified-Since`: only records created or changed since then (xero.md §8).
    pub modified_since: Option<OffsetDateTime>,
    /// e.g. `"UpdatedDateUTC ASC"`.
    pub order: Option<&'a str>,
    pub include_archived: bool,
}

impl Default for PageRequest<'_> {
    fn default() -> Self {
        Self { page: None, page_size: MAX_PAGE_SIZE, modified_since: None, order: None, include_archived: false }
    }
}

impl PageRequest<'_> {
    /// The first page of a full, change-ordered read.
    pub fn first() -> Self {
        Self { page: Some(1), ..Self::default() }
    }
}

/// Xero's `pagination` object on paged lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub page: u32,
    pub page_size: u32,
    pub page_count: u32,
    pub item_count: u32,
}

/// One answer of a list call.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Raw records, in Xero's own field names.
    pub records: Vec<Value>,
    pub pagination: Option<Pagination>,
    /// What Xero says is left of this organisation's and the app's budgets.
    pub budget: RateBudget,
}

impl Page {
    /// The next page to ask for, or `None` when this was the last: stop when
    /// `page >= pageCount` or a page is short (xero.md §7).
    pub fn next_page(&self, asked: &PageRequest<'_>) -> Option<u32> {
        let page = asked.page?;
        if (self.records.len() as u64) < u64::from(asked.page_size) {
            return None;
        }
        match self.pagination {
            Some(p) if page >= p.page_count => None,
            _ => Some(page + 1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct XeroClient {
    http: HttpClient,
    config: XeroConfig,
    clock: Arc<dyn Clock>,
}

impl XeroClient {
    pub fn new(http: HttpClient, config: XeroConfig) -> Self {
        Self { http, config, clock: Arc::new(SystemClock) }
    }

    /// Time for reading HTTP-date `Retry-After` values; the system clock unless replaced.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &XeroConfig {
        &self.config
    }

    /// The governor key of one organisation.
    pub fn tenant_key(tenant_id: &str) -> String {
        format!("xero tenant={}", tenant_id.to_ascii_lowercase())
    }

    /// Per-organisation limits as booked in the governor: 5 concurrent, 60/minute, 5,000/day.
    /// Xero counts a call when it arrives, the governor when it leaves; a call booked the
    /// instant our window frees can still land in Xero's old window if the first call of that
    /// window travelled slower. A "minute" 2 % longer than Xero's absorbs that skew for the
    /// cost of 2 % of peak throughput.
    pub fn tenant_limits(&self) -> Limits {
        Limits::xero_tenant(self.config.minute + self.config.minute / 50)
    }

    pub fn app_limits(&self) -> Limits {
        Limits::xero_app(self.config.minute)
    }

    /// `GET /connections`: the organisations this token may use. The order is unstable and
    /// must never be read as "the one the user picked" (xero.md §3, §13).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn connections(&self, token: &Sensitive<String>) -> Result<Vec<Connection>> {
        let req = self.base_request(Method::GET, self.url(&["connections"])?, token)?;
        let resp = self.send(req).await?;
        let resp = self.check(resp)?;
        serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Malformed { what: format!("the connections list did not parse: {e}") })
    }

    /// `DELETE /connections/{id}`: disconnects one organisation (204; 404 → `NotFound`).
    #[tracing::instrument(skip_all, fields(connection = %connection_id), err(level = "info"))]
    pub async fn delete_connection(&self, token: &Sensitive<String>, connection_id: &str) -> Result<()> {
        let req = self.base_request(Method::DELETE, self.url(&["connections", connection_id])?, token)?;
        let resp = self.send(req).await?;
        self.check(resp).map(drop)
    }

    /// `GET /Organisation`: name, base currency and demo flag of one organisation.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id), err(level = "info"))]
    pub async fn organisation(&self, token: &Sensitive<String>, tenant_id: &str) -> Result<OrganisationSummary> {
        let page = self.fetch_page(token, tenant_id, Resource::Organisation, PageRequest::default()).await?;
        let first = page
            .records
            .into_iter()
            .next()
            .ok_or_else(|| Error::Malformed { what: "the Organisations array was empty".into() })?;
        serde_json::from_value(first)
            .map_err(|e| Error::Malformed { what: format!("the organisation did not parse: {e}") })
    }

    /// One list call on one organisation. Records come back raw; the budget tells the caller
    /// (and the UI) how much of the organisation's allowance is left.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id, resource = %resource, page = ?req.page), err(level = "info"))]
    pub async fn fetch_page(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        resource: Resource,
        req: PageRequest<'_>,
    ) -> Result<Page> {
        let mut url = self.url(&["api.xro", "2.0", resource.url_name()])?;
        {
            let mut q = url.query_pairs_mut();
            if let (true, Some(page)) = (resource.paged(), req.page) {
                q.append_pair("page", &page.to_string());
                q.append_pair("pageSize", &req.page_size.clamp(1, MAX_PAGE_SIZE).to_string());
            }
            if let Some(order) = req.order {
                q.append_pair("order", order);
            }
            if req.include_archived {
                q.append_pair("includeArchived", "true");
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut http_req = self.tenant_request(Method::GET, url, token, tenant_id)?;
        if let Some(since) = req.modified_since {
            http_req = http_req.header("if-modified-since", &dates::format_if_modified_since(since))?;
        }
        let resp = self.send(http_req).await?;
        let budget = self.observe(tenant_id, &resp);
        let resp = self.check(resp)?;
        let mut body: Value = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Malformed { what: format!("the {resource} list did not parse: {e}") })?;
        let records = match body.get_mut(resource.response_key()).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(Error::Malformed {
                    what: format!("the {resource} answer has no {} array", resource.response_key()),
                })
            }
        };
        let pagination = match body.get_mut("pagination").map(Value::take) {
            None | Some(Value::Null) => None,
            Some(p) => Some(
                serde_json::from_value(p)
                    .map_err(|e| Error::Malformed { what: format!("the {resource} pagination did not parse: {e}") })?,
            ),
        };
        tracing::debug!(records = records.len(), ?pagination, ?budget, "page fetched");
        Ok(Page { records, pagination, budget })
    }

    /// `PUT /Payments` with one payment. The idempotency key makes a resend (ours or xp-http's)
    /// return the first result instead of paying twice (xero.md §11).
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id), err(level = "info"))]
    pub async fn create_payment(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        payment: &NewPayment,
        idempotency_key: &str,
    ) -> Result<Payment> {
        let body = payment.envelope().map_err(Error::Request)?;
        let req = self.keyed(Method::PUT, &["Payments"], token, tenant_id, &body, idempotency_key)?;
        self.payment_call(tenant_id, req).await
    }

    /// Deletes a payment: `POST /Payments/{id}` with `{"Payments":[{"Status":"DELETED"}]}`
    /// (xero.md §4). The invoice's amount due goes back up.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id, payment = %payment_id), err(level = "info"))]
    pub async fn delete_payment(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        payment_id: &str,
        idempotency_key: &str,
    ) -> Result<Payment> {
        let body = serde_json::json!({"Payments": [{"Status": "DELETED"}]});
        let req = self.keyed(Method::POST, &["Payments", payment_id], token, tenant_id, &body, idempotency_key)?;
        self.payment_call(tenant_id, req).await
    }

    async fn payment_call(&self, tenant_id: &str, req: Request) -> Result<Payment> {
        let first = self.write_element(tenant_id, req, "Payments").await?;
        Payment::from_record(&first).map_err(|what| Error::Malformed { what })
    }

    /// `PUT /BankTransactions` with one spend or receive money; answers its BankTransactionID.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id), err(level = "info"))]
    pub async fn create_bank_transaction(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        tx: &NewBankTransaction,
        idempotency_key: &str,
    ) -> Result<String> {
        let body = tx.envelope().map_err(Error::Request)?;
        let req = self.keyed(Method::PUT, &["BankTransactions"], token, tenant_id, &body, idempotency_key)?;
        self.element_id(tenant_id, req, "BankTransactions", "BankTransactionID").await
    }

    /// Deletes a spend or receive money: `POST /BankTransactions/{id}` with `{"Status":"DELETED"}`.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id, bank_transaction = %id), err(level = "info"))]
    pub async fn delete_bank_transaction(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        id: &str,
        idempotency_key: &str,
    ) -> Result<String> {
        let body = serde_json::json!({"Status": "DELETED"});
        let req = self.keyed(Method::POST, &["BankTransactions", id], token, tenant_id, &body, idempotency_key)?;
        self.element_id(tenant_id, req, "BankTransactions", "BankTransactionID").await
    }

    /// `PUT /BankTransfers` with one transfer; answers its BankTransferID.
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id), err(level = "info"))]
    pub async fn create_bank_transfer(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        transfer: &NewBankTransfer,
        idempotency_key: &str,
    ) -> Result<String> {
        let body = transfer.envelope().map_err(Error::Request)?;
        let req = self.keyed(Method::PUT, &["BankTransfers"], token, tenant_id, &body, idempotency_key)?;
        self.element_id(tenant_id, req, "BankTransfers", "BankTransferID").await
    }

    /// `PUT /Accounts` with one BANK account (needs the `accounting.settings` scope); answers
    /// the account as Xero keeps it, typed and as sent (for the local chart). A code or name
    /// already in the chart is Xero's validation error ("Please enter a unique Code.").
    #[tracing::instrument(skip_all, fields(tenant = %tenant_id), err(level = "info"))]
    pub async fn create_bank_account(
        &self,
        token: &Sensitive<String>,
        tenant_id: &str,
        account: &crate::NewBankAccount,
        idempotency_key: &str,
    ) -> Result<(crate::records::Account, Value)> {
        let req = self.keyed(Method::PUT, &["Accounts"], token, tenant_id, &account.body(), idempotency_key)?;
        let first = self.write_element(tenant_id, req, "Accounts").await?;
        match crate::records::parse_page(crate::Resource::Accounts, std::slice::from_ref(&first))? {
            crate::records::Records::Accounts(mut one) if one.len() == 1 => Ok((one.remove(0), first)),
            _ => Err(Error::Malformed { what: "the Accounts answer has no account".into() }),
        }
    }

    /// A write to `/api.xro/2.0/{path…}` under an idempotency key.
    fn keyed(
        &self,
        method: Method,
        path: &[&str],
        token: &Sensitive<String>,
        tenant_id: &str,
        body: &impl Serialize,
        idempotency_key: &str,
    ) -> Result<Request> {
        let segments: Vec<&str> = ["api.xro", "2.0"].into_iter().chain(path.iter().copied()).collect();
        Ok(self
            .tenant_request(method, self.url(&segments)?, token, tenant_id)?
            .json_body(body)?
            .idempotency_key(idempotency_key)?)
    }

    /// The id Xero gave the one element a write sent.
    async fn element_id(&self, tenant_id: &str, req: Request, collection: &str, id_field: &str) -> Result<String> {
        let first = self.write_element(tenant_id, req, collection).await?;
        first
            .get(id_field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::Malformed { what: format!("{collection}[0] has no {id_field}") })
    }

    /// Sends a write of one element and answers that element as Xero returned it, or its
    /// validation errors.
    async fn write_element(&self, tenant_id: &str, req: Request, collection: &str) -> Result<Value> {
        let resp = self.send(req).await?;
        self.observe(tenant_id, &resp);
        let resp = self.check(resp)?;
        let mut answer: Value = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Malformed { what: format!("the {collection} answer did not parse: {e}") })?;
        let first = answer
            .pointer_mut(&format!("/{collection}/0"))
            .map(Value::take)
            .ok_or_else(|| Error::Malformed { what: format!("the {collection} answer has no {collection}[0]") })?;
        validation_errors(&first)?;
        Ok(first)
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

    fn base_request(&self, method: Method, url: Url, token: &Sensitive<String>) -> Result<Request> {
        // XML is Xero's default; ask for JSON on every call (xero.md §3). A 200 that is not JSON
        // (cut short, a gateway's HTML page) is retried by xp-http like a reset connection.
        Ok(Request::new(method, url).bearer(token)?.expect_json().rate_limited(APP_KEY, self.app_limits()))
    }

    fn tenant_request(&self, method: Method, url: Url, token: &Sensitive<String>, tenant_id: &str) -> Result<Request> {
        Ok(self
            .base_request(method, url, token)?
            .header("xero-tenant-id", tenant_id)?
            .rate_limited(Self::tenant_key(tenant_id), self.tenant_limits()))
    }

    async fn send(&self, req: Request) -> Result<Response> {
        Ok(self.http.send(req).await?)
    }

    /// Folds Xero's remaining-budget headers into the governor, so calls made elsewhere with
    /// the same organisation (the web app, another device) slow us down before Xero has to.
    fn observe(&self, tenant_id: &str, resp: &Response) -> RateBudget {
        let budget = RateBudget::from_headers(&resp.headers);
        let governor = self.http.governor();
        if budget.minute_remaining.is_some() || budget.day_remaining.is_some() {
            governor.observe_remaining(
                &Self::tenant_key(tenant_id),
                self.tenant_limits(),
                budget.minute_remaining,
                budget.day_remaining,
            );
        }
        if budget.app_minute_remaining.is_some() {
            governor.observe_remaining(APP_KEY, self.app_limits(), budget.app_minute_remaining, None);
        }
        budget
    }

    fn check(&self, resp: Response) -> Result<Response> {
        if resp.is_success() {
            return Ok(resp);
        }
        let now = SystemTime::from(self.clock.now());
        Err(from_response(resp.status, &resp.headers, &resp.body, now))
    }
}

/// With summarizeErrors=false Xero answers 200 and flags the element (xero.md §10).
fn validation_errors(element: &Value) -> Result<()> {
    if element.get("HasValidationErrors").and_then(Value::as_bool) != Some(true) {
        return Ok(());
    }
    let messages: Vec<String> = element
        .get("ValidationErrors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("Message").and_then(Value::as_str).map(crate::error::trim))
        .collect();
    Err(Error::Validation { messages })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, pagination: Option<Pagination>) -> Page {
        Page { records: vec![Value::Null; n], pagination, budget: RateBudget::default() }
    }

    #[test]
    fn paging_stops_at_page_count_or_a_short_page() {
        let ask = |p| PageRequest { page: Some(p), page_size: 100, ..PageRequest::default() };
        let pg = |page, count| Some(Pagination { page, page_size: 100, page_count: count, item_count: 250 });
        assert_eq!(page(100, pg(1, 3)).next_page(&ask(1)), Some(2));
        assert_eq!(page(100, pg(3, 3)).next_page(&ask(3)), None, "the last page by pageCount");
        assert_eq!(page(50, pg(2, 3)).next_page(&ask(2)), None, "a short page is the last");
        assert_eq!(page(100, None).next_page(&ask(1)), Some(2), "without pagination, a full page may have more");
        assert_eq!(page(100, None).next_page(&PageRequest::default()), None, "an unpaged read is complete");
    }
}
