//! Where each direct-debit provider's money is booked in Xero (Settings → Direct debit accounts).

use super::{day, id, Access};
use crate::CmdError;
use tauri::Runtime;
use xp_app::settlement::{self, Mapping, PROVIDERS};
use xp_connect_xero::XeroService;
use xp_ipc::{Provider, ProviderSettlement, SettlementAccounts, SettlementMapping, XeroAccount};
use xp_ledger::settlement::Accounts;

#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn get_settlement_mappings<R: Runtime>(access: Access<R>) -> Result<Vec<ProviderSettlement>, CmdError> {
    let ctx = access.services().await?;
    let mut out = Vec::with_capacity(PROVIDERS.len());
    for provider in PROVIDERS.iter().filter_map(|(name, _)| Provider::parse(name)) {
        let mapping = settlement::mapping(&ctx, provider.as_str()).await?.map(|m| SettlementMapping {
            organisation_id: m.organisation_id.to_string(),
            accounts: SettlementAccounts {
                clearing: m.accounts.clearing,
                bank: m.accounts.bank,
                fees: m.accounts.fees,
                suspense: m.accounts.suspense,
            },
            since: Some(m.since.to_string()),
        });
        out.push(ProviderSettlement { provider, mapping });
    }
    Ok(out)
}

/// Maps a provider's money to a Xero organisation's accounts; the app checks the organisation
/// and the codes, and audits the change.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn set_settlement_mapping<R: Runtime>(
    access: Access<R>,
    provider: Provider,
    mapping: SettlementMapping,
) -> Result<(), CmdError> {
    let ctx = access.services().await?;
    let since = match mapping.since.as_deref() {
        Some(d) => day("since", d)?,
        None => ctx.clock.now().date(),
    };
    let a = mapping.accounts;
    let mapping = Mapping {
        organisation_id: id("organisationId", &mapping.organisation_id)?,
        accounts: Accounts { clearing: a.clearing, bank: a.bank, fees: a.fees, suspense: a.suspense },
        since,
    };
    Ok(settlement::set_mapping(&ctx, provider.as_str(), &mapping).await?)
}

/// The chart of accounts of a kept Xero organisation as last synced, by code: what Settings
/// offers for the settlement accounts.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn list_xero_accounts<R: Runtime>(
    access: Access<R>,
    organisation_id: String,
) -> Result<Vec<XeroAccount>, CmdError> {
    let ctx = access.services().await?;
    let accounts = settlement::chart(&ctx, id("organisationId", &organisation_id)?).await?;
    Ok(accounts.into_iter().map(xero_account).collect())
}

/// Creates the provider's clearing account in a kept Xero organisation (a BANK account in
/// euros named "<Provider> Clearing" under the first free 09x code) and answers it. The mapping
/// is saved separately, by the person.
#[tauri::command]
#[tracing::instrument(skip(access), err)]
pub async fn create_clearing_account<R: Runtime>(
    access: Access<R>,
    provider: Provider,
    organisation_id: String,
) -> Result<XeroAccount, CmdError> {
    let ctx = access.services().await?;
    let org = id("organisationId", &organisation_id)?;
    let xero = access.connector::<XeroService>().await?;
    let created = settlement::create_clearing_account(&ctx, &xero, provider.as_str(), org, None, None).await?;
    Ok(xero_account(created))
}

fn xero_account(a: xp_store::xero::AccountRow) -> XeroAccount {
    XeroAccount { account_id: a.account_id, code: a.code, name: a.name, account_type: a.type_, status: a.status }
}
