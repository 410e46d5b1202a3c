//! A new mandate for a Xero contact through the hosted Billing Request Flow, against the
//! emulator: the page made once per contact while open, filled in by the payer as a person
//! does it (the emulator's HTML forms), followed to the mandate, which is kept with its payer
//! and bank and linked to the contact; a lost answer made once; a cancelled setup's page dead.

use super::{world, World};
use xp_connect_gocardless::setup::Payer;
use xp_core::ids::{ConnectionId, OrganisationId};
use xp_sandbox_kit::{Fault, Seed};
use xp_store::gocardless::setups::{self, LinkedHow, SetupStatus};

/// A Xero organisation kept in the store: setups and links belong to one.
pub(crate) async fn xero_org(w: &World) -> OrganisationId {
    let store = &w.services.store;
    let now = time::OffsetDateTime::now_utc();
    let c = ConnectionId::new_random();
    xp_store::connections::insert(store, c, "xero", "Xero", now).await.unwrap();
    let kept = xp_store::organisations::Kept {
        connection_id: c,
        provider: "xero",
        external_id: "tenant-1",
        name: "Alpenrad Velo GmbH",
        base_currency: Some("EUR"),
    };
    xp_store::organisations::keep(store, kept, now).await.unwrap()
}

fn payer(org: OrganisationId, contact: &str) -> Payer {
    Payer {
        xero_organisation_id: org,
        contact_id: contact.into(),
        name: "Velo Anna GmbH".into(),
        email: Some("anna@velo-anna.example".into()),
        given_name: Some("Anna".into()),
        family_name: Some("Berg".into()),
    }
}

/// The payer on the hosted page: checks what it shows prefilled, types the IBAN, continues,
/// confirms. Answers the last page's text.
async fn payer_completes(url: &str, iban: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"anna@velo-anna.example\""), "the contact's email is prefilled: {page}");
    assert!(page.contains("value=\"Velo Anna GmbH\""), "the contact's name is prefilled as the company");
    let action = |page: &str| {
        let a = page.split("<form method=\"post\" action=\"").nth(1).unwrap().split('"').next().unwrap();
        a.replace("&amp;", "&")
    };
    let id = url.split("id=").nth(1).unwrap();
    let fields = [
        ("id", id),
        ("given_name", "Anna"),
        ("family_name", "Berg"),
        ("company_name", "Velo Anna GmbH"),
        ("email", "anna@velo-anna.example"),
        ("address_line1", "Hauptstrasse 1"),
        ("city", "Berlin"),
        ("postal_code", "10115"),
        ("country_code", "DE"),
        ("account_holder_name", "Velo Anna GmbH"),
        ("iban", iban),
    ];
    let confirm = http.post(action(&page)).form(&fields).send().await.unwrap();
    assert!(confirm.status().is_success(), "the details are accepted: {}", confirm.status());
    let confirm = confirm.text().await.unwrap();
    let done = http.post(action(&confirm)).form(&[("id", id)]).send().await.unwrap().text().await.unwrap();
    done
}

#[tokio::test]
async fn a_mandate_set_up_on_the_hosted_page_is_kept_and_linked_to_the_contact() {
    let w = world(Seed::Empty).await;
    w.connected().await;
    let org = xero_org(&w).await;

    let started = w.connector.start_mandate_setup(payer(org, "contact-1")).await.unwrap();
    assert_eq!(started.status, SetupStatus::Waiting);
    let url = started.authorisation_url.clone().unwrap();
    assert!(url.starts_with(&format!("{}billing/static/flow?id=BRF", w.origin)), "{url}");
    assert!(started.expires_at.is_some());

    // Asked again while the payer has not finished: the same page, nothing new at GoCardless.
    let again = w.connector.start_mandate_setup(payer(org, "contact-1")).await.unwrap();
    assert_eq!((again.id.as_str(), again.authorisation_url.as_deref()), (started.id.as_str(), Some(url.as_str())));
    assert_eq!(w.served("POST /billing_requests"), 1);
    assert_eq!(w.served("POST /billing_request_flows"), 1);
    assert_eq!(w.connector.follow_mandate_setup(&started.id).await.unwrap().status, SetupStatus::Waiting);

    let done_page = payer_completes(&url, "DE89 3704 0044 0532 0130 00").await;
    assert!(done_page.contains("has been set up"), "{done_page}");

    let done = w.connector.follow_mandate_setup(&started.id).await.unwrap();
    assert_eq!(done.status, SetupStatus::Done);
    let mandate = done.mandate_id.clone().unwrap();
    let kept = xp_store::gocardless::mandate(&w.services.store, &mandate).await.unwrap().expect("the mandate is kept");
    assert_eq!(kept.status, "pending_submission", "a SEPA mandate waits for its first payment");
    assert_eq!(kept.customer_email.as_deref(), Some("anna@velo-anna.example"));
    assert_eq!(kept.account_number_ending.as_deref(), Some("00"));
    assert!(!w.stored_text().await.contains("DE89370400440532013000"), "no full IBAN in the database");

    let link = setups::link_of(&w.services.store, org, "contact-1").await.unwrap().expect("the contact is linked");
    assert_eq!((link.how, Some(link.customer_id.clone())), (LinkedHow::MandateSetup, done.customer_id.clone()));
    let theirs = xp_store::gocardless::mandates_of_customer(&w.services.store, link.creditor_id, &link.customer_id)
        .await
        .unwrap();
    assert_eq!(theirs.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [mandate.as_str()]);
    let audit = xp_store::audit::list(&w.services.store, 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "gocardless.mandate_setup.done"), "{audit:?}");
    assert_eq!(w.connector.follow_mandate_setup(&started.id).await.unwrap(), done, "done stays done");

    // A second mandate for the same contact (another bank account): the linked customer again.
    let second = w.connector.start_mandate_setup(payer(org, "contact-1")).await.unwrap();
    assert_ne!(second.id, started.id);
    let br = w.gc.billing_request(&w.token, second.billing_request_id.as_deref().unwrap()).await.unwrap();
    assert_eq!(Some(br.links.customer), done.customer_id, "the new billing request is for the linked customer");
}

#[tokio::test]
async fn a_lost_answer_makes_one_billing_request_and_a_new_flow_key() {
    let w = world(Seed::Empty).await;
    w.connected().await;
    let org = xero_org(&w).await;
    // The billing request is made, and its answer lost on every resend of the run.
    w.ctx.faults.add(Fault::parse_spec("gocardless:lost_response*5").unwrap());
    let lost = w.connector.start_mandate_setup(payer(org, "contact-2")).await;
    assert!(lost.is_err(), "the run ends not knowing");
    let open = setups::of_contact(&w.services.store, org, "contact-2").await.unwrap();
    assert_eq!((open.len(), open[0].status), (1, SetupStatus::Starting));

    let started = w.connector.start_mandate_setup(payer(org, "contact-2")).await.unwrap();
    assert_eq!((started.id.as_str(), started.status), (open[0].id.as_str(), SetupStatus::Waiting));
    let counted = w.ctx.counters.snapshot().created_by_key;
    let key = format!("gocardless mandate-setup:{}:billing_request", started.id);
    assert_eq!(counted.get(&key), Some(&1), "one billing request: {counted:?}");
    assert!(w.served("POST /billing_requests") >= 6, "every try sent the same key again");
}

#[tokio::test]
async fn a_cancelled_setup_ends_and_its_page_no_longer_makes_a_mandate() {
    let w = world(Seed::Empty).await;
    w.connected().await;
    let org = xero_org(&w).await;
    let started = w.connector.start_mandate_setup(payer(org, "contact-3")).await.unwrap();
    let cancelled = w.connector.cancel_mandate_setup(&started.id).await.unwrap();
    assert_eq!(cancelled.status, SetupStatus::Cancelled);
    let page = payer_completes(started.authorisation_url.as_deref().unwrap(), "DE89370400440532013000").await;
    assert!(page.contains("no longer pending"), "{page}");
    assert!(w.connector.cancel_mandate_setup(&started.id).await.is_err(), "cancelled once");
    assert!(setups::link_of(&w.services.store, org, "contact-3").await.unwrap().is_none());
    // A new start after a cancel is a new page.
    let next = w.connector.start_mandate_setup(payer(org, "contact-3")).await.unwrap();
    assert_ne!(next.id, started.id);
}
