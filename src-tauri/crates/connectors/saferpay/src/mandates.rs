//! SEPA mandates for Saferpay debits. Saferpay keeps none: with `Transaction/AuthorizeDirect`
//! the merchant shows its own mandate text and generates the `MandateId` (sheet §9), so the app
//! records each mandate it makes. The payer's full IBAN goes to the vault under the mandate's
//! id and is read back only to send the debit; the store keeps the holder and the last four
//! characters, enough to tell accounts apart in a list.

use crate::service::iban_key;
use crate::{Error, Result, SaferpayService};
use xp_core::ids::OrganisationId;
use xp_core::Sensitive;
use xp_saferpay::Iban;
use xp_store::saferpay::{self as db, Mandate, NewMandate};

/// What the payer gave when signing the mandate.
#[derive(Debug, Clone)]
pub struct MandateRequest<'a> {
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<&'a str>,
    pub invoice_id: Option<&'a str>,
    /// `BankAccount.HolderName`, 1 to 50 characters.
    pub holder: &'a str,
    /// As printed or typed (groups of four, any case); checked with mod-97 before anything is kept.
    pub iban: &'a Sensitive<String>,
    pub bank: Option<&'a str>,
}

impl SaferpayService {
    /// Makes a MandateId, keeps the IBAN in the vault under it and records the mandate.
    pub async fn record_mandate(&self, m: MandateRequest<'_>) -> Result<Mandate> {
        let iban = Iban::from_printed(m.iban.expose()).map_err(Error::Invalid)?;
        let holder = m.holder.trim();
        if holder.is_empty() || holder.chars().count() > 50 {
            return Err(Error::Invalid("the account holder's name has 1 to 50 characters".into()));
        }
        let id = new_mandate_id();
        let last4 = &iban.as_str()[iban.as_str().len() - 4..];
        let ctx = self.ctx();
        ctx.vault.set(&iban_key(&id), &Sensitive::new(iban.as_str().to_owned()))?;
        let row = NewMandate {
            id: &id,
            organisation_id: m.organisation_id,
            contact_id: m.contact_id,
            invoice_id: m.invoice_id,
            holder,
            iban_last4: last4,
            bank: m.bank,
        };
        let mandate = match db::insert_mandate(&ctx.store, row, ctx.clock.now()).await {
            Ok(mandate) => mandate,
            Err(e) => {
                // No IBAN stays behind without its mandate.
                if let Err(v) = ctx.vault.delete(&iban_key(&id)) {
                    tracing::warn!(error = %v, "could not remove the IBAN of a mandate that was not recorded");
                }
                return Err(e.into());
            }
        };
        let detail = serde_json::json!({"ibanLast4": last4});
        let entry =
            xp_store::audit::NewEntry { actor: &ctx.actor(), action: "saferpay.mandate.add", subject: &id, detail };
        xp_store::audit::append(&ctx.store, entry, ctx.clock.now()).await?;
        Ok(mandate)
    }

    /// Every mandate the app made, newest first (holder and last four characters, no IBAN).
    pub async fn mandates(&self) -> Result<Vec<Mandate>> {
        Ok(db::mandates(&self.ctx().store).await?)
    }

    /// The mandate's IBAN from the vault.
    pub(crate) fn mandate_iban(&self, mandate_id: &str) -> Result<Iban> {
        let stored =
            self.ctx().vault.get(&iban_key(mandate_id))?.ok_or_else(|| {
                Error::Invalid(format!("the bank account of mandate {mandate_id} is not in the vault"))
            })?;
        Iban::parse(stored.expose()).map_err(Error::Invalid)
    }
}

/// `XPM-` and 24 random hex digits: within Saferpay's `MandateId` Id[1..35] (sheet §9), and
/// random so no two debits share one (Saferpay wants it unique per transaction).
fn new_mandate_id() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("XPM-{}", hex[..24].to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn mandate_ids_fit_saferpays_id_format_and_differ() {
        let (a, b) = (super::new_mandate_id(), super::new_mandate_id());
        assert_ne!(a, b, "a MandateId is never reused");
        assert_eq!(a.len(), 28);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'), "{a}");
    }
}
