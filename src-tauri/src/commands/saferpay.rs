//! Saferpay: the JSON API credentials go in (verified, kept in the vault, the password never sent
//! back); the SEPA mandates the app made are read from the local store.

use super::Access;
use crate::CmdError;
use tauri::Runtime;
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
