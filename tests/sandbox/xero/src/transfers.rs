//! Transfers between two bank accounts (spec operations `createBankTransfer`,
//! `deleteBankTransfers`, `deleteBankTransfer`): a BankTransfer books a SPEND-TRANSFER on the
//! From account and a RECEIVE-TRANSFER on the To account, whose ids it carries; deleting it
//! deletes both halves.

use crate::data::{amount, Tenant};
use crate::dates::{date_string, midnight, msdate, parse_request_date};
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

/// `PUT /BankTransfers` creates; `POST /BankTransfers` deletes those it names
/// (`BankTransfersDelete`: `{"BankTransfers":[{"BankTransferID":…,"Status":"DELETED"}]}`).
pub async fn write(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, &format!("{method} /api.xro/2.0/BankTransfers"));
    let call = Call { method, uri, headers, body };
    let (summarize, is_put) = (call.summarize(), call.method == Method::PUT);
    writes::run(&s, &app, &call, |t, body, now| {
        if !is_put {
            if let Err(o) = writes::conforms("BankTransfersDelete", body) {
                return o;
            }
            let Some(items) = body["BankTransfers"].as_array().filter(|i| !i.is_empty()) else {
                return Outcome::post_data_invalid("The request holds no BankTransfers");
            };
            let mut o = writes::batch(t, items, summarize, "BankTransfers", now, |t, d| {
                let id = d["BankTransferID"].as_str().unwrap_or_default().to_owned();
                delete(t, &id, d, now)
            });
            o.created = 0;
            return o;
        }
        let items = match writes::elements(body, "BankTransfers", "BankTransfer") {
            Ok(items) => items,
            Err(o) => return o,
        };
        for b in &items {
            if let Err(o) = writes::date_field(b, "Date") {
                return o;
            }
        }
        writes::batch(t, &items, true, "BankTransfers", now, |t, b| transfer(t, b, now))
    })
}

/// `POST /BankTransfers/{id}` with `BankTransferDeleteByUrlParam` (`{"Status":"DELETED"}`).
pub async fn update(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "POST /api.xro/2.0/BankTransfers/{id}");
    let call = Call { method, uri, headers, body };
    writes::run(&s, &app, &call, |t, body, now| {
        if let Err(o) = writes::conforms("BankTransferDeleteByUrlParam", body) {
            return o;
        }
        if t.bank_transfers.get(&id).is_none() {
            return Outcome::not_found(&format!("BankTransfer {id}"));
        }
        let mut o =
            writes::batch(t, std::slice::from_ref(body), true, "BankTransfers", now, |t, d| delete(t, &id, d, now));
        o.created = 0;
        o
    })
}

/// Checks one transfer and, only if it passes, books it with its two bank transactions.
fn transfer(t: &mut Tenant, b: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    let mut problems = Vec::new();
    let mut side = |field: &str| {
        let a = writes::account(t, &b[field]).cloned();
        match &a {
            None if b[field].is_null() => problems.push(format!("A {field} is required")),
            None => problems.push(format!("The {field} could not be found")),
            Some(a) if a["Type"] != "BANK" => problems.push(format!("The {field} must be an account of Type BANK")),
            Some(a) if a["Status"] != "ACTIVE" => problems.push(format!("The {field} is archived")),
            _ => {}
        }
        a
    };
    let (from, to) = (side("FromBankAccount"), side("ToBankAccount"));
    let base = t.currency.clone();
    let currency = |a: &Value| a["CurrencyCode"].as_str().unwrap_or(&base).to_owned();
    if let (Some(f), Some(to)) = (&from, &to) {
        if f["AccountID"] == to["AccountID"] {
            problems.push("The FromBankAccount and ToBankAccount must be different bank accounts".to_owned());
        } else if currency(f) != currency(to) {
            // Xero converts at a rate of its own for such a transfer; the sandbox has no rates, so
            // it refuses instead of booking a made-up amount.
            problems.push(format!(
                "The sandbox transfers only between accounts of one currency ({} → {})",
                currency(f),
                currency(to)
            ));
        }
    }
    let cents = crate::money::cents(&b["Amount"]);
    match cents {
        None if b["Amount"].is_null() => problems.push("An Amount is required".to_owned()),
        None => problems.push("The Amount must have at most two decimal places".to_owned()),
        Some(c) if c <= 0 => problems.push("The Amount must be greater than zero".to_owned()),
        _ => {}
    }
    let (Some(from), Some(to), Some(cents), true) = (from, to, cents, problems.is_empty()) else {
        return Err(problems);
    };
    let date = b["Date"].as_str().and_then(parse_request_date).unwrap_or_else(|| midnight(now.date()));
    let reference = b["Reference"].as_str().unwrap_or_default();
    let account_ref = |a: &Value| json!({"AccountID": a["AccountID"], "Code": a["Code"], "Name": a["Name"]});
    let (from_cur, to_cur) = (currency(&from), currency(&to));
    let mut half = |ty: &str, account: &Value, cur: &str, reconciled: bool| {
        let id = uuid::Uuid::new_v4().to_string();
        t.bank_transactions.push(json!({
            "BankTransactionID": id, "Type": ty, "LineItems": [], "BankAccount": account_ref(account),
            "IsReconciled": reconciled, "Date": msdate(date), "DateString": date_string(date), "Reference": reference,
            "CurrencyCode": cur, "CurrencyRate": 1.0, "Status": "AUTHORISED", "LineAmountTypes": "NoTax",
            "SubTotal": amount(cents), "TotalTax": amount(0), "Total": amount(cents), "HasAttachments": false,
            "UpdatedDateUTC": msdate(now)
        }));
        id
    };
    let (from_rec, to_rec) =
        (b["FromIsReconciled"].as_bool().unwrap_or(false), b["ToIsReconciled"].as_bool().unwrap_or(false));
    let from_tx = half("SPEND-TRANSFER", &from, &from_cur, from_rec);
    let to_tx = half("RECEIVE-TRANSFER", &to, &to_cur, to_rec);
    let record = json!({
        "BankTransferID": uuid::Uuid::new_v4().to_string(),
        "FromBankAccount": account_ref(&from), "ToBankAccount": account_ref(&to),
        "Amount": amount(cents), "Date": msdate(date), "CurrencyRate": 1.0,
        "FromBankTransactionID": from_tx, "ToBankTransactionID": to_tx,
        "FromIsReconciled": from_rec, "ToIsReconciled": to_rec, "Reference": reference,
        "HasAttachments": false, "CreatedDateUTC": msdate(now), "Status": "AUTHORISED"
    });
    t.bank_transfers.push(record.clone());
    Ok(record)
}

fn delete(t: &mut Tenant, id: &str, d: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    if d["Status"] != "DELETED" {
        return Err(vec!["A bank transfer can only be deleted: send {\"Status\":\"DELETED\"}".to_owned()]);
    }
    let Some(tr) = t.bank_transfers.get_mut(id) else {
        return Err(vec![format!("BankTransfer {id} could not be found")]);
    };
    if tr["Status"] == "DELETED" {
        return Err(vec!["This bank transfer has already been deleted".to_owned()]);
    }
    tr["Status"] = json!("DELETED");
    let record = tr.clone();
    for half in ["FromBankTransactionID", "ToBankTransactionID"] {
        if let Some(tx) = record[half].as_str().and_then(|h| t.bank_transactions.get_mut(h)) {
            tx["Status"] = json!("DELETED");
            tx["UpdatedDateUTC"] = json!(msdate(now));
        }
    }
    Ok(record)
}
