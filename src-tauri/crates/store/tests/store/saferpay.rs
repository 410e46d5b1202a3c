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

mod transactions {
    use crate::Fixture;
    use time::macros::datetime;
    use xp_core::ids::ConnectionId;
    use xp_core::Money;
    use xp_store::organisations::{self, Kept};
    use xp_store::saferpay::transactions::{self, Chargeback, Transaction};
    use xp_store::Store;

    async fn customer(store: &Store) -> xp_core::ids::OrganisationId {
        let now = datetime!(2026-12-01 09:00 UTC);
        let connection = ConnectionId::new_random();
        xp_store::connections::insert(store, connection, "saferpay", "Saferpay", now).await.unwrap();
        let kept = Kept {
            connection_id: connection,
            provider: "saferpay",
            external_id: "245678",
            name: "Saferpay 245678",
            base_currency: None,
        };
        organisations::keep(store, kept, now).await.unwrap()
    }

    fn debit(id: &str) -> Transaction {
        Transaction {
            id: id.into(),
            order_id: Some("order-1".into()),
            kind: "PAYMENT".into(),
            state: "CAPTURED".into(),
            payment_method: Some("DIRECTDEBIT".into()),
            amount: Money::parse("120.50", "EUR").unwrap(),
            authorised_at: datetime!(2026-11-30 10:00 UTC),
            captured_at: Some(datetime!(2026-11-30 10:00:01 UTC)),
            chargeback: None,
        }
    }

    #[tokio::test]
    async fn a_transaction_read_again_changes_nothing_and_a_charge_back_is_kept_with_it() {
        let f = Fixture::new();
        let store = f.open().await;
        let org = customer(&store).await;
        let now = datetime!(2026-12-02 09:00 UTC);
        let mut conn = store.pool().acquire().await.unwrap();
        assert_eq!(transactions::upsert_in(&mut conn, org, &[debit("t1"), debit("t2")], now).await.unwrap(), 2);
        assert_eq!(transactions::upsert_in(&mut conn, org, &[debit("t1")], now).await.unwrap(), 0, "same state");
        let mut back = debit("t1");
        back.chargeback = Some(Chargeback {
            kind: "AUTHORISED".into(),
            reason_code: "MD06".into(),
            at: datetime!(2026-12-01 08:00 UTC),
        });
        assert_eq!(transactions::upsert_in(&mut conn, org, &[back.clone()], now).await.unwrap(), 1);
        drop(conn);
        let kept = transactions::list(&store, 10).await.unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept.iter().find(|t| t.id == "t1"), Some(&back), "read back exactly, the amount to the cent");
    }
}
