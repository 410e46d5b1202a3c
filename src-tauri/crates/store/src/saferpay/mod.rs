//! Saferpay's tables: the SEPA mandates the app made for its debits. Saferpay keeps none — the
//! merchant generates the MandateId and shows the mandate text (shared/providers/saferpay.md §9)
//! — so the app is their record. The full IBAN is not a column: the connector keeps it in the
//! vault under the mandate's id; here are the holder and the last four characters.

use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};

pub mod refunds;
pub mod transactions;
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::OrganisationId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MandateStatus {
    Active,
    Revoked,
}

impl MandateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MandateStatus::Active => "active",
            MandateStatus::Revoked => "revoked",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "active" => Ok(MandateStatus::Active),
            "revoked" => Ok(MandateStatus::Revoked),
            other => Err(Error::Corrupt(format!("mandate status {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mandate {
    pub id: String,
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<String>,
    pub invoice_id: Option<String>,
    pub holder: String,
    pub iban_last4: String,
    pub bank: Option<String>,
    pub status: MandateStatus,
    pub created_at: OffsetDateTime,
}

pub struct NewMandate<'a> {
    pub id: &'a str,
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<&'a str>,
    pub invoice_id: Option<&'a str>,
    pub holder: &'a str,
    pub iban_last4: &'a str,
    pub bank: Option<&'a str>,
}

const COLUMNS: &str = "id, organisation_id, contact_id, invoice_id, holder, iban_last4, bank, status, created_at";

/// Records an active mandate.
pub async fn insert_mandate(store: &Store, m: NewMandate<'_>, now: OffsetDateTime) -> Result<Mandate> {
    sqlx::query(&format!("INSERT INTO saferpay_mandates ({COLUMNS}) VALUES (?,?,?,?,?,?,?,'active',?)"))
        .bind(m.id)
        .bind(m.organisation_id.map(|o| o.to_string()))
        .bind(m.contact_id)
        .bind(m.invoice_id)
        .bind(m.holder)
        .bind(m.iban_last4)
        .bind(m.bank)
        .bind(fmt(now))
        .execute(store.pool())
        .await?;
    mandate(store, m.id).await?.ok_or_else(|| Error::Corrupt(format!("mandate {} vanished", m.id)))
}

pub async fn mandate(store: &Store, id: &str) -> Result<Option<Mandate>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM saferpay_mandates WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(row_to_mandate).transpose()
}

/// The active mandates recorded for a Xero contact of an organisation, newest first.
pub async fn active_mandates_of_contact(
    store: &Store,
    organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<Vec<Mandate>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM saferpay_mandates WHERE organisation_id = ? AND contact_id = ? COLLATE NOCASE \
         AND status = 'active' ORDER BY created_at DESC, id"
    ))
    .bind(organisation_id.to_string())
    .bind(contact_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(row_to_mandate).collect()
}

/// Every mandate the app made, newest first.
pub async fn mandates(store: &Store) -> Result<Vec<Mandate>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM saferpay_mandates ORDER BY created_at DESC, id DESC"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(row_to_mandate).collect()
}

fn row_to_mandate(r: &sqlx::sqlite::SqliteRow) -> Result<Mandate> {
    let organisation_id = r
        .try_get::<Option<String>, _>("organisation_id")?
        .map(|o| o.parse().map_err(|_| Error::Corrupt(format!("mandate organisation {o:?}"))))
        .transpose()?;
    Ok(Mandate {
        id: r.try_get("id")?,
        organisation_id,
        contact_id: r.try_get("contact_id")?,
        invoice_id: r.try_get("invoice_id")?,
        holder: r.try_get("holder")?,
        iban_last4: r.try_get("iban_last4")?,
        bank: r.try_get("bank")?,
        status: MandateStatus::parse(&r.try_get::<String, _>("status")?)?,
        created_at: parse(&r.try_get::<String, _>("created_at")?)?,
    })
}
