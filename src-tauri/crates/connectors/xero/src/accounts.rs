//! The chart of accounts: a BANK account created in an organisation (a payment provider's
//! clearing account), kept in the local chart at once so the next choice of code sees it.
//!
//! Sent at once rather than through the outbox: the person waits for the account's code to map
//! it, so offline this is refused with a clear error instead of queued. It is sent under an
//! idempotency key made from the organisation and the code, so a resend after a lost answer
//! returns the account Xero made; and it is audited like every Xero write.

use crate::service::XeroService;
use crate::{Error, Result, PROVIDER};
use xp_core::ids::OrganisationId;
use xp_store::xero::AccountRow;
use xp_xero::{NewBankAccount, Resource};

impl XeroService {
    /// Creates a BANK account in a kept organisation and records it in the local chart.
    pub async fn create_bank_account(
        &self,
        organisation_id: OrganisationId,
        account: &NewBankAccount,
    ) -> Result<AccountRow> {
        let ctx = self.ctx();
        let org = xp_store::organisations::find(&ctx.store, PROVIDER, organisation_id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id} is kept")))?;
        let key = org.connection_id.to_string();
        let idempotency_key = format!("xp-account:{organisation_id}:{}", account.code.trim().to_ascii_lowercase());
        let refresher = self.refresher();
        let token = refresher.access_token(&key).await?;
        let client = self.client();
        let (created, raw) = match client.create_bank_account(&token, &org.external_id, account, &idempotency_key).await
        {
            Err(xp_xero::Error::Unauthorized { .. }) => {
                let token = refresher.refresh_rejected(&key, &token).await?;
                client.create_bank_account(&token, &org.external_id, account, &idempotency_key).await?
            }
            other => other?,
        };
        let page = crate::rows::page(Resource::Accounts, std::slice::from_ref(&raw))
            .map_err(|e| Error::Invalid(format!("the account Xero created cannot be kept: {e}")))?;
        let mut tx = ctx.store.begin_write().await?;
        xp_store::xero::upsert(&mut tx, organisation_id, &page).await?;
        tx.commit().await?;
        let detail = serde_json::json!({"accountId": created.account_id, "code": created.code, "name": created.name,
            "type": created.type_});
        self.audit("xero.account.create", &org.name, detail).await?;
        Ok(AccountRow {
            account_id: created.account_id,
            code: created.code,
            name: created.name,
            type_: created.type_,
            status: created.status,
            currency: created.currency,
        })
    }
}
