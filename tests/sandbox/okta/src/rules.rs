//! Pure decisions of the authorization server: which redirect URIs are registered, PKCE, scopes,
//! refresh-token rotation. No I/O, so each rule is unit-tested here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// The app's private-use URI scheme (reverse DNS, RFC 8252 §7.1; same as src-tauri/src/deep_link.rs).
pub const SCHEME: &str = "com.xeropartner.app";

/// Sign-in redirect URIs registered for the demo client. Both spellings of the private-use
/// scheme are registered: RFC 8252 §7.1 prefers a single slash, the app's deep-link handler
/// uses two. Matching is exact (RFC 9700 §2.1), except loopback, see [`redirect_registered`].
pub fn redirect_uris() -> Vec<String> {
    vec![
        format!("{SCHEME}:/auth/callback"),
        format!("{SCHEME}://auth/callback"),
        "http://127.0.0.1:{port}/callback".to_owned(),
    ]
}

/// Sign-out redirect URIs ("post_logout_redirect_uris"), registered separately (sheet §4).
pub fn post_logout_redirect_uris() -> Vec<String> {
    vec![
        format!("{SCHEME}:/auth/logout"),
        format!("{SCHEME}://auth/logout"),
        "http://127.0.0.1:{port}/logout".to_owned(),
    ]
}

/// Exact string comparison (RFC 9700 §2.1), except that a loopback redirect may use any port
/// (RFC 8252 §7.3: "MUST allow any port to be specified at the time of the request for loopback
/// IP redirect URIs"). Whether Okta itself ignores the port is unconfirmed (sheet §4); the
/// sandbox follows the RFC because the desktop app picks a free port per sign-in.
pub fn redirect_registered(uri: &str, path: &str) -> bool {
    if uri == format!("{SCHEME}:/auth/{path}") || uri == format!("{SCHEME}://auth/{path}") {
        return true;
    }
    let Some(rest) = uri.strip_prefix("http://127.0.0.1") else { return false };
    let rest = match rest.strip_prefix(':') {
        Some(r) => {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 5 || r[..digits].parse::<u32>().map_or(true, |p| p > 65_535) {
                return false;
            }
            &r[digits..]
        }
        None => rest,
    };
    rest == format!("/{path}")
}

/// RFC 7636 §4.1: 43–128 characters of `A-Z a-z 0-9 - . _ ~`.
pub fn verifier_well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// RFC 7636 §4.6 for `S256`: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    B64.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

/// Scopes the `default` authorization server knows (Okta's reserved OIDC scopes plus
/// `offline_access`, sheet §3; `groups` is Okta's scope for the groups claim).
pub const SCOPES: [&str; 7] = ["openid", "profile", "email", "address", "phone", "offline_access", "groups"];

/// Splits a space-delimited scope string (RFC 6749 §3.3), refusing unknown scopes.
pub fn parse_scopes(s: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for sc in s.split(' ').filter(|x| !x.is_empty()) {
        if !SCOPES.contains(&sc) {
            return Err(sc.to_owned());
        }
        if !out.iter().any(|o| o == sc) {
            out.push(sc.to_owned());
        }
    }
    Ok(out)
}

/// What presenting a refresh token means under rotation with a grace period (sheet §5,
/// Okta refresh-tokens guide "Refresh token rotation" / "Refresh token reuse detection").
#[derive(Debug, PartialEq, Eq)]
pub enum RefreshUse {
    /// The newest token of its grant: rotate it.
    Current,
    /// Already rotated, but within the leeway: still valid ("the previous token remains valid
    /// for this amount of time to allow clients to get the new token").
    WithinLeeway,
    /// Rotated and past the leeway: reuse; the whole grant must be revoked.
    Reuse,
    /// Idle for longer than the refresh token lifetime.
    Expired,
}

pub fn classify_refresh(
    now: OffsetDateTime,
    rotated_at: Option<OffsetDateTime>,
    expires_at: OffsetDateTime,
    leeway: Duration,
) -> RefreshUse {
    match rotated_at {
        Some(at) if now > at + leeway => RefreshUse::Reuse,
        _ if now >= expires_at => RefreshUse::Expired,
        Some(_) => RefreshUse::WithinLeeway,
        None => RefreshUse::Current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_matching_is_exact_except_the_loopback_port() {
        for ok in [
            "com.xeropartner.app:/auth/callback",
            "com.xeropartner.app://auth/callback",
            "http://127.0.0.1:51234/callback",
            "http://127.0.0.1/callback",
        ] {
            assert!(redirect_registered(ok, "callback"), "{ok} is registered");
        }
        for bad in [
            "com.xeropartner.app:/auth/callback/",
            "com.xeropartner.app:/auth/callback?x=1",
            "com.evil.app:/auth/callback",
            "http://127.0.0.1:51234/callback/x",
            "http://127.0.0.1:99999/callback",
            "http://127.0.0.1:/callback",
            "http://127.0.0.1.evil.com/callback",
            "http://127.0.0.1:80@evil.com/callback",
            "https://127.0.0.1:443/callback",
            "http://localhost:8080/callback",
            "com.xeropartner.app:/auth/logout",
        ] {
            assert!(!redirect_registered(bad, "callback"), "{bad} must not match");
        }
        assert!(redirect_registered("com.xeropartner.app:/auth/logout", "logout"));
    }

    #[test]
    fn pkce_follows_rfc7636_appendix_b() {
        // RFC 7636 Appendix B test vector.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verifier_well_formed(v));
        assert!(pkce_matches(v, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(!pkce_matches(v, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
        assert!(!verifier_well_formed("short"));
        assert!(!verifier_well_formed(&"a+".repeat(30)));
    }

    #[test]
    fn scopes_are_known_and_deduplicated() {
        assert_eq!(parse_scopes("openid  email openid").expect("known"), vec!["openid", "email"]);
        assert_eq!(parse_scopes("openid admin"), Err("admin".to_owned()));
    }

    #[test]
    fn refresh_tokens_rotate_with_a_grace_period() {
        let t0 = OffsetDateTime::UNIX_EPOCH + Duration::days(10_000);
        let exp = t0 + Duration::days(7);
        let lw = Duration::seconds(30);
        assert_eq!(classify_refresh(t0, None, exp, lw), RefreshUse::Current);
        assert_eq!(classify_refresh(t0 + Duration::seconds(30), Some(t0), exp, lw), RefreshUse::WithinLeeway);
        assert_eq!(classify_refresh(t0 + Duration::seconds(31), Some(t0), exp, lw), RefreshUse::Reuse);
        assert_eq!(classify_refresh(exp, None, exp, lw), RefreshUse::Expired);
        assert_eq!(classify_refresh(exp, Some(t0), exp, lw), RefreshUse::Reuse, "reuse wins over expiry");
    }
}
