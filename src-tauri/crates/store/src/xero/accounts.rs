//! An organisation's chart of accounts as last synced (or as the app created an account in it):
//! what settlement needs to choose or create its clearing account.

use super::OF_ORG;
use crate::{Result, Store};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub account_id: String,
    pub code: Option<String>,
    pub name: Option<String>,
    /// Xero's account type: BANK, EXPENSE, CURRLIAB…
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// ACTIVE or ARCHIVED.
    pub status: Option<String>,
    pub currency: Option<String>,
}

/// Every account of the organisation, by code (accounts without one, e.g. some bank accounts,
/// last).
pub async fn list_accounts(store: &Store, organisation_id: xp_core::ids::OrganisationId) -> Result<Vec<AccountRow>> {
    let rows = sqlx::query(&format!(
        "SELECT account_id, code, name, type, status, currency FROM xero_accounts WHERE {OF_ORG} \
         ORDER BY code IS NULL, code, name",
    ))
    .bind(organisation_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AccountRow {
                account_id: r.try_get("account_id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                type_: r.try_get("type")?,
                status: r.try_get("status")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}
