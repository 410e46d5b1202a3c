//! The Saferpay (Worldline) JSON API client for SEPA direct debit (shared/providers/saferpay.md,
//! corrected by shared/reviews/sandbox-fidelity-2026-12.md). An HTTP client only: every call
//! goes through the shared `xp_http::HttpClient`; it knows no store, sync engine or ledger.
//!
//! Covered:
//! - Basic auth (API user + `Sensitive` password), the `RequestHeader` (SpecVersion 1.53,
//!   CustomerId, RequestId, RetryIndicator) and the terminal of [`SaferpayConfig`].
//! - `Transaction/AuthorizeDirect` with a bank account (IBAN checked client-side, mod-97,
//!   electronic format) and a caller-generated MandateId; `Capture`, `Inquire` (by id or
//!   OrderId), `Refund` (always `RestrictRefundAmountToCapturedAmount: true`, its own OrderId)
//!   plus the refund's capture, `Cancel`.
//! - `PaymentPage/Initialize` with `DIRECTDEBIT` (the hosted mandate flow; the RedirectUrl is
//!   for the system browser) and `PaymentPage/Assert`.
//! - The Management API transaction report, typed, with the sandbox's `_Chargeback` and
//!   `_SepaRefundExport` extensions as optional data.
//! - Saferpay's error envelope with its `Behavior`, the pure [`retry_decision`], and the
//!   exactly-once helpers ([`SaferpayClient::authorize_direct_once`], `capture_once`,
//!   `refund_once`) that ask Transaction/Inquire before any re-send of a money move.
//!
//! Not yet: `AssertCapture`/`AssertRefund` (pending states occur only for PostFinance Instant
//! Payout and crypto, review D17), partial captures, card payments, the alias store, Secure
//! PayGate payment links (`spg-offers`),
//! Batch Close (not for SEPA). How Saferpay reports SEPA returns in production is unconfirmed
//! (review D12); only the sandbox's `_Chargeback` is read. No rate limit is booked with the
//! governor: Saferpay documents none (sheet §10); the no-polling rule is the caller's to keep.

mod amount;
mod client;
mod config;
mod error;
mod iban;
mod once;
mod report;
mod retry;
mod swiss_time;
mod terminal;
mod types;

pub use client::{RequestIds, SaferpayClient};
pub use config::{Credentials, SaferpayConfig, PRODUCTION_API, SPEC_VERSION, TEST_API};
pub use error::{ApiError, Behavior, Error, Result};
pub use iban::Iban;
pub use report::{
    AuthorizationDetails, Chargeback, FailedDetails, ReportPage, ReportQuery, ReportTransaction, SepaRefundExport,
    TransactionState, MAX_REPORT_PAGE_SIZE,
};
pub use retry::{retry_decision, Attempt, Decision, MAX_RETRY_INDICATOR};
pub use swiss_time::{from_swiss, swiss_midnight, to_swiss};
pub use terminal::{PaymentMethodInfo, Terminal};
pub use types::{
    Authorization, BankAccountInfo, Brand, Cancellation, Capture, CaptureStatus, DirectDebit, DirectDebitInfo,
    PaymentMeans, PaymentPage, PaymentPageRequest, Refund, Refunded, Transaction, TransactionRef, TransactionStatus,
    TransactionType,
};
