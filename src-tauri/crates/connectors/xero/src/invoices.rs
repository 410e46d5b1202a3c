//! The invoice list and detail the UI shows, read from the local store (so they work offline).

use crate::{rows, Error, Result};
use serde_json::Value;
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_core::money::Currency;
use xp_ipc::{InvoiceDetail, InvoicePage, InvoiceQuery, InvoiceRow, InvoiceSort, LineItemRow, PaymentRow};
use xp_store::xero as db;

/// The most rows one call returns; the UI pages as it scrolls.
const MAX_LIMIT: u32 = 1000;

/// A list's organisation filter as the window sends it: none when empty, else one of the app's
/// organisation ids (anything else is refused, not matched against nothing).
pub(crate) fn organisation_filter(id: &Option<String>) -> Result<Option<OrganisationId>> {
    match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| crate::Error::Invalid(format!("organisationId {s:?} is not an organisation id"))),
    }
}

pub async fn list(services: &Context, q: &InvoiceQuery) -> Result<InvoicePage> {
    let query = db::InvoiceQuery {
        organisation_id: organisation_filter(&q.organisation_id)?,
        statuses: q.statuses.iter().map(|s| s.to_ascii_uppercase()).collect(),
        contact_id: q.contact_id.clone().filter(|s| !s.is_empty()),
        currency: q.currency.clone().filter(|s| !s.is_empty()).map(|c| c.to_ascii_uppercase()),
        date_from: valid_date("dateFrom", q.date_from.as_deref())?,
        date_to: valid_date("dateTo", q.date_to.as_deref())?,
        amount_min: amount("amountMin", q.amount_min.as_deref())?,
        amount_max: amount("amountMax", q.amount_max.as_deref())?,
        search: q.search.clone().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        sort: match q.sort {
            InvoiceSort::Date => db::InvoiceSort::Date,
            InvoiceSort::DueDate => db::InvoiceSort::DueDate,
            InvoiceSort::Number => db::InvoiceSort::Number,
            InvoiceSort::Contact => db::InvoiceSort::Contact,
            InvoiceSort::Total => db::InvoiceSort::Total,
            InvoiceSort::AmountDue => db::InvoiceSort::AmountDue,
            InvoiceSort::Status => db::InvoiceSort::Status,
        },
        descending: q.descending,
        offset: i64::from(q.offset),
        limit: i64::from(q.limit.clamp(1, MAX_LIMIT)),
    };
    let page = db::list_invoices(&services.store, &query).await?;
    Ok(InvoicePage { rows: page.rows.into_iter().map(row).collect(), total: page.total })
}

pub async fn get(services: &Context, organisation_id: OrganisationId, invoice_id: &str) -> Result<InvoiceDetail> {
    let d = db::get_invoice(&services.store, organisation_id, invoice_id)
        .await?
        .ok_or_else(|| xp_store::Error::NotFound(format!("invoice {invoice_id} is not in the local cache")))?;
    let (name, short_code) = organisation(services, organisation_id).await?;
    let payments = with_invoice_payments(d.payments, &d.raw, d.row.currency.as_deref());
    let r = row(d.row);
    let xero_url = xero_url(short_code.as_deref(), &r.invoice_type, &r.invoice_id);
    Ok(InvoiceDetail {
        reference: d.reference,
        organisation_name: name,
        line_items: d.line_items.into_iter().map(line_item_row).collect(),
        payments: payments
            .into_iter()
            .map(|p| PaymentRow {
                payment_id: p.payment_id,
                date: p.date,
                amount: p.amount.unwrap_or_default(),
                reference: p.reference,
                status: p.status.unwrap_or_default(),
            })
            .collect(),
        row: r,
        xero_url,
    })
}

/// The stored payments, then the ones the invoice itself lists that the Payments feed has not
/// brought yet (shown until it runs). Their amounts are at the invoice's currency's exponent.
fn with_invoice_payments(mut stored: Vec<db::PaymentRow>, raw: &Value, currency: Option<&str>) -> Vec<db::PaymentRow> {
    let currency = currency.and_then(|c| Currency::parse(c).ok());
    for p in xp_xero::records::invoice_payments(raw) {
        if stored.iter().any(|known| known.payment_id == p.payment_id) {
            continue;
        }
        stored.push(db::PaymentRow {
            // An amount that does not fit the currency is left out of a preview, not an error.
            amount: rows::amount(p.amount, currency, "Amount").ok().flatten().map(|a| a.text),
            payment_id: p.payment_id,
            date: p.date.map(|d| d.to_string()),
            currency: currency.map(|c| c.code().to_owned()),
            status: p.status,
            reference: p.reference,
            payment_type: p.payment_type,
            account_code: p.account_code,
        });
    }
    stored
}

/// A stored line as the UI shows it.
pub(crate) fn line_item_row(l: db::LineRow) -> LineItemRow {
    LineItemRow {
        description: l.description.unwrap_or_default(),
        quantity: l.quantity.unwrap_or_default(),
        unit_amount: l.unit_amount.unwrap_or_default(),
        account_code: l.account_code,
        tax_type: l.tax_type,
        tax_amount: l.tax_amount.unwrap_or_default(),
        line_amount: l.line_amount.unwrap_or_default(),
    }
}

fn row(r: db::InvoiceRow) -> InvoiceRow {
    InvoiceRow {
        organisation_id: r.organisation_id.to_string(),
        invoice_id: r.invoice_id,
        number: r.number.unwrap_or_default(),
        invoice_type: r.type_.unwrap_or_default(),
        status: r.status.unwrap_or_default(),
        contact_id: r.contact_id,
        contact_name: r.contact_name.unwrap_or_default(),
        date: r.date,
        due_date: r.due_date,
        currency: r.currency.unwrap_or_default(),
        total: r.total.unwrap_or_default(),
        amount_due: r.amount_due.unwrap_or_default(),
    }
}

pub(crate) async fn organisation_name(services: &Context, id: OrganisationId) -> Result<String> {
    Ok(xp_store::organisations::name(&services.store, id).await?)
}

async fn organisation(services: &Context, id: OrganisationId) -> Result<(String, Option<String>)> {
    let name = xp_store::organisations::name(&services.store, id).await?;
    let short_code = db::get_reference(&services.store, id, db::Resource::Organisation)
        .await?
        .and_then(|v| v.get(0).or(Some(&v)).and_then(|o| o["ShortCode"].as_str().map(str::to_owned)));
    Ok((name, short_code))
}

/// Xero's deep link for a document: through the organisation's short code when known, so it
/// opens in the right organisation for an accountant with many.
pub fn xero_url(short_code: Option<&str>, invoice_type: &str, invoice_id: &str) -> String {
    let view = if invoice_type == "ACCPAY" { "AccountsPayable" } else { "AccountsReceivable" };
    // Every value is encoded as one query parameter (security review 2026-12 #14): a synced id
    // cannot add parameters of its own on Xero's site.
    let mut inner = url::Url::parse("https://go.xero.com/").expect("a constant URL parses");
    inner.set_path(&format!("/{view}/View.aspx"));
    inner.query_pairs_mut().append_pair("InvoiceID", invoice_id);
    match short_code {
        Some(code) => {
            let mut u = url::Url::parse("https://go.xero.com/organisationlogin/default.aspx").expect("constant");
            let path = &inner[url::Position::BeforePath..];
            u.query_pairs_mut().append_pair("shortcode", code).append_pair("redirecturl", path);
            u.to_string()
        }
        None => inner.to_string(),
    }
}

pub(crate) fn valid_date(field: &str, v: Option<&str>) -> Result<Option<String>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v, &fmt)
        .map_err(|_| Error::Invalid(format!("{field} must be a date like 2026-01-31, not {v:?}")))?;
    Ok(Some(v.to_owned()))
}

/// "100.5" → the exact decimal 100.5, through the store's own check; the store compares it
/// with each row at that row's currency exponent (1000 is 1,000 JPY and 1,000.00 USD). The
/// error names the field.
pub(crate) fn amount(field: &str, v: Option<&str>) -> Result<Option<rust_decimal::Decimal>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    db::amount_filter(v)
        .map(Some)
        .map_err(|_| Error::Invalid(format!("{field} must be an amount like 100.00, not {v:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_become_exact_decimals_or_a_clear_error() {
        use rust_decimal::Decimal;
        assert_eq!(amount("a", Some("100.5")).unwrap(), Some(Decimal::new(1005, 1)));
        assert_eq!(amount("a", Some(" 12 ")).unwrap(), Some(Decimal::new(12, 0)));
        assert_eq!(amount("a", Some("-3.25")).unwrap(), Some(Decimal::new(-325, 2)));
        assert_eq!(amount("a", Some("1.005")).unwrap(), Some(Decimal::new(1005, 3)), "a dinar has three decimals");
        assert_eq!(amount("a", Some("")).unwrap(), None);
        assert!(amount("amountMin", Some("12,50")).unwrap_err().to_string().contains("amountMin"));
        assert!(amount("a", Some("0.0000000000000000001")).is_err(), "finer than any currency");
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(valid_date("d", Some("2026-01-31")).unwrap().as_deref(), Some("2026-01-31"));
        assert!(valid_date("dateFrom", Some("31.01.2026")).unwrap_err().to_string().contains("dateFrom"));
        assert!(valid_date("d", Some("2026-02-30")).is_err());
    }

    #[test]
    fn xero_links_open_the_right_organisation() {
        assert_eq!(xero_url(None, "ACCREC", "abc"), "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=abc");
        let u = xero_url(Some("!x1Y2z"), "ACCPAY", "abc");
        assert!(
            u.starts_with(
                "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21x1Y2z&redirecturl=%2FAccountsPayable"
            ),
            "{u}"
        );
    }

    /// Security review 2026-12 #14: without a short code the id went into the URL unencoded.
    #[test]
    fn a_synced_id_cannot_add_parameters_to_the_link() {
        let u = url::Url::parse(&xero_url(None, "ACCREC", "abc&redirect=https://evil.example")).unwrap();
        assert_eq!(u.host_str(), Some("go.xero.com"));
        let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        assert_eq!(pairs, vec![("InvoiceID".to_owned(), "abc&redirect=https://evil.example".to_owned())]);
    }

    #[test]
    fn a_payment_known_only_from_its_invoice_is_shown_until_the_feed_brings_it() {
        let raw = serde_json::json!({"InvoiceID": "0000000a-0000-0000-0000-000000000001", "Payments": [
            {"PaymentID": "0000FEED-0000-0000-0000-000000000001", "Amount": 1, "Date": "/Date(1767225600000+0000)/"},
            {"PaymentID": "00000E1F-0000-0000-0000-000000000001", "Amount": 1500, "Date": "/Date(1767225600000+0000)/", "Status": "AUTHORISED",
             "Reference": "bank", "Account": {"Code": "090"}},
            {"Amount": 3},
        ]});
        let from_feed = db::PaymentRow {
            payment_id: "0000feed-0000-0000-0000-000000000001".into(),
            date: Some("2026-01-01".into()),
            amount: Some("1".into()),
            currency: Some("JPY".into()),
            status: None,
            reference: None,
            payment_type: None,
            account_code: None,
        };
        let got = with_invoice_payments(vec![from_feed.clone()], &raw, Some("JPY"));
        assert_eq!(got.len(), 2, "the feed's payment once, the invoice's own one beside it, the id-less one left out");
        assert_eq!(got[0], from_feed, "what the feed brought wins");
        let only = &got[1];
        assert_eq!(only.payment_id, "00000e1f-0000-0000-0000-000000000001");
        assert_eq!(only.amount.as_deref(), Some("1500"), "at the invoice's currency's exponent (yen: none)");
        assert_eq!(only.date.as_deref(), Some("2026-01-01"));
        assert_eq!((only.currency.as_deref(), only.account_code.as_deref()), (Some("JPY"), Some("090")));
        assert!(with_invoice_payments(Vec::new(), &serde_json::json!({}), None).is_empty());
    }
}
