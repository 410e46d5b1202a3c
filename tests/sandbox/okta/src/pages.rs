//! The HTML an Okta org shows in the system browser: the sign-in form, error pages and the
//! signed-out page. Only element ids and behaviour matter to tests (the E2E suite fills the form
//! by id); the look is a plain approximation of the Okta sign-in widget.

/// Minimal HTML escaping for text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font-family:sans-serif;background:#f4f4f4}}main{{max-width:360px;margin:60px auto;\
         background:#fff;padding:32px;border:1px solid #ddd;border-radius:4px}}label,input{{display:block;width:100%}}\
         input{{margin:4px 0 16px;padding:8px;box-sizing:border-box}}.o-form-error{{color:#c00}}</style>\
         </head><body><main>{}</main></body></html>\n",
        esc(title),
        body
    )
}

/// The sign-in form. `action` is where the form posts; `tx` names the pending authorization.
pub fn sign_in(action: &str, tx: &str, username: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"o-form-error\" id=\"okta-signin-error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    page(
        "Xero Partner Sandbox - Sign In",
        &format!(
            "<h1>Sign In</h1>{error}\
             <form method=\"post\" action=\"{}\" id=\"okta-signin-form\">\
             <input type=\"hidden\" name=\"tx\" value=\"{}\">\
             <label for=\"okta-signin-username\">Username</label>\
             <input type=\"text\" id=\"okta-signin-username\" name=\"username\" autocomplete=\"username\" value=\"{}\">\
             <label for=\"okta-signin-password\">Password</label>\
             <input type=\"password\" id=\"okta-signin-password\" name=\"password\" autocomplete=\"current-password\">\
             <input type=\"submit\" id=\"okta-signin-submit\" value=\"Sign in\">\
             </form>",
            esc(action),
            esc(tx),
            esc(username)
        ),
    )
}

/// The error page shown instead of a redirect when the client or redirect URI cannot be
/// trusted (RFC 6749 §4.1.2.1: "MUST NOT automatically redirect the user-agent").
pub fn error(code: &str, description: &str) -> String {
    page(
        "Error",
        &format!(
            "<h1>400 Bad Request</h1><p id=\"okta-error-code\">{}</p><p id=\"okta-error-description\">{}</p>",
            esc(code),
            esc(description)
        ),
    )
}

pub fn signed_out() -> String {
    page("Signed out", "<h1>You have been signed out</h1>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_carries_the_documented_ids_and_escapes_input() {
        let html = sign_in("/okta/signin", "t1", "\"><script>", Some("Unable to sign in"));
        for id in ["okta-signin-username", "okta-signin-password", "okta-signin-submit"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} is what E2E tests target");
        }
        assert!(!html.contains("<script>"), "user input is escaped");
        assert!(html.contains("Unable to sign in"));
    }
}
