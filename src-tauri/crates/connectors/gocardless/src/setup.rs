//! A new mandate for a Xero contact through GoCardless's hosted Billing Request Flow: a billing
//! request asking for a SEPA mandate, and a flow whose page the payer fills in (opened in the
//! system browser, or sent to the customer). A desktop app receives no webhooks and the flow
//! needs no redirect back: the app follows the billing request until GoCardless says it is
//! fulfilled, then keeps the mandate, its payer and bank, and links the contact to that
//! customer so the next collect uses it.
//!
//! The setup row is written before GoCardless is asked; its id roots the idempotency keys. A
//! lost answer to the billing request is found again under the same key (GoCardless answers
//! 409 with the first one, which the client resolves). A flow cannot be read back
//! (no `GET /billing_request_flows/{id}`), so every try at a flow counts an attempt and uses
//! its own key; a flow moves no money, so a spare one only expires.

use crate::{Error, GoCardlessService, Result, PROVIDER};
use time::OffsetDateTime;
use xp_core::ids::OrganisationId;
use xp_core::Sensitive;
use xp_gocardless::{BillingRequestStatus, Metadata, NewCustomer, NewFlow, NewMandateRequest};
use xp_store::gocardless::setups::{self, MandateSetup, SetupStatus};

/// The Xero contact a mandate is set up for, with what the hosted page may show filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    pub xero_organisation_id: OrganisationId,
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

fn filled(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl Payer {
    /// The contact as GoCardless's page shows it: a person by their names when the contact is
    /// that person, else a company with its contact person's names when Xero has them. The
    /// payer can change every field.
    fn prefilled(&self) -> NewCustomer {
        let (given_name, family_name) = (filled(&self.given_name), filled(&self.family_name));
        let name = filled(&Some(self.name.clone()));
        let person = match (&given_name, &family_name, &name) {
            (Some(g), Some(f), Some(n)) => n.eq_ignore_ascii_case(&format!("{g} {f}")),
            (Some(_), Some(_), None) => true,
            _ => false,
        };
        NewCustomer {
            email: filled(&self.email),
            given_name,
            family_name,
            company_name: if person { None } else { name },
            ..NewCustomer::default()
        }
    }
}

impl GoCardlessService {
    /// Starts a mandate setup for the contact, or returns the one still open for it (one hosted
    /// page per contact at a time), with its authorisation URL once GoCardless made it.
    pub async fn start_mandate_setup(&self, payer: Payer) -> Result<MandateSetup> {
        let ctx = self.ctx();
        if payer.contact_id.trim().is_empty() {
            return Err(Error::Invalid("choose the Xero contact to set up a mandate for".into()));
        }
        let token = self.required_token()?;
        let creditor = self.creditor_id().await?;
        let open = setups::of_contact(&ctx.store, payer.xero_organisation_id, &payer.contact_id)
            .await?
            .into_iter()
            .find(|s| {
                s.status == SetupStatus::Starting
                    || (s.status == SetupStatus::Waiting && s.expires_at.is_some_and(|e| e > ctx.clock.now()))
            });
        let setup = match open {
            Some(s) => s,
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                let s = setups::NewSetup {
                    id: &id,
                    creditor_id: creditor,
                    xero_organisation_id: payer.xero_organisation_id,
                    contact_id: &payer.contact_id,
                    contact_name: &payer.name,
                    started_by: &ctx.actor(),
                };
                let s = setups::insert(&ctx.store, s, ctx.clock.now()).await?;
                self.audit("gocardless.mandate_setup.start", &payer.name, &s).await?;
                s
            }
        };
        self.advance(&token, setup, Some(&payer)).await
    }

    /// Asks GoCardless how an open setup stands and records it: the page made (after a lost
    /// answer), the mandate once the payer finished, cancelled, or expired.
    pub async fn follow_mandate_setup(&self, id: &str) -> Result<MandateSetup> {
        let s = setups::get(&self.ctx().store, id)
            .await?
            .ok_or_else(|| Error::Invalid(format!("no GoCardless mandate setup {id:?}")))?;
        if !s.status.open() {
            return Ok(s);
        }
        let token = self.required_token()?;
        self.advance(&token, s, None).await
    }

    /// Follows every open setup (after a sync: a payer may have finished meanwhile).
    pub async fn follow_open_mandate_setups(&self) -> Result<Vec<MandateSetup>> {
        let mut out = Vec::new();
        for s in setups::open(&self.ctx().store).await? {
            out.push(self.follow_mandate_setup(&s.id).await?);
        }
        Ok(out)
    }

    /// The contact's setups, newest first.
    pub async fn mandate_setups(
        &self,
        xero_organisation_id: OrganisationId,
        contact_id: &str,
    ) -> Result<Vec<MandateSetup>> {
        Ok(setups::of_contact(&self.ctx().store, xero_organisation_id, contact_id).await?)
    }

    /// Stops an open setup: GoCardless cancels its billing request, so the page no longer
    /// works. A setup whose payer already finished is not undone (cancel the mandate instead).
    pub async fn cancel_mandate_setup(&self, id: &str) -> Result<MandateSetup> {
        let s = self.follow_mandate_setup(id).await?;
        if !s.status.open() {
            return Err(Error::Invalid(format!(
                "this mandate setup is {} and can no longer be cancelled",
                s.status.as_str()
            )));
        }
        let ctx = self.ctx();
        if let Some(br) = &s.billing_request_id {
            let token = self.required_token()?;
            let metadata = Metadata::new();
            match self.client().cancel_billing_request(&token, br, &metadata).await {
                Ok(_) => {}
                // Fulfilled meanwhile: the payer was quicker; keep what they made.
                Err(e) if e.problem().is_some_and(|p| p.has_reason("cancellation_failed")) => {
                    return self.follow_mandate_setup(id).await
                }
                Err(e) => return Err(e.into()),
            }
        }
        setups::end(&ctx.store, id, SetupStatus::Cancelled, ctx.clock.now()).await?;
        let s = setups::get(&ctx.store, id).await?.ok_or_else(|| Error::Invalid(format!("mandate setup {id}")))?;
        self.audit("gocardless.mandate_setup.cancel", &s.contact_name, &s).await?;
        Ok(s)
    }

    async fn advance(&self, token: &Sensitive<String>, s: MandateSetup, payer: Option<&Payer>) -> Result<MandateSetup> {
        let ctx = self.ctx();
        let key = format!("mandate-setup:{}", s.id);
        let request = match &s.billing_request_id {
            Some(id) => self.client().billing_request(token, id).await?,
            None => {
                let mut r = NewMandateRequest::sepa(
                    setups::link_of(&ctx.store, s.xero_organisation_id, &s.contact_id)
                        .await?
                        .filter(|l| l.creditor_id == s.creditor_id)
                        .map(|l| l.customer_id),
                );
                r.metadata.insert("xero_contact".into(), s.contact_id.clone());
                let made = self.client().create_mandate_request(token, &r, &format!("{key}:billing_request")).await?;
                setups::record_billing_request(&ctx.store, &s.id, &made.id, ctx.clock.now()).await?;
                made
            }
        };
        let now = ctx.clock.now();
        match request.status {
            BillingRequestStatus::Fulfilled => {
                let mandate = request.links.mandate_request_mandate.clone().ok_or_else(|| {
                    Error::Invalid(format!(
                        "GoCardless says billing request {} is fulfilled without a mandate",
                        request.id
                    ))
                })?;
                self.keep_mandate(token, s.creditor_id, &mandate).await?;
                if setups::complete(&ctx.store, &s.id, &request.links.customer, &mandate, now).await? {
                    let done = self.reread(&s.id).await?;
                    self.audit("gocardless.mandate_setup.done", &done.contact_name, &done).await?;
                }
            }
            BillingRequestStatus::Cancelled => {
                setups::end(&ctx.store, &s.id, SetupStatus::Cancelled, now).await?;
            }
            _ if s.flow_id.is_some() => {
                if s.expires_at.is_some_and(|e| e <= now) {
                    setups::end(&ctx.store, &s.id, SetupStatus::Expired, now).await?;
                }
            }
            _ => {
                let attempt = setups::next_attempt(&ctx.store, &s.id, now).await?;
                let prefilled = payer.map(Payer::prefilled).unwrap_or_default();
                // Without redirect_uri GoCardless ends on its own success page; the app learns
                // the outcome from the billing request, not from a redirect.
                let flow = NewFlow { prefilled_customer: prefilled, ..NewFlow::default() };
                let flow =
                    self.client().create_flow(token, &request.id, &flow, &format!("{key}:flow:{attempt}")).await?;
                let made = setups::Flow {
                    billing_request_id: &request.id,
                    flow_id: &flow.id,
                    authorisation_url: flow.authorisation_url.as_str(),
                    expires_at: flow.expires_at,
                };
                setups::record_flow(&ctx.store, &s.id, made, ctx.clock.now()).await?;
            }
        }
        self.reread(&s.id).await
    }

    /// Reads the mandate the payer made, with its customer and bank account, into the store
    /// (the next sync would bring them too; a collect right away needs them now).
    async fn keep_mandate(&self, token: &Sensitive<String>, creditor: OrganisationId, mandate_id: &str) -> Result<()> {
        let client = self.client();
        let mandate = client.mandate(token, mandate_id).await?;
        let customer = client.customer(token, &mandate.links.customer).await?;
        let bank = client.customer_bank_account(token, &mandate.links.customer_bank_account).await?;
        let records =
            [crate::rows::customer(&customer), crate::rows::bank_account(&bank), crate::rows::mandate(&mandate, None)];
        let mut tx = self.ctx().store.begin_write().await?;
        xp_store::gocardless::upsert(&mut tx, creditor, &records).await?;
        tx.commit().await.map_err(xp_store::Error::from)?;
        Ok(())
    }

    async fn reread(&self, id: &str) -> Result<MandateSetup> {
        setups::get(&self.ctx().store, id).await?.ok_or_else(|| Error::Invalid(format!("mandate setup {id} vanished")))
    }

    fn required_token(&self) -> Result<Sensitive<String>> {
        self.token()?.ok_or_else(|| {
            Error::Invalid("GoCardless is not connected: enter its access token in Settings → Connections".into())
        })
    }

    /// The creditor new mandates belong to (one GoCardless account per installation).
    async fn creditor_id(&self) -> Result<OrganisationId> {
        self.kept_creditors().await?.into_iter().next().map(|o| o.id).ok_or_else(|| {
            Error::Invalid("GoCardless is not connected: enter its access token in Settings → Connections".into())
        })
    }

    async fn audit(&self, action: &str, subject: &str, s: &MandateSetup) -> Result<()> {
        let ctx = self.ctx();
        xp_store::audit::append(
            &ctx.store,
            xp_store::audit::NewEntry {
                actor: &ctx.actor(),
                action,
                subject,
                detail: serde_json::json!({
                    "provider": PROVIDER,
                    "setup": s.id,
                    "contact": s.contact_id,
                    "billing_request": s.billing_request_id,
                    "mandate": s.mandate_id,
                }),
            },
            now(self),
        )
        .await?;
        Ok(())
    }
}

fn now(s: &GoCardlessService) -> OffsetDateTime {
    s.ctx().clock.now()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payer(name: &str, given: Option<&str>, family: Option<&str>) -> Payer {
        Payer {
            name: name.into(),
            email: Some(" anna@example.de ".into()),
            given_name: given.map(Into::into),
            family_name: family.map(Into::into),
            xero_organisation_id: OrganisationId::new_random(),
            contact_id: "C1".into(),
        }
    }

    #[test]
    fn the_page_shows_a_person_as_a_person_and_a_business_as_a_company() {
        let p = payer("Anna Schmidt", Some("Anna"), Some("Schmidt")).prefilled();
        assert_eq!((p.given_name.as_deref(), p.company_name.as_deref()), (Some("Anna"), None));
        assert_eq!(p.email.as_deref(), Some("anna@example.de"));
        let b = payer("Velo Anna GmbH", Some("Anna"), Some("Schmidt")).prefilled();
        assert_eq!((b.company_name.as_deref(), b.family_name.as_deref()), (Some("Velo Anna GmbH"), Some("Schmidt")));
        let c = payer("Velo Anna GmbH", None, Some(" ")).prefilled();
        assert_eq!((c.company_name.as_deref(), c.given_name, c.family_name), (Some("Velo Anna GmbH"), None, None));
    }
}
