//! The hosted Payment Page the RedirectUrl points at (`/vt2/api/PaymentPage/{customerId}/{terminalId}/{token}`,
//! `texts/ChapterPaymentPage.md` example). A person (or a test with plain HTTP) enters test card
//! or IBAN data and presses Pay; the page then redirects to `ReturnUrl.Url` and calls the
//! success / fail notification URL server-to-server.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use url::Url;

use crate::model::{self, Means};
use crate::{notify_url, transaction, Page, PageState, Shared, PROVIDER};

const ENDPOINT: &str = "/vt2/api/PaymentPage/{customerId}/{terminalId}/{token}";

type Params = Path<(String, String, String)>;
/// Status, title and text of an error page.
type PageErr = (StatusCode, &'static str, &'static str);

/// The session the path names, if it exists and may still be used.
fn usable(sh: &Shared, (customer, terminal, token): &(String, String, String)) -> Result<Page, PageErr> {
    let d = sh.data();
    let page = d.pages.get(token).filter(|p| *customer == sh.creds.customer_id && *terminal == p.order.terminal_id);
    let Some(page) = page else {
        return Err((StatusCode::NOT_FOUND, "Unknown payment", "This payment does not exist."));
    };
    match page.state {
        PageState::NotStarted | PageState::Opened if sh.now() > page.expiration => {
            // "After Expiration the RedirectUrl can no longer be opened" (sheet §5).
            Err((StatusCode::GONE, "Payment expired", "This payment page has expired. Please return to the shop."))
        }
        PageState::NotStarted | PageState::Opened => Ok(page.clone()),
        _ => Err((StatusCode::CONFLICT, "Payment finished", "This payment has already been processed.")),
    }
}

pub async fn show(State(sh): State<Arc<Shared>>, Path(params): Params) -> Response {
    sh.ctx.counters.hit(PROVIDER, &format!("GET {ENDPOINT}"));
    let page = match usable(&sh, &params) {
        Ok(p) => p,
        Err((status, title, text)) => return message(status, title, text),
    };
    if let Some(p) = sh.data().pages.get_mut(&page.token) {
        p.state = PageState::Opened;
    }
    Html(form(&page, None)).into_response()
}

pub async fn submit(
    State(sh): State<Arc<Shared>>,
    Path(params): Params,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    sh.ctx.counters.hit(PROVIDER, &format!("POST {ENDPOINT}"));
    let page = match usable(&sh, &params) {
        Ok(p) => p,
        Err((status, title, text)) => return message(status, title, text),
    };
    let field = |k: &str| f.get(k).map(|s| s.trim()).unwrap_or("");
    if field("action") == "cancel" {
        if let Some(p) = sh.data().pages.get_mut(&page.token) {
            p.state = PageState::Aborted;
        }
        notify(&sh, &page, false);
        return Redirect::to(&page.return_url).into_response();
    }
    let means = match read_means(&sh, &page, field) {
        Ok(m) => m,
        Err(e) => return (StatusCode::BAD_REQUEST, Html(form(&page, Some(&e)))).into_response(),
    };
    let done = {
        let mut d = sh.data();
        transaction::complete_page(&sh, &mut d, &page.token, means)
    };
    match done {
        Some((ok, return_url)) => {
            notify(&sh, &page, ok);
            // 303: the browser follows with a GET to the shop (sheet §5 "payer completes the page →
            // ReturnUrl").
            Redirect::to(&return_url).into_response()
        }
        None => message(StatusCode::NOT_FOUND, "Unknown payment", "This payment does not exist."),
    }
}

fn read_means<'a>(sh: &Shared, page: &Page, field: impl Fn(&str) -> &'a str) -> Result<Means, String> {
    let method = match field("method") {
        "" => default_method(page),
        m => m,
    };
    if !page.methods.is_empty() && !offered(page).contains(&method) {
        return Err(format!("Payment method {method} is not available for this payment."));
    }
    let holder = field("holder_name").to_owned();
    if method == "DIRECTDEBIT" {
        let iban = model::normalize_iban(field("iban")).ok_or("The IBAN is invalid.")?;
        if !model::sepa_country(&iban) || page.order.currency != "EUR" {
            return Err("Only SEPA accounts can be debited in EUR.".into());
        }
        if holder.is_empty() {
            return Err("Please enter the account holder.".into());
        }
        if field("mandate") != "accepted" {
            return Err("Please accept the SEPA direct debit mandate.".into());
        }
        let bic = Some(field("bic")).filter(|b| !b.is_empty()).map(str::to_owned);
        return Ok(Means::BankAccount { iban, holder, bic });
    }
    let number: String = field("card_number").chars().filter(|c| c.is_ascii_digit()).collect();
    if !model::luhn_ok(&number) {
        return Err("The card number is invalid.".into());
    }
    let month: u8 = field("exp_month").parse().ok().filter(|m| (1..=12).contains(m)).ok_or("Invalid expiry month.")?;
    let year: i32 = field("exp_year").parse().map_err(|_| "Invalid expiry year.")?;
    let now = sh.now();
    if (year, month) < (now.year(), u8::from(now.month())) {
        return Err("The card has expired.".into());
    }
    Ok(Means::Card { brand: model::card_brand(&number), number, exp_year: year, exp_month: month, holder })
}

fn offered(page: &Page) -> Vec<&str> {
    if page.methods.is_empty() {
        return vec!["CARD", "DIRECTDEBIT"];
    }
    page.methods.iter().map(|m| if m == "DIRECTDEBIT" { "DIRECTDEBIT" } else { "CARD" }).collect()
}

fn default_method(page: &Page) -> &'static str {
    if offered(page).first() == Some(&"DIRECTDEBIT") {
        "DIRECTDEBIT"
    } else {
        "CARD"
    }
}

/// Success / fail notification: an asynchronous GET from Saferpay's server (sheet §6,
/// unconfirmed there; the GET is what third-party integrations handle, e.g.
/// https://novopayment.hu/ecom/saferpay-payment-page.html "(IPN) ... via asynchronous _GET").
/// Initialize admitted only public URLs ([`notify_url::public`]); the call is recorded, then
/// made only to public addresses, so a name that resolves to this machine or the LAN is not
/// called either.
fn notify(sh: &Shared, page: &Page, success: bool) {
    let url = if success { &page.success_notify } else { &page.fail_notify };
    let Some(url) = url.as_deref().and_then(notify_url::public) else { return };
    sh.data().notifications.push(json!({
        "Url": url.as_str(),
        "Kind": if success { "success" } else { "fail" },
        "Token": page.token,
        "At": model::fmt_date(sh.now()),
    }));
    if notify_url::never_resolves(&url) {
        return;
    }
    tokio::spawn(async move {
        if let Err(e) = deliver(&url).await {
            tracing::debug!(%url, error = %e, "saferpay notification not delivered");
        }
    });
}

async fn deliver(url: &Url) -> Result<(), String> {
    let host = url.host_str().ok_or("no host")?.trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = url.port_or_known_default().ok_or("no port")?;
    let addrs: Vec<SocketAddr> =
        tokio::net::lookup_host((host.as_str(), port)).await.map_err(|e| e.to_string())?.collect();
    if addrs.is_empty() || !addrs.iter().all(|a| notify_url::public_ip(a.ip())) {
        return Err(format!("{host} resolves to an address Saferpay could not reach: {addrs:?}"));
    }
    // Pinned to the address just checked, so a second lookup cannot answer differently.
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, addrs[0])
        .build()
        .map_err(|e| e.to_string())?;
    client.get(url.as_str()).send().await.map(drop).map_err(|e| e.to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Saferpay - {title}</title></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    (status, Html(body)).into_response()
}

fn form(page: &Page, error: Option<&str>) -> String {
    let o = &page.order;
    let amount = format!("{}.{:02} {}", o.amount / 100, o.amount % 100, esc(&o.currency));
    let order = o.order_id.as_deref().map(esc).unwrap_or_default();
    let description = o.description.as_deref().map(esc).unwrap_or_default();
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e))).unwrap_or_default();
    let methods = offered(page);
    let mut sections = String::new();
    if methods.contains(&"CARD") {
        sections.push_str(
            "<fieldset><legend><label><input type=\"radio\" name=\"method\" value=\"CARD\" checked> Card</label></legend>\
             <label>Card number <input name=\"card_number\" inputmode=\"numeric\" autocomplete=\"cc-number\"></label>\
             <label>Expiry month <input name=\"exp_month\" size=\"2\"></label>\
             <label>Expiry year <input name=\"exp_year\" size=\"4\"></label>\
             <label>CVC <input name=\"cvc\" size=\"4\"></label></fieldset>",
        );
    }
    if methods.contains(&"DIRECTDEBIT") {
        let checked = if methods.contains(&"CARD") { "" } else { " checked" };
        // Sheet §9: the Payment Page shows the mandate text.
        sections.push_str(&format!(
            "<fieldset><legend><label><input type=\"radio\" name=\"method\" value=\"DIRECTDEBIT\"{checked}> \
             SEPA Direct Debit</label></legend>\
             <label>IBAN <input name=\"iban\" autocomplete=\"off\"></label>\
             <label>BIC (optional) <input name=\"bic\"></label>\
             <p>By accepting this mandate (reference {mandate}) you authorise the creditor {creditor} to send \
             instructions to your bank to debit your account, and your bank to debit your account in accordance \
             with those instructions.</p>\
             <label><input type=\"checkbox\" name=\"mandate\" value=\"accepted\"> I accept the SEPA mandate</label>\
             </fieldset>",
            mandate = o.mandate_id.as_deref().map(esc).unwrap_or_else(|| "assigned on payment".into()),
            creditor = model::CREDITOR_ID,
        ));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Saferpay Payment Page (sandbox)</title></head>\
         <body><main><h1>Payment</h1>\
         <dl><dt>Amount</dt><dd id=\"amount\">{amount}</dd><dt>Order</dt><dd id=\"order\">{order}</dd>\
         <dt>Description</dt><dd>{description}</dd></dl>{error}\
         <form method=\"post\">{sections}\
         <label>Holder name <input name=\"holder_name\" autocomplete=\"cc-name\"></label>\
         <button type=\"submit\" name=\"action\" value=\"pay\">Pay {amount}</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></form>\
         <p><small>Sandbox: any Luhn-valid card number with a future expiry, or a SEPA IBAN such as \
         DE89370400440532013000.</small></p></main></body></html>"
    )
}
