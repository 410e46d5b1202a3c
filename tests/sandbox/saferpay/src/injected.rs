//! Named errors injected through the fault kit (`saferpay:error=NAME[/BEHAVIOR][*count]`), so a
//! client can be tested on every `Behavior` it must handle: `RETRY`, `RETRY_LATER`,
//! `DO_NOT_RETRY` (`ABORT` before SpecVersion 1.33), `OTHER_MEANS`.
//!
//! The names and their meaning are the list of `texts/06_ErrorHandling_TechnicalDetails.md`.
//! Saferpay documents `Behavior` per answer, not per name: the default behaviour below is the
//! sandbox's reading of each name's "Solution" text (unconfirmed), and a fault can name
//! another one. Statuses: 400 validation, 401 authentication, 403 access denied, 500 internal,
//! 402 "requested action failed" for the rest (`texts/06_ErrorHandling.md`).

use axum::http::StatusCode;

use crate::error::{ApiError, Behavior};

/// (ErrorName, status, behaviour without an override, message).
const NAMED: [(&str, StatusCode, Behavior, &str); 32] = {
    use Behavior::{DoNotRetry as Dnr, OtherMeans as Om, Retry as R, RetryLater as Rl};
    const A: StatusCode = StatusCode::PAYMENT_REQUIRED;
    [
        ("ACTION_NOT_SUPPORTED", A, Dnr, "The requested action is not supported in the given context"),
        ("ALIAS_INVALID", A, Dnr, "The alias is not known or already used"),
        ("AMOUNT_INVALID", A, Dnr, "The amount does not adhere to the restrictions for this action"),
        ("AUTHENTICATION_FAILED", StatusCode::UNAUTHORIZED, Dnr, "Unable to authenticate request"),
        ("BLOCKED_BY_RISK_MANAGEMENT", A, Dnr, "Action blocked by risk management"),
        ("CARD_CHECK_FAILED", A, Om, "Invalid card number or cvc"),
        ("CARD_CVC_INVALID", A, Om, "Wrong cvc entered"),
        ("CARD_CVC_REQUIRED", A, Om, "Cvc not entered but required"),
        // "Try again or use another means of payment".
        ("COMMUNICATION_FAILED", A, R, "The communication to the processor failed"),
        // "It's possible that an authorization was created": check before trying again.
        ("COMMUNICATION_TIMEOUT", A, Rl, "Saferpay did not receive a response from the external system in time"),
        ("CONDITION_NOT_SATISFIED", A, Dnr, "The condition which was defined in the request could not be satisfied"),
        ("CURRENCY_INVALID", A, Dnr, "Currency does not match referenced transaction currency"),
        ("GENERAL_DECLINED", A, Dnr, "Transaction declined by unknown reason"),
        ("INTERNAL_ERROR", StatusCode::INTERNAL_SERVER_ERROR, R, "Internal error"),
        ("NO_CONTRACT", A, Om, "No contract available for the brand / currency combination"),
        ("NO_CREDITS_AVAILABLE", A, Rl, "No more credits available for this account"),
        ("PAYER_AUTHENTICATION_REQUIRED", A, Om, "Payer authentication required to proceed"),
        ("PAYMENTMEANS_INVALID", A, Om, "Invalid means of payment"),
        ("PAYMENTMEANS_NOT_SUPPORTED", A, Om, "Unsupported means of payment"),
        ("PERMISSION_DENIED", StatusCode::FORBIDDEN, Dnr, "Permission denied"),
        ("3DS_AUTHENTICATION_FAILED", A, Om, "3D-secure authentication failed"),
        ("TOKEN_EXPIRED", A, Dnr, "The token is expired"),
        ("TOKEN_INVALID", A, Dnr, "The token either does not exist for this customer or was already used"),
        ("TRANSACTION_ABORTED", A, Dnr, "The transaction was aborted by the payer"),
        ("TRANSACTION_ALREADY_CAPTURED", A, Dnr, "Transaction already captured"),
        ("TRANSACTION_DECLINED", A, Om, "Transaction declined by the processor"),
        ("TRANSACTION_IN_WRONG_STATE", A, Dnr, "Invalid action"),
        ("TRANSACTION_NOT_FOUND", A, Dnr, "Transaction not found"),
        // "Try again later".
        ("TRANSACTION_NOT_STARTED", A, Rl, "The transaction was not started by the payer"),
        // "Try again".
        ("UNEXPECTED_ERROR_BY_ACQUIRER", A, R, "The acquirer returned an unexpected error code"),
        ("UPDATE_CARD_INFORMATION", A, Om, "Card details need to be updated"),
        ("VALIDATION_FAILED", StatusCode::BAD_REQUEST, Dnr, "Request validation failed"),
    ]
};

/// The answer for an injected `error=NAME[/BEHAVIOR]`. A name or behaviour Saferpay does not
/// document answers INTERNAL_ERROR saying so, so that a typo in a fault spec shows.
pub fn error(name: &str, behavior: Option<&str>) -> ApiError {
    let Some(&(name, status, default, message)) = NAMED.iter().find(|(n, ..)| *n == name) else {
        return unknown(&format!("ErrorName {name}"));
    };
    let behavior = match behavior.map(|b| (b, Behavior::parse(b))) {
        None => default,
        Some((_, Some(b))) => b,
        Some((b, None)) => return unknown(&format!("Behavior {b}")),
    };
    ApiError::new(status, name, message, behavior)
}

fn unknown(what: &str) -> ApiError {
    let mut e = ApiError::internal();
    e.detail.push(format!("Sandbox: the injected fault names an undocumented {what}."));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_behavior_is_reachable_and_names_are_unique() {
        for b in [Behavior::DoNotRetry, Behavior::OtherMeans, Behavior::Retry, Behavior::RetryLater] {
            assert!(NAMED.iter().any(|(.., d, _)| *d == b), "{b:?} is some name's default");
        }
        let mut names: Vec<&str> = NAMED.iter().map(|(n, ..)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMED.len());
        assert_eq!(error("GENERAL_DECLINED", Some("RETRY_LATER")).behavior, Behavior::RetryLater);
        assert_eq!(error("NO_SUCH_ERROR", None).name, "INTERNAL_ERROR");
        assert_eq!(error("GENERAL_DECLINED", Some("MAYBE")).name, "INTERNAL_ERROR");
    }
}
