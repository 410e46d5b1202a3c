//! Direct-debit collections, read from the local store (works offline), and what every
//! direct-debit provider's commands share.

use super::{day, id, invalid_input, Access};
use crate::{AppState, CmdError};
use std::sync::Arc;
use tauri::{Emitter, Manager, Runtime};
use xp_app::collect::{CollectInvoice, Via};
use xp_ipc::{CollectionDetail, CollectionSummary, SettlementAttention, SyncProgress};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_collections<R: Runtime>(access: Access<R>, limit: i64) -> Result<Vec<CollectionSummary>, CmdError> {
    Ok(access.services().await?.collections(limit).await?)
}

/// What the direct-debit settlement booked that needs a person, newest first.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_settlement_attention<R: Runtime>(
    access: Access<R>,
    limit: i64,
) -> Result<Vec<SettlementAttention>, CmdError> {
    let services = access.services().await?;
    Ok(xp_app::settlement::attention(&services, limit).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_collection<R: Runtime>(
    access: Access<R>,
    collection_id: String,
) -> Result<CollectionDetail, CmdError> {
    let services = access.services().await?;
    Ok(services.collection(id("collectionId", &collection_id)?).await?)
}

/// "Collect by direct debit" on an unpaid invoice: the amount due, from the mandate of its
/// contact, through the chosen provider. Writes the collection and its outbox item (refused,
/// writing nothing, while the invoice has a live collection); the outbox sends it. Answers the
/// collection, whose page then follows it to the bank.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn collect_invoice<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    invoice_id: String,
    via: String,
    charge_date: Option<String>,
    confirm_match: bool,
) -> Result<CollectionDetail, CmdError> {
    let services = access.services().await?;
    let via = Via::parse(&via).map_err(|e| invalid_input(e.to_string()))?;
    let charge_date = charge_date.as_deref().map(|d| day("charge date", d)).transpose()?;
    let organisation = organisation_id.trim().to_owned();
    let request =
        CollectInvoice { invoice: &invoice_id, via, organisation: Some(&organisation), charge_date, confirm_match };
    // The role was checked by `services()` above; the registry holds the connectors themselves.
    let state = access.app().state::<AppState>();
    let collection = xp_app::collect::collect_invoice(&services, state.connectors_unchecked(), request).await?;
    Ok(services.collection(collection.id).await?)
}

/// Cancels a collection's payment while GoCardless still lets it (before it goes to the bank):
/// queues the cancellation, which the outbox sends once; the payment's `cancelled` event moves
/// the collection with the next sync.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn cancel_collection<R: Runtime>(access: Access<R>, collection_id: String) -> Result<(), CmdError> {
    let services = access.services().await?;
    let id = id("collectionId", &collection_id)?;
    let detail = services.collection(id).await?;
    if detail.collection.provider != xp_ipc::Provider::Gocardless {
        return Err(invalid_input(
            "a Saferpay debit is made when it is sent: there is nothing to cancel, only to refund".to_owned(),
        ));
    }
    access.connector::<xp_connect_gocardless::GoCardlessService>().await?.cancel(id).await?;
    Ok(())
}

/// Tries a failed GoCardless payment again (an active mandate, at most 3 times): queued once,
/// sent by the outbox; the payment's event moves the collection back with the next sync.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn retry_collection<R: Runtime>(access: Access<R>, collection_id: String) -> Result<(), CmdError> {
    let gocardless =
        gocardless_collection(&access, &collection_id, "a Saferpay debit is not retried: collect the invoice again")
            .await?;
    gocardless.0.retry(gocardless.1).await?;
    Ok(())
}

/// Gives back collected money: `amount` in the collection's currency (e.g. "20.50"), or all
/// that is not refunded yet. Queued once, sent by the outbox under its key.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn refund_collection<R: Runtime>(
    access: Access<R>,
    collection_id: String,
    amount: Option<String>,
) -> Result<(), CmdError> {
    let services = access.services().await?;
    let id = id("collectionId", &collection_id)?;
    let collection = services.collection(id).await?.collection;
    let amount = amount
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            xp_core::Money::parse(a, &collection.currency).map_err(|e| invalid_input(format!("refund amount: {e}")))
        })
        .transpose()?;
    match collection.provider {
        xp_ipc::Provider::Gocardless => {
            access.connector::<xp_connect_gocardless::GoCardlessService>().await?.refund(id, amount).await?;
        }
        xp_ipc::Provider::Saferpay => {
            access.connector::<xp_connect_saferpay::SaferpayService>().await?.refund(id, amount).await?;
        }
        other => return Err(invalid_input(format!("{other:?} collects no direct debits"))),
    }
    Ok(())
}

async fn gocardless_collection<R: Runtime>(
    access: &Access<R>,
    collection_id: &str,
    not_gocardless: &str,
) -> Result<(xp_connect_gocardless::GoCardlessService, xp_core::ids::CollectionId), CmdError> {
    let services = access.services().await?;
    let id = id("collectionId", collection_id)?;
    if services.collection(id).await?.collection.provider != xp_ipc::Provider::Gocardless {
        return Err(invalid_input(not_gocardless.to_owned()));
    }
    Ok((access.connector::<xp_connect_gocardless::GoCardlessService>().await?, id))
}

/// Syncs a direct-debit provider and books what it brought, in the background; progress goes to
/// the window as sync-progress events. Each provider's "Sync now" uses it.
pub(crate) async fn sync_direct_debit<R: Runtime>(access: &Access<R>, via: Via) -> Result<(), CmdError> {
    let services = access.services().await?;
    let connectors = access.app().state::<AppState>().connectors_unchecked().clone();
    let emitter = access.app().clone();
    let report = Arc::new(move |p: xp_sync::Progress| {
        let _ = emitter.emit(xp_ipc::EVENT_SYNC_PROGRESS, SyncProgress::from(p));
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = connectors.sync_and_settle(&services, via, report).await {
            tracing::warn!(error = %e, "{via:?} sync did not run");
        }
    });
    Ok(())
}
