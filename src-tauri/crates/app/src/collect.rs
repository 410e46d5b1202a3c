//! "Collect this invoice by direct debit": a Xero invoice from the local store (by number or
//! id, in the organisation chosen when the number repeats across organisations), checked to be
//! an unpaid sales invoice, its amount due collected from the mandate of its contact through
//! the chosen provider. The provider's connector writes the collection and its outbox item;
//! the outbox sends it.
//!
//! The GoCardless mandate is the usable one of the customer the contact is linked to (by a
//! mandate set up for it), else of the customer whose email is the contact's; Saferpay mandates
//! are recorded against the contact when set up.

use crate::mandates::Found;
use crate::{Connectors, Error, Result};
use rust_decimal::Decimal;
use time::Date;
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_core::Money;
use xp_store::collections::{Collect, Collection};
use xp_store::xero::InvoiceRow;
use xp_store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    GoCardless,
    Saferpay,
}

impl Via {
    pub fn parse(s: &str) -> Result<Via> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gocardless" => Ok(Via::GoCardless),
            "saferpay" => Ok(Via::Saferpay),
            other => Err(Error::Invalid(format!("unknown direct-debit provider {other:?} (gocardless or saferpay)"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CollectInvoice<'a> {
    /// A Xero invoice number or InvoiceID.
    pub invoice: &'a str,
    pub via: Via,
    /// The Xero organisation, by the app's id or its name.
    pub organisation: Option<&'a str>,
    pub charge_date: Option<Date>,
    /// The person confirms that the GoCardless customer found by the contact's email (or name)
    /// is this contact. The match is then linked (and audited) before anything is collected;
    /// without it a customer found by email or name only is never debited.
    pub confirm_match: bool,
}

/// The invoice an unpaid sales invoice resolves to, with what collecting it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collectable {
    pub invoice: InvoiceRow,
    pub amount: Money,
}

pub async fn collect_invoice(ctx: &Context, connectors: &Connectors, r: CollectInvoice<'_>) -> Result<Collection> {
    let store = &ctx.store;
    let Collectable { invoice, amount } = collectable(store, r.invoice, r.organisation).await?;
    let organisation_id = invoice.organisation_id;
    let contact_id = invoice
        .contact_id
        .clone()
        .ok_or_else(|| Error::Invalid(format!("invoice {} names no contact to collect from", label(&invoice))))?;
    let mandate = match r.via {
        Via::GoCardless => gocardless_mandate(ctx, &invoice, &contact_id, r.confirm_match).await?,
        Via::Saferpay => saferpay_mandate(store, &invoice, organisation_id, &contact_id).await?,
    };
    let c = Collect {
        organisation_id,
        invoice_id: &invoice.invoice_id,
        invoice_number: invoice.number.as_deref(),
        amount,
        mandate_id: &mandate,
        charge_date: r.charge_date,
    };
    let unavailable =
        |name: &str, e: xp_ipc::IpcError| Error::Invalid(format!("{name} is not available: {}", e.message));
    match r.via {
        Via::GoCardless => {
            let gocardless = connectors
                .get::<xp_connect_gocardless::GoCardlessService>()
                .map_err(|e| unavailable("GoCardless", e))?;
            Ok(gocardless.collect(c).await?)
        }
        Via::Saferpay => {
            let saferpay =
                connectors.get::<xp_connect_saferpay::SaferpayService>().map_err(|e| unavailable("Saferpay", e))?;
            Ok(saferpay.collect(c).await?)
        }
    }
}

/// The active Saferpay mandate recorded for the invoice's contact.
async fn saferpay_mandate(
    store: &Store,
    invoice: &InvoiceRow,
    organisation_id: OrganisationId,
    contact_id: &str,
) -> Result<String> {
    let mandates = xp_store::saferpay::active_mandates_of_contact(store, organisation_id, contact_id).await?;
    match mandates.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Error::Invalid(format!(
            "no active Saferpay mandate is recorded for the contact of invoice {} ({}): set one up first",
            label(invoice),
            invoice.contact_name.as_deref().unwrap_or(contact_id)
        ))),
        many => Err(Error::Invalid(format!(
            "the contact of invoice {} has {} active Saferpay mandates ({}); cancel the ones not to use",
            label(invoice),
            many.len(),
            many.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The one invoice `key` names (in `organisation` when given), if it can be collected: a sales
/// invoice (ACCREC), AUTHORISED, with an amount due above zero, which is what is collected.
pub async fn collectable(store: &Store, key: &str, organisation: Option<&str>) -> Result<Collectable> {
    let mut found = xp_store::xero::find_invoices(store, key).await?;
    if let Some(org) = organisation {
        let chosen = xero_organisation(store, org).await?;
        found.retain(|i| i.organisation_id == chosen);
    }
    let invoice = match found.len() {
        1 => found.remove(0),
        0 => {
            let scope = organisation.map(|o| format!(" in organisation {o:?}")).unwrap_or_default();
            return Err(Error::Invalid(format!(
                "no Xero invoice {key:?}{scope} in the local store (a number or InvoiceID; `xpartner sync xero` brings new ones)"
            )));
        }
        _ => {
            let orgs = organisation_names(store, &found).await?;
            return Err(Error::Invalid(format!(
                "invoice {key:?} is in several organisations ({orgs}): choose one with --org NAME or id"
            )));
        }
    };
    if invoice.type_.as_deref() != Some("ACCREC") {
        return Err(Error::Invalid(format!(
            "invoice {} is a {} bill, not a sales invoice: only what a customer owes is collected",
            label(&invoice),
            invoice.type_.as_deref().unwrap_or("untyped")
        )));
    }
    if invoice.status.as_deref() != Some("AUTHORISED") {
        return Err(Error::Invalid(format!(
            "invoice {} is {}, not AUTHORISED: only an approved, unpaid invoice is collected",
            label(&invoice),
            invoice.status.as_deref().unwrap_or("without status")
        )));
    }
    let (Some(due), Some(currency)) = (invoice.amount_due.as_deref(), invoice.currency.as_deref()) else {
        return Err(Error::Invalid(format!("invoice {} has no amount due or currency stored", label(&invoice))));
    };
    let amount =
        Money::parse(due, currency).map_err(|e| Error::Invalid(format!("invoice {}: {e}", label(&invoice))))?;
    if amount.amount <= Decimal::ZERO {
        return Err(Error::Invalid(format!("invoice {} has nothing due ({amount})", label(&invoice))));
    }
    Ok(Collectable { invoice, amount })
}

/// The usable GoCardless mandate of the customer the invoice's contact is linked to (a mandate
/// set up for it, a confirmed match), else of the customer whose email is the contact's: that
/// one only once a person confirmed the match (`confirm`), which links it first.
async fn gocardless_mandate(ctx: &Context, invoice: &InvoiceRow, contact_id: &str, confirm: bool) -> Result<String> {
    let store = &ctx.store;
    let organisation_id: OrganisationId = invoice.organisation_id;
    let who = invoice.contact_name.as_deref().unwrap_or(contact_id);
    let found = crate::mandates::of_contact(store, organisation_id, contact_id).await?;
    let usable: Vec<_> =
        found.mandates.into_iter().filter(|m| xp_connect_gocardless::collect::mandate_usable(&m.status)).collect();
    let by = match found.found {
        Found::Linked => format!("{who}'s linked GoCardless customer"),
        Found::Name => format!("the GoCardless customers named as {who}"),
        _ => format!("the GoCardless customers with {who}'s email"),
    };
    let matched_by = if found.found == Found::Name { "name" } else { "email" };
    match usable.as_slice() {
        [one] if found.found == Found::Linked => Ok(one.id.clone()),
        [one] if confirm => {
            crate::mandates::confirm_match(ctx, organisation_id, contact_id, &one.id).await?;
            Ok(one.id.clone())
        }
        [one] => Err(Error::Invalid(format!(
            "{who} (invoice {}) is matched to a GoCardless customer by {matched_by} only (mandate {}): nothing is \
             collected until a person confirms they are the same customer. Confirm the match on the contact's \
             page, or collect with --confirm-match",
            label(invoice),
            one.id
        ))),
        [] => Err(Error::Invalid(format!(
            "no usable GoCardless mandate for {who} (invoice {}): {by} has no pending or active mandate; \
             set one up from the contact's page (`xpartner mandates` lists them; `xpartner sync gocardless` \
             brings new ones)",
            label(invoice)
        ))),
        many => Err(Error::Invalid(format!(
            "{} usable GoCardless mandates for {who} ({by}: {}): the choice is ambiguous; cancel the ones not to use",
            many.len(),
            many.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The id of the Xero organisation `key` names: its id, or its name (any case).
pub(crate) async fn xero_organisation(store: &Store, key: &str) -> Result<OrganisationId> {
    let key = key.trim();
    let orgs: Vec<_> = xp_store::organisations::list(store)
        .await?
        .into_iter()
        .filter(|o| o.provider == xp_connect_xero::PROVIDER)
        .filter(|o| o.id.to_string() == key || o.name.eq_ignore_ascii_case(key))
        .collect();
    match orgs.as_slice() {
        [one] => Ok(one.id),
        [] => {
            Err(Error::Invalid(format!("no Xero organisation named or with id {key:?} (`xpartner orgs` lists them)")))
        }
        _ => Err(Error::Invalid(format!("several Xero organisations are named {key:?}: choose one by its id"))),
    }
}

async fn organisation_names(store: &Store, invoices: &[InvoiceRow]) -> Result<String> {
    let orgs = xp_store::organisations::list(store).await?;
    Ok(invoices
        .iter()
        .map(|i| {
            orgs.iter()
                .find(|o| o.id == i.organisation_id)
                .map_or_else(|| i.organisation_id.to_string(), |o| format!("{} ({})", o.name, o.id))
        })
        .collect::<Vec<_>>()
        .join(", "))
}

fn label(i: &InvoiceRow) -> &str {
    i.number.as_deref().unwrap_or(&i.invoice_id)
}
