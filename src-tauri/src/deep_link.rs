//! Validates every URL that arrives through the app's private-use scheme (RFC 8252 §7.1) and
//! turns it into an action. Pure: no Tauri types, so every malformed case is unit-tested.
//!
//! Accepted:
//! - `com.xeropartner.app://open/<route>` with route dashboard | transactions | connections | settings
//! - `com.xeropartner.app://open/transactions/<id>`
//! - `com.xeropartner.app://auth/callback?code=…&state=…` (OAuth redirect; `error=` also accepted)

use xp_core::Sensitive;

pub const SCHEME: &str = "com.xeropartner.app";
const MAX_URL_LEN: usize = 4096;

#[derive(Debug, PartialEq, Eq)]
pub enum DeepLink {
    Navigate { path: String },
    AuthCallback { state: String, outcome: AuthOutcome },
}

#[derive(Debug, PartialEq, Eq)]
pub enum AuthOutcome {
    Code(Sensitive<String>),
    Error { error: String, description: Option<String> },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RouteError {
    #[error("not a URL")]
    Malformed,
    #[error("URL longer than {MAX_URL_LEN} characters")]
    TooLong,
    #[error("scheme {0:?} is not this app's")]
    WrongScheme(String),
    #[error("unknown deep-link target {0:?}")]
    UnknownTarget(String),
    #[error("invalid record id")]
    BadId,
    #[error("sign-in callback without {0}")]
    MissingParam(&'static str),
    #[error("sign-in callback repeats {0}")]
    RepeatedParam(String),
}

pub fn route(raw: &str) -> Result<DeepLink, RouteError> {
    if raw.len() > MAX_URL_LEN {
        return Err(RouteError::TooLong);
    }
    let url = url::Url::parse(raw).map_err(|_| RouteError::Malformed)?;
    if url.scheme() != SCHEME {
        return Err(RouteError::WrongScheme(url.scheme().chars().take(40).collect()));
    }
    if url.username() != "" || url.password().is_some() || url.port().is_some() || url.fragment().is_some() {
        return Err(RouteError::Malformed);
    }
    let mut segments: Vec<&str> =
        url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    // `scheme://auth/callback` has a host; RFC 8252 §7.1's `scheme:/auth/callback` has none, and
    // its first path segment plays the same part.
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h,
        _ if !segments.is_empty() => segments.remove(0),
        _ => "",
    };
    match (host, segments.as_slice()) {
        ("open", [page]) if ["dashboard", "transactions", "connections", "settings"].contains(page) => {
            no_query(&url)?;
            Ok(DeepLink::Navigate { path: format!("/{page}") })
        }
        ("open", ["transactions", id]) => {
            no_query(&url)?;
            if id.is_empty()
                || id.len() > 64
                || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(RouteError::BadId);
            }
            Ok(DeepLink::Navigate { path: format!("/transactions/{id}") })
        }
        ("auth", ["callback"]) => auth_callback(&url),
        _ => Err(RouteError::UnknownTarget(format!("{host}/{}", segments.join("/")).chars().take(80).collect())),
    }
}

fn no_query(url: &url::Url) -> Result<(), RouteError> {
    match url.query() {
        None | Some("") => Ok(()),
        Some(_) => Err(RouteError::Malformed),
    }
}

fn auth_callback(url: &url::Url) -> Result<DeepLink, RouteError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url.query_pairs() {
        let slot = match k.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            // Okta's `iss` (RFC 9207): compared with the issuer by the Okta sign-in flow, not here.
            _ => continue,
        };
        // A repeated parameter is a classic injection trick: refuse rather than pick one.
        if slot.replace(v.into_owned()).is_some() {
            return Err(RouteError::RepeatedParam(k.into_owned()));
        }
    }
    let state = state.filter(|s| !s.is_empty()).ok_or(RouteError::MissingParam("state"))?;
    let outcome = match (code, error) {
        (_, Some(error)) => AuthOutcome::Error { error, description },
        (Some(code), None) if !code.is_empty() => AuthOutcome::Code(Sensitive::new(code)),
        _ => return Err(RouteError::MissingParam("code")),
    };
    Ok(DeepLink::AuthCallback { state, outcome })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pages_and_records_navigate() {
        assert_eq!(route("com.xeropartner.app://open/settings"), Ok(DeepLink::Navigate { path: "/settings".into() }));
        assert_eq!(
            route("com.xeropartner.app://open/transactions/inv-123_A"),
            Ok(DeepLink::Navigate { path: "/transactions/inv-123_A".into() })
        );
    }

    #[test]
    fn the_single_slash_form_of_rfc_8252_routes_the_same() {
        assert_eq!(
            route("com.xeropartner.app:/auth/callback?code=abc&state=xyz").unwrap(),
            DeepLink::AuthCallback { state: "xyz".into(), outcome: AuthOutcome::Code(Sensitive::new("abc".into())) }
        );
        assert_eq!(route("com.xeropartner.app:/open/settings"), Ok(DeepLink::Navigate { path: "/settings".into() }));
        assert!(route("com.xeropartner.app:/").is_err());
    }

    #[test]
    fn auth_callbacks_carry_state_and_code() {
        let r = route("com.xeropartner.app://auth/callback?code=abc&state=xyz&iss=https%3A%2F%2Fokta").unwrap();
        assert_eq!(
            r,
            DeepLink::AuthCallback { state: "xyz".into(), outcome: AuthOutcome::Code(Sensitive::new("abc".into())) }
        );
        assert!(!format!("{r:?}").contains("abc"), "the code must not show in logs");
        let e = route("com.xeropartner.app://auth/callback?error=access_denied&state=s").unwrap();
        assert!(matches!(e, DeepLink::AuthCallback { outcome: AuthOutcome::Error { .. }, .. }));
    }

    #[test]
    fn anything_else_is_refused_without_panicking() {
        let long = format!("com.xeropartner.app://open/transactions/{}", "a".repeat(5000));
        let cases: Vec<(&str, RouteError)> = vec![
            ("", RouteError::Malformed),
            ("not a url", RouteError::Malformed),
            ("https://evil.example/open/settings", RouteError::WrongScheme("https".into())),
            ("com.xeropartner.app://open/admin", RouteError::UnknownTarget("open/admin".into())),
            ("com.xeropartner.app://open/transactions/../../etc", RouteError::UnknownTarget("open/etc".into())),
            ("com.xeropartner.app://open/transactions/a%2Fb", RouteError::BadId),
            ("com.xeropartner.app://open/transactions/<script>", RouteError::BadId),
            ("com.xeropartner.app://open/settings?x=1", RouteError::Malformed),
            ("com.xeropartner.app://user:pw@open/settings", RouteError::Malformed),
            ("com.xeropartner.app://auth/callback?code=a", RouteError::MissingParam("state")),
            ("com.xeropartner.app://auth/callback?state=s", RouteError::MissingParam("code")),
            ("com.xeropartner.app://auth/callback?code=a&code=b&state=s", RouteError::RepeatedParam("code".into())),
            (long.as_str(), RouteError::TooLong),
        ];
        for (input, want) in cases {
            assert_eq!(route(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap fuzz over odd inputs: the router must return, never panic.
        let pieces = [
            "com.xeropartner.app://",
            "open",
            "/",
            "auth",
            "callback",
            "?",
            "&",
            "=",
            "%00",
            "%ff",
            "\u{202e}",
            "transactions",
            "::",
            "#",
        ];
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..5000 {
            let mut s = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let _ = route(&s);
            seed = seed.wrapping_add(1);
        }
    }
}
