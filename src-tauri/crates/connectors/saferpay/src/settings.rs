//! Where Saferpay is reached. Its credentials are not configuration: they are entered once,
//! verified, and kept in the vault (the sandbox profile takes the emulator's from its start-up
//! line instead).

use xp_context::EndpointSpec;
use xp_ipc::Provider;

/// The JSON API base, `…/api` (sheet §1); the emulator serves it under `/api` of its origin.
pub const ENDPOINTS: [EndpointSpec; 1] = [EndpointSpec {
    key: API,
    provider: Provider::Saferpay,
    production: Some(xp_saferpay::PRODUCTION_API),
    sandbox_path: "/api",
    shown: true,
}];
pub(crate) const API: &str = "saferpay";
