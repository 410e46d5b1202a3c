//! What goes wrong: expired tokens, foreign tenants, and the emulator's injected faults.

use crate::sandbox::start;
use std::time::Duration;
use xp_core::ErrorCode;
use xp_xero::{Error, PageRequest, Resource};

const MINUTE: Duration = Duration::from_secs(60);

fn contacts() -> PageRequest<'static> {
    PageRequest { page: Some(1), page_size: 10, ..PageRequest::default() }
}

#[tokio::test]
async fn an_expired_access_token_is_unauthorized_with_xeros_detail() {
    let s = start(MINUTE).await;
    let tenant = &s.tenants[0];
    s.xero.fetch_page(&s.token, tenant, Resource::Contacts, contacts()).await.unwrap();
    s.ctx.clock.advance(time::Duration::minutes(31));
    let e = s.xero.fetch_page(&s.token, tenant, Resource::Contacts, contacts()).await.unwrap_err();
    match &e {
        Error::Unauthorized { detail } => assert!(detail.starts_with("TokenExpired"), "{detail}"),
        other => panic!("access tokens live 30 minutes; got {other:?}"),
    }
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
    assert!(!e.to_string().contains(s.token.expose().as_str()), "messages never carry the token: {e}");
    let conns = s.xero.connections(&s.token).await;
    assert!(matches!(conns, Err(Error::Unauthorized { .. })), "/connections too: {conns:?}");
}

#[tokio::test]
async fn a_tenant_not_connected_is_forbidden() {
    let s = start(MINUTE).await;
    let e = s
        .xero
        .fetch_page(&s.token, "00000000-0000-0000-0000-000000000000", Resource::Invoices, contacts())
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Forbidden { detail } if detail == "AuthenticationUnsuccessful"), "{e:?}");
}

#[tokio::test]
async fn two_503s_are_retried_by_xp_http_and_the_call_succeeds() {
    let s = start(MINUTE).await;
    s.fault("xero:503*2");
    let page = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Contacts, contacts()).await.unwrap();
    assert_eq!(page.records.len(), 10);
    assert_eq!(s.faults_injected(), 2, "both outages were served before the answer");
}

#[tokio::test]
async fn a_truncated_and_a_non_json_200_are_retried_within_the_call() {
    let s = start(MINUTE).await;
    s.fault("xero:truncated*1,xero:malformed*1");
    let page = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Contacts, contacts()).await.unwrap();
    assert_eq!(page.records.len(), 10, "an idempotent GET is sent again after an unusable 200");
    assert_eq!(s.faults_injected(), 2, "both broken answers were served before the good one");
}

#[tokio::test]
async fn broken_bodies_that_outlast_the_retries_are_malformed_and_the_next_call_works() {
    let s = start(MINUTE).await;
    // xp-http's default policy makes 5 attempts in all.
    s.fault("xero:truncated*5");
    let e = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Contacts, contacts()).await.unwrap_err();
    assert!(matches!(&e, Error::Malformed { what } if what.contains("Contacts")), "{e:?}");
    assert_eq!(e.code(), ErrorCode::Provider);
    assert_eq!(s.faults_injected(), 5, "bounded: five attempts, then the error");
    let page = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Contacts, contacts()).await.unwrap();
    assert_eq!(page.records.len(), 10, "the faults were used up");
}

#[tokio::test]
async fn a_non_json_body_on_every_attempt_is_malformed_without_echoing_it() {
    let s = start(MINUTE).await;
    s.fault("xero:malformed*5");
    let e = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Invoices, contacts()).await.unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
    assert!(!e.to_string().contains("<html>"), "the body itself is not echoed: {e}");
    s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Invoices, contacts()).await.unwrap();
}

#[tokio::test]
async fn a_short_429_is_waited_out_and_the_call_succeeds() {
    // A 2 s "minute": the emulator's injected 429 says Retry-After: 2, which xp-http honours.
    let s = start(Duration::from_secs(2)).await;
    s.fault("xero:429*1");
    let page = s.xero.fetch_page(&s.token, &s.tenants[0], Resource::Contacts, contacts()).await.unwrap();
    assert_eq!(page.records.len(), 10);
    assert_eq!(s.rate_limited(), 1, "the 429 was really sent, and then retried");
}
