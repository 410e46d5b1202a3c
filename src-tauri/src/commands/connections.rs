use super::Access;
use crate::CmdError;
use tauri::Runtime;
use xp_ipc::ConnectionSummary;

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_connections<R: Runtime>(access: Access<R>) -> Result<Vec<ConnectionSummary>, CmdError> {
    Ok(access.services().await?.connections().await?)
}
