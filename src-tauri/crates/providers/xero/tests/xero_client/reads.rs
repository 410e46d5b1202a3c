//! Connections, every resource of both demo organisations, paging and If-Modified-Since.

use crate::sandbox::start;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::time::Duration;
use xp_xero::{Error, NewPayment, PageRequest, Resource, MAX_PAGE_SIZE};

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn connections_list_every_consented_organisation_by_tenant_id() {
    let s = start(MINUTE).await;
    let conns = s.xero.connections(&s.token).await.unwrap();
    let mut got: Vec<_> = conns.iter().map(|c| c.tenant_id.clone()).collect();
    let mut want = s.tenants.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the demo user consented to both organisations; compared as sets, order is unstable");
    for c in &conns {
        assert_eq!(c.tenant_type.as_deref(), Some("ORGANISATION"));
        assert!(c.tenant_name.as_deref().is_some_and(|n| !n.is_empty()), "{c:?}");
        assert!(c.created_date_utc.is_some() && c.auth_event_id.is_some(), "the spec's fields parse: {c:?}");
    }
}

#[tokio::test]
async fn every_resource_of_both_demo_organisations_reads() {
    let s = start(MINUTE).await;
    for tenant in &s.tenants {
        let org = s.xero.organisation(&s.token, tenant).await.unwrap();
        assert!(["EUR", "CHF"].contains(&org.base_currency.as_str()), "{org:?}");
        for resource in Resource::ALL {
            let req = PageRequest { page: resource.paged().then_some(1), ..PageRequest::default() };
            let page = s.xero.fetch_page(&s.token, tenant, resource, req).await.unwrap();
            assert!(!page.records.is_empty(), "the demo seed has {resource} in {tenant}");
            for r in &page.records {
                assert!(
                    r.get(resource.id_field()).is_some_and(|v| v.is_string()),
                    "{resource} records carry {}",
                    resource.id_field()
                );
            }
            assert_eq!(page.pagination.is_some(), resource.paged(), "{resource}: pagination only on paged lists");
            assert!(
                page.budget.minute_remaining.is_some()
                    && page.budget.day_remaining.is_some()
                    && page.budget.app_minute_remaining.is_some(),
                "every Accounting answer reports the remaining budget: {:?}",
                page.budget
            );
            let emulator = s.emu.records(tenant, resource.url_name());
            if resource.paged() {
                // Archived contacts are listed only with includeArchived=true (spec).
                let listed = emulator.iter().filter(|r| r["ContactStatus"] != "ARCHIVED").count();
                assert_eq!(page.pagination.unwrap().item_count as usize, listed, "{resource} item count");
            }
        }
    }
}

#[tokio::test]
async fn archived_contacts_come_only_when_asked_for() {
    let s = start(MINUTE).await;
    let tenant = &s.tenants[0];
    let all = s.emu.records(tenant, "Contacts");
    let archived = all.iter().filter(|c| c["ContactStatus"] == "ARCHIVED").count();
    assert!(archived > 0, "the demo seed archives some contacts");
    let req = PageRequest::first();
    let active = s.xero.fetch_page(&s.token, tenant, Resource::Contacts, req).await.unwrap();
    assert_eq!(active.records.len(), all.len() - archived);
    let with = PageRequest { include_archived: true, ..req };
    let every = s.xero.fetch_page(&s.token, tenant, Resource::Contacts, with).await.unwrap();
    assert_eq!(every.records.len(), all.len(), "includeArchived=true lists them all");
}

#[tokio::test]
async fn paging_over_all_invoices_gives_the_emulators_records_exactly_once() {
    let s = start(MINUTE).await;
    let tenant = &s.tenants[0];
    let truth: HashSet<String> =
        s.emu.records(tenant, "Invoices").iter().map(|i| i["InvoiceID"].as_str().unwrap().to_owned()).collect();
    assert!(truth.len() > 100, "enough invoices that the default page size of 100 would not do");
    let mut seen = HashSet::new();
    let mut req = PageRequest {
        page: Some(1),
        page_size: MAX_PAGE_SIZE,
        order: Some("UpdatedDateUTC ASC"),
        ..PageRequest::default()
    };
    let mut calls = 0;
    loop {
        let page = s.xero.fetch_page(&s.token, tenant, Resource::Invoices, req).await.unwrap();
        calls += 1;
        for r in &page.records {
            assert!(r["LineItems"].is_array(), "paged invoices carry line items (xero.md §7)");
            assert!(seen.insert(r["InvoiceID"].as_str().unwrap().to_owned()), "no invoice twice");
        }
        match page.next_page(&req) {
            Some(n) => req.page = Some(n),
            None => break,
        }
        assert!(calls < 50, "paging must end");
    }
    assert_eq!(seen, truth, "paging returns exactly the emulator's invoices");
    assert_eq!(calls, truth.len().div_ceil(MAX_PAGE_SIZE as usize), "pageSize 1000 was honoured");

    // A small page size pages too, and lands on the same set.
    let mut small = HashSet::new();
    let mut req = PageRequest { page: Some(1), page_size: 300, ..PageRequest::default() };
    loop {
        let page = s.xero.fetch_page(&s.token, tenant, Resource::Invoices, req).await.unwrap();
        small.extend(page.records.iter().map(|r| r["InvoiceID"].as_str().unwrap().to_owned()));
        match page.next_page(&req) {
            Some(n) => req.page = Some(n),
            None => break,
        }
    }
    assert_eq!(small, truth);
}

#[tokio::test]
async fn modified_since_returns_only_what_a_payment_changed() {
    let s = start(MINUTE).await;
    let tenant = &s.tenants[0];
    let invoice = s
        .emu
        .records(tenant, "Invoices")
        .into_iter()
        .find(|i| i["Status"] == "AUTHORISED" && i["AmountDue"].as_f64().unwrap() >= 1.0)
        .unwrap();
    let invoice_id = invoice["InvoiceID"].as_str().unwrap().to_owned();
    // The server's time, a second back: If-Modified-Since is compared to the second.
    let since = s.ctx.clock.now() - time::Duration::seconds(1);
    let before = PageRequest { page: Some(1), modified_since: Some(since), ..PageRequest::default() };
    let nothing = s.xero.fetch_page(&s.token, tenant, Resource::Invoices, before).await.unwrap();
    assert!(nothing.records.is_empty(), "nothing changed yet: {} records", nothing.records.len());

    let payment = s
        .xero
        .create_payment(
            &s.token,
            tenant,
            &NewPayment {
                invoice_id: invoice_id.clone(),
                account_code: "090".into(),
                date: time::macros::date!(2026 - 11 - 20),
                amount: Decimal::ONE,
                reference: Some("partial".into()),
            },
            "modified-since-1",
        )
        .await
        .unwrap();

    let invoices = s.xero.fetch_page(&s.token, tenant, Resource::Invoices, before).await.unwrap();
    let ids: Vec<_> = invoices.records.iter().map(|r| r["InvoiceID"].as_str().unwrap()).collect();
    assert_eq!(ids, [invoice_id.as_str()], "only the paid invoice changed");
    let payments = s.xero.fetch_page(&s.token, tenant, Resource::Payments, before).await.unwrap();
    let ids: Vec<_> = payments.records.iter().map(|r| r["PaymentID"].as_str().unwrap()).collect();
    assert_eq!(ids, [payment.payment_id.as_str()], "only the new payment");
    let contacts = s.xero.fetch_page(&s.token, tenant, Resource::Contacts, before).await.unwrap();
    assert!(contacts.records.is_empty(), "contacts did not change");
}

#[tokio::test]
async fn a_deleted_connection_is_gone_and_its_tenant_forbidden() {
    let s = start(MINUTE).await;
    let gone = &s.tenants[1];
    let conns = s.xero.connections(&s.token).await.unwrap();
    let conn = conns.iter().find(|c| &c.tenant_id == gone).unwrap();
    s.xero.delete_connection(&s.token, &conn.id).await.unwrap();
    let again = s.xero.delete_connection(&s.token, &conn.id).await;
    assert!(matches!(again, Err(Error::NotFound { .. })), "deleting twice: 404 → NotFound, got {again:?}");
    let left = s.xero.connections(&s.token).await.unwrap();
    assert_eq!(left.iter().map(|c| c.tenant_id.as_str()).collect::<Vec<_>>(), [s.tenants[0].as_str()]);
    let r = s.xero.fetch_page(&s.token, gone, Resource::Organisation, PageRequest::default()).await;
    let e = r.unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    assert_eq!(e.code(), xp_core::ErrorCode::ReconnectNeeded);
}
