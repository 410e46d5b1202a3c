//! Creating accounts (spec operation `createAccount`: `PUT /Accounts` with one Account), e.g.
//! a clearing bank account: `{"Code":"093","Name":"Clearing","Type":"BANK","BankAccountNumber":"…"}`.

use crate::data::Tenant;
use crate::dates::msdate;
use crate::writes::{self, App, Call};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

/// `PUT /Accounts`.
pub async fn create(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "PUT /api.xro/2.0/Accounts");
    let call = Call { method, uri, headers, body };
    writes::run(&s, &app, &call, |t, body, now| {
        let items = match writes::elements(body, "Accounts", "Account") {
            Ok(items) => items,
            Err(o) => return o,
        };
        writes::batch(t, &items, true, "Accounts", now, |t, a| open(t, a, now))
    })
}

/// The class a type of account belongs to (Xero's account types page; spec `AccountType`).
fn class(ty: &str) -> &'static str {
    match ty {
        "BANK" | "CURRENT" | "FIXED" | "INVENTORY" | "NONCURRENT" | "PREPAYMENT" => "ASSET",
        "CURRLIAB" | "LIABILITY" | "TERMLIAB" | "PAYG" => "LIABILITY",
        "EQUITY" => "EQUITY",
        "REVENUE" | "SALES" | "OTHERINCOME" => "REVENUE",
        _ => "EXPENSE",
    }
}

/// Checks one new account and, only if it passes, adds it to the chart. The unique-name and
/// unique-code messages are Xero's (spec `createAccount` 400 example); the others' wording is
/// the sandbox's.
fn open(t: &mut Tenant, a: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    let mut problems = Vec::new();
    let name = a["Name"].as_str().map(str::trim).unwrap_or_default();
    let code = a["Code"].as_str().map(str::trim).unwrap_or_default();
    let ty = a["Type"].as_str().unwrap_or_default();
    if name.is_empty() {
        problems.push("Please enter a Name.".to_owned());
    } else if name.chars().count() > 150 {
        problems.push("The Name must be at most 150 characters".to_owned());
    } else if t.accounts.items.iter().any(|x| x["Name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))) {
        problems.push("Please enter a unique Name.".to_owned());
    }
    // Bank accounts may go without a code (Account schema: "Code … (note- not all accounts have
    // a code value)"); every other account needs one.
    if code.is_empty() && ty != "BANK" {
        problems.push("Please enter a Code.".to_owned());
    } else if code.chars().count() > 10 {
        problems.push("The Code must be at most 10 characters".to_owned());
    } else if !code.is_empty()
        && t.accounts.items.iter().any(|x| x["Code"].as_str().is_some_and(|c| c.eq_ignore_ascii_case(code)))
    {
        problems.push("Please enter a unique Code.".to_owned());
    }
    if ty.is_empty() {
        problems.push("Please select an account Type.".to_owned());
    }
    let number = a["BankAccountNumber"].as_str().map(str::trim).unwrap_or_default();
    let currency = a["CurrencyCode"].as_str().unwrap_or(&t.currency).to_owned();
    if ty == "BANK" {
        if number.is_empty() {
            problems.push("A BankAccountNumber is required for a bank account".to_owned());
        }
        if !t.currencies.iter().any(|c| c["Code"] == currency.as_str()) {
            problems.push(format!("The currency {currency} is not set up in this organisation"));
        }
    }
    let tax_type = a["TaxType"].as_str().unwrap_or("NONE");
    if !t.tax_rates.iter().any(|r| r["TaxType"] == tax_type) {
        problems.push(format!("The TaxType code '{tax_type}' does not exist"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let class = class(ty);
    let mut account = json!({
        "AccountID": uuid::Uuid::new_v4().to_string(), "Name": name, "Type": ty, "Status": "ACTIVE",
        "TaxType": tax_type, "Class": class,
        "EnablePaymentsToAccount": a["EnablePaymentsToAccount"].as_bool().unwrap_or(false),
        "ShowInExpenseClaims": a["ShowInExpenseClaims"].as_bool().unwrap_or(false), "HasAttachments": false,
        "ReportingCode": class.chars().take(3).collect::<String>(), "ReportingCodeName": class,
        "UpdatedDateUTC": msdate(now), "AddToWatchlist": a["AddToWatchlist"].as_bool().unwrap_or(false)
    });
    if !code.is_empty() {
        account["Code"] = json!(code);
    }
    if let Some(d) = a["Description"].as_str() {
        account["Description"] = json!(d);
    }
    if ty == "BANK" {
        account["BankAccountNumber"] = json!(number);
        account["BankAccountType"] = json!(a["BankAccountType"].as_str().filter(|s| !s.is_empty()).unwrap_or("BANK"));
        account["CurrencyCode"] = json!(currency);
    }
    t.accounts.push(account.clone());
    Ok(account)
}
