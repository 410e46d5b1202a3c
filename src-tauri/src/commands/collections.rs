//! Direct-debit collections, read from the local store (works offline).

use super::{id, Access};
use crate::CmdError;
use tauri::Runtime;
use xp_ipc::{CollectionDetail, CollectionSummary};

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_collections<R: Runtime>(access: Access<R>, limit: i64) -> Result<Vec<CollectionSummary>, CmdError> {
    Ok(access.services().await?.collections(limit).await?)
}

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_collection<R: Runtime>(
    access: Access<R>,
    collection_id: String,
) -> Result<CollectionDetail, CmdError> {
    let services = access.services().await?;
    Ok(services.collection(id("collectionId", &collection_id)?).await?)
}
