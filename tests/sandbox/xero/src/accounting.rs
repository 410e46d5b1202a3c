//! The Accounting API under `/api.xro/2.0` (tests/sandbox/specs/xero_accounting.yaml; xero.md §4–12):
//! envelopes, paging, If-Modified-Since, where/order, summaryOnly on reads, and Xero's rate
//! limits with their headers. Writes live in `writes` and one module per resource.

use crate::data::{Records, Tenant};
use crate::dates::{msdate, parse_if_modified_since};
use crate::identity::authenticate;
use crate::query::{eval, order_key, parse_order, parse_where};
use crate::Shared;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Xero's limits (xero.md §9; https://developer.xero.com/faq/limits).
pub const TENANT_CONCURRENT: u32 = 5;
pub const TENANT_PER_MINUTE: u32 = 60;
pub const TENANT_PER_DAY: u32 = 5_000;
pub const APP_PER_MINUTE: u32 = 10_000;

pub(crate) fn envelope(key: &str, items: Vec<Value>, now: time::OffsetDateTime) -> Value {
    // Top level of every response: Id, Status, ProviderName, DateTimeUTC (xero.md §5).
    let mut v = json!({"Id": uuid::Uuid::new_v4().to_string(), "Status": "OK", "ProviderName": "Xero Partner",
                       "DateTimeUTC": msdate(now).replace("+0000", "")});
    v[key] = Value::Array(items);
    v
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"ErrorNumber": 16, "Type": "QueryParseException", "Message": message})))
        .into_response()
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"Title": "Not Found", "Status": 404, "Detail": format!("{what} was not found")})),
    )
        .into_response()
}

/// Authentication, tenant check and rate limiting for every Accounting call.
pub async fn guard(State(s): State<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let event = match authenticate(&s, req.headers()) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(tenant) = req.headers().get("xero-tenant-id").and_then(|v| v.to_str().ok()).map(str::to_owned) else {
        // The header is required (spec parameter `requiredHeader`).
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})),
        )
            .into_response();
    };
    let app = s.state.lock().ok().and_then(|st| {
        st.grants
            .get(&event)
            .filter(|g| g.connections.iter().any(|c| c.tenant_id.eq_ignore_ascii_case(&tenant)))
            .map(|g| g.client_id.clone())
    });
    let Some(app) = app else {
        // Wrong or disconnected tenant (xero.md §3, XeroAPI/xero-node#432).
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})),
        )
            .into_response();
    };
    // Writes scope their Idempotency-Key to the calling app (crate::writes).
    req.extensions_mut().insert(crate::writes::App(app));
    let key = tenant.to_ascii_lowercase();
    let (remaining, refusal) = admit(&s, &key);
    if let Some(r) = refusal {
        s.ctx.counters.rate_limited(crate::PROVIDER);
        return r;
    }
    let mut resp = next.run(req).await;
    if let Ok(mut st) = s.state.lock() {
        if let Some(n) = st.limits.in_flight.get_mut(&key) {
            *n = n.saturating_sub(1);
        }
    }
    let h = resp.headers_mut();
    // Every response carries the remaining budgets (xero.md §9).
    h.insert("x-daylimit-remaining", HeaderValue::from(remaining.0));
    h.insert("x-minlimit-remaining", HeaderValue::from(remaining.1));
    h.insert("x-appminlimit-remaining", HeaderValue::from(remaining.2));
    resp
}

/// Books one call against the tenant's windows or says why not. Windows are fixed, starting at
/// the first call after the previous window ended (xero.md §9: "Windows are fixed"). Refused
/// calls are not booked.
fn admit(s: &Shared, key: &str) -> ((u32, u32, u32), Option<Response>) {
    let minute_ms = s.ctx.minute.as_millis() as i64;
    let day_ms = minute_ms * 1440;
    let now = crate::data::now_ms(s.ctx.clock.now());
    let Ok(mut st) = s.state.lock() else {
        return ((0, 0, 0), Some(StatusCode::INTERNAL_SERVER_ERROR.into_response()));
    };
    let l = &mut st.limits;
    for (w, len) in
        [(l.minute.entry(key.to_owned()).or_default(), minute_ms), (l.day.entry(key.to_owned()).or_default(), day_ms)]
    {
        if now - w.start_ms >= len {
            w.start_ms = now;
            w.count = 0;
        }
    }
    if now - l.app_minute.start_ms >= minute_ms {
        l.app_minute.start_ms = now;
        l.app_minute.count = 0;
    }
    let minute = &l.minute[key];
    let day = &l.day[key];
    let in_flight = l.in_flight.get(key).copied().unwrap_or(0);
    let remaining = |m: u32, d: u32, a: u32| (TENANT_PER_DAY - d, TENANT_PER_MINUTE - m, APP_PER_MINUTE - a);
    let retry_secs = |start: i64, len: i64| ((start + len - now).max(1) + 999) / 1000;
    let refuse = |problem: &str, retry: Option<i64>, rem: (u32, u32, u32)| {
        let mut r = StatusCode::TOO_MANY_REQUESTS.into_response();
        let h = r.headers_mut();
        h.insert("x-rate-limit-problem", HeaderValue::from_str(problem).expect("ascii"));
        if let Some(secs) = retry {
            h.insert("retry-after", HeaderValue::from(secs));
        }
        h.insert("x-daylimit-remaining", HeaderValue::from(rem.0));
        h.insert("x-minlimit-remaining", HeaderValue::from(rem.1));
        h.insert("x-appminlimit-remaining", HeaderValue::from(rem.2));
        r
    };
    let rem = remaining(minute.count, day.count, l.app_minute.count);
    if day.count >= TENANT_PER_DAY {
        return (rem, Some(refuse("day", Some(retry_secs(day.start_ms, day_ms)), rem)));
    }
    if minute.count >= TENANT_PER_MINUTE {
        return (rem, Some(refuse("minute", Some(retry_secs(minute.start_ms, minute_ms)), rem)));
    }
    if l.app_minute.count >= APP_PER_MINUTE {
        // "appminute": the value for the app-wide limit is unconfirmed (xero.md §9).
        return (rem, Some(refuse("appminute", Some(retry_secs(l.app_minute.start_ms, minute_ms)), rem)));
    }
    if in_flight >= TENANT_CONCURRENT {
        // The concurrent limit has no Retry-After: retry when a call finishes.
        return (rem, Some(refuse("concurrent", None, rem)));
    }
    l.minute.get_mut(key).expect("entry made above").count += 1;
    l.day.get_mut(key).expect("entry made above").count += 1;
    l.app_minute.count += 1;
    *l.in_flight.entry(key.to_owned()).or_default() += 1;
    let rem = remaining(l.minute[key].count, l.day[key].count, l.app_minute.count);
    (rem, None)
}

fn tenant_id(headers: &HeaderMap) -> String {
    headers.get("xero-tenant-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The resources the app syncs: (URL name, response key, paged, id field).
const RESOURCES: [(&str, &str, bool, &str); 10] = [
    ("Organisation", "Organisations", false, "OrganisationID"),
    ("Accounts", "Accounts", false, "AccountID"),
    ("Currencies", "Currencies", false, "Code"),
    ("TaxRates", "TaxRates", false, "TaxType"),
    ("Contacts", "Contacts", true, "ContactID"),
    ("Invoices", "Invoices", true, "InvoiceID"),
    ("Payments", "Payments", true, "PaymentID"),
    ("BankTransactions", "BankTransactions", true, "BankTransactionID"),
    ("BankTransfers", "BankTransfers", false, "BankTransferID"),
    ("CreditNotes", "CreditNotes", true, "CreditNoteID"),
];

fn records<'a>(t: &'a Tenant, resource: &str) -> Option<Vec<&'a Value>> {
    let r = |rec: &'a Records| rec.items.iter().collect();
    Some(match resource {
        "Organisation" => vec![&t.organisation],
        "Accounts" => r(&t.accounts),
        "Currencies" => t.currencies.iter().collect(),
        "TaxRates" => t.tax_rates.iter().collect(),
        "Contacts" => r(&t.contacts),
        "Invoices" => r(&t.invoices),
        "Payments" => r(&t.payments),
        "BankTransactions" => r(&t.bank_transactions),
        "BankTransfers" => r(&t.bank_transfers),
        "CreditNotes" => r(&t.credit_notes),
        _ => return None,
    })
}

/// `GET /api.xro/2.0/{Resource}`.
pub async fn list(
    State(s): State<Arc<Shared>>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(&(name, key, paged, id_field)) = RESOURCES.iter().find(|r| r.0.eq_ignore_ascii_case(&resource)) else {
        return not_found(&format!("resource {resource}"));
    };
    s.ctx.counters.hit(crate::PROVIDER, &format!("GET /api.xro/2.0/{name}"));
    let since = match headers.get("if-modified-since").and_then(|v| v.to_str().ok()) {
        Some(v) => match parse_if_modified_since(v) {
            Some(t) => Some(crate::data::now_ms(t)),
            None => return bad_request(&format!("If-Modified-Since {v:?} is not a date")),
        },
        None => None,
    };
    let filter = match q.get("where").filter(|w| !w.trim().is_empty()) {
        Some(w) => match parse_where(w) {
            Ok(e) => Some(e),
            Err(e) => return bad_request(&format!("where clause: {e}")),
        },
        None => None,
    };
    let order = match q.get("order") {
        Some(o) => match parse_order(o) {
            Ok(o) => Some(o),
            Err(e) => return bad_request(&e),
        },
        None => None,
    };
    let list_param = |k: &str| -> Option<Vec<String>> {
        q.get(k).map(|v| v.split(',').map(|x| x.trim().to_ascii_lowercase()).filter(|x| !x.is_empty()).collect())
    };
    let ids = list_param("IDs");
    let statuses = list_param("Statuses");
    let contact_ids = list_param("ContactIDs");
    let numbers = list_param("InvoiceNumbers");
    let include_archived = q.get("includeArchived").is_some_and(|v| v == "true");
    let include_deleted = q.get("includeDeleted").is_some_and(|v| v == "true");
    let summary_only = q.get("summaryOnly").is_some_and(|v| v == "true");
    let page: Option<usize> = match q.get("page").map(|p| p.parse::<usize>()) {
        Some(Ok(p)) if p >= 1 => Some(p),
        Some(_) => return bad_request("page must be a whole number from 1"),
        None => None,
    };
    // pageSize: default 100; maximum 1000 (xero.md §7, unconfirmed: CData driver docs).
    let page_size = match q.get("pageSize").map(|p| p.parse::<usize>()) {
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => return bad_request("pageSize must be between 1 and 1000"),
        None => 100,
    };

    let now = s.ctx.clock.now();
    let Ok(st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let Some(t) = st.tenant(&tenant_id(&headers)) else { return not_found("organisation") };
    let all = records(t, name).unwrap_or_default();
    let mut hits: Vec<&Value> = all
        .into_iter()
        // "created or updated since then, to the second" (xero.md §8): compared at whole
        // seconds and inclusive, so a record changed in the same second is not lost.
        .filter(|v| since.is_none_or(|ms| crate::data::updated_ms(v).div_euclid(1000) >= ms.div_euclid(1000)))
        .filter(|v| filter.as_ref().is_none_or(|f| eval(f, v)))
        .filter(|v| {
            ids.as_ref().is_none_or(|ids| ids.contains(&v[id_field].as_str().unwrap_or_default().to_ascii_lowercase()))
        })
        .filter(|v| {
            statuses.as_ref().is_none_or(|s| s.contains(&v["Status"].as_str().unwrap_or_default().to_ascii_lowercase()))
        })
        .filter(|v| {
            contact_ids.as_ref().is_none_or(|c| {
                c.contains(&v["Contact"]["ContactID"].as_str().unwrap_or_default().to_ascii_lowercase())
            })
        })
        .filter(|v| {
            numbers
                .as_ref()
                .is_none_or(|n| n.contains(&v["InvoiceNumber"].as_str().unwrap_or_default().to_ascii_lowercase()))
        })
        // Archived contacts only with includeArchived=true (spec `includeArchived`).
        .filter(|v| name != "Contacts" || include_archived || v["ContactStatus"] != "ARCHIVED")
        // Deleted transfers only with includeDeleted=true (spec `includeDeleted`).
        .filter(|v| name != "BankTransfers" || include_deleted || v["Status"] != "DELETED")
        .collect();
    if let Some((field, desc)) = &order {
        let mut keyed: Vec<_> = hits.into_iter().map(|v| (order_key(v, field), v)).collect();
        keyed.sort_by(|(a, _), (b, _)| {
            let o = a.cmp_to(b);
            if *desc {
                o.reverse()
            } else {
                o
            }
        });
        hits = keyed.into_iter().map(|(_, v)| v).collect();
    }
    let item_count = hits.len();
    let (slice, pagination) = match (paged, page) {
        (true, Some(p)) => {
            let start = (p - 1).saturating_mul(page_size).min(item_count);
            let end = (start + page_size).min(item_count);
            let page_count = item_count.div_ceil(page_size);
            (
                &hits[start..end],
                Some(json!({"page": p, "pageSize": page_size, "pageCount": page_count, "itemCount": item_count})),
            )
        }
        _ => (&hits[..], None),
    };
    // Without `page`, invoices and bank transactions come without line items (spec `page`
    // description); summaryOnly drops the heavy fields (xero.md §13).
    let strip_lines =
        (matches!(name, "Invoices" | "BankTransactions" | "CreditNotes") && page.is_none()) || summary_only;
    let items: Vec<Value> = slice
        .iter()
        .map(|v| {
            let mut v = (*v).clone();
            if strip_lines {
                if let Some(o) = v.as_object_mut() {
                    o.remove("LineItems");
                }
            }
            if summary_only {
                if let Some(o) = v.as_object_mut() {
                    for f in [
                        "Payments",
                        "CreditNotes",
                        "Prepayments",
                        "Overpayments",
                        "IsSupplier",
                        "IsCustomer",
                        "Addresses",
                        "Phones",
                    ] {
                        o.remove(f);
                    }
                }
            }
            v
        })
        .collect();
    let mut body = envelope(key, items, now);
    if let Some(p) = pagination {
        body["pagination"] = p;
    }
    Json(body).into_response()
}

/// `GET /api.xro/2.0/{Resource}/{id}`.
pub async fn get_one(
    State(s): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(&(name, key, _, id_field)) = RESOURCES.iter().find(|r| r.0.eq_ignore_ascii_case(&resource)) else {
        return not_found(&format!("resource {resource}"));
    };
    s.ctx.counters.hit(crate::PROVIDER, &format!("GET /api.xro/2.0/{name}/{{id}}"));
    let now = s.ctx.clock.now();
    let Ok(st) = s.state.lock() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let Some(t) = st.tenant(&tenant_id(&headers)) else { return not_found("organisation") };
    let found = records(t, name).unwrap_or_default().into_iter().find(|v| {
        v[id_field].as_str().is_some_and(|x| x.eq_ignore_ascii_case(&id))
            || (name == "Invoices" && v["InvoiceNumber"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(&id)))
    });
    match found {
        Some(v) => Json(envelope(key, vec![v.clone()], now)).into_response(),
        None => not_found(&format!("{name} {id}")),
    }
}

/// `GET` on a resource whose path also takes writes (a route of its own, so the generic
/// `/{resource}` route does not see it).
pub async fn list_fixed(
    resource: &'static str,
    state: State<Arc<Shared>>,
    headers: HeaderMap,
    q: Query<HashMap<String, String>>,
) -> Response {
    list(state, Path(resource.to_owned()), headers, q).await
}

pub async fn get_fixed(
    resource: &'static str,
    state: State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    get_one(state, Path((resource.to_owned(), id)), headers).await
}
