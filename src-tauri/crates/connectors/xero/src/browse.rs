//! The contact and bank-transaction lists and details the UI shows, read from the local store.

use crate::invoices::{amount, organisation_name, valid_date};
use crate::Result;
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_ipc::{
    BankTransactionDetail, BankTransactionPage, BankTransactionQuery, BankTransactionRow, BankTransactionSort,
    ContactDetail, ContactPage, ContactQuery, ContactRow, ContactSort, LineItemRow, OutstandingRow,
};
use xp_store::xero as db;

const MAX_LIMIT: u32 = 1000;

fn some(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

pub async fn list_contacts(services: &Context, q: &ContactQuery) -> Result<ContactPage> {
    let query = db::ContactQuery {
        organisation_id: some(&q.organisation_id),
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
    let d = db::get_contact(&services.store, &organisation_id.to_string(), contact_id)
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
        organisation_id: r.organisation_id,
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
        organisation_id: some(&q.organisation_id),
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
    let d = db::get_bank_transaction(&services.store, &organisation_id.to_string(), id)
        .await?
        .ok_or_else(|| xp_store::Error::NotFound(format!("bank transaction {id} is not in the local cache")))?;
    Ok(BankTransactionDetail {
        row: bank_row(d.row),
        organisation_name: organisation_name(services, organisation_id).await?,
        line_items: d
            .line_items
            .into_iter()
            .map(|l| LineItemRow {
                description: l.description.unwrap_or_default(),
                quantity: l.quantity.unwrap_or_default(),
                unit_amount: l.unit_amount.unwrap_or_default(),
                account_code: l.account_code,
                tax_type: l.tax_type,
                tax_amount: l.tax_amount.unwrap_or_default(),
                line_amount: l.line_amount.unwrap_or_default(),
            })
            .collect(),
    })
}

fn bank_row(r: db::BankTransactionRow) -> BankTransactionRow {
    BankTransactionRow {
        organisation_id: r.organisation_id,
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
