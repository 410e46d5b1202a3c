//! Last line of defence for text that leaves the process (log files): scrubs things that look
//! like credentials even if a caller forgot to wrap them in `Sensitive`.

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let raw: [(&str, &str); 6] = [
            // Authorization headers (Bearer / Basic) and OKX's signing headers.
            // Also the quoted form a header map's or a JSON object's Debug output takes:
            // `"authorization": "Bearer …"`.
            (r#"(?i)(authorization|ok-access-sign|ok-access-key|ok-access-passphrase)("?\s*[:=]\s*"?)(bearer\s+|basic\s+)?[^\s,;"']+"#, "$1$2$3<redacted>"),
            // OAuth fields printed by a derived `Debug` as `Some("…")` (escaped quotes included).
            (r#"(?i)(\b(?:access_token|refresh_token|id_token|client_secret|code_verifier|password|api_key|secret|passphrase|code|token)\b"?\s*[:=]\s*Some\(")(?:[^"\\]|\\.)*"#, "${1}<redacted>"),
            // OAuth fields in JSON bodies or form/query strings. Whole words only: `status_code: 200`
            // and `error_code` are not secrets, while the RFC 7009 revocation body's `token=` is.
            (r#"(?i)("?\b(?:access_token|refresh_token|id_token|client_secret|code_verifier|password|api_key|secret|passphrase|code|token)\b"?\s*[:=]\s*(?:Some\()?"?)[^"&\s,}<][^"&\s,}]*"#, "${1}<redacted>"),
            // JWTs anywhere.
            (r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*", "<redacted-jwt>"),
            // OpenAI-style API keys.
            (r"sk-[A-Za-z0-9_-]{16,}", "<redacted-key>"),
            // SQLCipher raw keys as passed to PRAGMA key.
            (r#"(?i)x'[0-9a-f]{64}'"#, "x'<redacted>'"),
        ];
        raw.iter()
            .map(|(re, rep)| (Regex::new(re).expect("redaction pattern compiles"), *rep))
            .collect()
    })
}

/// Returns the text with credential-looking substrings replaced.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (re, rep) in patterns() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *rep).into_owned());
        }
    }
    out
}

/// Error text fit for a log line or the UI: trimmed, scrubbed, and cut to `max_chars`
/// characters (an ellipsis marks the cut), as provider clients keep bodies they quote.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = scrub(text.trim());
    if text.chars().count() > max_chars {
        format!("{}…", text.chars().take(max_chars).collect::<String>())
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_headers_tokens_and_keys() {
        let cases = [
            ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
            ("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
            (r#"{"access_token":"tok123","expires_in":1800}"#, "tok123"),
            ("grant_type=refresh_token&refresh_token=r3fr3sh&client_id=x", "r3fr3sh"),
            ("key sk-abcdefghijklmnopqrstuvwx used", "sk-abcdefghijklmnopqrstuvwx"),
            ("OK-ACCESS-PASSPHRASE: p4ss", "p4ss"),
            (
                "PRAGMA key = \"x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'\"",
                "00112233445566778899aabbccddeeff",
            ),
            ("id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
        ];
        for (input, secret) in cases {
            let out = scrub(input);
            assert!(!out.contains(secret), "{input:?} still shows {secret:?}: {out}");
        }
    }

    #[test]
    fn scrubs_debug_options_quoted_bearers_and_revocation_bodies() {
        let cases = [
            (
                r#"TokenSet { access_token: Some("opaque-a"), refresh_token: Some("opa\"que-r") }"#,
                ["opaque-a", "que-r"],
            ),
            (r#"{"authorization": "Bearer abc123", "x": 1}"#, ["abc123", "abc123"]),
            (r#"{"Authorization":"Basic dXNlcjpwYXNz"}"#, ["dXNlcjpwYXNz", "dXNlcjpwYXNz"]),
            ("token=r3fr3sh-t0k&token_type_hint=refresh_token", ["r3fr3sh-t0k", "r3fr3sh-t0k"]),
        ];
        for (input, secrets) in cases {
            let out = scrub(input);
            for secret in secrets {
                assert!(!out.contains(secret), "{input:?} still shows {secret:?}: {out}");
            }
        }
        let out = scrub("token=r3fr3sh&token_type_hint=refresh_token");
        assert!(out.contains("token_type_hint=refresh_token"), "the hint names a kind, not a secret: {out}");
    }

    #[test]
    fn fields_that_merely_end_in_code_are_not_redacted() {
        for line in ["Response { status_code: 200 }", "xero error_code=ValidationException", "postcode: 8001"] {
            assert_eq!(scrub(line), line, "only a whole-word `code` is an authorization code");
        }
        assert!(!scrub("code=auth-c0de&state=s").contains("auth-c0de"), "the real `code` is still redacted");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let line = "synced 120 invoices for tenant fe79f7dd in 3.2s";
        assert!(matches!(scrub(line), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpts_are_scrubbed_and_cut_at_a_character_boundary() {
        assert_eq!(excerpt("  password=hunter2 failed ", 100), "password=<redacted> failed");
        assert_eq!(excerpt("äöü-abc", 3), "äöü…", "counted in characters, not bytes");
        assert_eq!(excerpt("short", 5), "short");
    }
}
