//! The HTTP client under the `oauth2` library, and the typed errors for answers other than 200.
//!
//! Why the library runs over `xp-http` and not over its own reqwest client: the project's client
//! already carries what these requests need — redirects off (a 3xx must not carry a code or a
//! refresh token to another host), rustls, connect and request timeouts, a cap on the answer's
//! size, no retry of a POST that may have been applied (the refresher decides that, see
//! `refresher.rs`), tracing that records the path but never the query, the headers or the body,
//! and the reachability report the app shows as "offline". A second reqwest client configured
//! by hand would have to repeat each of these and could drift from them. The library's own
//! reqwest integration is therefore not compiled in (workspace `Cargo.toml`).
//!
//! Only a 200 answer is handed to the library (RFC 6749 §5.1 and RFC 7009 §2.2 name 200). Every
//! other answer becomes an [`Error`] here, because the library would lose what the app decides
//! on: its `ServerResponse` keeps neither the HTTP status (STYLE.md: provider errors keep it) nor
//! form-encoded error bodies, which Xero may send (xero.md §10).

use crate::error::provider_text;
use crate::token::parse_error;
use crate::{Error, Result};
use oauth2::{AsyncHttpClient, ErrorResponse, HttpRequest, HttpResponse, RequestTokenError};
use std::future::Future;
use std::pin::Pin;
use url::{Host, Url};
use xp_http::{HttpClient, Request};

/// `oauth2::AsyncHttpClient` over the app's [`HttpClient`]. The request bodies the library builds
/// hold codes, verifiers and refresh tokens: they go straight into `xp_http::Request`, whose Debug
/// prints only their length.
pub(crate) struct OAuthHttp<'a> {
    http: &'a HttpClient,
}

impl<'a> OAuthHttp<'a> {
    pub(crate) fn new(http: &'a HttpClient) -> Self {
        Self { http }
    }
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp<'_> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(send(self.http, request))
    }
}

async fn send(http: &HttpClient, request: HttpRequest) -> Result<HttpResponse> {
    let (parts, body) = request.into_parts();
    let url = Url::parse(&parts.uri.to_string())
        .map_err(|_| Error::InvalidRequest("the OAuth request has no usable URL".into()))?;
    let mut req = Request::new(parts.method, url).raw_body(body).max_body(crate::MAX_DOCUMENT_BYTES);
    for (name, value) in &parts.headers {
        req = req.header_value(name.clone(), value.clone());
    }
    let resp = http.send(req).await?;
    if resp.status != 200 {
        return Err(answer_error(resp));
    }
    let mut answer = oauth2::http::Response::builder().status(resp.status);
    for (name, value) in &resp.headers {
        answer = answer.header(name, value);
    }
    answer
        .body(resp.body.to_vec())
        .map_err(|_| Error::MalformedTokenResponse("the answer cannot be handed to the OAuth library".into()))
}

/// A token or revocation endpoint's answer that is not a success: the RFC 6749 §5.2 error it
/// carries (JSON or form-encoded), else the HTTP status as a typed error.
pub(crate) fn answer_error(resp: xp_http::Response) -> Error {
    if let Some(e) = parse_error(resp.status, &resp.body) {
        return e;
    }
    match resp.error_for_status() {
        Err(e) => Error::from(e),
        // A 1xx, 3xx (redirects are not followed) or a 2xx other than 200.
        Ok(r) => Error::TokenEndpoint {
            status: r.status,
            error: "unexpected_status".into(),
            description: Some("the endpoint gave an unexpected answer".into()),
        },
    }
}

/// The library's error for a request sent through [`OAuthHttp`], back in the crate's terms.
pub(crate) fn from_library<TE: ErrorResponse + 'static>(e: RequestTokenError<Error, TE>) -> Error {
    match e {
        RequestTokenError::Request(e) => e,
        // The body is not a JSON object (see `token::TokenAnswer`); its text is not repeated,
        // since it may hold tokens.
        RequestTokenError::Parse(..) => unreadable(),
        // Raised by the library itself, e.g. a 200 answer whose Content-Type is not JSON.
        RequestTokenError::Other(m) => Error::MalformedTokenResponse(provider_text(&m)),
        // Not reached: non-200 answers never get to the library (see the module comment).
        RequestTokenError::ServerResponse(r) => {
            Error::MalformedTokenResponse(format!("an unexpected error answer ({})", provider_text(&r.to_string())))
        }
    }
}

pub(crate) fn unreadable() -> Error {
    Error::MalformedTokenResponse("the answer is not a JSON object".into())
}

/// Plain http is accepted only on the loopback interface, where the sandbox runs: nothing on the
/// network can read it there. Every other endpoint that receives codes or tokens must be https
/// (RFC 6749 §3.1–3.2, RFC 7009 §2).
pub(crate) fn is_loopback_http(url: &Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn only_https_or_loopback_http() {
        for ok in ["http://127.0.0.1:4010/x", "http://[::1]/x", "http://localhost:1/x", "http://LOCALHOST/x"] {
            assert!(is_loopback_http(&Url::parse(ok).unwrap()), "{ok}");
        }
        for no in ["http://evil.example/x", "https://127.0.0.1/x", "http://127.0.0.1.evil.example/x"] {
            assert!(!is_loopback_http(&Url::parse(no).unwrap()), "{no}");
        }
    }
}
