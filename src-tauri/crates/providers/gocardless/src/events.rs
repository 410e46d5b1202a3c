//! The events feed: the only change feed a desktop app has, since it cannot receive webhooks
//! (gocardless.md §7, §11).
//!
//! [`EventFeed`] walks the feed oldest first from a cursor the caller persisted: the id of the
//! last event it applied. Each batch asks for the events newer than that cursor
//! (`before=<cursor>`: lists run newest first, so "before" is newer; gocardless-nodejs
//! `eventService.ts`: `after` is the "cursor pointing to the start of the desired set",
//! `before` "to the end"), reverses the page, and moves the cursor to its newest event. A
//! caller that applies an event and stores its id in one transaction applies each event
//! exactly once, across restarts. Ids and `created_at` are never compared (review D20).

use crate::client::GoCardlessClient;
use crate::error::Result;
use crate::pages::{ListParams, MAX_LIMIT};
use crate::types::{Mandate, Metadata, Payment, Payout, Refund};
use serde::Deserialize;
use time::OffsetDateTime;
use xp_core::Sensitive;

/// `resource_type` values (gocardless.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    BillingRequests,
    Creditors,
    Exports,
    InstalmentSchedules,
    Mandates,
    PayerAuthorisations,
    Payments,
    Payouts,
    Refunds,
    SchemeIdentifiers,
    Subscriptions,
    OutboundPayments,
    PaymentAccountTransactions,
    #[serde(other)]
    Unknown,
}

impl ResourceType {
    /// The value the `resource_type` filter takes; `None` for `Unknown`.
    pub fn as_str(self) -> Option<&'static str> {
        Some(match self {
            Self::BillingRequests => "billing_requests",
            Self::Creditors => "creditors",
            Self::Exports => "exports",
            Self::InstalmentSchedules => "instalment_schedules",
            Self::Mandates => "mandates",
            Self::PayerAuthorisations => "payer_authorisations",
            Self::Payments => "payments",
            Self::Payouts => "payouts",
            Self::Refunds => "refunds",
            Self::SchemeIdentifiers => "scheme_identifiers",
            Self::Subscriptions => "subscriptions",
            Self::OutboundPayments => "outbound_payments",
            Self::PaymentAccountTransactions => "payment_account_transactions",
            Self::Unknown => return None,
        })
    }
}

/// The resources an event names (gocardless-nodejs `Types.ts`, `EventLinks`; those this app
/// uses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EventLinks {
    pub payment: Option<String>,
    pub mandate: Option<String>,
    pub payout: Option<String>,
    pub refund: Option<String>,
    pub customer: Option<String>,
    pub customer_bank_account: Option<String>,
    pub billing_request: Option<String>,
    pub mandate_request_mandate: Option<String>,
    pub previous_customer_bank_account: Option<String>,
    pub new_customer_bank_account: Option<String>,
    /// The event that caused this one (a mandate's cancellation cancelling its payments).
    pub parent_event: Option<String>,
}

/// Why it happened (`EventDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EventDetails {
    /// `bank`, `api`, `gocardless`, `customer`, `payer`.
    pub origin: Option<String>,
    pub cause: Option<String>,
    pub description: Option<String>,
    pub scheme: Option<String>,
    /// The scheme's reason code, e.g. `AM04`.
    pub reason_code: Option<String>,
    /// On a failed payment: GoCardless will retry it itself, so `failed` is not final (review D15).
    pub will_attempt_retry: Option<bool>,
    pub not_retried_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// e.g. `confirmed`, `paid_out`, `failed`; its meaning depends on `resource_type`.
    pub action: String,
    pub resource_type: ResourceType,
    #[serde(default)]
    pub links: EventLinks,
    #[serde(default)]
    pub details: EventDetails,
    /// The metadata sent with the API call that caused the event.
    #[serde(default)]
    pub metadata: Metadata,
    /// The resource's own metadata.
    #[serde(default)]
    pub resource_metadata: Metadata,
}

/// Where a feed starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedStart {
    /// From the oldest event: the first batch walks the whole list once to find it.
    Beginning,
    /// From the oldest event created at or after this time (`created_at[gte]`), e.g. a few
    /// weeks before the account was connected, so a first sync need not walk years of history.
    Since(OffsetDateTime),
    /// From now on: history is skipped.
    Latest,
    /// After the event with this id: the cursor a caller persisted.
    After(String),
}

/// One step of the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Oldest first. Apply each, and persist its id as the cursor with it.
    pub events: Vec<Event>,
    /// More events were waiting when this batch was read; `false`: caught up for now.
    pub more: bool,
    /// The resources the batch's events link, as GoCardless holds them now, when the feed
    /// asked for them ([`EventFeed::include`]): no call per event to read them.
    pub linked: Linked,
}

/// `linked` of an events page read with `include=` (gocardless-nodejs `eventService.ts`,
/// `EventListResponse.linked`): each linked resource once.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Linked {
    pub payments: Vec<Payment>,
    pub mandates: Vec<Mandate>,
    pub refunds: Vec<Refund>,
    pub payouts: Vec<Payout>,
}

impl Linked {
    fn parse(v: serde_json::Value) -> Result<Self> {
        if v.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(v).map_err(|e| crate::error::Error::Malformed { what: format!("events linked: {e}") })
    }
}

/// A resumable, exactly-once walk over `GET /events`, oldest first.
#[derive(Debug, Clone)]
pub struct EventFeed {
    position: Position,
    page_size: u32,
    filters: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    /// Not yet placed: find the oldest event (created at or after the time, if any).
    Beginning(Option<OffsetDateTime>),
    Latest,
    After(String),
}

impl EventFeed {
    pub fn new(start: FeedStart) -> Self {
        let position = match start {
            FeedStart::Beginning => Position::Beginning(None),
            FeedStart::Since(t) => Position::Beginning(Some(t)),
            FeedStart::Latest => Position::Latest,
            FeedStart::After(id) => Position::After(id),
        };
        Self { position, page_size: MAX_LIMIT, filters: Vec::new() }
    }

    /// Events per request, 1–500 (500 by default: the fewest calls).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_LIMIT);
        self
    }

    /// Only events of this resource type. A cursor persisted for one filter must be used with
    /// the same filter.
    pub fn resource_type(self, t: ResourceType) -> Self {
        match t.as_str() {
            Some(v) => self.filter("resource_type", v),
            None => self,
        }
    }

    /// Each batch brings the resources its events link (`include=payment` with
    /// `resource_type=payments`, and so on: GoCardless takes `include` only with a
    /// `resource_type`, gocardless.md §7), so applying them needs no call per event.
    pub fn include(self, t: ResourceType) -> Self {
        let singular = match t {
            ResourceType::Payments => "payment",
            ResourceType::Mandates => "mandate",
            ResourceType::Refunds => "refund",
            ResourceType::Payouts => "payout",
            _ => return self.resource_type(t),
        };
        self.resource_type(t).filter("include", singular)
    }

    /// Any other `GET /events` filter, e.g. `("action", "failed")`.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((key.into(), value.into()));
        self
    }

    /// The id of the last event handed out: what to persist (each event's own id is the same
    /// value at the moment it is applied).
    pub fn cursor(&self) -> Option<&str> {
        match &self.position {
            Position::After(id) => Some(id),
            _ => None,
        }
    }

    fn params(&self) -> ListParams {
        ListParams { limit: Some(self.page_size), filters: self.filters.clone(), ..ListParams::default() }
    }

    /// The next events, oldest first; empty when there are none yet.
    pub async fn next_batch(&mut self, client: &GoCardlessClient, token: &Sensitive<String>) -> Result<Batch> {
        let (mut newest_first, more, linked) = match &self.position {
            Position::After(cursor) => {
                let page = client.events(token, &self.params().before(cursor.clone())).await?;
                (page.items, page.before.is_some(), page.linked)
            }
            Position::Latest => {
                let page = client.events(token, &self.params().limit(1)).await?;
                match page.items.into_iter().next() {
                    Some(newest) => self.position = Position::After(newest.id),
                    // An empty feed: everything that comes is new, so start at the beginning.
                    None => self.position = Position::Beginning(None),
                }
                return Ok(Batch { events: Vec::new(), more: false, linked: Linked::default() });
            }
            Position::Beginning(since) => {
                // The oldest page is the last one of the newest-first list. Only it is kept;
                // from its newest event on, `before` walks forward. The time bound applies to
                // this search only: later batches follow the cursor, never `created_at`, which
                // is not documented to grow with the feed's order (review D20).
                let mut params = self.params();
                if let Some(t) = since {
                    params = params.filter("created_at[gte]", xp_core::rfc3339(*t));
                }
                let mut page = client.events(token, &params).await?;
                let mut newer_pages = false;
                while let Some(next) = page.next(&params) {
                    params = next;
                    page = client.events(token, &params).await?;
                    newer_pages = true;
                }
                (page.items, newer_pages, page.linked)
            }
        };
        let linked = Linked::parse(linked)?;
        newest_first.reverse();
        let events = newest_first;
        if let Some(last) = events.last() {
            self.position = Position::After(last.id.clone());
        }
        tracing::debug!(events = events.len(), more, "events feed batch");
        Ok(Batch { events, more, linked })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_sheets_event_example_parses() {
        // gocardless.md §7.
        let e: Event = serde_json::from_value(json!({"id":"EV01HX9ZZ12","created_at":"2026-01-30T06:12:44.512Z",
            "action":"failed","resource_type":"payments","links":{"payment":"PM01HX7Y2K9QZ"},
            "details":{"origin":"bank","cause":"insufficient_funds","description":"The customer's account had insufficient funds to make this payment.",
            "scheme":"sepa_core","reason_code":"AM04","will_attempt_retry":false},"metadata":{}}))
        .expect("event");
        assert_eq!((e.resource_type, e.links.payment.as_deref()), (ResourceType::Payments, Some("PM01HX7Y2K9QZ")));
        assert_eq!(e.details.reason_code.as_deref(), Some("AM04"));
        assert_eq!(e.details.will_attempt_retry, Some(false));
    }

    #[test]
    fn a_feed_knows_its_cursor_only_once_it_has_one() {
        assert_eq!(EventFeed::new(FeedStart::Beginning).cursor(), None);
        assert_eq!(EventFeed::new(FeedStart::Since(OffsetDateTime::UNIX_EPOCH)).cursor(), None);
        assert_eq!(EventFeed::new(FeedStart::After("EV9".into())).cursor(), Some("EV9"));
        let f = EventFeed::new(FeedStart::Latest).page_size(9_999).resource_type(ResourceType::Payments);
        assert_eq!(f.params().limit, Some(MAX_LIMIT), "the page size is clamped to what GoCardless takes");
        assert_eq!(f.params().filters, [("resource_type".to_owned(), "payments".to_owned())]);
        assert_eq!(ResourceType::Unknown.as_str(), None);
    }
}
