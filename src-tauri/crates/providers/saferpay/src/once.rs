//! Exactly-once money moves over an API that does not deduplicate.
//!
//! Saferpay executes every call it receives: a retried AuthorizeDirect debits twice and a
//! retried Refund refunds twice; the RequestId is "for debugging purposes" only
//! (`Common_RequestHeader`; review D1). After an unknown outcome — timeout, lost answer, 5xx,
//! COMMUNICATION_TIMEOUT — Saferpay's advice is to check before acting again ("Take no further
//! action on that payment until the call returns or times out", sheet §2; "Check with the
//! acquirer if there is an authorization", `texts/06_ErrorHandling_TechnicalDetails.md`).
//!
//! So every re-send here is preceded by Transaction/Inquire under the caller's own reference
//! (the debit's or refund's OrderId, the captured transaction's id), and happens only when
//! Inquire proves nothing was done: TRANSACTION_NOT_FOUND, or for a capture, the transaction
//! still AUTHORIZED. When Inquire finds the call's effect, that is the answer. A repeated
//! Capture answering TRANSACTION_ALREADY_CAPTURED counts as done once Inquire shows the capture
//! (sheet §8). When Inquire itself cannot answer, the result is [`Error::OutcomeUnknown`] and
//! nothing more is sent.
//!
//! Limit: Inquire's data "can lag by a few minutes" (sheet §4, saferpay/sndbx
//! `texts/inquire.md`). A NOT_FOUND seconds after a lost answer is trusted here; the unique
//! MandateId of every debit is the second guard — Saferpay refuses a second debit under it.

use crate::client::SaferpayClient;
use crate::error::{Error, Result};
use crate::retry::{retry_decision, Attempt, Decision};
use crate::types::{Authorization, Capture, CaptureStatus, DirectDebit, Refund, Refunded, TransactionRef};
use crate::types::{TransactionStatus, TransactionType};
use std::time::Duration;

/// Immediate re-sends after a `RETRY` answer or a transport failure within one call; beyond
/// that the error goes back to the caller with the attempt to resume from.
const MAX_IMMEDIATE_RESENDS: u32 = 2;
/// Pause before an immediate re-send, times the number of re-sends so far.
const RESEND_PAUSE: Duration = Duration::from_millis(200);

/// One call that moves money, with the way to find out whether it happened.
trait MoneyMove {
    type Done;
    const OPERATION: &'static str;

    /// The caller's reference Inquire looks the effect up by.
    fn lookup(&self) -> TransactionRef;
    async fn send(&self, client: &SaferpayClient, attempt: &Attempt) -> Result<Self::Done>;
    /// `Some` when Inquire's answer shows the call's effect, `None` when it proves there is none.
    fn found(&self, inquired: Authorization) -> Result<Option<Self::Done>>;
    /// An error that means "this was done already" (if Inquire agrees).
    fn says_done(&self, _error: &Error) -> bool {
        false
    }
}

struct Debit<'a>(&'a DirectDebit);
struct CaptureOf<'a>(&'a str);
struct RefundOf<'a> {
    capture_id: &'a str,
    refund: &'a Refund,
}

impl MoneyMove for Debit<'_> {
    type Done = Authorization;
    const OPERATION: &'static str = "AuthorizeDirect";

    fn lookup(&self) -> TransactionRef {
        TransactionRef::OrderId(self.0.order_id.clone())
    }

    async fn send(&self, client: &SaferpayClient, attempt: &Attempt) -> Result<Authorization> {
        client.authorize_direct(self.0, attempt).await
    }

    fn found(&self, inquired: Authorization) -> Result<Option<Authorization>> {
        let t = &inquired.transaction;
        let mandate = t.direct_debit.as_ref().map(|d| d.mandate_id.as_str());
        if t.kind != TransactionType::Payment || t.amount != self.0.amount || mandate != Some(&self.0.mandate_id) {
            return Err(mismatch(
                &self.lookup(),
                format!("a {:?} of {} with mandate {mandate:?}, not this debit of {}", t.kind, t.amount, self.0.amount),
            ));
        }
        Ok(Some(inquired))
    }
}

impl MoneyMove for CaptureOf<'_> {
    type Done = Capture;
    const OPERATION: &'static str = "Capture";

    fn lookup(&self) -> TransactionRef {
        TransactionRef::Id(self.0.to_owned())
    }

    async fn send(&self, client: &SaferpayClient, attempt: &Attempt) -> Result<Capture> {
        client.capture(self.0, attempt).await
    }

    fn found(&self, inquired: Authorization) -> Result<Option<Capture>> {
        let t = inquired.transaction;
        match (t.status, t.capture_id) {
            (TransactionStatus::Captured, Some(capture_id)) => {
                Ok(Some(Capture { capture_id, status: CaptureStatus::Captured, date: None }))
            }
            (TransactionStatus::Captured, None) => {
                Err(Error::Malformed { what: format!("transaction {} is CAPTURED without a CaptureId", t.id) })
            }
            (TransactionStatus::Authorized, _) => Ok(None),
            (status, _) => Err(mismatch(&self.lookup(), format!("it is {status:?}, it cannot be captured"))),
        }
    }

    fn says_done(&self, error: &Error) -> bool {
        error.is("TRANSACTION_ALREADY_CAPTURED")
    }
}

impl MoneyMove for RefundOf<'_> {
    type Done = Authorization;
    const OPERATION: &'static str = "Refund";

    fn lookup(&self) -> TransactionRef {
        TransactionRef::OrderId(self.refund.order_id.clone())
    }

    async fn send(&self, client: &SaferpayClient, attempt: &Attempt) -> Result<Authorization> {
        client.refund(self.capture_id, self.refund, attempt).await
    }

    fn found(&self, inquired: Authorization) -> Result<Option<Authorization>> {
        let t = &inquired.transaction;
        if t.kind != TransactionType::Refund || t.amount != self.refund.amount {
            return Err(mismatch(
                &self.lookup(),
                format!("a {:?} of {}, not this refund of {}", t.kind, t.amount, self.refund.amount),
            ));
        }
        Ok(Some(inquired))
    }
}

fn mismatch(reference: &TransactionRef, what: String) -> Error {
    Error::Mismatch { reference: reference.to_string(), what }
}

impl SaferpayClient {
    /// [`SaferpayClient::authorize_direct`] at most once per `debit.order_id`. Start with
    /// [`SaferpayClient::first_attempt`]; after [`Error::OutcomeUnknown`] or a `RETRY_LATER`
    /// error, resume later with the attempt [`retry_decision`] gives (or the error's `resume`):
    /// a resumed attempt asks Inquire before sending anything.
    pub async fn authorize_direct_once(&self, debit: &DirectDebit, attempt: Attempt) -> Result<Authorization> {
        once(self, &Debit(debit), attempt).await
    }

    /// [`SaferpayClient::capture`] at most once: TRANSACTION_ALREADY_CAPTURED is success when
    /// Inquire shows the capture, and its CaptureId is returned.
    pub async fn capture_once(&self, transaction_id: &str, attempt: Attempt) -> Result<Capture> {
        once(self, &CaptureOf(transaction_id), attempt).await
    }

    /// A refund that moves money: [`SaferpayClient::refund`] at most once per
    /// `refund.order_id`, then the capture of the REFUND transaction (sheet §5), also at most
    /// once. Resuming with the same `refund.order_id` finishes a half-done refund.
    pub async fn refund_once(&self, capture_id: &str, refund: &Refund, attempt: Attempt) -> Result<Refunded> {
        let authorized = once(self, &RefundOf { capture_id, refund }, attempt).await?;
        let t = &authorized.transaction;
        let capture = match (t.status, &t.capture_id) {
            (TransactionStatus::Captured, Some(id)) => {
                Capture { capture_id: id.clone(), status: CaptureStatus::Captured, date: None }
            }
            _ => self.capture_once(&t.id, self.first_attempt()?).await?,
        };
        Ok(Refunded { refund: authorized, capture })
    }
}

/// The loop behind every `*_once`: send; on failure, look with Inquire before any re-send.
async fn once<M: MoneyMove>(client: &SaferpayClient, m: &M, mut attempt: Attempt) -> Result<M::Done> {
    // A resumed request may have been executed by an earlier attempt.
    let mut look_first = attempt.is_retry();
    let mut resends = 0;
    loop {
        if look_first {
            if let Some(done) = settled(client, m, &attempt).await? {
                return Ok(done);
            }
        }
        let error = match m.send(client, &attempt).await {
            Ok(done) => return Ok(done),
            Err(e) => e,
        };
        let checked = m.says_done(&error) || error.outcome_unknown();
        if checked {
            if let Some(done) = settled(client, m, &attempt).await? {
                tracing::info!(operation = M::OPERATION, "the call had been executed; Inquire shows its effect");
                return Ok(done);
            }
            if m.says_done(&error) {
                // Saferpay says done, Inquire says not: trust neither, change nothing.
                return Err(error);
            }
        }
        match retry_decision(&error, &attempt) {
            Decision::RetryNow(next) if resends < MAX_IMMEDIATE_RESENDS => {
                resends += 1;
                tracing::info!(operation = M::OPERATION, retry = next.retry_indicator(), %error, "sending again");
                tokio::time::sleep(RESEND_PAUSE * resends).await;
                attempt = next;
                // Proven a moment ago when checked; otherwise look before sending again.
                look_first = !checked;
            }
            _ => return Err(error),
        }
    }
}

/// Inquire under the move's own reference: `Some` when it happened, `None` when Saferpay has no
/// such effect. Any other answer leaves the outcome unknown.
async fn settled<M: MoneyMove>(client: &SaferpayClient, m: &M, attempt: &Attempt) -> Result<Option<M::Done>> {
    let unknown = |source: Error| Error::OutcomeUnknown {
        operation: M::OPERATION,
        reference: m.lookup().to_string(),
        resume: attempt.next().unwrap_or_else(|| attempt.clone()),
        source: Box::new(source),
    };
    let inquiry = client.first_attempt()?;
    match client.inquire(&m.lookup(), &inquiry).await {
        Ok(found) => m.found(found),
        // "details of a transaction that has been authorized successfully": nothing there.
        Err(e) if e.is("TRANSACTION_NOT_FOUND") => Ok(None),
        Err(e) => Err(unknown(e)),
    }
}
