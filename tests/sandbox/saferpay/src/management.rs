//! What every Management API call checks before its own work (`texts/ChapterManagementApi.md`,
//! "Additional HTTP Headers"): JSON accepted, the JSON API's Basic auth, the
//! `Saferpay-ApiVersion` and `Saferpay-RequestId` HTTP headers instead of a RequestHeader, and the
//! customer in the path being the one the credentials belong to. Errors use the JSON API's
//! envelope (that the Management API does is unconfirmed), echoing the caller's version and id.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::api::{accepts_json, basic_auth_ok, injected_error, is_id, spec_minor};
use crate::error::{bare, ApiError, ApiResult, CURRENT_SPEC_MINOR, CURRENT_SPEC_VERSION};
use crate::Shared;

/// A checked Management API request: its version, and how to answer it with an error.
pub(crate) struct Checked {
    pub minor: u32,
    echo_version: String,
    echo_minor: u32,
    echo_id: String,
}

impl Checked {
    pub fn fail(&self, e: ApiError) -> Response {
        e.render(&self.echo_version, self.echo_minor, &self.echo_id)
    }
}

/// The checks, in Saferpay's order; `Err` is the answer to send.
pub(crate) fn check(sh: &Shared, headers: &HeaderMap, customer_id: &str) -> Result<Checked, Box<Response>> {
    if !accepts_json(headers) {
        return Err(Box::new(bare(StatusCode::NOT_ACCEPTABLE)));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let request_id = header("saferpay-requestid");
    let version = header("saferpay-apiversion");
    let minor = version.as_deref().and_then(spec_minor);
    let (echo_version, echo_minor) = match (&version, minor) {
        (Some(v), Some(m)) => (v.clone(), m),
        _ => (CURRENT_SPEC_VERSION.to_owned(), CURRENT_SPEC_MINOR),
    };
    let mut checked =
        Checked { minor: echo_minor, echo_version, echo_minor, echo_id: request_id.clone().unwrap_or_default() };
    if !basic_auth_ok(sh, headers) {
        return Err(Box::new(checked.fail(ApiError::authentication())));
    }
    let valid = (|| -> ApiResult<u32> {
        let minor = match (&version, minor) {
            (None, _) => return Err(ApiError::required_field("Saferpay-ApiVersion")),
            (Some(_), None) => return Err(ApiError::invalid_field("Saferpay-ApiVersion")),
            (Some(_), Some(m)) => m,
        };
        match request_id.as_deref() {
            None => return Err(ApiError::required_field("Saferpay-RequestId")),
            Some(id) if !is_id(id, 50) => return Err(ApiError::invalid_field("Saferpay-RequestId")),
            Some(_) => {}
        }
        Ok(minor)
    })();
    checked.minor = valid.map_err(|e| Box::new(checked.fail(e)))?;
    // As for the RequestHeader's CustomerId: another customer is "Invalid credentials".
    if customer_id != sh.creds.customer_id {
        return Err(Box::new(checked.fail(ApiError::authentication())));
    }
    if let Some(e) = injected_error(sh) {
        return Err(Box::new(checked.fail(e)));
    }
    Ok(checked)
}
