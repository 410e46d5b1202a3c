//! Direct debit into Xero: the payment connectors' facts (collections that were confirmed or came
//! back, GoCardless payouts) booked by the ledger's rules (`xp_ledger::settlement`) through the
//! Xero connector's outbox. Each fact is booked once: the booking is recorded with its outbox
//! items in one transaction, so a pass can run any number of times, after any crash.
//!
//! A pass books, per provider whose accounts are mapped, in the order the facts can happen:
//! confirmations, then reversals (which undo a booked confirmation), then payouts (which need
//! both booked first), then refunds Saferpay made. What cannot be booked yet is reported as waiting with its reason, and
//! booked by a later pass.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use time::Date;
use xp_connect_gocardless::GoCardlessService;
use xp_connect_xero::ledger::SettlementFact;
use xp_connect_xero::XeroService;
use xp_context::Context;
use xp_core::ids::OrganisationId;
use xp_core::{Currency, Money};
use xp_ledger::settlement::{
    book_confirmed, book_payout, book_refund, book_reversal, Accounts, Booked, Confirmed, Invoice, Plan, Refunded,
    Reversal, Write,
};
use xp_store::collections::{self, Collection, Status};
use xp_store::settlement::{self as bookings, Fact};

/// The providers whose money the settlement books, with the name Xero books them under.
pub const PROVIDERS: [(&str, &str); 2] = [("gocardless", "GoCardless"), ("saferpay", "Saferpay")];

/// Where one provider's money goes in Xero: the organisation and its accounts (Settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mapping {
    pub organisation_id: OrganisationId,
    pub accounts: Accounts,
    /// The first day the books use the clearing account: payouts that arrived before it were
    /// booked some other way and are left alone.
    pub since: Date,
}

fn key(provider: &str) -> String {
    format!("settlement.accounts.{provider}")
}

fn contact(provider: &str) -> Result<&'static str> {
    PROVIDERS
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, name)| *name)
        .ok_or_else(|| Error::Invalid(format!("no direct-debit provider {provider:?}")))
}

/// What the settlement booked that needs a person (charge-backs, partial and over-payments,
/// refunds that need a credit note, money for no invoice), from the newest `limit` bookings,
/// newest first.
pub async fn attention(ctx: &Context, limit: i64) -> Result<Vec<xp_ipc::SettlementAttention>> {
    let mut out = Vec::new();
    for booking in bookings::list(&ctx.store, limit.clamp(1, 1000)).await? {
        let items: Vec<xp_ledger::settlement::Attention> = serde_json::from_value(booking.attention.clone())
            .map_err(|e| Error::Invalid(format!("a stored settlement note did not read: {e}")))?;
        for item in items {
            let invoice_id = item.invoice_id().map(str::to_owned);
            let invoice_number = match &invoice_id {
                Some(id) => xp_store::xero::find_invoices(&ctx.store, id)
                    .await?
                    .into_iter()
                    .find(|i| i.organisation_id == booking.organisation_id)
                    .and_then(|i| i.number),
                None => None,
            };
            out.push(xp_ipc::SettlementAttention {
                provider: booking.provider.clone(),
                kind: item.kind().to_owned(),
                message: item.sentence(),
                organisation_id: booking.organisation_id.to_string(),
                invoice_id,
                invoice_number,
                booked_at: xp_core::rfc3339(booking.booked_at),
            });
        }
    }
    Ok(out)
}

pub async fn mapping(ctx: &Context, provider: &str) -> Result<Option<Mapping>> {
    contact(provider)?;
    Ok(xp_store::settings::get(&ctx.store, &key(provider)).await?)
}

/// Maps a provider's money to a Xero organisation's accounts. The organisation must be a kept
/// Xero organisation and the four codes given; whether they are BANK or expense accounts Xero
/// itself checks on the first write (the item then fails with Xero's reason, shown in the outbox).
pub async fn set_mapping(ctx: &Context, provider: &str, m: &Mapping) -> Result<()> {
    contact(provider)?;
    let org = xp_store::organisations::find(&ctx.store, xp_connect_xero::PROVIDER, m.organisation_id)
        .await?
        .ok_or_else(|| Error::Invalid(format!("no Xero organisation {}", m.organisation_id)))?;
    let a = &m.accounts;
    for (what, code) in [("clearing", &a.clearing), ("bank", &a.bank), ("fees", &a.fees), ("suspense", &a.suspense)] {
        if code.trim().is_empty() || code.len() > 10 {
            return Err(Error::Invalid(format!("the {what} account needs a Xero account code, not {code:?}")));
        }
    }
    if a.clearing == a.bank {
        return Err(Error::Invalid("the clearing account must not be the bank account payouts arrive in".into()));
    }
    xp_store::settings::set(&ctx.store, &key(provider), m).await?;
    let detail = serde_json::json!({"provider": provider, "accounts": a});
    let entry =
        xp_store::audit::NewEntry { actor: &ctx.actor(), action: "settlement.mapping", subject: &org.name, detail };
    xp_store::audit::append(&ctx.store, entry, ctx.clock.now()).await?;
    Ok(())
}

/// The chart of accounts of a kept Xero organisation as last synced, by code.
pub async fn chart(ctx: &Context, organisation_id: OrganisationId) -> Result<Vec<xp_store::xero::AccountRow>> {
    Ok(xp_store::xero::list_accounts(&ctx.store, organisation_id).await?)
}

/// Bank codes tried for a new clearing account, in order: Xero's default chart keeps its bank
/// accounts in the 09x range (090 Business Bank Account, 091 Business Savings Account).
const CLEARING_CODES: std::ops::RangeInclusive<u16> = 91..=99;

/// Creates a provider's clearing account in a kept Xero organisation: a BANK account in euros
/// (both providers collect SEPA debits) named "<Provider> Clearing" under the first free 09x
/// code, unless `code`/`name` are given. The chart as last synced decides what is free; Xero
/// refuses a taken code or name anyway. The mapping is not changed: the caller maps the code.
pub async fn create_clearing_account(
    ctx: &Context,
    xero: &XeroService,
    provider: &str,
    organisation_id: OrganisationId,
    code: Option<&str>,
    name: Option<&str>,
) -> Result<xp_store::xero::AccountRow> {
    let display = contact(provider)?;
    let org = xp_store::organisations::find(&ctx.store, xp_connect_xero::PROVIDER, organisation_id)
        .await?
        .ok_or_else(|| Error::Invalid(format!("no Xero organisation {organisation_id}")))?;
    let chart = chart(ctx, organisation_id).await?;
    if chart.is_empty() {
        return Err(Error::Invalid(format!(
            "the chart of accounts of {} is not in the local store yet: sync Xero first",
            org.name
        )));
    }
    let taken = |f: fn(&xp_store::xero::AccountRow) -> Option<&str>, v: &str| {
        chart.iter().find(|a| f(a).is_some_and(|x| x.trim().eq_ignore_ascii_case(v.trim())))
    };
    let name =
        name.map(str::trim).filter(|n| !n.is_empty()).map_or_else(|| format!("{display} Clearing"), str::to_owned);
    if let Some(a) = taken(|a| a.name.as_deref(), &name) {
        return Err(Error::Invalid(format!(
            "{} already has an account named {name:?} (code {}): choose it, or give another name",
            org.name,
            a.code.as_deref().unwrap_or("none")
        )));
    }
    let code = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.chars().count() > 10 => {
            return Err(Error::Invalid(format!("a Xero account code has at most 10 characters, not {c:?}")))
        }
        Some(c) => {
            if let Some(a) = taken(|a| a.code.as_deref(), c) {
                return Err(Error::Invalid(format!(
                    "code {c} is {:?} in {}: give a free code",
                    a.name.as_deref().unwrap_or(""),
                    org.name
                )));
            }
            c.to_owned()
        }
        None => CLEARING_CODES
            .map(|n| format!("{n:03}"))
            .find(|c| taken(|a| a.code.as_deref(), c).is_none())
            .ok_or_else(|| Error::Invalid(format!("codes 091 to 099 are all taken in {}: give a code", org.name)))?,
    };
    let account = xp_xero::NewBankAccount {
        code,
        name,
        // Xero asks every bank account for a number; a clearing account has none at a bank.
        bank_account_number: format!("{}-CLEARING", provider.to_ascii_uppercase()),
        // SEPA Direct Debit collects euros only, so what waits in the clearing account is EUR
        // whatever the organisation's base currency (a non-EUR organisation needs Xero's
        // multi-currency for it; Xero's answer to the create is passed on as it is).
        currency: "EUR".into(),
    };
    Ok(xero.create_bank_account(organisation_id, &account).await?)
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub booked: Vec<BookedFact>,
    pub waiting: Vec<Waiting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookedFact {
    pub provider: String,
    pub fact: Fact,
    pub id: String,
    pub writes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub provider: String,
    pub id: String,
    pub reason: String,
}

#[derive(Clone)]
pub struct Settlement {
    ctx: Context,
    xero: XeroService,
    gocardless: Option<GoCardlessService>,
}

impl Settlement {
    pub fn new(ctx: Context, xero: XeroService, gocardless: Option<GoCardlessService>) -> Self {
        Self { ctx, xero, gocardless }
    }

    /// Books in the background every `every` while the app runs, so a confirmation synced from
    /// the provider reaches the outbox (and Xero) without anyone asking.
    pub fn spawn(self, every: std::time::Duration, stop: xp_context::CancellationToken) {
        tokio::spawn(async move {
            loop {
                match self.run().await {
                    Ok(s) if !(s.booked.is_empty() && s.waiting.is_empty()) => {
                        tracing::info!(booked = s.booked.len(), waiting = s.waiting.len(), "settlement pass")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(code = %e.code(), "settlement pass failed: {e}"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.cancelled() => return,
                }
            }
        });
    }

    /// Books every fact not booked yet, for every provider whose accounts are mapped.
    pub async fn run(&self) -> Result<Summary> {
        let mut summary = Summary::default();
        for (provider, _) in PROVIDERS {
            let Some(m) = mapping(&self.ctx, provider).await? else { continue };
            let collected = collections::collected(&self.ctx.store, provider).await?;
            for c in &collected {
                self.confirmation(provider, &m, c, &mut summary).await?;
            }
            for c in &collected {
                if let Some(reason) = reversal_of(c.status) {
                    self.reversal(provider, c, reason, &mut summary).await?;
                }
            }
            if provider == xp_connect_gocardless::PROVIDER {
                if let Some(gc) = &self.gocardless {
                    self.payouts(provider, &m, gc, &mut summary).await?;
                }
            }
            if provider == xp_connect_saferpay::PROVIDER {
                self.saferpay_refunds(provider, &m, &mut summary).await?;
            }
        }
        Ok(summary)
    }

    async fn confirmation(&self, provider: &str, m: &Mapping, c: &Collection, summary: &mut Summary) -> Result<()> {
        let Some(payment_id) = c.provider_payment_id.as_deref() else { return Ok(()) };
        if bookings::get(&self.ctx.store, provider, Fact::Confirmed, payment_id).await?.is_some() {
            return Ok(());
        }
        if c.organisation_id != m.organisation_id {
            summary.waiting.push(Waiting {
                provider: provider.into(),
                id: payment_id.into(),
                reason: format!(
                    "collected for another Xero organisation than the one {provider} is mapped to in Settings"
                ),
            });
            return Ok(());
        }
        let timeline = collections::timeline(&self.ctx.store, c.id).await?;
        let on = confirmed_on(c, &timeline);
        let invoice = self.invoice(c).await?;
        let reference = reference(provider, payment_id, c)?;
        let fact = Confirmed {
            provider: provider.into(),
            payment_id: payment_id.into(),
            invoice_id: Some(c.invoice_id.clone()),
            amount: c.amount,
            on,
            reference,
        };
        let plan = book_confirmed(&fact, invoice.as_ref(), &m.accounts).map_err(|e| Error::Invalid(e.to_string()))?;
        self.book(provider, Fact::Confirmed, payment_id, m.organisation_id, &plan, summary).await
    }

    async fn reversal(&self, provider: &str, c: &Collection, reason: Reversal, summary: &mut Summary) -> Result<()> {
        let Some(payment_id) = c.provider_payment_id.as_deref() else { return Ok(()) };
        if bookings::get(&self.ctx.store, provider, Fact::Reversal, payment_id).await?.is_some() {
            return Ok(());
        }
        // Its confirmation is booked in this pass or an earlier one; a waiting one waits too.
        let Some(confirmed) = bookings::get(&self.ctx.store, provider, Fact::Confirmed, payment_id).await? else {
            return Ok(());
        };
        let booked: Vec<Write> = serde_json::from_value(confirmed.writes)
            .map_err(|e| Error::Invalid(format!("the booking of {payment_id} cannot be read: {e}")))?;
        let plan = book_reversal(provider, payment_id, Some(&c.invoice_id), reason, &booked);
        self.book(provider, Fact::Reversal, payment_id, confirmed.organisation_id, &plan, summary).await
    }

    async fn payouts(&self, provider: &str, m: &Mapping, gc: &GoCardlessService, summary: &mut Summary) -> Result<()> {
        for p in gc.paid_payouts().await? {
            if p.arrives_on < m.since
                || bookings::get(&self.ctx.store, provider, Fact::Payout, &p.payout_id).await?.is_some()
            {
                continue;
            }
            let mut state = std::collections::HashMap::new();
            for item in &p.items {
                if let Some(id) = item_payment(&item.kind) {
                    let b = if bookings::get(&self.ctx.store, provider, Fact::Reversal, id).await?.is_some() {
                        Booked::Reversed
                    } else if bookings::get(&self.ctx.store, provider, Fact::Confirmed, id).await?.is_some() {
                        Booked::Confirmed
                    } else if collections::by_provider_payment(&self.ctx.store, provider, id).await?.is_some() {
                        // The app collected it: its confirmation is booked first (it waits).
                        Booked::Nothing
                    } else {
                        Booked::Foreign
                    };
                    state.insert(id.to_owned(), b);
                }
            }
            let booked = |id: &str| state.get(id).copied().unwrap_or(Booked::Nothing);
            match book_payout(&p, booked, &m.accounts) {
                Ok(plan) => self.book(provider, Fact::Payout, &p.payout_id, m.organisation_id, &plan, summary).await?,
                Err(e) => summary.waiting.push(Waiting {
                    provider: provider.into(),
                    id: p.payout_id.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        Ok(())
    }

    /// Saferpay refunds from what it holds for the merchant: each once, after the confirmation
    /// of the debit it gives back (a refund of a debit booked before the clearing account was
    /// used goes the same way: the money leaves clearing either way).
    async fn saferpay_refunds(&self, provider: &str, m: &Mapping, summary: &mut Summary) -> Result<()> {
        for r in xp_store::saferpay::refunds::refunded(&self.ctx.store).await? {
            if bookings::get(&self.ctx.store, provider, Fact::Refund, &r.id).await?.is_some() {
                continue;
            }
            let c = collections::get(&self.ctx.store, r.collection_id).await?;
            let Some(payment_id) = c.provider_payment_id.as_deref() else { continue };
            if c.organisation_id != m.organisation_id
                || bookings::get(&self.ctx.store, provider, Fact::Confirmed, payment_id).await?.is_none()
            {
                summary.waiting.push(Waiting {
                    provider: provider.into(),
                    id: r.id.clone(),
                    reason: "the refunded debit's payment is not booked in Xero yet".into(),
                });
                continue;
            }
            let reference = reference(provider, &format!("refund {}", r.id), &c)?;
            let fact = Refunded {
                provider: provider.into(),
                refund_id: r.id.clone(),
                payment_id: payment_id.into(),
                amount: r.amount,
                on: r.updated_at.date(),
                reference,
            };
            let plan = book_refund(&fact, &m.accounts).map_err(|e| Error::Invalid(e.to_string()))?;
            self.book(provider, Fact::Refund, &r.id, m.organisation_id, &plan, summary).await?;
        }
        Ok(())
    }

    async fn book(
        &self,
        provider: &str,
        fact: Fact,
        id: &str,
        organisation_id: OrganisationId,
        plan: &Plan,
        summary: &mut Summary,
    ) -> Result<()> {
        let which = SettlementFact { provider, fact, fact_id: id };
        if self.xero.book_settlement(organisation_id, which, plan, contact(provider)?).await?.is_some() {
            summary.booked.push(BookedFact {
                provider: provider.into(),
                fact,
                id: id.into(),
                writes: plan.writes.len(),
            });
        }
        Ok(())
    }

    /// The invoice as the local store has it; None when it is not there (then the money waits
    /// in suspense for a person, as for a payment of no invoice).
    async fn invoice(&self, c: &Collection) -> Result<Option<Invoice>> {
        let Some(detail) = xp_store::xero::get_invoice(&self.ctx.store, c.organisation_id, &c.invoice_id).await? else {
            return Ok(None);
        };
        let row = detail.row;
        let status = row.status.unwrap_or_default();
        if status != "AUTHORISED" {
            return Ok(Some(Invoice::Closed { status }));
        }
        let currency =
            row.currency.as_deref().map(Currency::parse).transpose().map_err(|e| Error::Invalid(e.to_string()))?;
        let due = match (row.amount_due, currency) {
            (Some(due), Some(currency)) => {
                Money::parse(&due, currency.code()).map_err(|e| Error::Invalid(format!("invoice amount due: {e}")))?
            }
            _ => return Ok(Some(Invoice::Closed { status: "without an amount due".into() })),
        };
        Ok(Some(Invoice::Open { amount_due: due }))
    }
}

/// What Xero shows as a booking's reference: the provider, what it is, and the invoice number.
fn reference(provider: &str, what: &str, c: &Collection) -> Result<String> {
    let provider = contact(provider)?;
    Ok(match &c.invoice_number {
        Some(n) => format!("{provider} {what} {n}"),
        None => format!("{provider} {what}"),
    })
}

/// The reversal a collection's status stands for, if any.
pub fn reversal_of(status: Status) -> Option<Reversal> {
    match status {
        Status::ChargedBack => Some(Reversal::ChargedBack),
        Status::LateFailure => Some(Reversal::LateFailure),
        _ => None,
    }
}

/// The day the money was collected: the first timeline entry at `confirmed` or beyond (a sync
/// can see a payment first when it is already paid out), else the collection's last change.
pub fn confirmed_on(c: &Collection, timeline: &[collections::TimelineEntry]) -> Date {
    timeline
        .iter()
        .find(|e| {
            matches!(
                e.status,
                Status::Confirmed | Status::PaidOut | Status::ChargedBack | Status::LateFailure | Status::Refunded
            )
        })
        .map_or(c.updated_at.date(), |e| e.at.date())
}

fn item_payment(kind: &xp_ledger::settlement::ItemKind) -> Option<&str> {
    use xp_ledger::settlement::ItemKind;
    match kind {
        ItemKind::PaidOut { payment_id } | ItemKind::Reversed { payment_id, .. } | ItemKind::Refund { payment_id } => {
            Some(payment_id)
        }
        ItemKind::Fee | ItemKind::Other { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use xp_core::ids::{CollectionId, OutboxId};

    fn collection(status: Status) -> Collection {
        Collection {
            id: CollectionId::new_random(),
            organisation_id: OrganisationId::new_random(),
            invoice_id: "inv".into(),
            invoice_number: Some("INV-1".into()),
            provider: "gocardless".into(),
            mandate_id: "MD1".into(),
            amount: Money::parse("10", "EUR").unwrap(),
            charge_date: None,
            idempotency_key: "collect:x".into(),
            outbox_id: OutboxId::new_random(),
            provider_payment_id: Some("PM1".into()),
            status,
            created_at: datetime!(2026-11-20 09:00 UTC),
            updated_at: datetime!(2026-11-30 09:00 UTC),
        }
    }

    fn entry(day: u8, status: Status) -> collections::TimelineEntry {
        collections::TimelineEntry {
            at: datetime!(2026-11-01 10:00 UTC).replace_day(day).unwrap(),
            status,
            reason: None,
        }
    }

    #[test]
    fn money_is_booked_on_the_day_it_was_collected() {
        let c = collection(Status::ChargedBack);
        let timeline = [
            entry(20, Status::Intent),
            entry(21, Status::Submitted),
            entry(24, Status::Confirmed),
            entry(27, Status::ChargedBack),
        ];
        assert_eq!(confirmed_on(&c, &timeline), time::macros::date!(2026 - 11 - 24));
        // First seen already paid out: that day.
        assert_eq!(confirmed_on(&c, &[entry(26, Status::PaidOut)]), time::macros::date!(2026 - 11 - 26));
        // No timeline: the collection's last change.
        assert_eq!(confirmed_on(&c, &[]), time::macros::date!(2026 - 11 - 30));
    }

    /// A Saferpay debit collected for a kept Xero organisation whose Saferpay money is mapped.
    async fn saferpay_debit(ctx: &Context) -> (OrganisationId, Collection) {
        let now = ctx.clock.now();
        let connection = xp_core::ids::ConnectionId::new_random();
        xp_store::connections::insert(&ctx.store, connection, "xero", "Xero", now).await.unwrap();
        let kept = xp_store::organisations::Kept {
            connection_id: connection,
            provider: "xero",
            external_id: "tenant-1",
            name: "Alpenrad Velo GmbH",
            base_currency: Some("EUR"),
        };
        let org = xp_store::organisations::keep(&ctx.store, kept, now).await.unwrap();
        let accounts =
            Accounts { clearing: "093".into(), bank: "090".into(), fees: "404".into(), suspense: "429".into() };
        let mapping = Mapping { organisation_id: org, accounts, since: now.date() };
        set_mapping(ctx, "saferpay", &mapping).await.unwrap();
        let new = collections::NewCollection {
            organisation_id: org,
            invoice_id: "inv-1",
            invoice_number: Some("INV-0042"),
            provider: "saferpay",
            mandate_id: "XPM-1",
            amount: Money::parse("120.50", "EUR").unwrap(),
            charge_date: None,
        };
        let payload = serde_json::json!({});
        let send = collections::Send { kind: "saferpay.collect", payload: &payload };
        let c = collections::create(&ctx.store, new, send, now).await.unwrap();
        collections::record_accepted(&ctx.store, c.id, "T-DEBIT", Status::Confirmed, now).await.unwrap();
        (org, collections::get(&ctx.store, c.id).await.unwrap())
    }

    #[tokio::test]
    async fn a_saferpay_refund_is_booked_once_from_clearing_into_suspense_after_its_debit() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = crate::test_support::runtime(dir.path()).await;
        let settings = xp_connect_xero::Settings { client_id: Some("client".into()), ..Default::default() };
        let xero = XeroService::new(ctx.clone(), settings).unwrap();
        let settlement = Settlement::new(ctx.clone(), xero, None);
        let (_, c) = saferpay_debit(&ctx).await;
        let refund = xp_store::saferpay::refunds::queue(
            &ctx.store,
            &c,
            Some(Money::parse("20.50", "EUR").unwrap()),
            "saferpay.refund.create",
            |id| serde_json::json!({"refundId": id}),
            ctx.clock.now(),
        )
        .await
        .unwrap()
        .unwrap();

        // Asked for, not made yet: only the debit is booked.
        let first = settlement.run().await.unwrap();
        let facts: Vec<_> = first.booked.iter().map(|b| (b.fact, b.id.clone())).collect();
        assert_eq!(facts, [(Fact::Confirmed, "T-DEBIT".to_owned())], "{first:?}");

        xp_store::saferpay::refunds::record_refunded(&ctx.store, &refund.id, "T-REFUND", ctx.clock.now())
            .await
            .unwrap();
        let second = settlement.run().await.unwrap();
        let facts: Vec<_> = second.booked.iter().map(|b| (b.fact, b.id.clone(), b.writes)).collect();
        assert_eq!(facts, [(Fact::Refund, refund.id.clone(), 1)], "{second:?}");
        let booked = bookings::get(&ctx.store, "saferpay", Fact::Refund, &refund.id).await.unwrap().unwrap();
        let writes: Vec<Write> = serde_json::from_value(booked.writes).unwrap();
        match &writes[..] {
            [Write::Spend { bank_account, account_code, amount, .. }] => {
                assert_eq!((bank_account.as_str(), account_code.as_str()), ("093", "429"), "clearing to suspense");
                assert_eq!(*amount, Money::parse("20.50", "EUR").unwrap());
            }
            other => panic!("one spend from clearing, not {other:?}"),
        }
        assert!(settlement.run().await.unwrap().booked.is_empty(), "each fact is booked once");
        // The refund left a credit note to record: a person is told, once.
        let notes = attention(&ctx, 10).await.unwrap();
        let refunded: Vec<_> = notes.iter().filter(|n| n.kind == "refunded").collect();
        assert_eq!(refunded.len(), 1, "{notes:?}");
        assert_eq!(refunded[0].provider, "saferpay");
        assert!(
            refunded[0].message.contains("20.50 EUR was refunded") && refunded[0].message.contains("credit note"),
            "{notes:?}"
        );
        ctx.store.close().await;
    }

    #[test]
    fn only_money_that_came_back_is_reversed() {
        assert_eq!(reversal_of(Status::ChargedBack), Some(Reversal::ChargedBack));
        assert_eq!(reversal_of(Status::LateFailure), Some(Reversal::LateFailure));
        for s in [Status::Confirmed, Status::PaidOut, Status::Failed, Status::Cancelled, Status::Refunded] {
            assert_eq!(reversal_of(s), None, "{s:?}");
        }
    }
}
