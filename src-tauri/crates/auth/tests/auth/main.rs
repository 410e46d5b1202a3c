//! xp-auth against the real sandbox emulators over HTTP. Xero: the whole loopback sign-in, state
//! checks, single-flight refresh with rotation, lost refresh answers and revoked grants. Okta:
//! OpenID Connect discovery, ID token validation, signing-key rotation and revocation.
#![allow(clippy::unwrap_used)]

mod flow;
mod okta;
mod refresh;
mod sandbox;
