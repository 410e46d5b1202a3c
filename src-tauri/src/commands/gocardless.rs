//! GoCardless: the access token goes in (verified, kept in the vault, never sent back), the
//! creditor's name comes out; its mandates and payouts are read from the local store.

use super::Access;
use crate::CmdError;
use tauri::Runtime;
use xp_connect_gocardless::GoCardlessService;
use xp_core::Sensitive;
use xp_ipc::{GoCardlessConnected, MandateRow, PayoutItemRow, PayoutRow, Provider};
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
