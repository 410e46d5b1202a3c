use crate::{AppStateExt, CmdError};
use tauri::{AppHandle, Runtime};
use xp_ipc::{AppInfo, DbInfo, Permission};

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> Result<AppInfo, CmdError> {
    Ok(app.public_services()?.app_info())
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn db_info<R: Runtime>(app: AppHandle<R>) -> Result<DbInfo, CmdError> {
    Ok(app.services(Permission::Read).await?.db_info().await?)
}
