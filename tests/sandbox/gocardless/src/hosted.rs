//! The hosted billing-request-flow page (stands for pay.gocardless.com, the flow's
//! `authorisation_url`): the payer types their details and IBAN, confirms, and is sent to the
//! flow's `redirect_uri`. Plain HTML forms, so a test can drive it with GET and POST.

use crate::api::complete_flow;
use crate::model::{iban_valid, PayerDetails};
use crate::App;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn form(body: &Bytes) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn page(status: StatusCode, title: &str, inner: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} - GoCardless</title></head>\
         <body><main><h1>{t}</h1>{inner}</main></body></html>",
        t = esc(title)
    );
    (status, Html(html)).into_response()
}

fn input(name: &str, label: &str, value: &str, locked: bool) -> String {
    let ro = if locked { " readonly" } else { "" };
    format!(
        "<p><label for=\"{name}\">{label}</label> <input id=\"{name}\" name=\"{name}\" value=\"{}\"{ro}></p>",
        esc(value)
    )
}

const FIELDS: [(&str, &str); 10] = [
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("company_name", "Company name (optional)"),
    ("email", "Email"),
    ("address_line1", "Address"),
    ("city", "City"),
    ("postal_code", "Postcode"),
    ("country_code", "Country code"),
    ("account_holder_name", "Account holder name"),
    ("iban", "IBAN"),
];

fn details_of(d: &PayerDetails, k: &str) -> String {
    serde_json::to_value(d).ok().and_then(|v| v.get(k).and_then(|x| x.as_str()).map(str::to_owned)).unwrap_or_default()
}

fn details_form(app: &App, flow: &str, d: &PayerDetails, lock_customer: bool, errors: &[String]) -> String {
    let errs: String = errors.iter().map(|e| format!("<li class=\"error\">{}</li>", esc(e))).collect();
    let fields: String = FIELDS
        .iter()
        .map(|(k, label)| {
            let locked = lock_customer && !matches!(*k, "account_holder_name" | "iban");
            input(k, label, &details_of(d, k), locked)
        })
        .collect();
    format!(
        "<p>Set up a SEPA Direct Debit mandate.</p><ul>{errs}</ul>\
         <form method=\"post\" action=\"{base}/billing/static/flow/details\">\
         <input type=\"hidden\" name=\"id\" value=\"{id}\">{fields}\
         <p><button type=\"submit\">Continue</button></p></form>",
        base = esc(app.base()),
        id = esc(flow),
    )
}

/// `GET /billing/static/flow?id=BRF...`
pub(crate) async fn show(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let q: HashMap<String, String> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes()).into_owned().collect();
    let id = q.get("id").cloned().unwrap_or_default();
    let (st, now) = app.state();
    let Some(f) = st.flows.get(&id) else {
        return page(StatusCode::NOT_FOUND, "Link not found", "<p>This payment link does not exist.</p>");
    };
    if f.completed {
        return page(StatusCode::GONE, "Already completed", "<p>This Direct Debit has already been set up.</p>");
    }
    if f.expires_at <= now {
        return page(StatusCode::GONE, "Link expired", "<p>This link has expired. Please ask for a new one.</p>");
    }
    let d: PayerDetails =
        f.pending.clone().unwrap_or_else(|| serde_json::from_value(f.prefilled_customer.clone()).unwrap_or_default());
    page(StatusCode::OK, "Set up a Direct Debit", &details_form(&app, &id, &d, f.lock_customer_details, &[]))
}

/// `POST /billing/static/flow/details` (form): checks the details, then asks to confirm.
pub(crate) async fn details(State(app): State<App>, body: Bytes) -> Response {
    let f = form(&body);
    let id = f.get("id").cloned().unwrap_or_default();
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut d = PayerDetails {
        given_name: get("given_name"),
        family_name: get("family_name"),
        company_name: get("company_name"),
        email: get("email"),
        address_line1: get("address_line1"),
        city: get("city"),
        postal_code: get("postal_code"),
        country_code: get("country_code").to_ascii_uppercase(),
        account_holder_name: get("account_holder_name"),
        iban: get("iban").replace(' ', "").to_ascii_uppercase(),
    };
    let (mut st, now) = app.state();
    let Some(flow) = st.flows.get_mut(&id) else {
        return page(StatusCode::NOT_FOUND, "Link not found", "<p>This payment link does not exist.</p>");
    };
    if flow.completed || flow.expires_at <= now {
        return page(StatusCode::GONE, "Link no longer valid", "<p>This link can no longer be used.</p>");
    }
    if flow.lock_customer_details {
        // Locked fields keep their prefilled values whatever the form sends.
        let pre: PayerDetails = serde_json::from_value(flow.prefilled_customer.clone()).unwrap_or_default();
        d = PayerDetails { account_holder_name: d.account_holder_name, iban: d.iban, ..pre };
    }
    let mut errors = Vec::new();
    if !d.email.contains('@') {
        errors.push("Enter a valid email address".to_owned());
    }
    if d.company_name.is_empty() && (d.given_name.is_empty() || d.family_name.is_empty()) {
        errors.push("Enter your first and last name, or a company name".to_owned());
    }
    if !iban_valid(&d.iban) {
        errors.push("Enter a valid IBAN".to_owned());
    }
    if !errors.is_empty() {
        let lock = flow.lock_customer_details;
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Check your details",
            &details_form(&app, &id, &d, lock, &errors),
        );
    }
    flow.pending = Some(d.clone());
    let name =
        if d.company_name.is_empty() { format!("{} {}", d.given_name, d.family_name) } else { d.company_name.clone() };
    let masked = format!("{}…{}", &d.iban[..4], &d.iban[d.iban.len() - 2..]);
    page(
        StatusCode::OK,
        "Confirm your details",
        &format!(
            "<dl><dt>Name</dt><dd>{}</dd><dt>Email</dt><dd>{}</dd><dt>IBAN</dt><dd>{}</dd></dl>\
             <p>By confirming you authorise the creditor to send instructions to your bank to debit your account.</p>\
             <form method=\"post\" action=\"{}/billing/static/flow/confirm\"><input type=\"hidden\" name=\"id\" value=\"{}\">\
             <button type=\"submit\">Confirm</button></form>",
            esc(&name),
            esc(&d.email),
            esc(&masked),
            esc(app.base()),
            esc(&id)
        ),
    )
}

/// `POST /billing/static/flow/confirm` (form): completes the flow and redirects.
pub(crate) async fn confirm(State(app): State<App>, body: Bytes) -> Response {
    let f = form(&body);
    let id = f.get("id").cloned().unwrap_or_default();
    let (mut st, now) = app.state();
    let Some(d) = st.flows.get(&id).and_then(|f| f.pending.clone()) else {
        return page(StatusCode::NOT_FOUND, "Nothing to confirm", "<p>Enter your details first.</p>");
    };
    match complete_flow(&mut st, now, &id, &d) {
        Ok(Some(uri)) => (StatusCode::SEE_OTHER, [(header::LOCATION, uri)]).into_response(),
        Ok(None) => {
            page(StatusCode::OK, "All done", "<p>Your Direct Debit has been set up. You can close this window.</p>")
        }
        Err(e) => {
            page(StatusCode::UNPROCESSABLE_ENTITY, "Something went wrong", &format!("<p>{}</p>", esc(&e.message)))
        }
    }
}
