//! The client against a real loopback server that answers from a script.
#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use xp_core::Sensitive;
use xp_http::{Error, HttpClient, HttpConfig, Request, RetryPolicy};

#[derive(Clone)]
enum Step {
    Respond(u16, Vec<(&'static str, String)>, &'static str),
    /// Close the connection without answering.
    Reset,
    /// Answer after a pause.
    Slow(Duration),
}

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn requests(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

async fn server(script: Vec<Step>) -> (url::Url, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Seen::default();
    let seen2 = seen.clone();
    let script = Arc::new(Mutex::new(script.into_iter()));
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let script = script.clone();
            let seen = seen2.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let mut got = Vec::new();
                loop {
                    let n = sock.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got[..end]).to_string();
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            seen.0.lock().unwrap().push(head);
                            got.clear();
                            let step = script.lock().unwrap().next().unwrap_or(Step::Respond(200, vec![], "{}"));
                            let (status, headers, body) = match step {
                                Step::Reset => return,
                                Step::Slow(d) => {
                                    tokio::time::sleep(d).await;
                                    (200, vec![], "{}")
                                }
                                Step::Respond(s, h, b) => (s, h, b),
                            };
                            let mut resp = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                            for (k, v) in headers {
                                resp.push_str(&format!("{k}: {v}\r\n"));
                            }
                            resp.push_str("\r\n");
                            resp.push_str(body);
                            if sock.write_all(resp.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (format!("http://{addr}/api/Invoices").parse().unwrap(), seen)
}

fn client(max_attempts: u32, timeout: Duration) -> HttpClient {
    HttpClient::new(HttpConfig {
        request_timeout: timeout,
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(5),
        },
        ..HttpConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn a_get_survives_5xx_bursts_and_resets() {
    let (url, seen) = server(vec![
        Step::Respond(503, vec![], "busy"),
        Step::Reset,
        Step::Respond(502, vec![], "bad gateway"),
        Step::Respond(200, vec![], r#"{"Invoices":[]}"#),
    ])
    .await;
    let resp = client(5, Duration::from_secs(5)).send(Request::get(url)).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.attempts, 4);
    assert_eq!(seen.requests().len(), 4);
}

#[tokio::test]
async fn a_write_without_idempotency_key_is_never_resent() {
    let (url, seen) = server(vec![Step::Respond(503, vec![], "busy")]).await;
    let req = Request::new(reqwest::Method::POST, url).json_body(&serde_json::json!({"Amount": "1.00"})).unwrap();
    let resp = client(5, Duration::from_secs(5)).send(req).await.unwrap();
    assert_eq!(resp.status, 503, "the caller decides; the write may have been applied");
    assert_eq!(seen.requests().len(), 1);
}

#[tokio::test]
async fn a_write_with_idempotency_key_is_resent_with_the_same_key() {
    let (url, seen) = server(vec![Step::Respond(500, vec![], ""), Step::Reset, Step::Respond(200, vec![], "{}")]).await;
    let req = Request::new(reqwest::Method::POST, url)
        .idempotency_key("pay-inv-42")
        .unwrap()
        .json_body(&serde_json::json!({}))
        .unwrap();
    let resp = client(5, Duration::from_secs(5)).send(req).await.unwrap();
    assert_eq!(resp.status, 200);
    let keys: Vec<String> = seen
        .requests()
        .iter()
        .map(|h| h.lines().find(|l| l.to_ascii_lowercase().starts_with("idempotency-key")).unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k.ends_with("pay-inv-42")), "{keys:?}");
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let (url, seen) = server(vec![
        Step::Respond(429, vec![("retry-after", "1".into()), ("x-rate-limit-problem", "minute".into())], ""),
        Step::Respond(200, vec![], "{}"),
    ])
    .await;
    let started = std::time::Instant::now();
    let resp = client(3, Duration::from_secs(5)).send(Request::get(url)).await.unwrap();
    assert_eq!(resp.status, 200);
    assert!(started.elapsed() >= Duration::from_secs(1), "must not come back before Retry-After");
    assert_eq!(seen.requests().len(), 2);
}

#[tokio::test]
async fn a_429_without_retry_after_waits_for_the_reset_header_the_request_names() {
    // 3 s ahead in whole seconds: 2 to 3 s away when the 429 arrives, well past the 1 s that
    // a 429 without any hint waits under this policy.
    let reset = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    let (url, seen) = server(vec![
        Step::Respond(429, vec![("ratelimit-remaining", "0".into()), ("ratelimit-reset", reset)], ""),
        Step::Respond(200, vec![], "{}"),
    ])
    .await;
    let started = std::time::Instant::now();
    let req = Request::get(url).rate_limit_reset_header("ratelimit-reset");
    let resp = client(3, Duration::from_secs(5)).send(req).await.unwrap();
    assert_eq!(resp.status, 200);
    assert!(started.elapsed() >= Duration::from_secs(2), "must not come back before the window resets");
    assert_eq!(seen.requests().len(), 2);
}

#[tokio::test]
async fn a_long_retry_after_returns_a_typed_rate_limit_error() {
    let (url, _) = server(vec![Step::Respond(
        429,
        vec![("retry-after", "86400".into()), ("x-rate-limit-problem", "day".into())],
        "",
    )])
    .await;
    let resp = client(3, Duration::from_secs(5)).send(Request::get(url)).await.unwrap();
    match resp.error_for_status() {
        Err(Error::RateLimited { retry_after, problem, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(86400)));
            assert_eq!(problem.as_deref(), Some("day"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let (url, seen) = server(vec![Step::Slow(Duration::from_secs(3)), Step::Slow(Duration::from_secs(3))]).await;
    let err = client(2, Duration::from_millis(200)).send(Request::get(url)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(err.code(), xp_core::ErrorCode::Offline);
    assert_eq!(seen.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_an_offline_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url: url::Url = format!("http://{}/x", listener.local_addr().unwrap()).parse().unwrap();
    drop(listener);
    let err = client(2, Duration::from_secs(1)).send(Request::get(url)).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(err.code(), xp_core::ErrorCode::Offline);
}

#[tokio::test]
async fn error_bodies_are_trimmed_and_scrubbed() {
    let (url, _) =
        server(vec![Step::Respond(400, vec![], r#"{"error":"invalid_grant","refresh_token":"leaky-token-123"}"#)])
            .await;
    let resp = client(1, Duration::from_secs(5)).send(Request::get(url)).await.unwrap();
    let err = resp.error_for_status().unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HTTP 400") && text.contains("invalid_grant"), "{text}");
    assert!(!text.contains("leaky-token-123"), "{text}");
}

#[tokio::test]
async fn bearer_tokens_are_sent_but_never_debug_printed() {
    let (url, seen) = server(vec![]).await;
    let req = Request::get(url).bearer(&Sensitive::new("tok-abc".into())).unwrap();
    assert!(!format!("{req:?}").contains("tok-abc"), "Debug of a request must hide credentials");
    client(1, Duration::from_secs(5)).send(req).await.unwrap();
    assert!(seen.requests()[0].contains("Bearer tok-abc"));
}

#[tokio::test]
async fn headers_and_bodies_built_elsewhere_are_sent_as_given_and_credentials_stay_hidden() {
    use reqwest::header::{HeaderName, HeaderValue};
    let (url, seen) = server(vec![]).await;
    let req = Request::new(reqwest::Method::POST, url)
        .header_value(
            HeaderName::from_static("content-type"),
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .header_value(HeaderName::from_static("authorization"), HeaderValue::from_static("Basic c2VjcmV0LWlk"))
        .raw_body("token=t0k3n");
    let printed = format!("{req:?}");
    assert!(!printed.contains("c2VjcmV0LWlk"), "an authorization header from a library is marked sensitive: {printed}");
    assert!(!printed.contains("t0k3n"), "{printed}");
    client(1, Duration::from_secs(5)).send(req).await.unwrap();
    let head = &seen.requests()[0];
    assert!(head.contains("content-type: application/x-www-form-urlencoded"), "{head}");
    assert!(head.contains("Basic c2VjcmV0LWlk") && head.contains("content-length: 11"), "the body went too: {head}");
}

#[tokio::test]
async fn request_bodies_never_reach_debug_output() {
    let req = Request::new(reqwest::Method::POST, "https://login.example/token".parse().unwrap())
        .body("application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=r3fr3sh-s3cr3t");
    let printed = format!("{req:?}");
    assert!(!printed.contains("r3fr3sh-s3cr3t"), "the body holds refresh tokens and codes: {printed}");
    assert!(printed.contains("body_len: Some(53)"), "the length is what a reader of the log may know: {printed}");
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_and_not_retried() {
    let (url, seen) =
        server(vec![Step::Respond(200, vec![], r#"{"keys":["a long key set, longer than 16 bytes"]}"#)]).await;
    let err = client(3, Duration::from_secs(5)).send(Request::get(url.clone()).max_body(16)).await.unwrap_err();
    assert!(matches!(&err, Error::TooLarge { limit: 16, .. }), "a 50-byte answer exceeds a 16-byte cap: {err}");
    assert!(err.to_string().contains("larger than 16 bytes"), "the message says what happened: {err}");
    assert_eq!(seen.requests().len(), 1, "the same flood would come again, so it is not asked twice");
    let ok = client(1, Duration::from_secs(5)).send(Request::get(url).max_body(1024)).await.unwrap();
    assert_eq!(ok.status, 200, "under the cap the answer is read as before");
}

#[tokio::test]
async fn a_body_without_length_is_still_capped_while_it_streams() {
    // No Content-Length: the body runs until the server closes, so only counting stops it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!("http://{}/keys", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n").await;
        let _ = sock.write_all(&[b'x'; 64 * 1024]).await;
    });
    let err = client(1, Duration::from_secs(5)).send(Request::get(url).max_body(1024)).await.unwrap_err();
    assert!(matches!(&err, Error::TooLarge { limit: 1024, .. }), "a missing length does not lift the cap: {err}");
}
