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
        // A 2xx other than 200 (xp-http types every other status, a 3xx included: redirects
        // are not followed).
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
    use crate::token::{exchange_code, refresh};
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use std::sync::{Arc, Mutex};
    use xp_core::{ManualClock, Sensitive};

    /// What a tiny token endpoint saw: the last form body and headers, and hits on `/elsewhere`.
    #[derive(Default)]
    struct Seen {
        form: Mutex<Vec<(String, String)>>,
        headers: Mutex<HeaderMap>,
        elsewhere: Mutex<u32>,
    }

    async fn endpoint() -> (Url, Arc<Seen>) {
        let seen = Arc::new(Seen::default());
        let token = {
            let seen = seen.clone();
            move |headers: HeaderMap, body: String| async move {
                *seen.form.lock().unwrap() = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                *seen.headers.lock().unwrap() = headers;
                axum::Json(serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60}))
            }
        };
        let elsewhere = {
            let seen = seen.clone();
            move || async move {
                *seen.elsewhere.lock().unwrap() += 1;
                axum::Json(serde_json::json!({"access_token": "stolen", "token_type": "Bearer", "expires_in": 60}))
            }
        };
        let app = axum::Router::new()
            .route("/token", axum::routing::post(token))
            .route("/elsewhere", axum::routing::post(elsewhere))
            .route(
                "/moved",
                axum::routing::post(|| async { (StatusCode::TEMPORARY_REDIRECT, [("location", "/elsewhere")]) }),
            )
            .route(
                "/created",
                axum::routing::post(|| async {
                    (
                        StatusCode::CREATED,
                        axum::Json(serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60})),
                    )
                }),
            )
            .route(
                "/html",
                axum::routing::post(|| async {
                    ([("content-type", "text/html")], "{\"access_token\":\"at\",\"expires_in\":60}").into_response()
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, seen)
    }

    fn http() -> HttpClient {
        HttpClient::new(xp_http::HttpConfig::default()).unwrap()
    }

    #[tokio::test]
    async fn the_library_sends_a_public_clients_form_and_nothing_else() {
        let (base, seen) = endpoint().await;
        let clock = ManualClock::new(time::OffsetDateTime::now_utc());
        let (code, verifier) = (Sensitive::new("the-code".to_owned()), Sensitive::new("v".repeat(64)));
        let redirect = "com.xeropartner.app:/auth/callback";
        exchange_code(&http(), &clock, &base.join("token").unwrap(), "client-1", &code, redirect, &verifier)
            .await
            .unwrap();
        let mut form = seen.form.lock().unwrap().clone();
        form.sort();
        let want = [
            ("client_id", "client-1"),
            ("code", "the-code"),
            ("code_verifier", verifier.expose().as_str()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect),
        ];
        assert_eq!(form, want.map(|(k, v)| (k.to_owned(), v.to_owned())), "RFC 6749 §4.1.3 + RFC 7636 §4.5, no secret");
        let headers = seen.headers.lock().unwrap().clone();
        assert!(headers.get("authorization").is_none(), "a public client sends no credentials header");
        assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");

        refresh(&http(), &clock, &base.join("token").unwrap(), "client-1", &Sensitive::new("rt-1".into()))
            .await
            .unwrap();
        let mut form = seen.form.lock().unwrap().clone();
        form.sort();
        let want = [("client_id", "client-1"), ("grant_type", "refresh_token"), ("refresh_token", "rt-1")];
        assert_eq!(form, want.map(|(k, v)| (k.to_owned(), v.to_owned())), "RFC 6749 §6, no scope narrowing");
    }

    #[tokio::test]
    async fn a_redirect_is_not_followed_and_only_200_is_a_token_answer() {
        let (base, seen) = endpoint().await;
        let clock = ManualClock::new(time::OffsetDateTime::now_utc());
        let rt = Sensitive::new("rt-1".to_owned());
        let err = refresh(&http(), &clock, &base.join("moved").unwrap(), "c", &rt).await.unwrap_err();
        assert!(
            matches!(&err, Error::Http(h) if matches!(h.as_ref(), xp_http::Error::Status { status: 307, .. })),
            "{err:?}"
        );
        assert_eq!(*seen.elsewhere.lock().unwrap(), 0, "the refresh token was not sent on to the redirect's target");

        let err = refresh(&http(), &clock, &base.join("created").unwrap(), "c", &rt).await.unwrap_err();
        assert!(matches!(err, Error::TokenEndpoint { status: 201, .. }), "RFC 6749 §5.1 names 200: {err:?}");
        let err = refresh(&http(), &clock, &base.join("html").unwrap(), "c", &rt).await.unwrap_err();
        assert!(matches!(&err, Error::MalformedTokenResponse(m) if m.contains("Content-Type")), "{err:?}");
    }

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
