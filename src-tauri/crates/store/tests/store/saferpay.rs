//! Saferpay's mandates: what a list needs, never the full IBAN.

use crate::{t0, Fixture};
use xp_store::saferpay::{self, MandateStatus, NewMandate};

fn mandate<'a>(id: &'a str, last4: &'a str) -> NewMandate<'a> {
    NewMandate {
        id,
        organisation_id: None,
        contact_id: Some("contact-1"),
        invoice_id: None,
        holder: "Muster GmbH",
        iban_last4: last4,
        bank: Some("Commerzbank"),
    }
}

#[tokio::test]
async fn a_mandate_is_kept_with_its_last_four_characters_and_read_back() {
    let f = Fixture::new();
    let store = f.open().await;
    let m = saferpay::insert_mandate(&store, mandate("XPM-1", "3000"), t0()).await.unwrap();
    assert_eq!((m.status, m.iban_last4.as_str(), m.created_at), (MandateStatus::Active, "3000", t0()));
    assert_eq!(saferpay::mandate(&store, "XPM-1").await.unwrap(), Some(m));
    assert_eq!(saferpay::mandate(&store, "XPM-2").await.unwrap(), None);
    assert!(
        saferpay::insert_mandate(&store, mandate("XPM-3", "DE89370400440532013000"), t0()).await.is_err(),
        "the table holds four characters of an account number, no more"
    );
    assert!(saferpay::insert_mandate(&store, mandate("XPM-1", "3000"), t0()).await.is_err(), "ids are unique");
}

#[tokio::test]
async fn the_mandates_list_shows_the_newest_first() {
    let f = Fixture::new();
    let store = f.open().await;
    assert_eq!(saferpay::mandates(&store).await.unwrap(), vec![], "no mandate made yet");
    saferpay::insert_mandate(&store, mandate("XPM-OLD", "1111"), t0()).await.unwrap();
    saferpay::insert_mandate(&store, mandate("XPM-NEW", "2222"), t0() + time::Duration::hours(1)).await.unwrap();
    let ids: Vec<String> = saferpay::mandates(&store).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["XPM-NEW", "XPM-OLD"], "the one made last is the one a person looks for first");
}
