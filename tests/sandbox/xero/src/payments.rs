//! Payments against invoices (xero.md §5 "Create a payment"; spec operations `createPayments`,
//! `createPayment`, `deletePayment`): `PUT /Payments` and `POST /Payments` create, in the
//! plural wrapper or as one bare Payment; `POST /Payments/{id}` with `{"Status":"DELETED"}`
//! (or the same inside `{"Payments":[...]}`) deletes and gives the invoice its amount due back.

use crate::data::{amount, minor, Tenant};
use crate::dates::{msdate, parse_request_date};
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

/// `PUT /Payments` and `POST /Payments`.
pub async fn create(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, &format!("{method} /api.xro/2.0/Payments"));
    let call = Call { method, uri, headers, body };
    let summarize = call.summarize();
    writes::run(&s, &app, &call, |t, body, now| {
        let items = match writes::elements(body, "Payments", "Payment") {
            Ok(items) => items,
            Err(o) => return o,
        };
        for p in &items {
            if let Err(o) = writes::date_field(p, "Date") {
                return o;
            }
        }
        writes::batch(t, &items, summarize, "Payments", now, |t, p| pay(t, p, now))
    })
}

/// Checks one payment and, only if it passes, books it.
fn pay(t: &mut Tenant, p: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    let mut problems = Vec::new();
    let inv_ref = &p["Invoice"];
    let inv = inv_ref["InvoiceID"]
        .as_str()
        .and_then(|id| t.invoices.get(id))
        .or_else(|| {
            inv_ref["InvoiceNumber"].as_str().and_then(|n| t.invoices.items.iter().find(|i| i["InvoiceNumber"] == n))
        })
        .cloned();
    // The account by `Account` (AccountID or Code) or the Payment's own `Code` (spec Payment).
    let acc_ref = if p["Account"].is_object() { p["Account"].clone() } else { json!({"Code": p["Code"]}) };
    let acc = writes::account(t, &acc_ref).cloned();
    let cents = crate::money::cents(&p["Amount"]);
    let date = p["Date"].as_str().and_then(parse_request_date);
    match &inv {
        None => problems.push("Invoice could not be found".to_owned()),
        Some(i) if i["Status"] != "AUTHORISED" => problems.push(format!(
            "Payment cannot be created against an invoice with status {}",
            i["Status"].as_str().unwrap_or("?")
        )),
        _ => {}
    }
    match &acc {
        None => problems.push("Account could not be found".to_owned()),
        Some(a) if a["Type"] != "BANK" && a["EnablePaymentsToAccount"] != true => problems
            .push("Payments can only be made to BANK accounts or accounts with EnablePaymentsToAccount".to_owned()),
        Some(a) if a["Status"] != "ACTIVE" => problems
            .push(format!("Payments cannot be made to an account with status {}", a["Status"].as_str().unwrap_or("?"))),
        _ => {}
    }
    if let (Some(a), Some(i)) = (&acc, &inv) {
        // A payment account holds the invoice's currency or the base currency (accounts other
        // than BANK have no currency of their own and use the base one). Unconfirmed rule.
        let account_cur = a["CurrencyCode"].as_str().unwrap_or(&t.currency);
        let invoice_cur = i["CurrencyCode"].as_str().unwrap_or_default();
        if account_cur != invoice_cur && account_cur != t.currency {
            problems.push(format!(
                "The payment account's currency {account_cur} must be the invoice's currency {invoice_cur} or the base currency {}",
                t.currency
            ));
        }
    }
    match (cents, &inv) {
        (None, _) if p["Amount"].is_null() => problems.push("Payment amount must be greater than zero".to_owned()),
        (None, _) => problems.push("Payment amount must have at most two decimal places".to_owned()),
        (Some(i64::MIN..=0), _) => problems.push("Payment amount must be greater than zero".to_owned()),
        (Some(a), Some(i)) if a > minor(&i["AmountDue"]) => {
            problems.push("Payment amount exceeds the amount outstanding on this document".to_owned())
        }
        _ => {}
    }
    if date.is_none() {
        problems.push("A valid payment Date is required".to_owned());
    }
    let (Some(inv), Some(acc), Some(amt), Some(date), true) = (inv, acc, cents, date, problems.is_empty()) else {
        return Err(problems);
    };
    let pid = uuid::Uuid::new_v4().to_string();
    let inv_id = inv["InvoiceID"].as_str().unwrap_or_default().to_owned();
    let Some(live) = t.invoices.get_mut(&inv_id) else { return Err(vec!["Invoice could not be found".to_owned()]) };
    let due = minor(&live["AmountDue"]) - amt;
    live["AmountDue"] = amount(due);
    live["AmountPaid"] = amount(minor(&live["AmountPaid"]) + amt);
    if due == 0 {
        live["Status"] = json!("PAID");
        live["FullyPaidOnDate"] = json!(msdate(date));
    }
    let payment = json!({
        "PaymentID": pid, "Date": msdate(date), "Amount": amount(amt), "Reference": p["Reference"].as_str().unwrap_or_default(),
        "CurrencyRate": live["CurrencyRate"], "PaymentType": if live["Type"] == "ACCPAY" { "ACCPAYPAYMENT" } else { "ACCRECPAYMENT" },
        "Status": "AUTHORISED", "IsReconciled": p["IsReconciled"].as_bool().unwrap_or(false), "HasAccount": true, "HasValidationErrors": false,
        "Account": {"AccountID": acc["AccountID"], "Code": acc["Code"]},
        "Invoice": {"InvoiceID": inv_id, "InvoiceNumber": live["InvoiceNumber"], "Type": live["Type"], "CurrencyCode": live["CurrencyCode"],
                    "Contact": live["Contact"], "AmountDue": live["AmountDue"], "AmountPaid": live["AmountPaid"], "Status": live["Status"]},
        "UpdatedDateUTC": msdate(now)
    });
    if let Some(arr) = live["Payments"].as_array_mut() {
        arr.push(json!({"PaymentID": pid, "Date": payment["Date"], "Amount": payment["Amount"], "Reference": payment["Reference"], "HasAccount": true, "HasValidationErrors": false}));
    }
    live["UpdatedDateUTC"] = json!(msdate(now));
    t.payments.push(payment.clone());
    Ok(payment)
}

/// `POST /Payments/{id}`: the spec's `PaymentDelete` (`{"Status":"DELETED"}`), or the same in
/// the plural wrapper as xero.md §4 shows it. Deleting is the only change Xero allows to a
/// payment.
pub async fn update(
    State(s): State<Arc<Shared>>,
    Extension(App(app)): Extension<App>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.ctx.counters.hit(crate::PROVIDER, "POST /api.xro/2.0/Payments/{id}");
    let call = Call { method, uri, headers, body };
    writes::run(&s, &app, &call, |t, body, now| {
        let items = match writes::elements(body, "Payments", "PaymentDelete") {
            Ok(items) => items,
            Err(o) => return o,
        };
        if t.payments.get(&id).is_none() {
            return Outcome::not_found(&format!("Payment {id}"));
        }
        let mut o = writes::batch(t, &items[..1], true, "Payments", now, |t, change| delete(t, &id, change, now));
        o.created = 0;
        o
    })
}

fn delete(t: &mut Tenant, id: &str, change: &Value, now: OffsetDateTime) -> Result<Value, Vec<String>> {
    if change["Status"] != "DELETED" {
        return Err(vec!["A payment can only be deleted: send {\"Status\":\"DELETED\"}".to_owned()]);
    }
    let Some(p) = t.payments.get_mut(id) else { return Err(vec![format!("Payment {id} could not be found")]) };
    if p["Status"] == "DELETED" {
        return Err(vec!["This payment has already been deleted".to_owned()]);
    }
    p["Status"] = json!("DELETED");
    p["UpdatedDateUTC"] = json!(msdate(now));
    let amt = minor(&p["Amount"]);
    let inv_id = p["Invoice"]["InvoiceID"].as_str().unwrap_or_default().to_owned();
    let payment = p.clone();
    if let Some(inv) = t.invoices.get_mut(&inv_id) {
        inv["AmountDue"] = amount(minor(&inv["AmountDue"]) + amt);
        inv["AmountPaid"] = amount(minor(&inv["AmountPaid"]) - amt);
        inv["Status"] = json!("AUTHORISED");
        if let Some(o) = inv.as_object_mut() {
            o.remove("FullyPaidOnDate");
        }
        if let Some(arr) = inv["Payments"].as_array_mut() {
            arr.retain(|x| x["PaymentID"].as_str().is_none_or(|x| !x.eq_ignore_ascii_case(id)));
        }
        inv["UpdatedDateUTC"] = json!(msdate(now));
    }
    Ok(payment)
}
