use std::sync::Arc;
use std::time::Duration;
use xp_core::ErrorCode;

/// Everything that can go wrong while signing in or keeping a sign-in alive.
///
/// Messages say what happened and what to do next. None of them carries a token, a code or a
/// verifier: provider descriptions are scrubbed and trimmed before they are kept. The error is
/// `Clone` (sources are shared behind `Arc`) because one failed refresh is handed to every
/// caller that waited for it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The redirect carried a `state` this app never issued (or forgot long ago): possibly a
    /// forged or foreign callback (RFC 6749 §10.12).
    #[error("the sign-in answer does not belong to a sign-in this app started; start the sign-in again from the app")]
    UnknownState,
    #[error("the sign-in took too long and expired; start the sign-in again from the app")]
    ExpiredState,
    #[error("this sign-in answer was already used; start a new sign-in from the app if you need one")]
    ReplayedState,

    /// The authorization server redirected back with `error=access_denied` (RFC 6749 §4.1.2.1).
    /// Anyone can send such a redirect, so the message is fixed: the provider's description is
    /// kept (cleaned) for the log only, never shown as what happened.
    #[error("sign-in was cancelled or access was not granted; start the sign-in again and choose Allow")]
    AccessDenied { description: Option<String>, state: Option<String> },
    /// Any other `error=` on the redirect (invalid_scope, invalid_request, server_error, ...):
    /// a fixed message per RFC 6749 / OIDC Core error code, never the provider's text.
    #[error("{}", refusal_message(error))]
    AuthorizationRefused { error: String, description: Option<String>, state: Option<String> },
    /// The redirect could not be understood (missing code, repeated parameters, ...).
    #[error("the sign-in answer was malformed ({0}); start the sign-in again")]
    BadCallback(String),
    #[error("no sign-in answer arrived within {} s; start the sign-in again and finish it in the browser", .0.as_secs())]
    CallbackTimeout(Duration),
    /// The loopback receiver could not listen (all configured ports busy, ...).
    #[error("cannot listen for the sign-in answer: {0}; close other programs using these ports or another running copy of the app, then try again")]
    Listener(String),
    /// A request we were asked to build is not valid (e.g. an extra parameter overriding a standard one).
    #[error("invalid sign-in request: {0}")]
    InvalidRequest(String),

    /// The token endpoint answered `invalid_grant` (RFC 6749 §5.2): the code or refresh token is
    /// expired, used or revoked.
    #[error("the provider no longer accepts this sign-in{}; connect the account again", fmt_desc(description))]
    InvalidGrant { description: Option<String> },
    /// Any other RFC 6749 §5.2 error (invalid_client, invalid_scope, unauthorized_client, ...).
    #[error("the provider's token endpoint refused the request (HTTP {status}, {error}{}); check the app's provider settings", fmt_desc(description))]
    TokenEndpoint { status: u16, error: String, description: Option<String> },
    /// A refresh for a stored connection cannot succeed: the user has to sign in again.
    #[error("the connection '{key}' needs to be connected again: {reason}")]
    ReconnectNeeded { key: String, reason: String },
    /// A 2xx token response without the fields RFC 6749 §5.1 requires.
    #[error("the provider's token response is unusable ({0}); try again later or report it")]
    MalformedTokenResponse(String),

    /// An ID token failed validation (OIDC Core §3.1.3.7; okta.md §6). Code `provider`: the
    /// token came from the provider's side of the sign-in (or from someone posing as it), not
    /// from anything the user typed, and a fresh sign-in is the way forward.
    #[error("the sign-in token was refused: {0}; sign in again")]
    IdTokenRejected(crate::oidc::Rejected),
    /// The provider's OpenID configuration (discovery document or key set) is unusable, or the
    /// configured issuer is not one this app may use. Code `config`: the issuer URL in the
    /// settings is the usual cause.
    #[error("the sign-in provider's configuration is unusable: {0}; check the issuer URL in the settings")]
    Discovery(String),

    #[error("{0}; {hint}", hint = http_hint(.0))]
    Http(Arc<xp_http::Error>),
    #[error("cannot keep the sign-in in the keychain: {0}")]
    Vault(Arc<xp_vault::Error>),
}

fn http_hint(e: &xp_http::Error) -> &'static str {
    match e {
        e if e.is_transport() => "check the internet connection and try again",
        xp_http::Error::RateLimited { .. } => "wait a moment and try again",
        _ => "try again later; if it keeps failing, the provider may be having problems",
    }
}

/// What an authorization error code (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6) means for the user.
/// Unknown codes get the generic sentence: the code itself is the sender's text.
fn refusal_message(error: &str) -> &'static str {
    match error {
        "access_denied" => "sign-in was cancelled or access was not granted; start the sign-in again and choose Allow",
        "login_required" => "the provider needs you to sign in again; start the sign-in again from the app",
        "consent_required" => "the provider needs your consent for this app; start the sign-in again and grant access",
        "interaction_required" => {
            "the provider needs you to finish a step in the browser; start the sign-in again and complete it there"
        }
        "invalid_request" => {
            "the provider refused the sign-in request as invalid; check the app's provider settings and try again"
        }
        "server_error" => "the provider had an error during sign-in; try again later",
        "temporarily_unavailable" => "the provider is temporarily unavailable; try again in a few minutes",
        _ => "the provider refused the sign-in; check the app's provider settings and try again",
    }
}

fn fmt_desc(d: &Option<String>) -> String {
    d.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::UnknownState | Error::ExpiredState | Error::ReplayedState => ErrorCode::InvalidInput,
            Error::BadCallback(_) | Error::InvalidRequest(_) => ErrorCode::InvalidInput,
            Error::InvalidGrant { .. } | Error::ReconnectNeeded { .. } => ErrorCode::ReconnectNeeded,
            Error::Http(e) if e.is_transport() => ErrorCode::Offline,
            Error::Http(e) => match e.as_ref() {
                xp_http::Error::RateLimited { .. } => ErrorCode::RateLimited,
                _ => ErrorCode::Provider,
            },
            Error::Vault(e) => e.code(),
            Error::Listener(_) => ErrorCode::Internal,
            Error::Discovery(_) => ErrorCode::Config,
            Error::IdTokenRejected(_) => ErrorCode::Provider,
            Error::AccessDenied { .. }
            | Error::AuthorizationRefused { .. }
            | Error::CallbackTimeout(_)
            | Error::TokenEndpoint { .. }
            | Error::MalformedTokenResponse(_) => ErrorCode::Provider,
        }
    }

    /// True when the request may have reached the provider but its answer never came back: the
    /// only case in which a refresh is retried with the same refresh token.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_transport())
    }
}

trait Transport {
    fn is_transport(&self) -> bool;
}

impl Transport for xp_http::Error {
    fn is_transport(&self) -> bool {
        matches!(self, xp_http::Error::Connect { .. } | xp_http::Error::Timeout { .. } | xp_http::Error::Body { .. })
    }
}

impl From<xp_http::Error> for Error {
    fn from(e: xp_http::Error) -> Self {
        Error::Http(Arc::new(e))
    }
}

impl From<crate::oidc::Rejected> for Error {
    fn from(r: crate::oidc::Rejected) -> Self {
        Error::IdTokenRejected(r)
    }
}

impl From<xp_vault::Error> for Error {
    fn from(e: xp_vault::Error) -> Self {
        Error::Vault(Arc::new(e))
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Provider-supplied text kept in errors: scrubbed of anything credential-like, reduced to
/// printable ASCII (a newline would forge a log line, a bidi override would reorder one) and
/// trimmed.
pub(crate) fn provider_text(s: &str) -> String {
    const MAX: usize = 300;
    let s = xp_core::redact::scrub(s.trim());
    let s: String = s.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
    if s.chars().count() > MAX {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_let_the_ui_branch_on_what_to_do() {
        assert_eq!(Error::InvalidGrant { description: None }.code(), ErrorCode::ReconnectNeeded);
        assert_eq!(Error::ReconnectNeeded { key: "k".into(), reason: "r".into() }.code(), ErrorCode::ReconnectNeeded);
        for e in [Error::UnknownState, Error::ExpiredState, Error::ReplayedState] {
            assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
        }
        let offline = Error::from(xp_http::Error::Connect { host: "h".into(), reason: "reset".into() });
        assert_eq!(offline.code(), ErrorCode::Offline);
        assert!(offline.is_transport());
        let status = Error::from(xp_http::Error::Status { host: "h".into(), status: 500, body: "x".into() });
        assert_eq!(status.code(), ErrorCode::Provider);
        assert!(!status.is_transport(), "an answered request is not a lost response");
        let other = Error::TokenEndpoint { status: 400, error: "invalid_scope".into(), description: None };
        assert_eq!(other.code(), ErrorCode::Provider);
        assert_eq!(Error::Discovery("x".into()).code(), ErrorCode::Config, "a wrong issuer URL is a settings problem");
        let rejected = Error::from(crate::oidc::Rejected::BadSignature);
        assert_eq!(rejected.code(), ErrorCode::Provider);
        assert!(rejected.to_string().contains("sign in again"), "{rejected}");
    }

    #[test]
    fn redirect_errors_show_a_fixed_message_per_code_and_never_the_provider_text() {
        let planted = "Okta has moved: sign in at https://evil.example";
        let codes = [
            "access_denied",
            "login_required",
            "consent_required",
            "interaction_required",
            "invalid_request",
            "server_error",
            "temporarily_unavailable",
            "invalid_scope",
            "Sign in at https://evil.example",
        ];
        for code in codes {
            let e = Error::AuthorizationRefused { error: code.into(), description: Some(planted.into()), state: None };
            let msg = e.to_string();
            assert_eq!(msg, refusal_message(code), "{code}: the message is the fixed one for the code");
            assert!(!msg.contains("evil.example"), "{code}: provider text never reaches the headline: {msg}");
        }
        assert_ne!(refusal_message("login_required"), refusal_message("other"), "known codes say what to do");
        assert_eq!(refusal_message("Sign in at https://evil.example"), refusal_message("invalid_scope"));
        let denied = Error::AccessDenied { description: Some(planted.into()), state: None }.to_string();
        assert!(!denied.contains("evil.example") && denied.contains("choose Allow"), "{denied}");
    }

    #[test]
    fn provider_text_loses_newlines_control_and_bidi_characters() {
        let t = provider_text("moved\r\n2026-01-01T00:00:00Z INFO signed in\u{202e}txt.exe\u{2066}\t\u{1b}[31m");
        assert!(!t.contains(['\r', '\n', '\t', '\u{202e}', '\u{2066}', '\u{1b}']), "{t:?}");
        assert!(t.starts_with("moved??2026-01-01T00:00:00Z INFO signed in?txt.exe?"), "{t:?}");
    }

    #[test]
    fn provider_text_is_scrubbed_and_trimmed() {
        let t = provider_text("bad refresh_token=abc123secret");
        assert!(!t.contains("abc123secret"), "{t}");
        assert!(provider_text(&"x".repeat(1000)).chars().count() <= 301);
    }
}
