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

/// A person confirms that the GoCardless customer proposed by email (the holder of `mandate_id`)
/// is the contact: the contact is linked to that customer, and collects use its mandates
/// whatever the emails say later. Only a proposed match can be confirmed.
pub async fn confirm_match(
    ctx: &Context,
    organisation_id: OrganisationId,
    contact_id: &str,
    mandate_id: &str,
) -> Result<setups::ContactLink> {
    let found = of_contact(&ctx.store, organisation_id, contact_id).await?;
    if found.found != Found::Email || !found.mandates.iter().any(|m| m.id == mandate_id) {
        return Err(Error::Invalid(format!(
            "mandate {mandate_id:?} is not one proposed for this contact by email; nothing was linked"
        )));
    }
    let (creditor_id, customer_id) = setups::customer_of_mandate(&ctx.store, mandate_id)
        .await?
        .ok_or_else(|| Error::Invalid(format!("mandate {mandate_id:?} is not synced")))?;
    let now = ctx.clock.now();
    let link = setups::ContactLink {
        xero_organisation_id: organisation_id,
        contact_id: contact_id.to_owned(),
        creditor_id,
        customer_id,
        how: setups::LinkedHow::ConfirmedMatch,
        linked_at: now,
        linked_by: ctx.actor(),
    };
    setups::link(&ctx.store, &link).await?;
    let detail = serde_json::json!({"provider": "gocardless", "customer": link.customer_id, "mandate": mandate_id});
    let entry = xp_store::audit::NewEntry {
        actor: &ctx.actor(),
        action: "gocardless.customer.link",
        subject: contact_id,
        detail,
    };
    xp_store::audit::append(&ctx.store, entry, now).await?;
    Ok(link)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;
    use xp_core::ids::ConnectionId;
    use xp_store::gocardless::rows::{BankAccount, Customer, Mandate, Record};
    use xp_store::organisations::Kept;

    use crate::test_support::runtime;

    async fn org(store: &Store, provider: &str, external: &str) -> OrganisationId {
        let now = time::OffsetDateTime::now_utc();
        let c = ConnectionId::new_random();
        xp_store::connections::insert(store, c, provider, provider, now).await.unwrap();
        let kept = Kept { connection_id: c, provider, external_id: external, name: external, base_currency: None };
        xp_store::organisations::keep(store, kept, now).await.unwrap()
    }

    /// A GoCardless customer with this email and one mandate.
    async fn payer(store: &Store, creditor: OrganisationId, customer: &str, email: &str, mandate: &str) {
        let at = "2026-12-01T09:00:00Z".to_owned();
        let records = [
            Record::Customer(Customer {
                id: customer.into(),
                created_at: at.clone(),
                email: Some(email.into()),
                given_name: None,
                family_name: None,
                company_name: Some("Velo Anna GmbH".into()),
                country_code: Some("DE".into()),
            }),
            Record::BankAccount(BankAccount {
                id: format!("BA-{customer}"),
                customer_id: customer.into(),
                created_at: at.clone(),
                account_number_ending: "00".into(),
                bank_name: Some("Bank".into()),
                currency: Some("EUR".into()),
                country_code: Some("DE".into()),
                enabled: true,
            }),
            Record::Mandate(Mandate {
                id: mandate.into(),
                customer_id: customer.into(),
                bank_account_id: format!("BA-{customer}"),
                created_at: at,
                reference: "REF".into(),
                status: "active".into(),
                scheme: "sepa_core".into(),
                next_possible_charge_date: None,
                reason: None,
            }),
        ];
        let mut tx = store.pool().begin().await.unwrap();
        xp_store::gocardless::upsert(&mut tx, &creditor.to_string(), &records).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// A Xero contact id (Xero ids are GUIDs).
    const CONTACT: &str = "0000000c-0000-0000-0000-000000000001";

    #[tokio::test]
    async fn a_confirmed_email_match_links_the_contact_and_outlasts_a_changed_email() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let store = &ctx.store;
        let xero = org(store, "xero", "tenant-1").await;
        let creditor = org(store, "gocardless", "CR1").await;
        let contact = json!({"ContactID": CONTACT, "Name": "Velo Anna GmbH", "EmailAddress": "Anna@Velo.example",
                             "ContactStatus": "ACTIVE", "UpdatedDateUTC": "/Date(1764000000000+0000)/"});
        let page = xp_connect_xero::rows::page(xp_xero::Resource::Contacts, &[contact]).unwrap();
        let mut tx = store.pool().begin().await.unwrap();
        xp_store::xero::upsert(&mut tx, &xero.to_string(), &page).await.unwrap();
        tx.commit().await.unwrap();
        payer(store, creditor, "CU1", "anna@velo.example", "MD1").await;
        payer(store, creditor, "CU2", "someone@else.example", "MD2").await;

        let proposed = of_contact(store, xero, CONTACT).await.unwrap();
        assert_eq!(proposed.found, Found::Email, "the email matches, whatever its case");
        assert_eq!(proposed.mandates.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["MD1"]);
        let e = confirm_match(&ctx, xero, CONTACT, "MD2").await.unwrap_err();
        assert!(e.to_string().contains("not one proposed"), "only a proposed match is confirmed: {e}");
        assert!(setups::link_of(store, xero, CONTACT).await.unwrap().is_none(), "nothing linked");

        let link = confirm_match(&ctx, xero, CONTACT, "MD1").await.unwrap();
        assert_eq!(
            (link.how, link.customer_id.as_str(), link.creditor_id),
            (setups::LinkedHow::ConfirmedMatch, "CU1", creditor)
        );
        let audit = xp_store::audit::list(store, 5).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "gocardless.customer.link" && e.subject == CONTACT), "{audit:?}");

        // The payer changes their email at GoCardless: the link still says who they are.
        payer(store, creditor, "CU1", "new@velo.example", "MD1").await;
        let linked = of_contact(store, xero, CONTACT).await.unwrap();
        assert_eq!((linked.found, linked.mandates.len()), (Found::Linked, 1));
        assert!(confirm_match(&ctx, xero, CONTACT, "MD1").await.is_err(), "a linked contact has no proposal left");
    }
}
