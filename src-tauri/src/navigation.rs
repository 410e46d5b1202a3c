//! Keeps every webview on the app's own pages (security review 2026-12, informational #19).
//!
//! The window renders data synced from Xero (contact emails, references, websites). A link in
//! it, or a script that got in, must not take the window to another origin, where the page
//! would keep the app's IPC. Navigation is allowed to the bundled front end only (and, in a
//! development build, to `devUrl`); a `mailto:` link to a plain address opens the user's mail
//! program; everything else is refused and logged.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;
use url::Url;

#[derive(Debug, PartialEq, Eq)]
pub enum Navigation {
    Allow,
    /// Hand `mailto:<address>` (nothing else of the link) to the OS.
    OpenMail(String),
    Refuse,
}

/// Where the bundled front end is served from: `tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows.
fn is_app_origin(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn decide(url: &Url, dev_url: Option<&Url>) -> Navigation {
    if is_app_origin(url) || url.as_str() == "about:blank" {
        return Navigation::Allow;
    }
    if let Some(dev) = dev_url {
        if url.origin() == dev.origin() {
            return Navigation::Allow;
        }
    }
    if url.scheme() == "mailto" {
        let address = percent_decode(url.path());
        if is_plain_address(&address) {
            return Navigation::OpenMail(format!("mailto:{address}"));
        }
    }
    Navigation::Refuse
}

/// One address, no list, no header fields, nothing a mail program could read as an option.
fn is_plain_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else { return false };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '+' | '-' | '\''))
            && !s.starts_with('-')
    };
    a.len() <= 254 && ok(local) && ok(domain) && domain.contains('.')
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("a={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The guard as a plugin: its `on_navigation` hook sees every navigation of every webview.
pub fn guard<R: Runtime>(dev_url: Option<Url>) -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(move |_webview, url| match decide(url, dev_url.as_ref()) {
            Navigation::Allow => true,
            Navigation::OpenMail(mail) => {
                if let Err(e) = webbrowser::open(&mail) {
                    tracing::warn!(error = %e, "could not open the mail program");
                }
                false
            }
            Navigation::Refuse => {
                // The scheme and host only: a refused URL may carry data in its path or query.
                tracing::warn!(scheme = url.scheme(), host = url.host_str(), "navigation away from the app refused");
                false
            }
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_apps_own_pages_load_in_the_window() {
        for ok in
            ["tauri://localhost/", "tauri://localhost/invoices?status=PAID", "http://tauri.localhost/", "about:blank"]
        {
            assert_eq!(decide(&url(ok), None), Navigation::Allow, "{ok}");
        }
        for refused in [
            "https://evil.example/",
            "http://127.0.0.1:5173/",
            "tauri://evil/",
            "http://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<script>1</script>",
        ] {
            assert_eq!(decide(&url(refused), None), Navigation::Refuse, "{refused}");
        }
        let dev = url("http://127.0.0.1:5173");
        assert_eq!(decide(&url("http://127.0.0.1:5173/settings"), Some(&dev)), Navigation::Allow);
        assert_eq!(decide(&url("http://127.0.0.1:5174/"), Some(&dev)), Navigation::Refuse);
    }

    #[test]
    fn a_mail_link_opens_the_mail_program_with_the_address_alone() {
        assert_eq!(
            decide(&url("mailto:ada.lovelace@example.com"), None),
            Navigation::OpenMail("mailto:ada.lovelace@example.com".into())
        );
        assert_eq!(
            decide(&url("mailto:ada@example.com?subject=x&body=y"), None),
            Navigation::OpenMail("mailto:ada@example.com".into()),
            "header fields from synced data are dropped"
        );
        for refused in [
            "mailto:a@example.com,b@example.com",
            "mailto:-oProxyCommand@example.com",
            "mailto:not-an-address",
            "mailto:a%20b@example.com",
            "mailto:a@localhost",
        ] {
            assert_eq!(decide(&url(refused), None), Navigation::Refuse, "{refused}");
        }
    }
}
