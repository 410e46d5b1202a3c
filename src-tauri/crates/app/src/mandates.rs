//! A Xero contact's direct-debit mandates: the GoCardless mandates of the customer the contact
//! is linked to (by a mandate set up for it, or a confirmed match), else those of the synced
//! customers whose email is the contact's; and a new mandate set up for the contact through
//! GoCardless's hosted page, prefilled from the contact as Xero has it.

use crate::{Connectors, Error, Result};
use serde::Serialize;
use xp_connect_gocardless::setup::Payer;
use xp_connect_gocardless::GoCardlessService;
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_store::gocardless::setups::{self, MandateSetup};
use xp_store::gocardless::MandateView;
use xp_store::xero::ContactDetail;
use xp_store::Store;

/// How the contact's mandates were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The contact is linked to the customer who holds them.
    Linked,
    /// Their customer's email is the contact's; nothing links them yet.
    Email,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactMandates {
    pub found: Found,
    pub mandates: Vec<MandateView>,
}

/// The GoCardless mandates of a contact, newest first, whatever their status.
pub async fn of_contact(store: &Store, organisation_id: OrganisationId, contact_id: &str) -> Result<ContactMandates> {
    if let Some(link) = setups::link_of(store, organisation_id, contact_id).await? {
        let mandates =
            xp_store::gocardless::mandates_of_customer(store, &link.creditor_id.to_string(), &link.customer_id).await?;
        return Ok(ContactMandates { found: Found::Linked, mandates });
    }
    let email = contact(store, organisation_id, contact_id).await?.row.email.filter(|e| !e.trim().is_empty());
    let mandates = match email {
        Some(e) => xp_store::gocardless::mandates_by_email(store, &e).await?,
        None => Vec::new(),
    };
    let found = if mandates.is_empty() { Found::None } else { Found::Email };
    Ok(ContactMandates { found, mandates })
}

/// Starts (or returns the open) GoCardless mandate setup for a contact of a Xero organisation.
pub async fn start_setup(
    ctx: &Context,
    connectors: &Connectors,
    organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<MandateSetup> {
    let c = contact(&ctx.store, organisation_id, contact_id).await?;
    let text = |k: &str| c.raw.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let payer = Payer {
        xero_organisation_id: organisation_id,
        contact_id: c.row.contact_id.clone(),
        name: c.row.name.clone().unwrap_or_else(|| c.row.contact_id.clone()),
        email: c.row.email.clone(),
        given_name: text("FirstName"),
        family_name: text("LastName"),
    };
    Ok(gocardless(connectors)?.start_mandate_setup(payer).await?)
}

/// What a person enters for a mandate the customer signed on paper or in person.
pub struct SignedMandate<'a> {
    pub organisation_id: OrganisationId,
    pub contact_id: &'a str,
    pub holder: &'a str,
    pub iban: &'a xp_core::Sensitive<String>,
    pub bank: Option<&'a str>,
    pub customer_signed: bool,
}

/// Records a SEPA mandate the contact signed for Saferpay debits (Saferpay keeps none: the app
/// makes the MandateId and keeps the IBAN in the vault). `customer_signed` is the person's word that the
/// customer signed the mandate text; nothing is recorded without it.
pub async fn record_saferpay(
    ctx: &Context,
    connectors: &Connectors,
    m: SignedMandate<'_>,
) -> Result<xp_store::saferpay::Mandate> {
    let SignedMandate { organisation_id, contact_id, holder, iban, bank, customer_signed } = m;
    if !customer_signed {
        return Err(Error::Invalid(
            "a SEPA mandate needs the customer's signature on its text: confirm they signed it".into(),
        ));
    }
    let c = contact(&ctx.store, organisation_id, contact_id).await?;
    let saferpay = connectors
        .get::<xp_connect_saferpay::SaferpayService>()
        .map_err(|e| Error::Invalid(format!("Saferpay is not available: {}", e.message)))?;
    let request = xp_connect_saferpay::mandates::MandateRequest {
        organisation_id: Some(organisation_id),
        contact_id: Some(&c.row.contact_id),
        invoice_id: None,
        holder,
        iban,
        bank: bank.map(str::trim).filter(|b| !b.is_empty()),
    };
    Ok(saferpay.record_mandate(request).await?)
}

pub fn gocardless(connectors: &Connectors) -> Result<GoCardlessService> {
    connectors
        .get::<GoCardlessService>()
        .map_err(|e| Error::Invalid(format!("GoCardless is not available: {}", e.message)))
}

async fn contact(store: &Store, organisation_id: OrganisationId, contact_id: &str) -> Result<ContactDetail> {
    xp_store::xero::get_contact(store, &organisation_id.to_string(), contact_id).await?.ok_or_else(|| {
        Error::Invalid(format!(
            "no Xero contact {contact_id:?} in this organisation in the local store (`xpartner sync xero` brings new ones)"
        ))
    })
}
