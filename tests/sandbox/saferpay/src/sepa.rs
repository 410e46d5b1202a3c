//! What happens to a SEPA direct debit after Capture, outside the JSON API: the payer's bank
//! charging it back, and refunds waiting in the Backoffice export journal (review D12). Both
//! are driven by the sandbox's own switches under `/_sandbox/...`; neither shows in
//! Transaction/Inquire, which knows no such status. The transaction report shows them
//! (`report.rs`, `_Chargeback` and `_SepaRefundExport`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

use crate::model::{self, Chargeback, ChargebackKind, SepaExport, Status};
use crate::Shared;

type AdminResult = Result<Json<Value>, (StatusCode, Json<Value>)>;

fn refuse(status: StatusCode, message: impl Into<String>) -> (StatusCode, Json<Value>) {
    (status, Json(json!({"error": message.into()})))
}

/// `POST /_sandbox/transactions/{id}/chargeback {"kind": "authorised" | "unauthorised",
/// "reason": "MD06"}`: the payer's bank takes a captured SEPA debit back, in full. Refused (409)
/// for anything but a captured DIRECTDEBIT payment not yet charged back, and outside the claim
/// window counted on the simulated clock from the capture: 8 weeks for an authorised debit,
/// 13 months for an unauthorised one ([`ChargebackKind::deadline`]).
pub async fn chargeback(State(sh): State<Arc<Shared>>, Path(id): Path<String>, Json(body): Json<Value>) -> AdminResult {
    let kind = match body.get("kind").and_then(Value::as_str) {
        Some("authorised") => ChargebackKind::Authorised,
        Some("unauthorised") => ChargebackKind::Unauthorised,
        _ => return Err(refuse(StatusCode::BAD_REQUEST, "kind must be \"authorised\" or \"unauthorised\"")),
    };
    let reason = match body.get("reason") {
        None | Some(Value::Null) => kind.default_reason().to_owned(),
        // ISO 20022 reason codes are four letters or digits (MD06, MD01, AM04, ...).
        Some(Value::String(r)) if r.len() == 4 && r.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) => {
            r.clone()
        }
        Some(_) => return Err(refuse(StatusCode::BAD_REQUEST, "reason must be an ISO 20022 reason code such as MD06")),
    };
    let now = sh.now();
    let mut d = sh.data();
    let t = d.txs.get_mut(&id).ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no transaction {id}")))?;
    let conflict = |m: String| Err(refuse(StatusCode::CONFLICT, m));
    let debited = match (&t.capture, t.status) {
        _ if t.kind != "PAYMENT" || !t.is_direct_debit() => {
            return conflict(format!("{id} is not a SEPA direct debit payment"));
        }
        (Some(c), Status::Captured) => c.date,
        _ => return conflict(format!("{id} was never debited: it is {}", t.status.as_str())),
    };
    if t.chargeback.is_some() {
        return conflict(format!("{id} was already charged back"));
    }
    let deadline = kind.deadline(debited);
    if now > deadline {
        return conflict(format!(
            "an {} claim on a debit of {} was possible until {}",
            kind.as_str().to_ascii_lowercase(),
            model::fmt_date(debited),
            model::fmt_date(deadline)
        ));
    }
    let cb = Chargeback { kind, reason, date: now };
    let out = json!({"TransactionId": id, "Chargeback": chargeback_json(&cb, t.amount, &t.currency)});
    t.chargeback = Some(cb);
    Ok(Json(out))
}

pub fn chargeback_json(cb: &Chargeback, amount: i64, currency: &str) -> Value {
    json!({
        "Kind": cb.kind.as_str(),
        "ReasonCode": cb.reason,
        "Date": model::fmt_date(cb.date),
        // SEPA R-transactions return the whole collection.
        "Amount": model::amount_json(amount, currency),
    })
}

/// `POST /_sandbox/sepa-refunds/export {"TransactionIds": [...]}`: the merchant's Backoffice
/// export of "the transactions you want, or ... all the new refunds, that haven't been exported
/// yet" (docs.saferpay.com interfaces/backoffice/transactions/sepa-refunds-export). Without
/// `TransactionIds`, every pending one. Answers the refunds exported now; only then would the
/// money leave, by the merchant's own bank upload.
pub async fn export_refunds(State(sh): State<Arc<Shared>>, body: Option<Json<Value>>) -> AdminResult {
    let wanted: Option<Vec<String>> = match body.as_ref().and_then(|Json(b)| b.get("TransactionIds")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value(v.clone())
                .map_err(|_| refuse(StatusCode::BAD_REQUEST, "TransactionIds must be a list of ids"))?,
        ),
    };
    let now = sh.now();
    let mut d = sh.data();
    if let Some(ids) = &wanted {
        if let Some(bad) =
            ids.iter().find(|id| d.txs.get(*id).is_none_or(|t| t.sepa_export != Some(SepaExport::Pending)))
        {
            return Err(refuse(StatusCode::CONFLICT, format!("{bad} is not a SEPA refund waiting for export")));
        }
    }
    let mut exported = Vec::new();
    for t in d.txs.values_mut() {
        if t.sepa_export == Some(SepaExport::Pending) && wanted.as_ref().is_none_or(|w| w.contains(&t.id)) {
            t.sepa_export = Some(SepaExport::Exported { at: now });
            exported.push(json!({
                "TransactionId": t.id,
                "Amount": model::amount_json(t.amount, &t.currency),
                "IBAN": match &t.means { model::Means::BankAccount { iban, .. } => iban.as_str(), _ => "" },
            }));
        }
    }
    Ok(Json(json!({"Exported": exported, "Date": model::fmt_date(now)})))
}

pub fn export_json(e: &SepaExport) -> Value {
    match e {
        SepaExport::Pending => json!({"State": "PENDING"}),
        SepaExport::Exported { at } => json!({"State": "EXPORTED", "Date": model::fmt_date(*at)}),
    }
}
