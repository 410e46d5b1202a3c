//! Xero's paths are case-insensitive: xero-python asks for `/Connections` (the identity spec's
//! own spelling, xero-identity.yaml `paths`) where the docs write `/connections`, and the
//! Accounting API answers `/payments` as `/Payments`. The router matches exact strings, so every
//! request's fixed path segments are rewritten to the one spelling the routes use before
//! routing. Segments that are not route words (ids, invoice numbers) are left alone: Xero
//! compares ids without regard to case already (see `Records::get`).

use axum::extract::Request;
use axum::http::Uri;

/// Every fixed segment of the emulator's routes, in the spelling the routes use.
const WORDS: &[&str] = &[
    // identity and login hosts
    "identity",
    "connect",
    "authorize",
    "consent",
    "token",
    "revocation",
    ".well-known",
    "openid-configuration",
    "jwks",
    // api host
    "connections",
    "api.xro",
    "2.0",
    // Accounting resources (xero_accounting.yaml `paths`)
    "Organisation",
    "Accounts",
    "Currencies",
    "TaxRates",
    "Contacts",
    "Invoices",
    "Payments",
    "BankTransactions",
    "BankTransfers",
    "CreditNotes",
    // the sandbox's own admin route
    "_sandbox",
    "redirect-uris",
];

/// `/API.XRO/2.0/payments/ABC` → `/api.xro/2.0/Payments/ABC`.
pub fn canonical(path: &str) -> String {
    path.split('/')
        .map(|seg| WORDS.iter().find(|w| w.eq_ignore_ascii_case(seg)).copied().unwrap_or(seg))
        .collect::<Vec<_>>()
        .join("/")
}

/// Middleware body: the request with its path canonicalised (query untouched).
pub async fn canonicalise(mut req: Request) -> Request {
    let uri = req.uri();
    let path = canonical(uri.path());
    if path != uri.path() {
        let pq = match uri.query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let mut parts = uri.clone().into_parts();
        if let Ok(p) = pq.parse() {
            parts.path_and_query = Some(p);
            if let Ok(u) = Uri::from_parts(parts) {
                *req.uri_mut() = u;
            }
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_words_take_one_spelling_and_ids_keep_theirs() {
        assert_eq!(canonical("/Connections"), "/connections");
        assert_eq!(canonical("/API.XRO/2.0/payments/AbC-1"), "/api.xro/2.0/Payments/AbC-1");
        assert_eq!(canonical("/.WELL-KNOWN/OpenID-Configuration"), "/.well-known/openid-configuration");
        assert_eq!(canonical("/Identity/Connect/Authorize"), "/identity/connect/authorize");
        assert_eq!(canonical("/api.xro/2.0/Invoices/INV-0001"), "/api.xro/2.0/Invoices/INV-0001");
    }
}
