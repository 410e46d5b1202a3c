//! The loopback redirect receiver (RFC 8252 §7.3): a tiny HTTP/1.1 server on 127.0.0.1 that
//! waits for the browser to bring back `code` and `state`.
//!
//! Xero matches redirect URIs exactly and has no wildcards (xero.md §2), so the port cannot be
//! whatever the OS hands out: the app registers a few fixed ports and takes the first free one.
//! The IP literal, not `localhost`, is used so a resolver cannot send the code elsewhere
//! (RFC 8252 §8.3). The code never reaches a log: only paths and outcomes are traced.
//!
//! The ports are public, so any web page or local process can send a request here. Only the
//! request that carries the pending flow's `state` ends the wait; every other one gets a neutral
//! 400 page and the receiver keeps listening, so a forged hit can neither end the sign-in nor
//! make the browser say "Signed in". Requests must name this listener in `Host` (a DNS-rebound
//! page names its own host) and, when the browser says how it fetches, come from a navigation.

use crate::error::provider_text;
use crate::oidc::id_token::same;
use crate::{Error, Result};
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
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
/// Connections served at once. A browser opens a handful; more only cost tasks and descriptors.
/// Further connections wait in the OS backlog until a slot frees up.
pub const MAX_CONNECTIONS: usize = 16;

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
    /// RFC 9207's `iss`, when the authorization server sends it (Okta can; Xero does not).
    pub iss: Option<String>,
}

impl Callback {
    /// RFC 9207 §2.4: an answer that names an issuer must name the one this flow was sent to,
    /// or it may come from a mix-up with another authorization server. Answers without `iss`
    /// pass: the providers here are fixed by configuration, so the check only tightens.
    pub fn check_issuer(&self, issuer: &str) -> Result<()> {
        match &self.iss {
            Some(iss) if iss != issuer => {
                Err(Error::BadCallback("it names another authorization server as its issuer (RFC 9207)".into()))
            }
            _ => Ok(()),
        }
    }
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

    /// Serves until a request to the callback path carrying `expected_state` arrives, or the
    /// timeout passes. Other requests (other paths, other states, another `Host`, a non-navigation
    /// fetch) are answered and do not end the wait. The browser gets a small self-contained page.
    pub async fn receive(self, expected_state: impl Into<String>) -> Result<Callback> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let (tx, mut rx) = mpsc::channel::<Result<Callback>>(1);
        let expected =
            std::sync::Arc::new(Expected { host: format!("127.0.0.1:{}", self.port), state: expected_state.into() });
        let slots = std::sync::Arc::new(Semaphore::new(MAX_CONNECTIONS));
        // Dropped on return, which aborts connections still being served.
        let mut conns = JoinSet::new();
        loop {
            tokio::select! {
                // Accepts only while a slot is free; a finished connection wakes the loop below.
                accepted = self.listener.accept(), if slots.available_permits() > 0 => match accepted {
                    Ok((stream, _)) => {
                        let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
                        conns.spawn(serve(stream, expected.clone(), tx.clone(), slot));
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

/// What a request must show to be the answer this receiver waits for.
#[derive(Debug)]
pub(crate) struct Expected {
    /// `Host` as the redirect URI makes the browser send it.
    pub(crate) host: String,
    pub(crate) state: String,
}

async fn serve(
    mut stream: TcpStream,
    expected: std::sync::Arc<Expected>,
    tx: mpsc::Sender<Result<Callback>>,
    _slot: tokio::sync::OwnedSemaphorePermit,
) {
    let head = match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return,
    };
    let (status, page, outcome) = route(&head, &expected);
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

/// The one page every request that is not the awaited answer gets: it says nothing about the
/// sign-in in progress and takes no text from the request.
fn neutral() -> (u16, String, Option<Result<Callback>>) {
    (
        400,
        page("Not a sign-in answer", "This address only receives the answer to a sign-in started in Xero Partner."),
        None,
    )
}

/// The value of header `name` (case-insensitive), if it appears exactly once.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    let mut values = head.lines().skip(1).filter_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    });
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// The query's `state`, if it appears exactly once.
fn single_state(query: &str) -> Option<String> {
    let mut states = url::form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k == "state").map(|(_, v)| v);
    let first = states.next()?;
    states.next().is_none().then(|| first.into_owned())
}

/// Decides the answer for one request head: status, page, and the callback outcome if this
/// request was the awaited callback. The page text is chosen only after the state matched.
pub(crate) fn route(head: &str, expected: &Expected) -> (u16, String, Option<Result<Callback>>) {
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    // RFC 9110 §7.2: a DNS-rebound page would send its own host name; a missing Host is not a browser.
    if !header(head, "host").is_some_and(|h| h.eq_ignore_ascii_case(&expected.host)) {
        tracing::debug!("loopback receiver: request for another host refused");
        return neutral();
    }
    // Fetch metadata: the redirect is a top-level navigation; an <img>, fetch() or iframe is not.
    if header(head, "sec-fetch-mode").is_some_and(|m| !m.eq_ignore_ascii_case("navigate")) {
        tracing::debug!("loopback receiver: non-navigation request refused");
        return neutral();
    }
    if path != CALLBACK_PATH {
        tracing::debug!(path, "loopback receiver: not the callback");
        return (404, page("Not found", "This address only receives the sign-in answer."), None);
    }
    if method != "GET" {
        return (405, page("Not allowed", "This address only receives the sign-in answer."), None);
    }
    if !single_state(query).is_some_and(|s| same(s.as_bytes(), expected.state.as_bytes())) {
        tracing::debug!("loopback receiver: callback for another sign-in refused");
        return neutral();
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
    let (mut code, mut state, mut error, mut description, mut iss) = (None, None, None, None, None);
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if !seen.insert(k.clone().into_owned()) {
            return Err(Error::BadCallback(format!("parameter '{}' appears more than once", provider_text(&k))));
        }
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(provider_text(&v)),
            "iss" => iss = Some(v.into_owned()),
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
        (Some(code), Some(state)) => Ok(Callback { code: Sensitive::new(code), state, iss }),
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
    fn an_answer_naming_another_issuer_is_refused() {
        let issuer = "https://dev-1.okta.com/oauth2/default";
        let named = parse_callback(&format!("code=c&state=s&iss={issuer}")).unwrap();
        assert!(named.check_issuer(issuer).is_ok(), "the issuer the flow was sent to");
        let mixed = parse_callback("code=c&state=s&iss=https%3A%2F%2Fevil.example").unwrap();
        let err = mixed.check_issuer(issuer).unwrap_err();
        assert!(matches!(&err, Error::BadCallback(m) if m.contains("RFC 9207")), "a mix-up is refused: {err}");
        assert!(!err.to_string().contains("evil.example"), "the sender's text is not repeated: {err}");
        assert!(parse_callback("code=c&state=s").unwrap().check_issuer(issuer).is_ok(), "iss is optional");
        assert!(parse_callback("code=c&state=s&iss=a&iss=b").is_err(), "a repeated iss is tampering");
    }

    #[test]
    fn missing_code_or_state_is_a_bad_callback() {
        for q in ["", "state=s", "code=c", "code=&state=s"] {
            assert!(matches!(parse_callback(q), Err(Error::BadCallback(_))), "{q:?}");
        }
    }

    fn expecting(state: &str) -> Expected {
        Expected { host: "127.0.0.1:53682".into(), state: state.into() }
    }

    fn head(target: &str, extra: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:53682\r\n{extra}")
    }

    #[test]
    fn the_browser_page_never_shows_the_code() {
        let (status, body, outcome) = route(&head("/callback?code=s3cr3t-code&state=st", ""), &expecting("st"));
        assert_eq!(status, 200);
        assert!(body.contains("You can close this window and return to Xero Partner"));
        assert!(!body.contains("s3cr3t-code"));
        assert!(!body.contains("http"), "no external resources or links");
        assert!(outcome.unwrap().is_ok());
        let (status, body, _) =
            route(&head("/callback?error=server_error&error_description=%3Cscript%3E&state=st", ""), &expecting("st"));
        assert_eq!(status, 400);
        assert!(!body.contains("<script>"), "provider text is escaped");
    }

    #[test]
    fn other_paths_get_404_and_no_outcome() {
        let (status, _, outcome) = route(&head("/favicon.ico", ""), &expecting("st"));
        assert_eq!(status, 404);
        assert!(outcome.is_none(), "a favicon request must not end the wait");
        let (status, _, outcome) = route("POST /callback?state=st HTTP/1.1\r\nHost: 127.0.0.1:53682", &expecting("st"));
        assert_eq!(status, 405);
        assert!(outcome.is_none());
    }

    #[test]
    fn a_callback_with_another_state_gets_the_neutral_page_and_no_outcome() {
        let neutral_page = neutral().1;
        for target in [
            "/callback?code=c&state=forged",
            "/callback?error=access_denied&error_description=Okta%20has%20moved&state=forged",
            "/callback?code=c",
            "/callback?code=c&state=st&state=st",
            "/callback?code=c&state=st-longer",
        ] {
            let (status, body, outcome) = route(&head(target, ""), &expecting("st"));
            assert_eq!(status, 400, "{target}: only the pending state is an answer");
            assert_eq!(body, neutral_page, "{target}: the page must not depend on the request");
            assert!(outcome.is_none(), "{target}: a foreign request must not end the wait");
        }
    }

    #[test]
    fn requests_naming_another_host_or_not_navigating_are_refused() {
        let target = "/callback?code=c&state=st";
        let cases = [
            format!("GET {target} HTTP/1.1\r\nHost: rebound.example:53682"),
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:53683"),
            format!("GET {target} HTTP/1.1"),
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:53682\r\nHost: 127.0.0.1:53682"),
            head(target, "Sec-Fetch-Mode: no-cors"),
            head(target, "sec-fetch-mode: cors"),
        ];
        for h in cases {
            let (status, _, outcome) = route(&h, &expecting("st"));
            assert_eq!(status, 400, "{h:?}: the redirect is a navigation to 127.0.0.1:<port>");
            assert!(outcome.is_none(), "{h:?}");
        }
        let (status, _, outcome) = route(&head(target, "Sec-Fetch-Mode: navigate\r\nhost-ish: x"), &expecting("st"));
        assert_eq!(status, 200, "a browser's own navigation is the answer");
        assert!(outcome.is_some());
    }

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn a_forged_callback_neither_ends_the_wait_nor_says_signed_in() {
        let config = LoopbackConfig { ports: vec![0], timeout: Duration::from_secs(60) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        let port = rx.port();
        let waiting = tokio::spawn(rx.receive("the-real-state"));
        let forged = get(port, "/callback?code=forged-code&state=forged").await;
        assert!(forged.starts_with("HTTP/1.1 400"), "a foreign state is not an answer: {forged}");
        assert!(!forged.contains("Signed in"), "the browser must not claim success for a forged hit");
        let denied = get(port, "/callback?error=access_denied&error_description=attacker%20text&state=x").await;
        assert!(denied.starts_with("HTTP/1.1 400") && !denied.contains("attacker text"), "{denied}");
        assert!(!waiting.is_finished(), "forged requests must not end the sign-in");
        let real = get(port, "/callback?code=real-code&state=the-real-state").await;
        assert!(real.starts_with("HTTP/1.1 200") && real.contains("Signed in"), "{real}");
        let cb = waiting.await.unwrap().unwrap();
        assert_eq!(cb.code.expose(), "real-code", "the real answer, not the first one, ends the wait");
    }

    #[tokio::test]
    async fn connections_beyond_the_cap_wait_for_a_free_slot() {
        let config = LoopbackConfig { ports: vec![0], timeout: Duration::from_secs(60) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        let port = rx.port();
        let waiting = tokio::spawn(rx.receive("st"));
        let mut idle = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            idle.push(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.unwrap());
        }
        // Each idle connection holds its slot until it sends a request or the read times out.
        let mut extra = tokio::spawn(get(port, "/favicon.ico"));
        // Can only pass wrongly (a slow machine), never fail wrongly: a served request answers at once.
        let early = tokio::time::timeout(Duration::from_millis(300), &mut extra).await;
        assert!(early.is_err(), "the seventeenth connection must not be served while sixteen hold every slot");
        drop(idle.pop());
        assert!(extra.await.unwrap().starts_with("HTTP/1.1 404"), "a freed slot serves the waiting connection");
        assert!(get(port, "/callback?code=c&state=st").await.starts_with("HTTP/1.1 200"));
        assert!(waiting.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn serves_one_callback_after_ignoring_other_paths() {
        let config = LoopbackConfig { ports: vec![0], timeout: Duration::from_secs(60) };
        let rx = LoopbackReceiver::bind(&config).await.unwrap();
        let port = rx.port();
        assert_eq!(rx.redirect_uri(), format!("http://127.0.0.1:{port}/callback"));
        let waiting = tokio::spawn(rx.receive("s-1"));
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
        assert!(matches!(rx.receive("s").await, Err(Error::CallbackTimeout(_))));
    }
}
