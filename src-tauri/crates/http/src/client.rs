use crate::error::trim_body;
use crate::governor::{Governor, Limits};
use crate::retry::{parse_retry_after, Decision, Outcome, RetryPolicy};
use crate::{Error, Result};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;
use url::Url;
use xp_core::Sensitive;

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            user_agent: format!("XeroPartner/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The most a response body may hold unless the request says otherwise: an API page is far
/// smaller, and a server that streams without end must not fill the memory.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// One request, described as data so it can be sent again on retry.
#[derive(Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    headers: HeaderMap,
    body: Option<Bytes>,
    idempotency_key: Option<String>,
    rate_keys: Vec<(String, Limits)>,
    expects_json: bool,
    max_body: usize,
    reset_header: Option<&'static str>,
}

impl std::fmt::Debug for Request {
    // By hand: the body holds codes, verifiers and refresh tokens, so only its length is shown.
    // Header values marked sensitive already print as `Sensitive`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("idempotency_key", &self.idempotency_key)
            .field("rate_keys", &self.rate_keys)
            .field("expects_json", &self.expects_json)
            .field("max_body", &self.max_body)
            .field("reset_header", &self.reset_header)
            .finish()
    }
}

impl Request {
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            idempotency_key: None,
            rate_keys: Vec::new(),
            expects_json: false,
            max_body: DEFAULT_MAX_BODY,
            reset_header: None,
        }
    }

    pub fn get(url: Url) -> Self {
        Self::new(Method::GET, url)
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Result<Self> {
        let v =
            HeaderValue::from_str(value).map_err(|_| Error::Request(format!("header {name} has an invalid value")))?;
        self.headers.insert(HeaderName::from_static(name), v);
        Ok(self)
    }

    /// A credential header: marked sensitive so no layer below us prints it.
    pub fn secret_header(mut self, name: &'static str, value: &Sensitive<String>) -> Result<Self> {
        let mut v = HeaderValue::from_str(value.expose())
            .map_err(|_| Error::Request(format!("header {name} has an invalid value")))?;
        v.set_sensitive(true);
        self.headers.insert(HeaderName::from_static(name), v);
        Ok(self)
    }

    pub fn bearer(self, token: &Sensitive<String>) -> Result<Self> {
        self.secret_header("authorization", &Sensitive::new(format!("Bearer {}", token.expose())))
    }

    pub fn json_body(mut self, body: &impl serde::Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Request(e.to_string()))?;
        self.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self.body = Some(bytes.into());
        Ok(self)
    }

    pub fn body(mut self, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        self.headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.body = Some(body.into());
        self
    }

    /// A header built elsewhere (the OAuth library prepares its own requests). `authorization`
    /// is marked sensitive, like [`secret_header`](Self::secret_header) does.
    pub fn header_value(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if name == reqwest::header::AUTHORIZATION {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        self
    }

    /// A body whose `content-type` header is set separately (see [`header_value`](Self::header_value)).
    pub fn raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Makes a write safe to resend: the same key goes out on every attempt.
    pub fn idempotency_key(mut self, key: &str) -> Result<Self> {
        self = self.header("idempotency-key", key)?;
        self.idempotency_key = Some(key.to_owned());
        Ok(self)
    }

    /// Asks for JSON (`accept: application/json`) and holds the answer to it: a 2xx answer whose
    /// body is not well-formed JSON (cut short, a proxy's HTML page sent with 200) is unusable, and
    /// an idempotent request is sent again under the retry policy, like a reset connection.
    pub fn expect_json(mut self) -> Self {
        self.headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        self.expects_json = true;
        self
    }

    /// Caps the answer's body at `bytes`; a longer one is [`Error::TooLarge`] and is not read
    /// further. Small documents (discovery, key sets, token answers) ask for a small cap.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Books this request against the governor under `key` (e.g. tenant) with `limits`.
    pub fn rate_limited(mut self, key: impl Into<String>, limits: Limits) -> Self {
        self.rate_keys.push((key.into(), limits));
        self
    }

    /// Names the header that says when a provider's rate-limit window resets (GoCardless:
    /// `RateLimit-Reset`, an HTTP date). A 429 without `Retry-After` is then waited out until
    /// that moment, under the same cap as `Retry-After`, instead of being retried blind.
    pub fn rate_limit_reset_header(mut self, name: &'static str) -> Self {
        self.reset_header = Some(name);
        self
    }

    /// When to try again after `resp`: its `Retry-After`, or on a 429 the reset header the
    /// request names.
    fn retry_after(&self, resp: &Response, now: SystemTime) -> Option<Duration> {
        let value = resp.header("retry-after").or_else(|| match (resp.status, self.reset_header) {
            (429, Some(name)) => resp.header(name),
            _ => None,
        })?;
        parse_retry_after(value, now)
    }

    fn idempotent(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
            || self.idempotency_key.is_some()
    }
}

/// Any HTTP answer: the caller parses the provider's own error envelope from 4xx bodies.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub attempts: u32,
    host: String,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// True for a well-formed JSON document, and for the empty body of a 204.
    fn body_is_json(&self) -> bool {
        self.status == 204 || serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_ok()
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::Body { host: self.host.clone(), reason: format!("malformed JSON: {e}") })
    }

    /// Turns a non-2xx answer into a typed error (status, trimmed body, rate-limit facts).
    pub fn error_for_status(self) -> Result<Self> {
        match self.status {
            200..=299 => Ok(self),
            429 => Err(Error::RateLimited {
                retry_after: self.header("retry-after").and_then(|v| parse_retry_after(v, SystemTime::now())),
                problem: self.header("x-rate-limit-problem").map(str::to_owned),
                host: self.host,
            }),
            status => Err(Error::Status { host: self.host, status, body: trim_body(&self.body) }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: HttpConfig,
    governor: Governor,
    reachability: Option<crate::Reachability>,
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(false) // the sandbox is plain http on loopback; production URLs are https-checked in config
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Request(e.to_string()))?;
        Ok(Self { inner, config, governor: Governor::new(), reachability: None })
    }

    /// Reports every request's fate (answered, or not reachable) to `r`.
    pub fn with_reachability(mut self, r: crate::Reachability) -> Self {
        self.reachability = Some(r);
        self
    }

    pub fn governor(&self) -> &Governor {
        &self.governor
    }

    /// Sends with retries. Transport failures that outlast the retries are errors; every HTTP
    /// answer (including the last 429 or 5xx) is returned as a `Response`.
    pub async fn send(&self, req: Request) -> Result<Response> {
        let host = req.url.host_str().unwrap_or_default().to_owned();
        // The path is logged, the query is not: queries can carry codes or search terms.
        let span = tracing::info_span!("http", method = %req.method, host = %host, path = %req.url.path(), status = tracing::field::Empty, attempts = tracing::field::Empty);
        async {
            let mut attempt = 0;
            loop {
                attempt += 1;
                let mut permits = Vec::with_capacity(req.rate_keys.len());
                for (key, limits) in &req.rate_keys {
                    permits.push(self.governor.acquire(key, *limits).await);
                }
                let started = Instant::now();
                let outcome = self.send_once(&req, &host, attempt).await;
                drop(permits);
                let elapsed_ms = started.elapsed().as_millis() as u64;
                if let Some(r) = &self.reachability {
                    match &outcome {
                        Ok(_) => r.record(&host, true, SystemTime::now()),
                        Err(Error::Timeout { .. } | Error::Connect { .. }) => r.record(&host, false, SystemTime::now()),
                        Err(_) => {}
                    }
                }
                let (retry_outcome, result) = match outcome {
                    Ok(resp) if resp.is_success() && req.expects_json && !resp.body_is_json() => {
                        tracing::info!(attempt, status = resp.status, "the answer's body is not well-formed JSON");
                        (Outcome::BrokenBody, Ok(resp))
                    }
                    Ok(resp) => {
                        let retry_after = req.retry_after(&resp, SystemTime::now());
                        (Outcome::Status { status: resp.status, retry_after }, Ok(resp))
                    }
                    Err(e @ Error::Timeout { .. }) => (Outcome::Timeout, Err(e)),
                    Err(e @ (Error::Connect { .. } | Error::Body { .. })) => (Outcome::ConnectError, Err(e)),
                    Err(e) => return Err(e),
                };
                if let (Ok(r), Outcome::Status { .. }) = (&result, retry_outcome) {
                    if r.is_success() {
                        tracing::Span::current().record("status", r.status).record("attempts", attempt);
                        tracing::debug!(elapsed_ms, "ok");
                        return result;
                    }
                }
                match self.config.retry.decide(attempt, retry_outcome, req.idempotent(), rand::random::<f64>()) {
                    Decision::RetryAfter(wait) => {
                        tracing::info!(attempt, ?retry_outcome, wait_ms = wait.as_millis() as u64, "retrying");
                        tokio::time::sleep(wait).await;
                    }
                    Decision::GiveUp => {
                        tracing::Span::current().record("attempts", attempt);
                        if let Ok(r) = &result {
                            tracing::Span::current().record("status", r.status);
                        }
                        return result;
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn send_once(&self, req: &Request, host: &str, attempt: u32) -> Result<Response> {
        let mut builder = self.inner.request(req.method.clone(), req.url.clone()).headers(req.headers.clone());
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let map = |e: reqwest::Error| {
            if e.is_timeout() {
                Error::Timeout { host: host.to_owned(), after: self.config.request_timeout }
            } else if e.is_body() || e.is_decode() {
                Error::Body { host: host.to_owned(), reason: e.without_url().to_string() }
            } else {
                // Connect, reset, TLS and protocol failures alike: the request may not have
                // arrived, and the retry policy treats them as one.
                Error::Connect { host: host.to_owned(), reason: e.without_url().to_string() }
            }
        };
        let resp = builder.send().await.map_err(map)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let too_large = || Error::TooLarge { host: host.to_owned(), limit: req.max_body };
        if resp.content_length().is_some_and(|n| n > req.max_body as u64) {
            return Err(too_large());
        }
        // Read chunk by chunk: a missing or lying Content-Length must not lift the cap.
        let mut resp = resp;
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = resp.chunk().await.map_err(map)? {
            if body.len() + chunk.len() > req.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response { status, headers, body: body.freeze(), attempts: attempt, host: host.to_owned() })
    }
}
