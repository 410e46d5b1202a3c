use crate::{AppStateExt, CmdError};
use tauri::{AppHandle, Runtime};
use xp_ipc::{AuditEvent, AuditVerification, Permission};

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn list_audit_events<R: Runtime>(app: AppHandle<R>, limit: i64) -> Result<Vec<AuditEvent>, CmdError> {
    Ok(app.services(Permission::Read).await?.audit_events(limit).await?)
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn verify_audit_log<R: Runtime>(app: AppHandle<R>) -> Result<AuditVerification, CmdError> {
    Ok(app.services(Permission::Read).await?.verify_audit().await?)
}
