//! The app's own sign-in (Okta OIDC) or single-user mode, roles and what they allow, offline
//! grace and lock. `access`, `pinned` and `record` are pure; `service` does the I/O.

pub mod access;
pub mod pinned;
pub mod record;
mod service;
pub mod settings;

pub use access::RoleMap;
pub use service::{Notify, SessionService};
pub use settings::OktaSettings;
