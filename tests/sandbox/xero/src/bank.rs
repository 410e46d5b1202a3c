//! Spend and receive money (spec operations `createBankTransactions`,
//! `updateOrCreateBankTransactions`, `updateBankTransaction`; xero.md §4, §12): a bank
//! transaction of Type SPEND or RECEIVE on a BANK account, with line items coded to accounts,
//! taxed by `LineAmountTypes`; and deleting one with `{"Status":"DELETED"}`.

use crate::data::{amount, Tenant};
use crate::dates::{date_string, midnight, msdate, parse_request_date};
use crate::money::{product_cents, scaled};
use crate::writes::{self, App, Call, Outcome};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

/// `PUT /BankTransactions` (create) and `POST /BankTransactions` (create, or change the ones
/// that name a BankTransactionID).
pub async fn create(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, &format!("{method} /api.xro/2.0/BankTransactions"));
    let call = Call { method, uri, headers, body };
    let (summarize, unit_dp, is_put) = (call.summarize(), unit_dp(&call.uri), call.method == Method::PUT);
    writes::run(&s, &app, &call, |t, body, now| {
        let items = match writes::elements(body, "BankTransactions", "BankTransaction") {
            Ok(items) => items,
            Err(o) => return o,
        };
        for b in &items {
            if let Err(o) = writes::date_field(b, "Date") {
                return o;
            }
        }
        writes::batch(t, &items, summarize, "BankTransactions", now, |t, b| match b["BankTransactionID"].as_str() {
            Some(_) if is_put => Err(vec!["PUT creates bank transactions; change one with POST".to_owned()]),
            Some(id) => change(t, id, b, now),
            None => book(t, b, unit_dp, now),
        })
    })
}

/// `POST /BankTransactions/{id}`.
pub async fn update(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "POST /api.xro/2.0/BankTransactions/{id}");
    let call = Call { method, uri, headers, body };
    writes::run(&s, &app, &call, |t, body, now| {
        let items = match writes::elements(body, "BankTransactions", "BankTransaction") {
            Ok(items) => items,
            Err(o) => return o,
        };
        if t.bank_transactions.get(&id).is_none() {
            return Outcome::not_found(&format!("BankTransaction {id}"));
        }
        let mut o = writes::batch(t, &items[..1], true, "BankTransactions", now, |t, b| change(t, &id, b, now));
        o.created = 0;
        o
    })
}

/// `unitdp=4` lets unit amounts carry four decimals (spec parameter `unitdp`); two otherwise.
fn unit_dp(uri: &Uri) -> u32 {
    if uri.query().unwrap_or_default().split('&').any(|p| p.eq_ignore_ascii_case("unitdp=4")) {
        4
    } else {
        2
    }
}

/// Deletes a bank transaction: the one change the sandbox makes to an existing one. Transfers'
/// halves belong to their BankTransfer and are deleted with it.
fn change(t: &mut Tenant, id: &str, b: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    let Some(tx) = t.bank_transactions.get_mut(id) else {
        return Err(vec![format!("BankTransaction {id} could not be found")]);
    };
    if b["Status"] != "DELETED" {
        return Err(vec![
            "The sandbox changes an existing bank transaction only to delete it: send {\"Status\":\"DELETED\"}"
                .to_owned(),
        ]);
    }
    if matches!(tx["Type"].as_str(), Some("SPEND-TRANSFER" | "RECEIVE-TRANSFER")) {
        return Err(vec!["This bank transaction is part of a bank transfer; delete the BankTransfer".to_owned()]);
    }
    if tx["Status"] != "AUTHORISED" {
        return Err(vec![format!(
            "A bank transaction with status {} cannot be deleted",
            tx["Status"].as_str().unwrap_or("?")
        )]);
    }
    tx["Status"] = json!("DELETED");
    tx["UpdatedDateUTC"] = json!(msdate(now));
    Ok(tx.clone())
}

/// A checked line: (posted line, account, tax type, quantity ×10^4, unit ×10^4, line cents,
/// tax cents).
struct Line {
    item: Value,
    account: Value,
    tax_type: String,
    quantity: i128,
    unit: i128,
    line: i64,
    tax: i64,
}

/// Checks a new SPEND or RECEIVE and, only if it passes, books it.
fn book(t: &mut Tenant, b: &Value, unit_dp: u32, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    let mut problems = Vec::new();
    let ty = b["Type"].as_str().unwrap_or_default();
    match ty {
        "SPEND" | "RECEIVE" => {}
        "" => problems.push("The Type of a bank transaction is required".to_owned()),
        "SPEND-TRANSFER" | "RECEIVE-TRANSFER" => {
            problems.push("Transfers between bank accounts are created with BankTransfers".to_owned())
        }
        other => problems.push(format!("The sandbox does not emulate {other} bank transactions")),
    }
    let bank = writes::account(t, &b["BankAccount"]).cloned();
    match &bank {
        None if b["BankAccount"].is_null() => problems.push("A BankAccount is required".to_owned()),
        None => problems.push("The BankAccount could not be found".to_owned()),
        Some(a) if a["Type"] != "BANK" => problems.push("The BankAccount must be an account of Type BANK".to_owned()),
        Some(a) if a["Status"] != "ACTIVE" => problems.push("The BankAccount is archived".to_owned()),
        _ => {}
    }
    let bank_currency = bank.as_ref().and_then(|a| a["CurrencyCode"].as_str()).unwrap_or(&t.currency).to_owned();
    if let Some(c) = b["CurrencyCode"].as_str() {
        if c != bank_currency {
            problems.push(format!("The currency {c} does not match the currency {bank_currency} of the bank account"));
        }
    }
    let contact = contact(t, &b["Contact"]);
    if let Err(m) = &contact {
        problems.push(m.clone());
    }
    let amount_types = b["LineAmountTypes"].as_str().unwrap_or("Exclusive");
    let lines = match b["LineItems"].as_array() {
        Some(items) if !items.is_empty() => items
            .iter()
            .filter_map(|l| line(t, l, amount_types, unit_dp).map_err(|m| problems.extend(m)).ok())
            .collect(),
        _ => {
            problems.push("A bank transaction must have at least one line item".to_owned());
            Vec::new()
        }
    };
    let (sum_lines, total_tax): (i64, i64) = lines.iter().fold((0, 0), |(l, x), ln| (l + ln.line, x + ln.tax));
    let (sub_total, total) = match amount_types {
        "Inclusive" => (sum_lines - total_tax, sum_lines),
        _ => (sum_lines, sum_lines + total_tax),
    };
    // A negative spend is a receive; Xero's own wording for this refusal is unconfirmed.
    if problems.is_empty() && total < 0 {
        problems.push("The total of a bank transaction cannot be negative".to_owned());
    }
    let (Some(bank), Ok(contact), true) = (bank, contact, problems.is_empty()) else { return Err(problems) };
    let date = b["Date"].as_str().and_then(parse_request_date).unwrap_or_else(|| midnight(now.date()));
    let contact_ref = ensure_contact(t, contact, now);
    let line_items: Vec<Value> = lines
        .into_iter()
        .map(|l| {
            json!({
                "LineItemID": uuid::Uuid::new_v4().to_string(),
                "Description": l.item["Description"].as_str().unwrap_or_default(),
                "Quantity": l.quantity as f64 / 10_000.0, "UnitAmount": l.unit as f64 / 10_000.0,
                "AccountCode": l.account["Code"], "AccountID": l.account["AccountID"], "TaxType": l.tax_type,
                "TaxAmount": amount(l.tax), "LineAmount": amount(l.line)
            })
        })
        .collect();
    let tx = json!({
        "BankTransactionID": uuid::Uuid::new_v4().to_string(), "Type": ty, "Contact": contact_ref,
        "LineItems": line_items,
        "BankAccount": {"AccountID": bank["AccountID"], "Code": bank["Code"], "Name": bank["Name"]},
        "IsReconciled": b["IsReconciled"].as_bool().unwrap_or(false), "Date": msdate(date), "DateString": date_string(date),
        "Reference": b["Reference"].as_str().unwrap_or_default(), "CurrencyCode": bank_currency,
        "CurrencyRate": b["CurrencyRate"].as_f64().unwrap_or(1.0), "Status": "AUTHORISED", "LineAmountTypes": amount_types,
        "SubTotal": amount(sub_total), "TotalTax": amount(total_tax), "Total": amount(total),
        "HasAttachments": false, "UpdatedDateUTC": msdate(now)
    });
    t.bank_transactions.push(tx.clone());
    Ok(tx)
}

/// Checks one line item: its account (by AccountCode or AccountID; neither a BANK account nor
/// the receivables/payables control account, which only invoices and bills post to), its tax
/// type and its amounts, and works out its line and tax amounts.
fn line(t: &Tenant, l: &Value, amount_types: &str, unit_dp: u32) -> Result<Line, Vec<String>> {
    let mut problems = Vec::new();
    let code = l["AccountCode"].as_str();
    let account = writes::account(t, &json!({"AccountID": l["AccountID"], "Code": l["AccountCode"]})).cloned();
    let account = match account {
        Some(a)
            if a["Type"] != "BANK"
                && a["Status"] == "ACTIVE"
                && !matches!(a["SystemAccount"].as_str(), Some("DEBTORS" | "CREDITORS")) =>
        {
            Some(a)
        }
        Some(_) | None if code.is_some() || l["AccountID"].is_string() => {
            // Xero's wording (xero.md §10 example).
            problems.push(format!(
                "Account code '{}' is not a valid code for this document.",
                code.or(l["AccountID"].as_str()).unwrap_or_default()
            ));
            None
        }
        _ => {
            problems.push("Each line item needs an AccountCode".to_owned());
            None
        }
    };
    let tax_type = l["TaxType"]
        .as_str()
        .or_else(|| account.as_ref().and_then(|a| a["TaxType"].as_str()))
        .unwrap_or("NONE")
        .to_owned();
    let rate = t.tax_rates.iter().find(|r| r["TaxType"] == tax_type.as_str()).map(|r| r["EffectiveRate"].clone());
    if rate.is_none() {
        problems.push(format!(
            "The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction."
        ));
    }
    let quantity = match &l["Quantity"] {
        Value::Null => Some(10_000),
        q => scaled(q, 4),
    };
    if quantity.is_none() {
        problems.push("Quantity must be a number with at most four decimal places".to_owned());
    }
    let unit = match &l["UnitAmount"] {
        Value::Null => None,
        u => {
            let v = scaled(u, unit_dp).map(|v| v * 10_i128.pow(4 - unit_dp));
            if v.is_none() {
                problems.push(format!("UnitAmount must be a number with at most {unit_dp} decimal places"));
            }
            v
        }
    };
    let given_line = match &l["LineAmount"] {
        Value::Null => None,
        v => {
            let c = crate::money::cents(v);
            if c.is_none() {
                problems.push("LineAmount must be a number with at most two decimal places".to_owned());
            }
            c
        }
    };
    let (Some(account), Some(rate), Some(quantity), true) = (account, rate, quantity, problems.is_empty()) else {
        return Err(problems);
    };
    let (unit, line) = match (unit, given_line) {
        (Some(u), None) => (u, product_cents(quantity, u)),
        (Some(u), Some(g)) if product_cents(quantity, u) == g => (u, g),
        (Some(_), Some(_)) => return Err(vec!["LineAmount must equal Quantity × UnitAmount".to_owned()]),
        // A line amount alone is a quantity of one at that price.
        (None, Some(g)) if quantity == 10_000 => (i128::from(g) * 100, g),
        (None, Some(_)) => return Err(vec!["A line with a Quantity needs a UnitAmount".to_owned()]),
        (None, None) => return Err(vec!["Each line item needs a UnitAmount or a LineAmount".to_owned()]),
    };
    let bp = (rate.as_f64().unwrap_or(0.0) * 100.0).round() as i128;
    let tax = match amount_types {
        "NoTax" => 0,
        "Inclusive" => div_round(i128::from(line) * bp, 10_000 + bp),
        _ => div_round(i128::from(line) * bp, 10_000),
    };
    Ok(Line { item: l.clone(), account, tax_type, quantity, unit, line, tax })
}

/// n / d rounded half away from zero (d > 0).
fn div_round(n: i128, d: i128) -> i64 {
    let q = (n.abs() * 2 + d) / (2 * d);
    (if n < 0 { -q } else { q }) as i64
}

/// The contact a transaction names: an existing one by ContactID, or by Name (an unknown name
/// is a new contact, as Xero makes one). Xero requires a contact on spend and receive money.
fn contact(t: &Tenant, c: &Value) -> Result<Value, String> {
    if let Some(id) = c["ContactID"].as_str() {
        return t.contacts.get(id).cloned().ok_or_else(|| format!("Contact {id} could not be found"));
    }
    match c["Name"].as_str().map(str::trim) {
        Some(name) if !name.is_empty() => Ok(t
            .contacts
            .items
            .iter()
            .find(|x| x["Name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .cloned()
            .unwrap_or_else(|| json!({"Name": name}))),
        _ => Err("A Contact must be specified for this type of transaction".to_owned()),
    }
}

/// `{ContactID, Name}` of the contact, created first if it is new.
fn ensure_contact(t: &mut Tenant, c: Value, now: OffsetDateTime) -> Value {
    if c["ContactID"].is_string() {
        return json!({"ContactID": c["ContactID"], "Name": c["Name"]});
    }
    let id = uuid::Uuid::new_v4().to_string();
    t.contacts.push(json!({
        "ContactID": id, "ContactStatus": "ACTIVE", "Name": c["Name"], "IsSupplier": false, "IsCustomer": false,
        "Addresses": [], "Phones": [], "HasAttachments": false, "HasValidationErrors": false,
        "UpdatedDateUTC": msdate(now)
    }));
    json!({"ContactID": id, "Name": c["Name"]})
}
