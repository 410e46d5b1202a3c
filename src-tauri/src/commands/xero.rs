use super::{id, Access};
use crate::CmdError;
use std::sync::Arc;
use tauri::{Emitter, Runtime};
use xp_connect_xero::{browse, invoices, XeroService};
use xp_ipc::{
    BankTransactionDetail, BankTransactionPage, BankTransactionQuery, ContactDetail, ContactPage, ContactQuery,
    InvoiceDetail, InvoicePage, InvoiceQuery, Organisation, Permission, SyncProgress, XeroConnectResult,
};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_organisations<R: Runtime>(access: Access<R>) -> Result<Vec<Organisation>, CmdError> {
    Ok(xp_connect_xero::organisations(&access.services().await?).await?)
}

/// Opens Xero's sign-in in the system browser (never a webview: RFC 8252 §8.12) and waits for
/// the loopback redirect.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn connect_xero<R: Runtime>(access: Access<R>) -> Result<XeroConnectResult, CmdError> {
    let xero = access.connector::<XeroService>().await?;
    // The browser step can take minutes: the session is asked again, for the same person,
    // before the connection is kept.
    let session = access.session().await?;
    let subject = session.subject();
    let still_allowed = async move {
        session
            .require_same(Permission::ManageConnections, subject.as_deref())
            .await
            .map_err(|e| xp_context::Error::Denied { code: e.code(), message: e.to_string() })
    };
    let open = |url: &url::Url| {
        if let Err(e) = webbrowser::open(url.as_str()) {
            tracing::warn!(error = %e, "could not open the system browser for Xero sign-in");
        }
    };
    Ok(xero.connect(open, still_allowed).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn keep_organisations<R: Runtime>(
    access: Access<R>,
    connection_id: String,
    tenant_ids: Vec<String>,
) -> Result<Vec<Organisation>, CmdError> {
    let xero = access.connector::<XeroService>().await?;
    Ok(xero.keep(id("connectionId", &connection_id)?, &tenant_ids).await?)
}

/// Starts a sync in the background; progress arrives as `sync-progress` events.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn sync_now<R: Runtime>(access: Access<R>, organisation_id: Option<String>) -> Result<(), CmdError> {
    let xero = access.connector::<XeroService>().await?;
    let organisation_id = organisation_id.as_deref().map(|o| id("organisationId", o)).transpose()?;
    let emitter = access.app().clone();
    let report = Arc::new(move |p: xp_sync::Progress| {
        let _ = emitter.emit(xp_ipc::EVENT_SYNC_PROGRESS, SyncProgress::from(p));
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = xero.sync(organisation_id, false, report).await {
            tracing::warn!(error = %e, "sync did not start");
        }
    });
    Ok(())
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn cancel_sync<R: Runtime>(access: Access<R>) -> Result<(), CmdError> {
    access.connector::<XeroService>().await?.cancel_sync();
    Ok(())
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn disconnect_organisation<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    erase_data: bool,
) -> Result<(), CmdError> {
    let xero = access.connector::<XeroService>().await?;
    Ok(xero.disconnect(id("organisationId", &organisation_id)?, erase_data).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access, query), err)] // a query holds what someone searched for: not for the log
pub async fn list_invoices<R: Runtime>(access: Access<R>, query: InvoiceQuery) -> Result<InvoicePage, CmdError> {
    Ok(invoices::list(&access.services().await?, &query).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_invoice<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    invoice_id: String,
) -> Result<InvoiceDetail, CmdError> {
    let ctx = access.services().await?;
    Ok(invoices::get(&ctx, id("organisationId", &organisation_id)?, &invoice_id).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access, query), err)] // a query holds what someone searched for: not for the log
pub async fn list_contacts<R: Runtime>(access: Access<R>, query: ContactQuery) -> Result<ContactPage, CmdError> {
    Ok(browse::list_contacts(&access.services().await?, &query).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_contact<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    contact_id: String,
) -> Result<ContactDetail, CmdError> {
    let ctx = access.services().await?;
    Ok(browse::get_contact(&ctx, id("organisationId", &organisation_id)?, &contact_id).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access, query), err)] // a query holds what someone searched for: not for the log
pub async fn list_bank_transactions<R: Runtime>(
    access: Access<R>,
    query: BankTransactionQuery,
) -> Result<BankTransactionPage, CmdError> {
    Ok(browse::list_bank_transactions(&access.services().await?, &query).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_bank_transaction<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    bank_transaction_id: String,
) -> Result<BankTransactionDetail, CmdError> {
    let ctx = access.services().await?;
    Ok(browse::get_bank_transaction(&ctx, id("organisationId", &organisation_id)?, &bank_transaction_id).await?)
}

/// Opens an invoice in Xero's web app in the system browser. The URL is built in Rust from the
/// stored invoice, so the webview cannot make the app open an arbitrary address.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn open_in_xero<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
    invoice_id: String,
) -> Result<(), CmdError> {
    let ctx = access.services().await?;
    let detail = invoices::get(&ctx, id("organisationId", &organisation_id)?, &invoice_id).await?;
    webbrowser::open(&detail.xero_url).map_err(|e| {
        CmdError(xp_ipc::IpcError {
            code: xp_core::ErrorCode::Internal,
            message: format!("could not open the browser: {e}"),
        })
    })
}
