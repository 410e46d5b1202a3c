//! A Xero contact's direct-debit mandates: the GoCardless mandates of the customer the contact
//! is linked to (by a mandate set up for it, or a confirmed match), else those of the synced
//! customers whose email is the contact's, else whose name is; and a new mandate set up for the contact through
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
    /// No customer has the contact's email, but one has its name (company, or given and
    /// family name); nothing links them yet.
    Name,
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
        let mandates = xp_store::gocardless::mandates_of_customer(store, link.creditor_id, &link.customer_id).await?;
        return Ok(ContactMandates { found: Found::Linked, mandates });
    }
    let row = contact(store, organisation_id, contact_id).await?.row;
    let email = row.email.filter(|e| !e.trim().is_empty());
    if let Some(e) = email {
        let mandates = xp_store::gocardless::mandates_by_email(store, &e).await?;
        if !mandates.is_empty() {
            return Ok(ContactMandates { found: Found::Email, mandates });
        }
    }
    // A customer who signed with another address (a personal one, a colleague's) is still
    // proposed by name; a name is weaker evidence than an email, and a person confirms either.
    if let Some(name) = row.name.filter(|n| !n.trim().is_empty()) {
        let mandates = xp_store::gocardless::mandates_by_name(store, &name).await?;
        if !mandates.is_empty() {
            return Ok(ContactMandates { found: Found::Name, mandates });
        }
    }
    Ok(ContactMandates { found: Found::None, mandates: Vec::new() })
}

/// A person confirms that the GoCardless customer proposed by email or name (the holder of `mandate_id`)
/// is the contact: the contact is linked to that customer, and collects use its mandates
/// whatever the emails say later. Only a proposed match can be confirmed.
pub async fn confirm_match(
    ctx: &Context,
    organisation_id: OrganisationId,
    contact_id: &str,
    mandate_id: &str,
) -> Result<setups::ContactLink> {
    let found = of_contact(&ctx.store, organisation_id, contact_id).await?;
    let proposed = matches!(found.found, Found::Email | Found::Name);
    if !proposed || !found.mandates.iter().any(|m| m.id == mandate_id) {
        return Err(Error::Invalid(format!(
            "mandate {mandate_id:?} is not one proposed for this contact by email or name; nothing was linked"
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
    let matched = if found.found == Found::Name { "name" } else { "email" };
    let detail = serde_json::json!({"provider": "gocardless", "customer": link.customer_id, "mandate": mandate_id,
        "matchedBy": matched});
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

/// The Xero contact `key` names (its ContactID, or its name in any case and spacing), in the
/// organisation `organisation` names when given: its organisation and ContactID. A name found
/// in several organisations, or on several contacts, is refused rather than guessed.
pub async fn find_contact(store: &Store, key: &str, organisation: Option<&str>) -> Result<(OrganisationId, String)> {
    let key = key.trim();
    let org = match organisation {
        Some(o) => Some(crate::collect::xero_organisation(store, o).await?),
        None => None,
    };
    let wanted = xp_core::names::normalised(key);
    // The store's search matches a fragment as typed; its longest word narrows the contacts to
    // those compared by their normalised names.
    let fragment = wanted.split(' ').max_by_key(|w| w.len()).unwrap_or_default().to_owned();
    let query = xp_store::xero::ContactQuery {
        organisation_id: org,
        search: Some(fragment),
        limit: 1000,
        ..Default::default()
    };
    let mut found: Vec<_> = xp_store::xero::list_contacts(store, &query)
        .await?
        .rows
        .into_iter()
        .filter(|c| c.name.as_deref().is_some_and(|n| xp_core::names::normalised(n) == wanted))
        .collect();
    if found.is_empty() && uuid::Uuid::parse_str(key).is_ok() {
        let orgs = match &org {
            Some(o) => vec![*o],
            None => xp_store::organisations::list(store)
                .await?
                .into_iter()
                .filter(|o| o.provider == xp_connect_xero::PROVIDER)
                .map(|o| o.id)
                .collect(),
        };
        for o in orgs {
            if let Some(c) = xp_store::xero::get_contact(store, o, key).await? {
                found.push(c.row);
            }
        }
    }
    let scope = organisation.map(|o| format!(" in organisation {o:?}")).unwrap_or_default();
    match found.as_slice() {
        [one] => {
            Ok((one.organisation_id, one.contact_id.clone()))
        }
        [] => Err(Error::Invalid(format!(
            "no Xero contact {key:?}{scope} in the local store (a ContactID or name; `xpartner sync xero` brings new ones)"
        ))),
        many => Err(Error::Invalid(format!(
            "{} Xero contacts are {key:?}{scope}: name one by its ContactID{}",
            many.len(),
            if organisation.is_none() { " or choose the organisation with --org" } else { "" }
        ))),
    }
}

pub fn gocardless(connectors: &Connectors) -> Result<GoCardlessService> {
    connectors
        .get::<GoCardlessService>()
        .map_err(|e| Error::Invalid(format!("GoCardless is not available: {}", e.message)))
}

async fn contact(store: &Store, organisation_id: OrganisationId, contact_id: &str) -> Result<ContactDetail> {
    xp_store::xero::get_contact(store, organisation_id, contact_id).await?.ok_or_else(|| {
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
        payer_named(store, creditor, customer, email, Names { company: Some("Velo Anna GmbH"), person: None }, mandate)
            .await;
    }

    struct Names<'a> {
        company: Option<&'a str>,
        person: Option<(&'a str, &'a str)>,
    }

    async fn payer_named(
        store: &Store,
        creditor: OrganisationId,
        customer: &str,
        email: &str,
        names: Names<'_>,
        mandate: &str,
    ) {
        let at = "2026-12-01T09:00:00Z".to_owned();
        let records = [
            Record::Customer(Customer {
                id: customer.into(),
                created_at: at.clone(),
                email: Some(email.into()),
                given_name: names.person.map(|p| p.0.into()),
                family_name: names.person.map(|p| p.1.into()),
                company_name: names.company.map(Into::into),
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
        let mut tx = store.begin_write().await.unwrap();
        xp_store::gocardless::upsert(&mut tx, creditor, &records).await.unwrap();
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
        let mut tx = store.begin_write().await.unwrap();
        xp_store::xero::upsert(&mut tx, xero, &page).await.unwrap();
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

    async fn contacts(store: &Store, xero: OrganisationId, contacts: &[serde_json::Value]) {
        let page = xp_connect_xero::rows::page(xp_xero::Resource::Contacts, contacts).unwrap();
        let mut tx = store.begin_write().await.unwrap();
        xp_store::xero::upsert(&mut tx, xero, &page).await.unwrap();
        tx.commit().await.unwrap();
    }

    fn contact_json(id: &str, name: &str, email: &str) -> serde_json::Value {
        json!({"ContactID": id, "Name": name, "EmailAddress": email, "ContactStatus": "ACTIVE",
               "UpdatedDateUTC": "/Date(1764000000000+0000)/"})
    }

    #[tokio::test]
    async fn a_customer_with_another_email_is_proposed_by_name_and_linked_only_once_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let store = &ctx.store;
        let xero = org(store, "xero", "tenant-1").await;
        let creditor = org(store, "gocardless", "CR1").await;
        contacts(store, xero, &[contact_json(CONTACT, "Anna  Schmidt", "anna@private.example")]).await;
        let person = |given, family| Names { company: None, person: Some((given, family)) };
        payer_named(store, creditor, "CU1", "a.schmidt@work.example", person("anna", "SCHMIDT"), "MD1").await;
        payer_named(store, creditor, "CU2", "other@work.example", person("Anna", "Schmidt-Berg"), "MD2").await;
        let company = Names { company: Some("Schmidt Anna Ltd."), person: None };
        payer_named(store, creditor, "CU3", "ltd@work.example", company, "MD3").await;

        let proposed = of_contact(store, xero, CONTACT).await.unwrap();
        assert_eq!(proposed.found, Found::Name, "no customer has the email; one has the name");
        assert_eq!(proposed.mandates.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["MD1"]);
        assert!(confirm_match(&ctx, xero, CONTACT, "MD2").await.is_err(), "a similar name is not proposed");
        assert!(setups::link_of(store, xero, CONTACT).await.unwrap().is_none(), "nothing linked");
        let link = confirm_match(&ctx, xero, CONTACT, "MD1").await.unwrap();
        assert_eq!((link.how, link.customer_id.as_str()), (setups::LinkedHow::ConfirmedMatch, "CU1"));
        let audit = xp_store::audit::list(store, 5).await.unwrap();
        let linked = audit.iter().find(|e| e.action == "gocardless.customer.link").unwrap();
        assert_eq!(linked.detail["matchedBy"], "name", "{linked:?}");
        assert_eq!(of_contact(store, xero, CONTACT).await.unwrap().found, Found::Linked);
    }

    #[tokio::test]
    async fn an_email_match_wins_over_a_name_match_and_a_company_name_matches_without_its_punctuation() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let store = &ctx.store;
        let xero = org(store, "xero", "tenant-1").await;
        let creditor = org(store, "gocardless", "CR1").await;
        let other = "0000000c-0000-0000-0000-000000000002";
        contacts(
            store,
            xero,
            &[
                contact_json(CONTACT, "Velo Anna GmbH", "billing@velo.example"),
                contact_json(other, "velo anna gmbh.", ""),
            ],
        )
        .await;
        // Every payer here is the company "Velo Anna GmbH"; only CU2 has the first contact's email.
        payer(store, creditor, "CU1", "someone@velo.example", "MD1").await;
        payer(store, creditor, "CU2", "Billing@Velo.example", "MD2").await;
        let by_email = of_contact(store, xero, CONTACT).await.unwrap();
        assert_eq!((by_email.found, by_email.mandates.len()), (Found::Email, 1));
        let by_name = of_contact(store, xero, other).await.unwrap();
        assert_eq!(by_name.found, Found::Name);
        assert_eq!(by_name.mandates.len(), 2, "both payers of that name are proposed, for a person to choose");
    }

    #[tokio::test]
    async fn a_contact_is_found_by_its_id_or_its_name_and_an_ambiguous_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let store = &ctx.store;
        let xero = org(store, "xero", "tenant-1").await;
        let second = org(store, "xero", "tenant-2").await;
        contacts(store, xero, &[contact_json(CONTACT, "Velo Anna GmbH", "a@velo.example")]).await;
        let twin = "0000000c-0000-0000-0000-000000000003";
        contacts(store, second, &[contact_json(twin, "Velo Anna GmbH", "a@velo.example")]).await;

        assert_eq!(find_contact(store, CONTACT, None).await.unwrap(), (xero, CONTACT.to_owned()));
        assert_eq!(find_contact(store, &CONTACT.to_uppercase(), None).await.unwrap().1, CONTACT);
        let e = find_contact(store, " velo anna  gmbh ", None).await.unwrap_err();
        assert!(e.to_string().contains("2 Xero contacts") && e.to_string().contains("--org"), "{e}");
        let chosen = find_contact(store, "VELO ANNA GMBH.", Some("tenant-2")).await.unwrap();
        assert_eq!(chosen, (second, twin.to_owned()));
        let e = find_contact(store, "Nobody", None).await.unwrap_err();
        assert!(e.to_string().contains("no Xero contact \"Nobody\""), "{e}");
    }
}
