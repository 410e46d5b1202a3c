use super::Access;
use crate::CmdError;
use tauri::Runtime;
use xp_ipc::{AuditEvent, AuditVerification};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_audit_events<R: Runtime>(access: Access<R>, limit: i64) -> Result<Vec<AuditEvent>, CmdError> {
    Ok(access.services().await?.audit_events(limit).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn verify_audit_log<R: Runtime>(access: Access<R>) -> Result<AuditVerification, CmdError> {
    Ok(access.services().await?.verify_audit().await?)
}
