//! Saferpay: the JSON API credentials go in (verified, kept in the vault, the password never sent
//! back); the SEPA mandates the app made are read from the local store.

use super::{id, Access};
use crate::{AppState, CmdError};
use tauri::{Manager, Runtime};
use xp_connect_saferpay::{SaferpayCredentials, SaferpayService};
use xp_ipc::{MandateRow, Provider, SaferpayConnected, SaferpayCredentialsInput, SaferpayStatus};
use xp_store::saferpay::Mandate;

/// Saferpay's payment method for SEPA direct debit (shared/providers/saferpay.md §9), shown where
/// GoCardless shows its scheme.
const SCHEME: &str = "DIRECTDEBIT";

/// Verifies the credentials with Saferpay and keeps them; refused ones keep nothing.
#[tauri::command]
#[tracing::instrument(skip(access, credentials), err)] // the password is a secret: never in a span
pub async fn connect_saferpay<R: Runtime>(
    access: Access<R>,
    credentials: SaferpayCredentialsInput,
) -> Result<SaferpayConnected, CmdError> {
    let saferpay = access.connector::<SaferpayService>().await?;
    let connected = SaferpayConnected {
        customer_id: credentials.customer_id.clone(),
        terminal_id: credentials.terminal_id.clone(),
    };
    let SaferpayCredentialsInput { api_user, password, customer_id, terminal_id } = credentials;
    saferpay.save_credentials(SaferpayCredentials { api_user, password, customer_id, terminal_id }).await?;
    Ok(connected)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn saferpay_status<R: Runtime>(access: Access<R>) -> Result<SaferpayStatus, CmdError> {
    let saferpay = access.connector::<SaferpayService>().await?;
    Ok(SaferpayStatus { configured: saferpay.is_configured()? })
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_saferpay_mandates<R: Runtime>(access: Access<R>) -> Result<Vec<MandateRow>, CmdError> {
    let saferpay = access.connector::<SaferpayService>().await?;
    Ok(saferpay.mandates().await?.into_iter().map(mandate_row).collect())
}

/// Reads Saferpay's transaction report now (up to yesterday, from where the last read stopped),
/// moves returned debits' collections, and books what changed in Xero, as the background sync
/// does every hour. Answers at once; progress comes as sync-progress events.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn sync_saferpay<R: Runtime>(access: Access<R>) -> Result<(), CmdError> {
    access.connector::<SaferpayService>().await?;
    super::collections::sync_direct_debit(&access, xp_app::collect::Via::Saferpay).await
}

/// The active Saferpay mandates recorded for a Xero contact, newest first.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn saferpay_contact_mandates<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
) -> Result<Vec<MandateRow>, CmdError> {
    let services = access.services().await?;
    let org = id("organisationId", &organisation_id)?;
    let mandates = xp_store::saferpay::active_mandates_of_contact(&services.store, org, &contact_id)
        .await
        .map_err(xp_app::Error::from)?;
    Ok(mandates.into_iter().map(mandate_row).collect())
}

/// Records a SEPA mandate a Xero contact signed, for Saferpay debits: the IBAN goes to the vault
/// (only its last four characters come back), the app makes the MandateId.
#[tauri::command]
#[tracing::instrument(skip(access, holder, iban, bank), err)] // the payer's account: never in a span
pub async fn record_saferpay_mandate<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
    holder: String,
    iban: String,
    bank: Option<String>,
    customer_signed: bool,
) -> Result<MandateRow, CmdError> {
    let services = access.services().await?;
    let org = id("organisationId", &organisation_id)?;
    let state = access.app().state::<AppState>();
    let iban = xp_core::Sensitive::new(iban);
    let signed = xp_app::mandates::SignedMandate {
        organisation_id: org,
        contact_id: &contact_id,
        holder: &holder,
        iban: &iban,
        bank: bank.as_deref(),
        customer_signed,
    };
    let m = xp_app::mandates::record_saferpay(&services, state.connectors_unchecked(), signed).await?;
    Ok(mandate_row(m))
}

fn mandate_row(m: Mandate) -> MandateRow {
    MandateRow {
        provider: Provider::Saferpay,
        id: m.id,
        status: m.status.as_str().to_owned(),
        scheme: SCHEME.to_owned(),
        reference: None,
        customer_name: Some(m.holder),
        customer_email: None,
        bank_name: m.bank,
        account_ending: Some(m.iban_last4),
        next_possible_charge_date: None,
        reason: None,
        created_at: m.created_at.format(&time::format_description::well_known::Rfc3339).ok(),
    }
}
