//! GoCardless: the access token goes in (verified, kept in the vault, never sent back), the
//! creditor's name comes out; its mandates and payouts are read from the local store.

use super::{id, invalid_input, Access};
use crate::{AppState, CmdError};
use tauri::{Manager, Runtime};
use xp_connect_gocardless::GoCardlessService;
use xp_core::Sensitive;
use xp_ipc::{ContactMandates, GoCardlessConnected, MandateRow, MandateSetupRow, PayoutItemRow, PayoutRow, Provider};
use xp_store::gocardless::setups::MandateSetup;
use xp_store::gocardless::{rows, MandateView};

/// Verifies the token with GoCardless (`GET /creditors`) and keeps it; a refused one keeps nothing.
#[tauri::command]
#[tracing::instrument(skip(access, token), err)] // the token is a secret: never in a span
pub async fn connect_gocardless<R: Runtime>(access: Access<R>, token: String) -> Result<GoCardlessConnected, CmdError> {
    let gocardless = access.connector::<GoCardlessService>().await?;
    let connected = gocardless.save_token(Sensitive::new(token)).await?;
    Ok(GoCardlessConnected {
        organisation_id: connected.organisation_id.to_string(),
        creditor_id: connected.creditor_id,
        creditor_name: connected.name,
    })
}

/// Forgets the GoCardless access token and stops syncing; its records stay unless `erase_data`.
/// Refused while collections are on their way to the bank.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn disconnect_gocardless<R: Runtime>(access: Access<R>, erase_data: bool) -> Result<(), CmdError> {
    Ok(access.connector::<GoCardlessService>().await?.disconnect(erase_data).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_gocardless_mandates<R: Runtime>(access: Access<R>) -> Result<Vec<MandateRow>, CmdError> {
    let gocardless = access.connector::<GoCardlessService>().await?;
    Ok(gocardless.mandates().await?.into_iter().map(mandate_row).collect())
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_gocardless_payouts<R: Runtime>(access: Access<R>) -> Result<Vec<PayoutRow>, CmdError> {
    let gocardless = access.connector::<GoCardlessService>().await?;
    Ok(gocardless.payouts().await?.into_iter().map(payout_row).collect())
}

/// Reads GoCardless now (the events since the last sync; the lists when a full load is due),
/// then books what it brought in Xero, as the background sync does every 15 minutes. Answers at
/// once; progress comes as sync-progress events.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn sync_gocardless<R: Runtime>(access: Access<R>) -> Result<(), CmdError> {
    access.connector::<GoCardlessService>().await?;
    super::collections::sync_direct_debit(&access, xp_app::collect::Via::GoCardless).await
}

/// A Xero contact's GoCardless mandates (its linked customer's, else those matching its email)
/// and its mandate setups, from the local store.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn gocardless_contact_mandates<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
) -> Result<ContactMandates, CmdError> {
    let services = access.services().await?;
    let gocardless = access.connector::<GoCardlessService>().await?;
    let org = id("organisationId", &organisation_id)?;
    let found = xp_app::mandates::of_contact(&services.store, org, &contact_id).await?;
    let setups = gocardless.mandate_setups(org, &contact_id).await?;
    Ok(ContactMandates {
        found: serde_json::to_value(found.found).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        mandates: found.mandates.into_iter().map(mandate_row).collect(),
        setups: setups.into_iter().map(setup_row).collect(),
    })
}

/// Confirms that the GoCardless customer found by the contact's email (the holder of
/// `mandate_id`) is the contact, linking them; the contact's mandates come back.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn confirm_gocardless_customer<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
    mandate_id: String,
) -> Result<(), CmdError> {
    let services = access.services().await?;
    let org = id("organisationId", &organisation_id)?;
    xp_app::mandates::confirm_match(&services, org, &contact_id, &mandate_id).await?;
    Ok(())
}

/// Sets up a new mandate for a Xero contact: GoCardless's hosted page, prefilled from the
/// contact, opened in the system browser (the row carries its link, to send to the customer
/// instead). A setup still open for the contact is returned rather than a second one made.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn start_gocardless_mandate_setup<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
) -> Result<MandateSetupRow, CmdError> {
    let services = access.services().await?;
    let org = id("organisationId", &organisation_id)?;
    let state = access.app().state::<AppState>();
    let setup = xp_app::mandates::start_setup(&services, state.connectors_unchecked(), org, &contact_id).await?;
    if let Some(url) = setup.authorisation_url.as_deref() {
        // GoCardless's own page, from GoCardless's answer; not a URL the webview chose.
        if let Err(e) = webbrowser::open(url) {
            tracing::warn!(error = %e, "could not open the browser; the page's link is shown instead");
        }
    }
    Ok(setup_row(setup))
}

/// How a mandate setup stands now: GoCardless is asked while it is open.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn follow_gocardless_mandate_setup<R: Runtime>(
    access: Access<R>,
    setup_id: String,
) -> Result<MandateSetupRow, CmdError> {
    let gocardless = access.connector::<GoCardlessService>().await?;
    Ok(setup_row(gocardless.follow_mandate_setup(setup_text("setupId", &setup_id)?).await?))
}

/// Stops an open mandate setup (its page no longer works).
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn cancel_gocardless_mandate_setup<R: Runtime>(
    access: Access<R>,
    setup_id: String,
) -> Result<MandateSetupRow, CmdError> {
    let gocardless = access.connector::<GoCardlessService>().await?;
    Ok(setup_row(gocardless.cancel_mandate_setup(setup_text("setupId", &setup_id)?).await?))
}

/// A setup id is the app's UUID.
fn setup_text<'a>(name: &str, v: &'a str) -> Result<&'a str, CmdError> {
    let v = v.trim();
    uuid::Uuid::parse_str(v).map(|_| v).map_err(|_| invalid_input(format!("{name} is not a mandate setup id")))
}

fn setup_row(s: MandateSetup) -> MandateSetupRow {
    MandateSetupRow {
        id: s.id,
        organisation_id: s.xero_organisation_id.to_string(),
        contact_id: s.contact_id,
        contact_name: s.contact_name,
        status: s.status.as_str().to_owned(),
        authorisation_url: s.authorisation_url,
        expires_at: s.expires_at.map(xp_core::rfc3339),
        mandate_id: s.mandate_id,
        created_at: xp_core::rfc3339(s.created_at),
        started_by: s.started_by,
    }
}

fn mandate_row(m: MandateView) -> MandateRow {
    MandateRow {
        provider: Provider::Gocardless,
        id: m.id,
        status: m.status,
        scheme: m.scheme,
        reference: Some(m.reference).filter(|r| !r.is_empty()),
        customer_name: m.customer_name,
        customer_email: m.customer_email,
        bank_name: m.bank_name,
        account_ending: m.account_number_ending,
        next_possible_charge_date: m.next_possible_charge_date,
        reason: m.reason,
        created_at: None,
    }
}

fn payout_row(p: rows::Payout) -> PayoutRow {
    PayoutRow {
        id: p.id,
        amount: p.amount.amount.to_string(),
        deducted_fees: p.deducted_fees.amount.to_string(),
        currency: p.amount.currency.code().to_owned(),
        status: p.status,
        arrival_date: p.arrival_date,
        reference: p.reference,
        created_at: p.created_at,
        items: p
            .items
            .into_iter()
            .map(|i| PayoutItemRow {
                item_type: i.item_type,
                amount: i.amount.amount.to_string(),
                payment_id: i.payment_id,
                mandate_id: i.mandate_id,
                refund_id: i.refund_id,
            })
            .collect(),
    }
}
