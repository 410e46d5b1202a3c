//! The loopback redirect receiver (RFC 8252 §7.3): a tiny HTTP/1.1 server on 127.0.0.1 that
//! waits for the browser to bring back `code` and `state`.
//!
//! Xero matches redirect URIs exactly and has no wildcards (xero.md §2), so the port cannot be
//! whatever the OS hands out: the app registers a few fixed ports and takes the first free one.
//! The IP literal, not `localhost`, is used so a resolver cannot send the code elsewhere
//! (RFC 8252 §8.3). The code never reaches a log: only paths and outcomes are traced.

use crate::error::provider_text;
use crate::{Error, Result};
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use xp_core::Sensitive;

/// The ports registered with Xero for this app, tried in order.
pub const DEFAULT_PORTS: [u16; 3] = [53682, 53683, 53684];
pub const CALLBACK_PATH: &str = "/callback";
/// Matches the pending-flow lifetime: after that the state is refused anyway.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// A browser's speculative connection may never send a request; it must not hold us up.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A callback request line plus headers is well under this; anything bigger is not ours.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct LoopbackConfig {
    /// Tried in order; the first that can be bound is used. `0` means "any free port" and only
    /// suits providers that ignore the loopback port (RFC 8252 §7.3), or tests.
    pub ports: Vec<u16>,
    pub timeout: Duration,
}

impl Default for LoopbackConfig {
    fn default() -> Self {
        Self { ports: DEFAULT_PORTS.to_vec(), timeout: DEFAULT_TIMEOUT }
    }
}

/// What a successful redirect carries.
#[derive(Debug, Clone)]
pub struct Callback {
    pub code: Sensitive<String>,
    pub state: String,
}

/// A bound listener, ready to be put into the redirect URI.
#[derive(Debug)]
pub struct LoopbackReceiver {
    listener: TcpListener,
    port: u16,
    timeout: Duration,
}

impl LoopbackReceiver {
    /// Binds 127.0.0.1 on the first configured port that is free.
    pub async fn bind(config: &LoopbackConfig) -> Result<Self> {
        if config.ports.is_empty() {
            return Err(Error::Listener("no loopback ports are configured".into()));
        }
        let mut failures = Vec::new();
        for &port in &config.ports {
            match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
                Ok(listener) => {
                    let port = listener.local_addr().map_err(|e| Error::Listener(e.to_string()))?.port();
                    tracing::debug!(port, "loopback receiver listening");
                    return Ok(Self { listener, port, timeout: config.timeout });
                }
                Err(e) => failures.push(format!("127.0.0.1:{port} ({e})")),
            }
        }
        Err(Error::Listener(format!("every configured port is unavailable: {}", failures.join(", "))))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The exact URI to put in the authorize request and the code exchange.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Serves until one request to the callback path arrives (other paths get a 404 and do not
    /// end it) or the timeout passes. The browser gets a small self-contained page either way.
    pub async fn receive(self) -> Result<Callback> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let (tx, mut rx) = mpsc::channel::<Result<Callback>>(1);
        // Dropped on return, which aborts connections still being served.
        let mut conns = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        conns.spawn(serve(stream, tx.clone()));
                    }
                    Err(e) => {
                        // E.g. out of file descriptors: pause rather than spin.
                        tracing::warn!(error = %e, "loopback accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                Some(result) = rx.recv() => return result,
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
                _ = tokio::time::sleep_until(deadline) => return Err(Error::CallbackTimeout(self.timeout)),
            }
        }
    }
}

async fn serve(mut stream: TcpStream, tx: mpsc::Sender<Result<Callback>>) {
    let head = match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return,
    };
    let (status, page, outcome) = route(&head);
    let _ = stream.write_all(&response(status, &page)).await;
    let _ = stream.shutdown().await;
    if let Some(outcome) = outcome {
        let _ = tx.send(outcome).await;
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return String::from_utf8(buf[..end].to_vec()).ok();
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

/// Decides the answer for one request head: status, page, and the callback outcome if this
/// request was the callback.
fn route(head: &str) -> (u16, String, Option<Result<Callback>>) {
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        tracing::debug!(path, "loopback receiver: not the callback");
        return (404, page("Not found", "This address only receives the sign-in answer."), None);
    }
    if method != "GET" {
        return (405, page("Not allowed", "This address only receives the sign-in answer."), None);
    }
    let outcome = parse_callback(query);
    let (status, body) = match &outcome {
        Ok(_) => (200, page("Signed in", "You can close this window and return to Xero Partner.")),
        Err(Error::AccessDenied { .. }) => (
            200,
            page("Sign-in cancelled", "No access was granted. You can close this window and return to Xero Partner."),
        ),
        Err(e) => (400, page("Sign-in failed", &format!("{e}. You can close this window and return to Xero Partner."))),
    };
    tracing::info!(status, ok = outcome.is_ok(), "loopback receiver: callback served");
    (status, body, Some(outcome))
}

/// Parses the redirect's query (RFC 6749 §4.1.2 and §4.1.2.1). Parameters must not repeat
/// (§3.1): a second `code` or `state` could only come from tampering.
pub fn parse_callback(query: &str) -> Result<Callback> {
    let mut seen = HashSet::new();
    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if !seen.insert(k.clone().into_owned()) {
            return Err(Error::BadCallback(format!("parameter '{}' appears more than once", provider_text(&k))));
        }
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(provider_text(&v)),
            _ => {}
        }
    }
    if let Some(error) = error {
        let error = provider_text(&error);
        return Err(if error == "access_denied" {
            Error::AccessDenied { description, state }
        } else {
            Error::AuthorizationRefused { error, description, state }
        });
    }
    match (code.filter(|c| !c.is_empty()), state.filter(|s| !s.is_empty())) {
        (Some(code), Some(state)) => Ok(Callback { code: Sensitive::new(code), state }),
        (None, _) => Err(Error::BadCallback("no authorization code".into())),
        (Some(_), None) => Err(Error::BadCallback("no state".into())),
    }
}

/// For redirects that arrive as a whole URL (a deep link such as `com.example.app:/callback?...`
/// handed over by the OS): checks that it is our redirect URI, then parses its query.
pub fn parse_redirect(url: &str, expected_redirect_uri: &str) -> Result<Callback> {
    let (target, query) = url.split_once('?').unwrap_or((url, ""));
    if target != expected_redirect_uri {
        return Err(Error::BadCallback("the redirect does not go to this app's redirect URI".into()));
    }
    parse_callback(query.split('#').next().unwrap_or_default())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Self-contained on purpose: no scripts, images, fonts or links that could leak the URL (and
/// its code) through a Referer or reach the network.
fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} – Xero Partner</title>\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1e293b}}\
         @media (prefers-color-scheme:dark){{body{{background:#0f172a;color:#e2e8f0}}}}h1{{font-size:1.4rem}}</style>\
         </head><body><h1>{t}</h1><p>{m}</p></body></html>",
        t = html_escape(title),
        m = html_escape(message)
    )
}

fn response(status: u16, body: &str) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_and_state() {
        let cb = parse_callback("code=abc%2B1&state=s-1&scope=offline_access").unwrap();
        assert_eq!(cb.code.expose(), "abc+1", "percent-decoded");
        assert_eq!(cb.state, "s-1");
    }

    #[test]
    fn refuses_repeated_parameters() {
        for q in ["code=a&code=b&state=s", "code=a&state=s&state=t", "error=x&error=y"] {
            assert!(matches!(parse_callback(q), Err(Error::BadCallback(_))), "{q}: RFC 6749 §3.1 forbids repeats");
        }
    }

    #[test]
    fn error_redirects_become_typed_errors() {
        match parse_callback("error=access_denied&error_description=User%20said%20no&state=s") {
            Err(Error::AccessDenied { description, state }) => {
                assert_eq!(description.as_deref(), Some("User said no"));
                assert_eq!(state.as_deref(), Some("s"));
            }
            other => panic!("expected AccessDenied, got {other:?}"),
        }
        assert!(matches!(
            parse_callback("error=invalid_scope&state=s"),
            Err(Error::AuthorizationRefused { error, .. }) if error == "invalid_scope"
        ));
    }

    #[test]
    fn whole_redirect_urls_must_match_the_redirect_uri() {
        let cb =
            parse_redirect("com.xeropartner.app:/callback?code=c&state=s", "com.xeropartner.app:/callback").unwrap();
        assert_eq!((cb.code.expose().as_str(), cb.state.as_str()), ("c", "s"));
        for other in ["com.evil.app:/callback?code=c&state=s", "com.xeropartner.app:/callbackx?code=c&state=s"] {
            assert!(parse_redirect(other, "com.xeropartner.app:/callback").is_err(), "{other}");
        }
    }

    #[test]
    fn missing_code_or_state_is_a_bad_callback() {
        for q in ["", "state=s", "code=c", "code=&state=s"] {
            assert!(matches!(parse_callback(q), Err(Error::BadCallback(_))), "{q:?}");
        }
    }

    #[test]
    fn the_browser_page_never_shows_the_code() {
        let (status, body, outcome) = route("GET /callback?code=s3cr3t-code&state=st HTTP/1.1\r\nHost: x");
        assert_eq!(status, 200);
        assert!(body.contains("You can close this window and return to Xero Partner"));
        assert!(!body.contains("s3cr3t-code"));
        assert!(!body.contains("http"), "no external resources or links");
        assert!(outcome.unwrap().is_ok());
        let (status, body, _) = route("GET /callback?error=server_error&error_description=%3Cscript%3E HTTP/1.1");
        assert_eq!(status, 400);
        assert!(!body.contains("<script>"), "provider text is escaped");
    }

    #[test]
    fn other_paths_get_404_and_no_outcome() {
        let (status, _, outcome) = route("GET /favicon.ico HTTP/1.1");
        assert_eq!(status, 404);
        assert!(outcome.is_none(), "a favicon request must not end the wait");
        let (status, _, outcome) = route("POST /callback HTTP/1.1");
        assert_eq!(status, 405);
        assert!(outcome.is_none());
    }

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn serves_one_callback_after_ignoring_other_paths() {
        let config = LoopbackConfig { ports: vec![0], timeout: Duration::from_secs(60) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        let port = rx.port();
        assert_eq!(rx.redirect_uri(), format!("http://127.0.0.1:{port}/callback"));
        let waiting = tokio::spawn(rx.receive());
        // A speculative connection that never sends anything must not block the real one.
        let _idle = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.unwrap();
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let page = get(port, "/callback?code=c-1&state=s-1").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        let cb = waiting.await.unwrap().unwrap();
        assert_eq!((cb.code.expose().as_str(), cb.state.as_str()), ("c-1", "s-1"));
    }

    #[tokio::test]
    async fn takes_the_next_port_when_one_is_busy_and_fails_when_all_are() {
        let busy = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let busy_port = busy.local_addr().unwrap().port();
        let config = LoopbackConfig { ports: vec![busy_port, 0], timeout: Duration::from_secs(1) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        assert_ne!(rx.port(), busy_port, "a busy port is skipped");
        let all_busy = LoopbackConfig { ports: vec![busy_port, rx.port()], timeout: Duration::from_secs(1) };
        let err = LoopbackReceiver::bind(&all_busy).await.unwrap_err();
        assert!(matches!(&err, Error::Listener(m) if m.contains(&busy_port.to_string())), "{err}");
    }

    #[tokio::test]
    async fn gives_up_after_the_timeout() {
        let config = LoopbackConfig { ports: vec![0], timeout: Duration::from_millis(20) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        assert!(matches!(rx.receive().await, Err(Error::CallbackTimeout(_))));
    }
}
