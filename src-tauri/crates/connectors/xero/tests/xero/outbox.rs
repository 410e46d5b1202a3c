//! Payments queued in the outbox reach Xero exactly once through the dispatcher: through lost
//! answers, while Xero cannot be reached, after a crash mid-send; refusals fail and stay failed.
//! The app reaches the emulator through a `Gate` the test can close like a dead network.

use super::*;
use time::OffsetDateTime;
use xp_connect_xero::outbox::{PaymentToCreate, PAYMENT_CREATE, PAYMENT_DELETE};
use xp_context::outbox::{Dispatcher, RunReport, Status};
use xp_context::Connector;
use xp_core::ids::{OrganisationId, OutboxId};
use xp_core::Money;
use xp_sandbox_kit::Gate;

/// The sandbox behind an open gate, connected, with both demo organisations kept.
pub(super) async fn world_behind_gate() -> (World, Gate, Vec<xp_ipc::Organisation>) {
    let back = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gate = Gate::open_to(back.local_addr().unwrap()).await;
    let base = format!("http://{}", gate.addr());
    let (ctx, emu) = serve_emulator(back, Seed::Demo, 60_000, &base);
    let w = runtime(base, ctx, emu, 60_000).await;
    let orgs = connect_all(&w).await;
    (w, gate, orgs)
}

/// The dispatcher as the app builds it: from the handlers the connector registers.
pub(super) fn dispatcher(ctx: &Context, xero: &XeroService) -> Dispatcher {
    Dispatcher::new(ctx, xero.outbox_handlers()).unwrap()
}

/// A direct-debit invoice of the demo's first organisation, still AUTHORISED, and the app's id
/// for that organisation.
pub(super) fn open_invoice(
    w: &World,
    orgs: &[xp_ipc::Organisation],
    k: usize,
) -> (OrganisationId, String, serde_json::Value) {
    let tenants = w.emu.credentials()["tenants"].as_array().unwrap().clone();
    let (org, i) = xp_sandbox_kit::demo::direct_debit_invoice(k);
    let tenant = tenants[org]["tenantId"].as_str().unwrap().to_owned();
    let kept = orgs.iter().find(|o| o.tenant_id.eq_ignore_ascii_case(&tenant)).unwrap();
    let invoice = w.emu.records(&tenant, "Invoices")[i].clone();
    assert_eq!(invoice["Status"], "AUTHORISED", "the demo's direct-debit invoices start open");
    (kept.id.parse().unwrap(), tenant, invoice)
}

fn full_payment(invoice: &serde_json::Value) -> PaymentToCreate {
    let due = xp_xero::decimal(&invoice["AmountDue"]).unwrap();
    PaymentToCreate {
        invoice_id: invoice["InvoiceID"].as_str().unwrap().to_owned(),
        account_code: "092".into(),
        date: time::macros::date!(2026 - 11 - 20),
        amount: Money::new(due, xp_core::Currency::parse(invoice["CurrencyCode"].as_str().unwrap()).unwrap()),
        reference: Some("SEPA DD PM01".into()),
    }
}

fn created(w: &World, key: &str) -> u64 {
    w.ctx.counters.snapshot().created_by_key.get(&format!("xero {key}")).copied().unwrap_or(0)
}

fn payment_puts(w: &World) -> u64 {
    w.ctx.counters.requests("xero", "PUT /api.xro/2.0/Payments")
}

async fn item(w: &World, id: OutboxId) -> xp_context::outbox::Item {
    xp_store::outbox::get(&w.services.store, id).await.unwrap()
}

/// The payments Xero holds against an invoice.
fn payments_of(w: &World, tenant: &str, invoice_id: &str) -> Vec<serde_json::Value> {
    w.emu
        .records(tenant, "Payments")
        .into_iter()
        .filter(|p| p["Invoice"]["InvoiceID"].as_str() == Some(invoice_id))
        .collect()
}

pub(super) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[tokio::test]
async fn the_connector_registers_a_handler_for_creating_and_deleting_payments() {
    let w = world(Seed::Demo).await;
    let ledger = xp_connect_xero::ledger::LEDGER_WRITE;
    assert_eq!(dispatcher(&w.services, &w.xero).kinds(), vec![ledger, PAYMENT_CREATE, PAYMENT_DELETE]);
}

#[tokio::test]
async fn a_payment_whose_answer_is_lost_is_sent_again_with_its_key_and_made_once() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 0);
    let id = w.xero.queue_payment(org, &full_payment(&invoice), "pay-lost-1").await.unwrap();
    let d = dispatcher(&w.services, &w.xero);
    // Every answer the HTTP layer waits for in this run is lost, though Xero applies the first.
    let tries = xp_http::RetryPolicy::default().max_attempts;
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec(&format!("xero:lost_response*{tries}")).unwrap());

    let t = now();
    // A connection dropped before the answer looks to the HTTP layer like a network gone
    // (xp-http reports both as `Connect`), so the item waits like an offline one.
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { waiting: 1, ..Default::default() });
    assert!(w.ctx.faults.list().is_empty(), "every lost answer was hit");
    assert_eq!(item(&w, id).await.status, Status::Pending, "queued again");
    assert_eq!(created(&w, "pay-lost-1"), 1, "Xero made the payment although its answer never came");

    assert!(d.run_once(t).await.unwrap().is_empty(), "the resend waits its turn");
    let later = t + time::Duration::minutes(1);
    assert_eq!(d.run_once(later).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    let sent = item(&w, id).await;
    assert_eq!(sent.status, Status::Sent);
    assert_eq!(created(&w, "pay-lost-1"), 1, "the resend with the same key made no second payment");
    let upstream = payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap());
    assert_eq!(upstream.len(), 1, "one payment exists in Xero: {upstream:?}");
    assert_eq!(
        sent.result.unwrap()["payment_id"],
        upstream[0]["PaymentID"],
        "the kept answer is the payment Xero made on the first send"
    );
}

#[tokio::test]
async fn a_payment_xero_keeps_answering_5xx_to_is_retried_later_counted_and_then_made_once() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 6);
    let id = w.xero.queue_payment(org, &full_payment(&invoice), "pay-503-1").await.unwrap();
    let d = dispatcher(&w.services, &w.xero);
    // Outlasts the HTTP layer's own retries within the run.
    let tries = xp_http::RetryPolicy::default().max_attempts;
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec(&format!("xero:503*{tries}")).unwrap());

    let t = now();
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { retrying: 1, ..Default::default() });
    let waiting = item(&w, id).await;
    assert_eq!((waiting.status, waiting.attempts), (Status::Pending, 1), "a server error uses up an attempt");
    assert!(waiting.last_error.unwrap().contains("server error"), "the wait says why");
    assert_eq!(created(&w, "pay-503-1"), 0);
    assert!(d.run_once(t).await.unwrap().is_empty(), "the retry waits for its backoff");

    assert_eq!(d.run_once(t + time::Duration::minutes(1)).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    assert_eq!(created(&w, "pay-503-1"), 1);
    assert_eq!(payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap()).len(), 1);
}

#[tokio::test]
async fn a_payment_sent_with_an_expired_token_is_sent_again_after_one_refresh() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 7);
    let id = w.xero.queue_payment(org, &full_payment(&invoice), "pay-401-1").await.unwrap();
    w.ctx.faults.add(xp_sandbox_kit::Fault::parse_spec("xero:expired_token*1").unwrap());
    let d = dispatcher(&w.services, &w.xero);
    assert_eq!(d.run_once(now()).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    assert_eq!(refreshes(&w), 1, "one refresh for the 401");
    assert_eq!(item(&w, id).await.attempts, 1, "within the same attempt");
    assert_eq!(created(&w, "pay-401-1"), 1);
    assert_eq!(payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap()).len(), 1);
}

#[tokio::test]
async fn while_xero_cannot_be_reached_the_payment_waits_and_goes_once_when_it_can() {
    let (w, gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 1);
    let id = w.xero.queue_payment(org, &full_payment(&invoice), "pay-offline-1").await.unwrap();
    let d = dispatcher(&w.services, &w.xero);
    gate.close().await;

    let t = now();
    for round in 0..2 {
        let at = t + time::Duration::minutes(round);
        assert_eq!(d.run_once(at).await.unwrap(), RunReport { waiting: 1, ..Default::default() }, "round {round}");
        let waiting = item(&w, id).await;
        assert_eq!(waiting.status, Status::Pending, "round {round}: still queued");
        assert_eq!(waiting.attempts, 0, "round {round}: waiting for the network uses up no attempt");
        assert!(waiting.last_error.unwrap().contains("cannot reach"), "round {round}: the wait says why");
    }
    assert_eq!(w.services.reachability.online(), Some(false), "the app knows it is offline");
    assert_eq!(payment_puts(&w), 0, "nothing reached Xero");

    gate.open().await;
    let back = t + time::Duration::minutes(5);
    assert_eq!(d.run_once(back).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    assert_eq!(item(&w, id).await.status, Status::Sent);
    assert_eq!(created(&w, "pay-offline-1"), 1);
    assert_eq!(payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap()).len(), 1);
    assert_eq!(w.services.reachability.online(), Some(true));
}

#[tokio::test]
async fn a_payment_xero_refuses_fails_with_xeros_message_and_is_not_sent_again() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 2);
    let mut too_much = full_payment(&invoice);
    too_much.amount.amount += rust_decimal::Decimal::ONE;
    let id = w.xero.queue_payment(org, &too_much, "pay-too-much-1").await.unwrap();
    let d = dispatcher(&w.services, &w.xero);

    let t = now();
    assert_eq!(d.run_once(t).await.unwrap(), RunReport { failed: 1, ..Default::default() });
    let failed = item(&w, id).await;
    assert_eq!(failed.status, Status::Failed);
    let message = failed.last_error.unwrap();
    assert!(message.contains("exceeds the amount outstanding"), "Xero's own message is kept: {message}");
    assert!(d.run_once(t + time::Duration::days(1)).await.unwrap().is_empty(), "a refusal is never retried");
    assert_eq!(payment_puts(&w), 1, "one call, no retries");
    assert!(payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap()).is_empty());
}

#[tokio::test]
async fn a_payment_in_flight_when_the_app_died_is_sent_once_after_the_next_start() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 3);
    let id = w.xero.queue_payment(org, &full_payment(&invoice), "pay-crash-1").await.unwrap();
    // The run claims the item and Xero makes the payment; the app dies before recording it.
    let claimed = xp_store::outbox::claim_due(&w.services.store, now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let handler = w.xero.outbox_handlers().into_iter().find(|h| h.kind() == PAYMENT_CREATE).unwrap();
    let first = handler.send(&claimed[0]).await.unwrap();
    assert_eq!(item(&w, id).await.status, Status::InFlight);
    w.services.store.close().await;

    // The next start: the same data folder and keychain.
    let services = Context::open(
        xp_ipc::Profile::Sandbox,
        w.services.endpoints.clone(),
        w.services.paths.clone(),
        w.services.vault.clone(),
        vec![],
        Arc::new(xp_core::SystemClock),
    )
    .await
    .unwrap();
    let xero = XeroService::new(services.clone(), w.settings.clone()).unwrap();
    let back = xp_store::outbox::get(&services.store, id).await.unwrap();
    assert_eq!(back.status, Status::Pending, "opening the runtime queues the interrupted item again");

    let d = dispatcher(&services, &xero);
    assert_eq!(d.run_once(now()).await.unwrap(), RunReport { sent: 1, ..Default::default() });
    let sent = xp_store::outbox::get(&services.store, id).await.unwrap();
    assert_eq!(
        sent.result.unwrap()["payment_id"],
        first["payment_id"],
        "Xero answered the resend with the first payment"
    );
    assert_eq!(created(&w, "pay-crash-1"), 1, "one payment for the key");
    assert_eq!(payments_of(&w, &tenant, invoice["InvoiceID"].as_str().unwrap()).len(), 1);
    services.store.close().await;
}

#[tokio::test]
async fn a_queued_deletion_removes_the_payment_and_reopens_the_invoice() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, tenant, invoice) = open_invoice(&w, &orgs, 4);
    let invoice_id = invoice["InvoiceID"].as_str().unwrap().to_owned();
    let d = dispatcher(&w.services, &w.xero);
    let pay = w.xero.queue_payment(org, &full_payment(&invoice), "pay-del-1").await.unwrap();
    d.run_once(now()).await.unwrap();
    let paid = item(&w, pay).await.result.unwrap();
    let payment_id = paid["payment_id"].as_str().unwrap().to_owned();
    let invoice_now = |w: &World| {
        w.emu.records(&tenant, "Invoices").into_iter().find(|i| i["InvoiceID"] == invoice_id.as_str()).unwrap()
    };
    assert_eq!(invoice_now(&w)["Status"], "PAID");

    let del = w.xero.queue_payment_deletion(org, &payment_id, "del-pay-1").await.unwrap();
    let missing =
        w.xero.queue_payment_deletion(org, "00000000-0000-0000-0000-000000000000", "del-pay-2").await.unwrap();
    assert_eq!(d.run_once(now()).await.unwrap(), RunReport { sent: 1, failed: 1, ..Default::default() });
    assert_eq!(item(&w, del).await.result.unwrap()["status"], "DELETED");
    let upstream = payments_of(&w, &tenant, &invoice_id);
    assert_eq!(upstream[0]["Status"], "DELETED", "Xero's payment is deleted");
    assert_eq!(invoice_now(&w)["Status"], "AUTHORISED", "the invoice is open again");
    let gone = item(&w, missing).await;
    assert_eq!(gone.status, Status::Failed, "a payment Xero does not have cannot be deleted, now or later");
    assert!(gone.last_error.unwrap().contains("no such record"));
}

#[tokio::test]
async fn a_payment_needs_an_amount_a_key_and_a_kept_organisation() {
    let (w, _gate, orgs) = world_behind_gate().await;
    let (org, _, invoice) = open_invoice(&w, &orgs, 5);
    let mut zero = full_payment(&invoice);
    zero.amount.amount = rust_decimal::Decimal::ZERO;
    assert!(w.xero.queue_payment(org, &zero, "pay-zero").await.is_err(), "a zero payment is refused at once");
    assert!(w.xero.queue_payment(org, &full_payment(&invoice), " ").await.is_err(), "no key, no queue");
    let stranger = OrganisationId::new_random();
    assert!(w.xero.queue_payment(stranger, &full_payment(&invoice), "pay-x").await.is_err(), "unknown organisation");
    let first = w.xero.queue_payment(org, &full_payment(&invoice), "pay-twice").await.unwrap();
    let again = w.xero.queue_payment(org, &full_payment(&invoice), "pay-twice").await.unwrap();
    assert_eq!(first, again, "a replayed queue request is the same item");
}
