//! The direct-debit commands over real IPC: mandates and payouts come from the store as the UI
//! shows them (exact decimals, never a whole account number), credentials are checked before
//! anything is kept, and the settlement mapping round-trips for a Xero organisation only.

use crate::Harness;
use serde_json::{json, Value};
use xp_core::ids::{ConnectionId, OrganisationId};
use xp_core::Money;
use xp_store::gocardless::rows;
use xp_vault::SecretStore;

fn t0() -> time::OffsetDateTime {
    time::macros::datetime!(2026-12-07 09:00 UTC)
}

fn keep(h: &Harness, provider: &str, external_id: &str, name: &str) -> OrganisationId {
    let store = &h.services.store;
    tauri::async_runtime::block_on(async {
        let connection = ConnectionId::new_random();
        xp_store::connections::insert(store, connection, provider, name, t0()).await.unwrap();
        let kept = xp_store::organisations::Kept {
            connection_id: connection,
            provider,
            external_id,
            name,
            base_currency: Some("EUR"),
        };
        xp_store::organisations::keep(store, kept, t0()).await.unwrap()
    })
}

fn eur(s: &str) -> Money {
    Money::parse(s, "EUR").unwrap()
}

fn payout(id: &str, created_at: &str, status: &str, items: Vec<rows::PayoutItem>) -> rows::Record {
    rows::Record::Payout(rows::Payout {
        id: id.into(),
        created_at: created_at.into(),
        amount: eur("98.50"),
        deducted_fees: eur("1.50"),
        status: status.into(),
        arrival_date: Some("2026-12-15".into()),
        reference: format!("REF-{id}"),
        payout_type: "merchant".into(),
        items,
    })
}

fn item(kind: &str, amount: &str, payment: Option<&str>) -> rows::PayoutItem {
    rows::PayoutItem {
        item_type: kind.into(),
        amount: eur(amount),
        payment_id: payment.map(str::to_owned),
        mandate_id: None,
        refund_id: None,
    }
}

fn write(h: &Harness, org: OrganisationId, records: &[rows::Record]) {
    tauri::async_runtime::block_on(async {
        let mut conn = h.services.store.pool().acquire().await.unwrap();
        xp_store::gocardless::upsert(&mut conn, org, records).await.unwrap();
    });
}

fn code(r: Result<Value, Value>) -> String {
    r.unwrap_err()["code"].as_str().unwrap().to_owned()
}

#[test]
fn gocardless_payouts_come_with_their_items_and_fees_as_exact_decimals_newest_first() {
    let h = Harness::new();
    assert_eq!(h.invoke("list_gocardless_payouts", json!({})).unwrap(), json!([]), "nothing synced yet");
    let org = keep(&h, "gocardless", "CR0001", "Alpenrad Velo GmbH");
    write(
        &h,
        org,
        &[
            payout(
                "PO0001",
                "2026-12-10T11:00:00.000Z",
                "paid",
                vec![
                    item("payment_paid_out", "100.00", Some("PM0001")),
                    item("gocardless_fee", "-1.50", Some("PM0001")),
                ],
            ),
            payout("PO0002", "2026-12-12T11:00:00.000Z", "pending", vec![]),
        ],
    );
    let payouts = h.invoke("list_gocardless_payouts", json!({})).unwrap();
    let ids: Vec<&str> = payouts.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["PO0002", "PO0001"], "a pending payout is listed too, and the newest comes first");
    let paid = &payouts[1];
    assert_eq!((paid["amount"].as_str(), paid["deductedFees"].as_str()), (Some("98.50"), Some("1.50")));
    assert_eq!((paid["currency"].as_str(), paid["status"].as_str()), (Some("EUR"), Some("paid")));
    assert_eq!(paid["arrivalDate"], "2026-12-15");
    assert_eq!(
        paid["items"],
        json!([
            {"itemType": "payment_paid_out", "amount": "100.00", "paymentId": "PM0001", "mandateId": null, "refundId": null},
            {"itemType": "gocardless_fee", "amount": "-1.50", "paymentId": "PM0001", "mandateId": null, "refundId": null},
        ]),
        "each line keeps its sign: a fee is money going out"
    );
}

#[test]
fn gocardless_mandates_show_the_payer_bank_and_reason() {
    let h = Harness::new();
    let org = keep(&h, "gocardless", "CR0001", "Alpenrad Velo GmbH");
    let customer = rows::Customer {
        id: "CU0001".into(),
        created_at: "2026-12-01T09:00:00.000Z".into(),
        email: Some("buchhaltung@muster.de".into()),
        given_name: None,
        family_name: None,
        company_name: Some("Muster GmbH".into()),
        country_code: Some("DE".into()),
    };
    let bank = rows::BankAccount {
        id: "BA0001".into(),
        customer_id: "CU0001".into(),
        created_at: "2026-12-01T09:00:00.000Z".into(),
        account_number_ending: "00".into(),
        bank_name: Some("Commerzbank".into()),
        currency: Some("EUR".into()),
        country_code: Some("DE".into()),
        enabled: true,
    };
    let mandate = rows::Mandate {
        id: "MD0001".into(),
        customer_id: "CU0001".into(),
        bank_account_id: "BA0001".into(),
        created_at: "2026-12-01T09:00:00.000Z".into(),
        reference: "ALPENRAD-1".into(),
        status: "cancelled".into(),
        scheme: "sepa_core".into(),
        next_possible_charge_date: None,
        reason: Some("bank_account_closed".into()),
    };
    write(
        &h,
        org,
        &[rows::Record::Customer(customer), rows::Record::BankAccount(bank), rows::Record::Mandate(mandate)],
    );
    let mandates = h.invoke("list_gocardless_mandates", json!({})).unwrap();
    assert_eq!(
        mandates,
        json!([{
            "provider": "gocardless", "id": "MD0001", "status": "cancelled", "scheme": "sepa_core",
            "reference": "ALPENRAD-1", "customerName": "Muster GmbH", "customerEmail": "buchhaltung@muster.de",
            "bankName": "Commerzbank", "accountEnding": "00", "nextPossibleChargeDate": null,
            "reason": "bank_account_closed", "createdAt": null,
        }])
    );
}

#[test]
fn saferpay_mandates_carry_the_last_four_characters_and_never_the_iban() {
    let h = Harness::new();
    assert_eq!(h.invoke("list_saferpay_mandates", json!({})).unwrap(), json!([]));
    let m = xp_store::saferpay::NewMandate {
        id: "XPM-1",
        organisation_id: None,
        contact_id: Some("contact-1"),
        invoice_id: None,
        holder: "Muster GmbH",
        iban_last4: "3000",
        bank: Some("Commerzbank"),
    };
    tauri::async_runtime::block_on(xp_store::saferpay::insert_mandate(&h.services.store, m, t0())).unwrap();
    let mandates = h.invoke("list_saferpay_mandates", json!({})).unwrap();
    let row = &mandates[0];
    assert_eq!((row["provider"].as_str(), row["status"].as_str()), (Some("saferpay"), Some("active")));
    assert_eq!((row["customerName"].as_str(), row["accountEnding"].as_str()), (Some("Muster GmbH"), Some("3000")));
    assert_eq!(row["scheme"], "DIRECTDEBIT", "Saferpay's SEPA payment method");
    assert_eq!(row["createdAt"], "2026-12-07T09:00:00Z");
}

#[test]
fn a_blank_gocardless_token_is_refused_before_any_call_and_nothing_is_kept() {
    let h = Harness::new();
    let r = h.invoke("connect_gocardless", json!({"token": "   "}));
    assert_eq!(code(r), "invalid_input");
    assert!(h.vault.get(xp_connect_gocardless::TOKEN_KEY).unwrap().is_none(), "a refused token stays out of the vault");
}

#[test]
fn saferpay_credentials_are_checked_before_they_are_kept_and_the_status_says_so() {
    let h = Harness::new();
    assert_eq!(h.invoke("saferpay_status", json!({})).unwrap(), json!({"configured": false}));
    let credentials =
        json!({"apiUser": "API_401860", "password": "hunter2-saferpay", "customerId": "401860", "terminalId": "1779"});
    let e = h.invoke("connect_saferpay", json!({"credentials": credentials})).unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("8 digits"), "the message says what to fix: {e}");
    assert!(!e.to_string().contains("hunter2"), "the password never comes back: {e}");
    assert_eq!(h.invoke("saferpay_status", json!({})).unwrap(), json!({"configured": false}), "nothing was kept");
}

#[test]
fn a_settlement_mapping_round_trips_for_a_xero_organisation_only() {
    let h = Harness::new();
    assert_eq!(
        h.invoke("get_settlement_mappings", json!({})).unwrap(),
        json!([{"provider": "gocardless", "mapping": null}, {"provider": "saferpay", "mapping": null}]),
        "every direct-debit provider is listed, unmapped until an owner maps it"
    );
    let xero = keep(&h, "xero", "tenant-1", "Alpenrad Velo GmbH");
    let creditor = keep(&h, "gocardless", "CR0001", "Alpenrad Velo GmbH");
    let accounts = json!({"clearing": "1210", "bank": "090", "fees": "404", "suspense": "9999"});
    let mapping = json!({"organisationId": xero.to_string(), "accounts": accounts, "since": "2026-12-01"});
    h.invoke("set_settlement_mapping", json!({"provider": "saferpay", "mapping": mapping})).unwrap();
    assert_eq!(
        h.invoke("get_settlement_mappings", json!({})).unwrap(),
        json!([{"provider": "gocardless", "mapping": null}, {"provider": "saferpay", "mapping": mapping}])
    );

    let to_creditor = json!({"organisationId": creditor.to_string(), "accounts": accounts});
    let r = h.invoke("set_settlement_mapping", json!({"provider": "gocardless", "mapping": to_creditor}));
    assert_eq!(code(r), "invalid_input", "money is booked in a Xero organisation, not in the GoCardless creditor");
    let r = h.invoke("set_settlement_mapping", json!({"provider": "xero", "mapping": mapping}));
    assert_eq!(code(r), "invalid_input", "only direct-debit providers are mapped");
    let bad_day = json!({"organisationId": xero.to_string(), "accounts": accounts, "since": "2026-02-30"});
    let r = h.invoke("set_settlement_mapping", json!({"provider": "gocardless", "mapping": bad_day}));
    assert_eq!(code(r), "invalid_input", "a day that does not exist is refused");
    let same = json!({"organisationId": xero.to_string(), "accounts": {"clearing": "090", "bank": "090", "fees": "404", "suspense": "9999"}});
    let r = h.invoke("set_settlement_mapping", json!({"provider": "gocardless", "mapping": same}));
    assert_eq!(code(r), "invalid_input", "the clearing account cannot be the bank account");
    assert_eq!(
        h.invoke("get_settlement_mappings", json!({})).unwrap()[0]["mapping"],
        Value::Null,
        "refused: nothing kept"
    );
    // Without a first day, the books start using the clearing account today (the harness's
    // clock says 2026-11-23).
    let today = json!({"organisationId": xero.to_string(), "accounts": accounts});
    h.invoke("set_settlement_mapping", json!({"provider": "gocardless", "mapping": today})).unwrap();
    let kept = h.invoke("get_settlement_mappings", json!({})).unwrap();
    let since = kept[0]["mapping"]["since"].as_str().unwrap().to_owned();
    assert_eq!(since, "2026-11-23", "{kept}");
}
