use super::Access;
use crate::CmdError;
use tauri::Runtime;
use xp_ipc::{AppInfo, Connectivity, DbInfo};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn app_info<R: Runtime>(access: Access<R>) -> Result<AppInfo, CmdError> {
    Ok(access.services().await?.app_info())
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn db_info<R: Runtime>(access: Access<R>) -> Result<DbInfo, CmdError> {
    Ok(access.services().await?.db_info().await?)
}

/// Whether the providers answer; no data, so it works signed out (the login page shows it too).
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn connectivity<R: Runtime>(access: Access<R>) -> Result<Connectivity, CmdError> {
    Ok(access.services().await?.connectivity())
}
