//! "Terminal GetTerminal": `GET {base}/api/rest/customers/{customerId}/terminals/{terminalId}`
//! (saferpay/jsonapi `texts/ChapterManagementApi.md` @d896220; since 1.32 per
//! `texts/Changelog.md`, replacing `…/payment-methods`). The sandbox's one terminal takes SEPA
//! direct debit in euros. A terminal of another customer, or none, is refused as the JSON API
//! refuses it in a payment: 403 PERMISSION_DENIED, "Terminal does not belong to the customer"
//! (for this call unconfirmed).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

use crate::error::{json_response, ApiError};
use crate::{management, Shared, PROVIDER};

/// GetTerminal came with 1.32.
const TERMINAL_SINCE_MINOR: u32 = 32;

pub async fn terminal(
    State(sh): State<Arc<Shared>>,
    Path((customer_id, terminal_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    sh.ctx.counters.hit(PROVIDER, "GET /api/rest/customers/{customerId}/terminals/{terminalId}");
    let checked = match management::check(&sh, &headers, &customer_id) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    if checked.minor < TERMINAL_SINCE_MINOR {
        return checked.fail(ApiError::validation(format!(
            "Saferpay-ApiVersion: GetTerminal needs version 1.{TERMINAL_SINCE_MINOR} or later."
        )));
    }
    if terminal_id != sh.creds.terminal_id {
        return checked.fail(ApiError::permission_denied("Terminal does not belong to the customer"));
    }
    json_response(
        StatusCode::OK,
        &json!({
            "TerminalId": terminal_id,
            "Type": "ECOM",
            "Description": "Sandbox terminal for SEPA direct debit",
            "PaymentMethods": [{
                "PaymentMethod": "DIRECTDEBIT",
                "Currencies": ["EUR"],
                "LogoUrl": "https://www.saferpay.com/static/logo/directdebit.svg"
            }],
            "Wallets": []
        }),
    )
}
