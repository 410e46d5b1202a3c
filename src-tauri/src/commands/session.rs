//! Sign-in, lock and sign-out. These work while signed out; everything they change is checked
//! inside the session service. Changing the settings needs the owner's `manage_sign_in`, which the
//! command table checks first and the service again (the CLI reaches it without the table).

use super::Access;
use crate::CmdError;
use tauri::Runtime;
use xp_ipc::{SessionSettings, SessionStatus};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn session_status<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.status().await?)
}

/// Opens Okta's sign-in in the system browser; the answer returns through the deep link.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn sign_in<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access
        .session()
        .await?
        .begin_sign_in(|url| {
            if let Err(e) = webbrowser::open(url.as_str()) {
                tracing::warn!(error = %e, "could not open the system browser for Okta sign-in");
            }
        })
        .await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn cancel_sign_in<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.cancel_sign_in().await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn sign_out<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.sign_out().await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn lock_session<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.lock().await?)
}

/// The window saw input: restarts the idle-lock clock.
#[tauri::command]
pub async fn session_activity<R: Runtime>(access: Access<R>) -> Result<(), CmdError> {
    Ok(access.session().await?.activity().await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn update_session_settings<R: Runtime>(
    access: Access<R>,
    settings: SessionSettings,
) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.update_settings(settings).await?)
}

/// Adopts the sign-in settings the configuration file proposes (issuer, client id, role map)
/// instead of the pinned ones; owner only, audited.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn adopt_proposed_sign_in<R: Runtime>(access: Access<R>) -> Result<SessionStatus, CmdError> {
    Ok(access.session().await?.adopt_proposed_sign_in().await?)
}
