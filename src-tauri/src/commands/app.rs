use crate::{AppStateExt, CmdError};
use tauri::{AppHandle, Runtime};
use xp_ipc::{AppInfo, Connectivity, DbInfo, Permission};

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

/// Whether the providers answer; no data, so it works signed out (the login page shows it too).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn connectivity<R: Runtime>(app: AppHandle<R>) -> Result<Connectivity, CmdError> {
    Ok(app.public_services()?.connectivity())
}
