use crate::{AppStateExt, CmdError};
use tauri::{AppHandle, Runtime};
use xp_ipc::{ConnectionSummary, Permission};

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn list_connections<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ConnectionSummary>, CmdError> {
    Ok(app.services(Permission::Read).await?.connections().await?)
}
