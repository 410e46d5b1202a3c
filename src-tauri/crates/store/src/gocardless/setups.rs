//! New mandates set up through GoCardless's hosted flow, and the Xero contact ↔ GoCardless
//! customer links they (or a person's confirmation) leave behind. See
//! migrations/20261208000001_gocardless_mandate_setups.sql.

use crate::timefmt::{fmt, parse};
use crate::{Error, Result, Store};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use xp_core::ids::OrganisationId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupStatus {
    /// Written; GoCardless not asked yet, or its answer lost (a crash, the network).
    Starting,
    /// The hosted page is ready and waits for the payer.
    Waiting,
    /// The payer finished: the mandate exists.
    Done,
    Cancelled,
    /// The payer did not finish before the flow expired.
    Expired,
}

impl SetupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupStatus::Starting => "starting",
            SetupStatus::Waiting => "waiting",
            SetupStatus::Done => "done",
            SetupStatus::Cancelled => "cancelled",
            SetupStatus::Expired => "expired",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "starting" => SetupStatus::Starting,
            "waiting" => SetupStatus::Waiting,
            "done" => SetupStatus::Done,
            "cancelled" => SetupStatus::Cancelled,
            "expired" => SetupStatus::Expired,
            other => return Err(Error::Corrupt(format!("mandate setup status {other:?}"))),
        })
    }

    /// Still on its way: starting or waiting for the payer.
    pub fn open(self) -> bool {
        matches!(self, SetupStatus::Starting | SetupStatus::Waiting)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MandateSetup {
    pub id: String,
    pub creditor_id: OrganisationId,
    pub xero_organisation_id: OrganisationId,
    pub contact_id: String,
    pub contact_name: String,
    pub status: SetupStatus,
    pub attempts: i64,
    pub billing_request_id: Option<String>,
    pub flow_id: Option<String>,
    pub authorisation_url: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
    pub customer_id: Option<String>,
    pub mandate_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub started_by: String,
}

pub struct NewSetup<'a> {
    pub id: &'a str,
    pub creditor_id: OrganisationId,
    pub xero_organisation_id: OrganisationId,
    pub contact_id: &'a str,
    pub contact_name: &'a str,
    pub started_by: &'a str,
}

/// The flow GoCardless made for a setup.
pub struct Flow<'a> {
    pub billing_request_id: &'a str,
    pub flow_id: &'a str,
    pub authorisation_url: &'a str,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkedHow {
    /// A mandate set up for the contact through the hosted flow.
    MandateSetup,
    /// A person confirmed that the customer is the contact.
    ConfirmedMatch,
}

impl LinkedHow {
    fn as_str(self) -> &'static str {
        match self {
            LinkedHow::MandateSetup => "mandate_setup",
            LinkedHow::ConfirmedMatch => "confirmed_match",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "mandate_setup" => LinkedHow::MandateSetup,
            "confirmed_match" => LinkedHow::ConfirmedMatch,
            other => return Err(Error::Corrupt(format!("contact link kind {other:?}"))),
        })
    }
}

/// A Xero contact is this GoCardless customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactLink {
    pub xero_organisation_id: OrganisationId,
    pub contact_id: String,
    pub creditor_id: OrganisationId,
    pub customer_id: String,
    pub how: LinkedHow,
    pub linked_at: OffsetDateTime,
    pub linked_by: String,
}

const COLUMNS: &str = "id, creditor_id, xero_organisation_id, contact_id, contact_name, status, attempts, \
     billing_request_id, flow_id, authorisation_url, expires_at, customer_id, mandate_id, created_at, updated_at, \
     started_by";

fn org(s: &str) -> Result<OrganisationId> {
    s.parse().map_err(|_| Error::Corrupt(format!("organisation id {s:?}")))
}

fn setup(r: &sqlx::sqlite::SqliteRow) -> Result<MandateSetup> {
    let at =
        |k: &str| -> Result<Option<OffsetDateTime>> { r.get::<Option<String>, _>(k).as_deref().map(parse).transpose() };
    Ok(MandateSetup {
        id: r.get("id"),
        creditor_id: org(r.get("creditor_id"))?,
        xero_organisation_id: org(r.get("xero_organisation_id"))?,
        contact_id: r.get("contact_id"),
        contact_name: r.get("contact_name"),
        status: SetupStatus::parse(r.get("status"))?,
        attempts: r.get("attempts"),
        billing_request_id: r.get("billing_request_id"),
        flow_id: r.get("flow_id"),
        authorisation_url: r.get("authorisation_url"),
        expires_at: at("expires_at")?,
        customer_id: r.get("customer_id"),
        mandate_id: r.get("mandate_id"),
        created_at: parse(r.get("created_at"))?,
        updated_at: parse(r.get("updated_at"))?,
        started_by: r.get("started_by"),
    })
}

/// Writes a new setup as `starting`, before GoCardless is asked.
pub async fn insert(store: &Store, s: NewSetup<'_>, now: OffsetDateTime) -> Result<MandateSetup> {
    sqlx::query(
        "INSERT INTO gocardless_mandate_setups (id, creditor_id, xero_organisation_id, contact_id, contact_name, \
         status, created_at, updated_at, started_by) VALUES (?, ?, ?, ?, ?, 'starting', ?, ?, ?)",
    )
    .bind(s.id)
    .bind(s.creditor_id.to_string())
    .bind(s.xero_organisation_id.to_string())
    .bind(s.contact_id)
    .bind(s.contact_name)
    .bind(fmt(now))
    .bind(fmt(now))
    .bind(s.started_by)
    .execute(store.pool())
    .await?;
    get(store, s.id).await?.ok_or_else(|| Error::Corrupt(format!("mandate setup {} vanished", s.id)))
}

pub async fn get(store: &Store, id: &str) -> Result<Option<MandateSetup>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM gocardless_mandate_setups WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(setup).transpose()
}

/// The contact's setups, newest first.
pub async fn of_contact(
    store: &Store,
    xero_organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<Vec<MandateSetup>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM gocardless_mandate_setups WHERE xero_organisation_id = ? AND contact_id = ? \
         ORDER BY created_at DESC, id DESC"
    ))
    .bind(xero_organisation_id.to_string())
    .bind(contact_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(setup).collect()
}

/// Every setup still starting or waiting for its payer, oldest first.
pub async fn open(store: &Store) -> Result<Vec<MandateSetup>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM gocardless_mandate_setups WHERE status IN ('starting', 'waiting') \
         ORDER BY created_at, id"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(setup).collect()
}

/// Counts one more try at making the setup's flow and returns it: the flow's idempotency key
/// carries the count, so a try whose answer was lost is never asked again under its key.
pub async fn next_attempt(store: &Store, id: &str, now: OffsetDateTime) -> Result<i64> {
    let n: Option<i64> = sqlx::query_scalar(
        "UPDATE gocardless_mandate_setups SET attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING attempts",
    )
    .bind(fmt(now))
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    n.ok_or_else(|| Error::NotFound(format!("mandate setup {id}")))
}

/// Keeps the billing request GoCardless made, before its flow is asked for: a retry then
/// finds it and does not make a second one.
pub async fn record_billing_request(
    store: &Store,
    id: &str,
    billing_request_id: &str,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query("UPDATE gocardless_mandate_setups SET billing_request_id = ?, updated_at = ? WHERE id = ?")
        .bind(billing_request_id)
        .bind(fmt(now))
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// The hosted page is ready: the setup waits for its payer.
pub async fn record_flow(store: &Store, id: &str, f: Flow<'_>, now: OffsetDateTime) -> Result<()> {
    sqlx::query(
        "UPDATE gocardless_mandate_setups SET status = 'waiting', billing_request_id = ?, flow_id = ?, \
         authorisation_url = ?, expires_at = ?, updated_at = ? WHERE id = ? AND status IN ('starting', 'waiting')",
    )
    .bind(f.billing_request_id)
    .bind(f.flow_id)
    .bind(f.authorisation_url)
    .bind(fmt(f.expires_at))
    .bind(fmt(now))
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Ends an open setup as cancelled or expired. False when it had already ended.
pub async fn end(store: &Store, id: &str, status: SetupStatus, now: OffsetDateTime) -> Result<bool> {
    if status.open() || status == SetupStatus::Done {
        return Err(Error::Corrupt(format!("a mandate setup does not end as {}", status.as_str())));
    }
    let done = sqlx::query(
        "UPDATE gocardless_mandate_setups SET status = ?, updated_at = ? WHERE id = ? AND status IN ('starting', 'waiting')",
    )
    .bind(status.as_str())
    .bind(fmt(now))
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The payer finished: the setup is done with its customer and mandate, and the contact is
/// linked to that customer, in one transaction. False when it had already ended.
pub async fn complete(
    store: &Store,
    id: &str,
    customer_id: &str,
    mandate_id: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let row = sqlx::query(
        "UPDATE gocardless_mandate_setups SET status = 'done', customer_id = ?, mandate_id = ?, updated_at = ? \
         WHERE id = ? AND status IN ('starting', 'waiting') \
         RETURNING xero_organisation_id, contact_id, creditor_id, started_by",
    )
    .bind(customer_id)
    .bind(mandate_id)
    .bind(fmt(now))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let link = ContactLink {
        xero_organisation_id: org(row.get("xero_organisation_id"))?,
        contact_id: row.get("contact_id"),
        creditor_id: org(row.get("creditor_id"))?,
        customer_id: customer_id.to_owned(),
        how: LinkedHow::MandateSetup,
        linked_at: now,
        linked_by: row.get("started_by"),
    };
    put_link(&mut tx, &link).await?;
    tx.commit().await?;
    Ok(true)
}

async fn put_link(conn: &mut sqlx::SqliteConnection, l: &ContactLink) -> Result<()> {
    sqlx::query(
        "INSERT INTO gocardless_contact_links (xero_organisation_id, contact_id, creditor_id, customer_id, how, \
         linked_at, linked_by) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (xero_organisation_id, contact_id) DO UPDATE SET creditor_id = excluded.creditor_id, \
         customer_id = excluded.customer_id, how = excluded.how, linked_at = excluded.linked_at, \
         linked_by = excluded.linked_by",
    )
    .bind(l.xero_organisation_id.to_string())
    .bind(&l.contact_id)
    .bind(l.creditor_id.to_string())
    .bind(&l.customer_id)
    .bind(l.how.as_str())
    .bind(fmt(l.linked_at))
    .bind(&l.linked_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links a contact to a customer (a person confirmed the match), replacing any earlier link.
pub async fn link(store: &Store, l: &ContactLink) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    put_link(&mut conn, l).await
}

/// The customer a contact is linked to, if any.
pub async fn link_of(
    store: &Store,
    xero_organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<Option<ContactLink>> {
    let row = sqlx::query(
        "SELECT xero_organisation_id, contact_id, creditor_id, customer_id, how, linked_at, linked_by \
         FROM gocardless_contact_links WHERE xero_organisation_id = ? AND contact_id = ?",
    )
    .bind(xero_organisation_id.to_string())
    .bind(contact_id)
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| {
        Ok(ContactLink {
            xero_organisation_id: org(r.get("xero_organisation_id"))?,
            contact_id: r.get("contact_id"),
            creditor_id: org(r.get("creditor_id"))?,
            customer_id: r.get("customer_id"),
            how: LinkedHow::parse(r.get("how"))?,
            linked_at: parse(r.get("linked_at"))?,
            linked_by: r.get("linked_by"),
        })
    })
    .transpose()
}

/// The creditor (organisation id) and customer a synced mandate belongs to.
pub async fn customer_of_mandate(store: &Store, mandate_id: &str) -> Result<Option<(OrganisationId, String)>> {
    let row = sqlx::query("SELECT organisation_id, customer_id FROM gocardless_mandates WHERE mandate_id = ?")
        .bind(mandate_id)
        .fetch_optional(store.pool())
        .await?;
    row.map(|r| Ok((org(r.get("organisation_id"))?, r.get("customer_id")))).transpose()
}
