//! Rate limits with GoCardless's `RateLimit-*` headers, 5xx answers and broken bodies: what is
//! waited out or resent, and what is not.

use crate::sandbox::{start, start_with};
use std::time::{Duration, Instant};
use xp_core::ErrorCode;
use xp_gocardless::{Error, ListParams, Metadata, PaymentStatus, RATE_LIMIT_PER_MINUTE};
use xp_http::{HttpConfig, RetryPolicy};

#[tokio::test]
async fn a_429_is_waited_out_until_ratelimit_reset() {
    // A 2 s window: the injected 429 says remaining 0 and a reset about 2-3 s ahead.
    let s = start_with(Duration::from_secs(2), HttpConfig::default()).await;
    s.fault("gocardless:429*1");
    let started = Instant::now();
    let page = s.gc.creditors(&s.token, &ListParams::new()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(s.rate_limited(), 1, "the 429 was really sent, and then retried");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "resent after the window reset, not after the 1 s blind backoff ({:?})",
        started.elapsed()
    );
    assert_eq!(page.rate.limit, Some(RATE_LIMIT_PER_MINUTE));
    assert!(page.rate.remaining.is_some_and(|r| r < RATE_LIMIT_PER_MINUTE), "{:?}", page.rate);
    assert!(page.rate.resets_at.is_some());
}

#[tokio::test]
async fn a_429_left_to_the_caller_is_typed_and_paces_the_next_call() {
    let once = HttpConfig { retry: RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }, ..HttpConfig::default() };
    let s = start_with(Duration::from_secs(2), once).await;
    s.fault("gocardless:429*1");
    let e = s.gc.creditors(&s.token, &ListParams::new()).await.unwrap_err();
    let Error::RateLimited { rate, .. } = &e else { panic!("a 429 is RateLimited: {e:?}") };
    assert_eq!((rate.limit, rate.remaining), (Some(RATE_LIMIT_PER_MINUTE), Some(0)));
    let wait = rate.reset_in(time::OffsetDateTime::now_utc()).unwrap();
    assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(3), "{wait:?}");
    assert_eq!(e.code(), ErrorCode::RateLimited);
    assert!(e.to_string().contains("until"), "the message says when calls resume: {e}");

    assert_eq!(s.booked_this_minute(), RATE_LIMIT_PER_MINUTE, "remaining 0 fills the governor's window");
    let started = Instant::now();
    s.gc.creditors(&s.token, &ListParams::new()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1500), "the governor held the next call back");
    assert_eq!(s.rate_limited(), 1, "and GoCardless did not have to refuse it");
}

#[tokio::test]
async fn reads_and_keyed_creates_survive_5xx_but_an_action_is_sent_once() {
    let s = start().await;
    let md = s.mandate("outage").await;
    s.fault("gocardless:500*2");
    let m = s.gc.mandate(&s.token, &md).await.unwrap();
    assert_eq!(m.id, md);
    assert_eq!(s.faults_injected(), 2, "both outages were served before the answer");

    s.fault("gocardless:503*2");
    let pm = s.gc.create_payment(&s.token, &s.new_payment(&md, "12.34", "OUT"), "intent-outage").await.unwrap();
    assert_eq!(s.faults_injected(), 4);
    assert_eq!(s.created_with_key("intent-outage"), 1);

    // Cancel carries no key: after a 500 it may or may not have happened, so it is not resent.
    s.fault("gocardless:500*1");
    let e = s.gc.cancel_payment(&s.token, &pm.id, &Metadata::new()).await.unwrap_err();
    assert!(matches!(&e, Error::Internal(p) if p.status == 500 && p.error_type == "gocardless"), "{e:?}");
    assert_eq!(e.code(), ErrorCode::Provider);
    assert_eq!(s.faults_injected(), 5);
    assert_eq!(
        s.gc.payment(&s.token, &pm.id).await.unwrap().status,
        PaymentStatus::PendingSubmission,
        "a resent cancel would have cancelled it"
    );
}

#[tokio::test]
async fn a_truncated_answer_to_a_read_is_read_again() {
    let s = start().await;
    s.fault("gocardless:truncated*1,gocardless:malformed*1");
    let page = s.gc.creditors(&s.token, &ListParams::new()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(s.faults_injected(), 2);
}
