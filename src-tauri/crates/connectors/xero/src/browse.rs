//! The contact and bank-transaction lists and details the UI shows, read from the local store.

use crate::invoices::{amount, line_item_row, organisation_name, valid_date};
use crate::{rows, Result};
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_core::money::Currency;
use xp_ipc::{
    BankTransactionDetail, BankTransactionPage, BankTransactionQuery, BankTransactionRow, BankTransactionSort,
    ContactDetail, ContactPage, ContactQuery, ContactRow, ContactSort, OutstandingRow,
};
use xp_store::xero as db;

const MAX_LIMIT: u32 = 1000;

fn some(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

pub async fn list_contacts(services: &Context, q: &ContactQuery) -> Result<ContactPage> {
    let query = db::ContactQuery {
        organisation_id: crate::invoices::organisation_filter(&q.organisation_id)?,
        statuses: q.statuses.iter().map(|s| s.to_ascii_uppercase()).collect(),
        is_customer: q.is_customer,
        is_supplier: q.is_supplier,
        search: some(&q.search),
        sort: match q.sort {
            ContactSort::Name => db::ContactSort::Name,
            ContactSort::UpdatedUtc => db::ContactSort::UpdatedUtc,
        },
        descending: q.descending,
        offset: i64::from(q.offset),
        limit: i64::from(q.limit.clamp(1, MAX_LIMIT)),
    };
    let page = db::list_contacts(&services.store, &query).await?;
    Ok(ContactPage { rows: page.rows.into_iter().map(contact_row).collect(), total: page.total })
}

pub async fn get_contact(
    services: &Context,
    organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<ContactDetail> {
    let d = db::get_contact(&services.store, organisation_id, contact_id)
        .await?
        .ok_or_else(|| xp_store::Error::NotFound(format!("contact {contact_id} is not in the local cache")))?;
    Ok(ContactDetail {
        row: contact_row(d.row),
        organisation_name: organisation_name(services, organisation_id).await?,
        invoice_count: d.invoice_count,
        outstanding: d
            .outstanding
            .into_iter()
            .map(|o| OutstandingRow {
                currency: o.currency.unwrap_or_default(),
                invoice_type: o.type_.unwrap_or_default(),
                amount: o.amount,
                invoices: o.invoices,
            })
            .collect(),
    })
}

fn contact_row(r: db::ContactRow) -> ContactRow {
    ContactRow {
        organisation_id: r.organisation_id.to_string(),
        contact_id: r.contact_id,
        name: r.name.unwrap_or_default(),
        email: r.email,
        contact_number: r.contact_number,
        status: r.status.unwrap_or_default(),
        is_customer: r.is_customer.unwrap_or(false),
        is_supplier: r.is_supplier.unwrap_or(false),
        default_currency: r.default_currency,
    }
}

pub async fn list_bank_transactions(services: &Context, q: &BankTransactionQuery) -> Result<BankTransactionPage> {
    let query = db::BankTransactionQuery {
        organisation_id: crate::invoices::organisation_filter(&q.organisation_id)?,
        statuses: q.statuses.iter().map(|s| s.to_ascii_uppercase()).collect(),
        types: q.types.iter().map(|s| s.to_ascii_uppercase()).collect(),
        contact_id: some(&q.contact_id),
        bank_account_code: None,
        is_reconciled: q.is_reconciled,
        date_from: valid_date("dateFrom", q.date_from.as_deref())?,
        date_to: valid_date("dateTo", q.date_to.as_deref())?,
        amount_min: amount("amountMin", q.amount_min.as_deref())?,
        amount_max: amount("amountMax", q.amount_max.as_deref())?,
        search: some(&q.search),
        sort: match q.sort {
            BankTransactionSort::Date => db::BankTransactionSort::Date,
            BankTransactionSort::Total => db::BankTransactionSort::Total,
            BankTransactionSort::Contact => db::BankTransactionSort::Contact,
            BankTransactionSort::Reference => db::BankTransactionSort::Reference,
            BankTransactionSort::Status => db::BankTransactionSort::Status,
        },
        descending: q.descending,
        offset: i64::from(q.offset),
        limit: i64::from(q.limit.clamp(1, MAX_LIMIT)),
    };
    let page = db::list_bank_transactions(&services.store, &query).await?;
    Ok(BankTransactionPage { rows: page.rows.into_iter().map(bank_row).collect(), total: page.total })
}

pub async fn get_bank_transaction(
    services: &Context,
    organisation_id: OrganisationId,
    id: &str,
) -> Result<BankTransactionDetail> {
    let d = db::get_bank_transaction(&services.store, organisation_id, id)
        .await?
        .ok_or_else(|| xp_store::Error::NotFound(format!("bank transaction {id} is not in the local cache")))?;
    let line_items = bank_lines(&d)?.into_iter().map(line_item_row).collect();
    Ok(BankTransactionDetail {
        row: bank_row(d.row),
        organisation_name: organisation_name(services, organisation_id).await?,
        line_items,
    })
}

/// A bank transaction's lines, read from the record as received by the provider crate (the store
/// keeps no table of them); checked when stored, so a failure here means the file was changed.
fn bank_lines(d: &db::BankTransactionDetail) -> Result<Vec<db::LineRow>> {
    let corrupt =
        |e: String| xp_store::Error::Corrupt(format!("stored bank transaction {}: {e}", d.row.bank_transaction_id));
    let currency = d.row.currency.as_deref().map(Currency::parse).transpose().map_err(|e| corrupt(e.to_string()))?;
    let lines = xp_xero::records::line_items(&d.raw).map_err(corrupt)?.unwrap_or_default();
    lines.into_iter().map(|l| rows::line(l, currency).map_err(|e| corrupt(e).into())).collect()
}

fn bank_row(r: db::BankTransactionRow) -> BankTransactionRow {
    BankTransactionRow {
        organisation_id: r.organisation_id.to_string(),
        bank_transaction_id: r.bank_transaction_id,
        transaction_type: r.type_.unwrap_or_default(),
        status: r.status.unwrap_or_default(),
        contact_id: r.contact_id,
        contact_name: r.contact_name.unwrap_or_default(),
        date: r.date,
        reference: r.reference,
        currency: r.currency.unwrap_or_default(),
        total: r.total.unwrap_or_default(),
        is_reconciled: r.is_reconciled.unwrap_or(false),
        bank_account_name: r.bank_account_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail(currency: &str, raw: serde_json::Value) -> db::BankTransactionDetail {
        db::BankTransactionDetail {
            row: db::BankTransactionRow {
                organisation_id: OrganisationId::new_random(),
                bank_transaction_id: "b1".into(),
                type_: None,
                status: None,
                contact_id: None,
                contact_name: None,
                date: None,
                reference: None,
                currency: Some(currency.into()),
                total: None,
                is_reconciled: None,
                bank_account_code: None,
                bank_account_name: None,
            },
            raw,
        }
    }

    #[test]
    fn a_bank_transactions_lines_are_read_from_the_record_at_its_currencys_exponent() {
        let raw =
            json!({"LineItems": [{"Description": "Fee", "Quantity": 1.0, "UnitAmount": 12.5, "LineAmount": 12.5}]});
        let lines = bank_lines(&detail("KWD", raw)).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line_amount.as_deref(), Some("12.500"), "the dinar has thousandths");
        assert_eq!((lines[0].quantity.as_deref(), lines[0].unit_amount.as_deref()), (Some("1"), Some("12.5")));
        assert!(bank_lines(&detail("EUR", json!({}))).unwrap().is_empty(), "a record without lines has none");
        let broken = bank_lines(&detail("EUR", json!({"LineItems": "not a list"}))).unwrap_err();
        assert!(broken.to_string().contains("b1"), "a changed file is named, not shown as no lines: {broken}");
    }
}
