//! The events feed, walked oldest first in small pages: every event once, in order, across a
//! restart from a persisted cursor, and new events picked up after catching up.

use crate::sandbox::{start, Sandbox};
use xp_gocardless::{Event, EventFeed, FeedStart, ListParams, ResourceType};

/// Everything the emulator has, oldest first, from one page of up to 500 (the reference).
async fn all_events(s: &Sandbox, params: ListParams) -> Vec<String> {
    let page = s.gc.events(&s.token, &params.limit(500)).await.unwrap();
    assert!(page.after.is_none(), "the reference must fit one page");
    page.items.iter().rev().map(|e| e.id.clone()).collect()
}

/// Applies batches until the feed is caught up; returns what was applied, in order.
async fn drain(s: &Sandbox, feed: &mut EventFeed) -> Vec<Event> {
    let mut applied = Vec::new();
    loop {
        let batch = feed.next_batch(&s.gc, &s.token).await.unwrap();
        applied.extend(batch.events);
        if !batch.more {
            return applied;
        }
    }
}

fn ids(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

async fn busy_account(s: &Sandbox) -> String {
    let md = s.mandate("events").await;
    for (i, scenario) in
        ["payment_paid_out", "payment_failed", "payment_confirmed", "payment_charged_back"].iter().enumerate()
    {
        let new = s.new_payment(&md, &format!("{}.25", 10 + i), &format!("EV-{i}"));
        let pm = s.gc.create_payment(&s.token, &new, &format!("pay-ev-{i}")).await.unwrap();
        s.gc.run_scenario(&s.token, scenario, &pm.id).await.unwrap();
    }
    md
}

#[tokio::test]
async fn the_feed_applies_every_event_once_in_order_across_pages_and_a_restart() {
    let s = start().await;
    let md = busy_account(&s).await;
    let expected = all_events(&s, ListParams::new()).await;
    assert!(expected.len() >= 20, "enough events for several pages: {}", expected.len());

    // From the beginning, three at a time, stopping part-way as an app that quits would.
    let mut feed = EventFeed::new(FeedStart::Beginning).page_size(3);
    let first = feed.next_batch(&s.gc, &s.token).await.unwrap();
    let second = feed.next_batch(&s.gc, &s.token).await.unwrap();
    assert_eq!((first.events.len(), second.events.len()), (3, 3));
    assert!(first.more && second.more);
    let mut applied = ids(&first.events);
    applied.extend(ids(&second.events));
    let persisted = feed.cursor().unwrap().to_owned();
    assert_eq!(persisted, applied[5], "the cursor is the last event handed out");
    let pages_before = s.served("GET /events");

    // A restart: only the persisted cursor survives.
    let mut feed = EventFeed::new(FeedStart::After(persisted)).page_size(3);
    applied.extend(ids(&drain(&s, &mut feed).await));
    assert_eq!(applied, expected, "every event once, oldest first");
    assert!(s.served("GET /events") - pages_before >= 5, "the rest really came in pages of three");

    // Caught up: nothing again, until something happens.
    let empty = feed.next_batch(&s.gc, &s.token).await.unwrap();
    assert!(empty.events.is_empty() && !empty.more);
    let pm = s.gc.create_payment(&s.token, &s.new_payment(&md, "1.00", "LATE"), "pay-late").await.unwrap();
    s.gc.run_scenario(&s.token, "payment_paid_out", &pm.id).await.unwrap();
    let fresh = ids(&drain(&s, &mut feed).await);
    let now_all = all_events(&s, ListParams::new()).await;
    assert_eq!(fresh, now_all[expected.len()..], "only what is new, in order");
    assert!(fresh.len() >= 4, "created, submitted, confirmed, paid_out at least: {fresh:?}");
}

#[tokio::test]
async fn a_filtered_feed_and_a_feed_from_now_on() {
    let s = start().await;
    let md = busy_account(&s).await;

    let mut payments = EventFeed::new(FeedStart::Beginning).page_size(4).resource_type(ResourceType::Payments);
    let got = drain(&s, &mut payments).await;
    assert!(got.iter().all(|e| e.resource_type == ResourceType::Payments && e.links.payment.is_some()));
    assert_eq!(ids(&got), all_events(&s, ListParams::new().filter("resource_type", "payments")).await);

    let mut latest = EventFeed::new(FeedStart::Latest).page_size(2);
    assert!(drain(&s, &mut latest).await.is_empty(), "history is skipped");
    let pm = s.gc.create_payment(&s.token, &s.new_payment(&md, "2.00", "NOW"), "pay-now").await.unwrap();
    let got = drain(&s, &mut latest).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].action.as_str(), got[0].links.payment.as_deref()), ("created", Some(pm.id.as_str())));
    let one = s.gc.event(&s.token, &got[0].id).await.unwrap();
    assert_eq!(one, got[0], "GET /events/{{id}} reads the same event");
}

#[tokio::test]
async fn a_feed_since_a_time_skips_older_history_and_then_follows_the_cursor() {
    let s = start().await;
    let md = s.mandate("since").await;
    s.ctx.clock.advance(time::Duration::hours(1));
    let connected = s.ctx.clock.now();
    for (i, scenario) in ["payment_paid_out", "payment_failed"].iter().enumerate() {
        let pm =
            s.gc.create_payment(&s.token, &s.new_payment(&md, "5.00", &format!("S-{i}")), &format!("pay-s-{i}"))
                .await
                .unwrap();
        s.gc.run_scenario(&s.token, scenario, &pm.id).await.unwrap();
    }
    let everything = all_events(&s, ListParams::new()).await;
    let mut feed = EventFeed::new(FeedStart::Since(connected)).page_size(2);
    let got = drain(&s, &mut feed).await;
    assert!(
        got.iter().all(|e| e.created_at >= connected),
        "only what happened since: the mandate's setup an hour earlier is skipped"
    );
    assert!(
        got.iter().any(|e| e.resource_type == ResourceType::Mandates),
        "the mandate went to the banks with the first payment"
    );
    assert_eq!(ids(&got), everything[everything.len() - got.len()..], "the newest events, each once, in order");
    assert!(got.len() >= 6 && got.len() < everything.len(), "{} of {}", got.len(), everything.len());
}
