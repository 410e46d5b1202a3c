//! Tauri commands, one module per area. Each is a few lines: take state and arguments, call one
//! library function, map the error.

mod app;
mod audit;
mod connections;
mod session;
mod xero;

pub(crate) use xero::progress as sync_progress;

pub(crate) fn handlers<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_info,
        app::connectivity,
        session::session_status,
        session::sign_in,
        session::cancel_sign_in,
        session::sign_out,
        session::lock_session,
        session::session_activity,
        session::update_session_settings,
        app::db_info,
        connections::list_connections,
        audit::list_audit_events,
        audit::verify_audit_log,
        xero::list_organisations,
        xero::connect_xero,
        xero::keep_organisations,
        xero::sync_now,
        xero::cancel_sync,
        xero::disconnect_organisation,
        xero::list_invoices,
        xero::get_invoice,
        xero::open_in_xero,
        xero::list_contacts,
        xero::get_contact,
        xero::list_bank_transactions,
        xero::get_bank_transaction,
    ]
}
