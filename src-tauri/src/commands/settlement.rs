//! Where each direct-debit provider's money is booked in Xero (Settings → Direct debit accounts).

use super::{day, id, Access};
use crate::CmdError;
use tauri::Runtime;
use xp_app::settlement::{self, Mapping, PROVIDERS};
use xp_ipc::{Provider, ProviderSettlement, SettlementAccounts, SettlementMapping};
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
