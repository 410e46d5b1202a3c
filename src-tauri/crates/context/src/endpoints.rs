//! Every provider's base URLs as resolved for this run (profile, file, `--sandbox`): what the
//! connectors and the session are handed instead of the whole configuration.
//!
//! Each URL is one row of an [`EndpointSpec`] table that the composition root assembles from
//! the connectors (each spells its production hosts and sandbox path once, beside its client).
//! Everything else — the `[providers]` section, the sandbox's start-up line, the About page,
//! the https check — walks that table, so adding a provider adds rows, not fields.

use std::collections::BTreeMap;
use url::Url;
use xp_ipc::{Provider, ProviderEndpoint};

/// One base URL a provider is reached at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSpec {
    /// Its key in `[providers]` and in the sandbox's start-up line (`xero_api`, `okx`, ...).
    pub key: &'static str,
    pub provider: Provider,
    /// The real service; None when every customer has their own (an Okta issuer), so only
    /// configuration can name it.
    pub production: Option<&'static str>,
    /// The path of this URL on its emulator's origin (each emulator serves its provider's real
    /// paths at the root of a loopback port of its own): Okta's issuer path, Saferpay's `/api`.
    pub sandbox_path: &'static str,
    /// Shown on the About page as the provider's address.
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Endpoints {
    urls: BTreeMap<&'static str, Url>,
    shown: Vec<(Provider, &'static str)>,
}

/// A URL a feature needs and the configuration does not give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no URL is configured for providers.{0}")]
pub struct MissingEndpoint(pub String);

impl Endpoints {
    /// The real services (rows without a production URL stay unset).
    pub fn production(specs: &[EndpointSpec]) -> Endpoints {
        let mut e = Endpoints::shown_of(specs);
        for s in specs {
            if let Some(p) = s.production {
                e.urls.insert(s.key, Url::parse(p).expect("a built-in production URL parses"));
            }
        }
        e
    }

    /// Every row at an emulator served at `origin` (tests that start one emulator; the sandbox
    /// server's start-up line names each emulator's own origin).
    pub fn sandbox(specs: &[EndpointSpec], origin: &Url) -> Endpoints {
        let mut e = Endpoints::shown_of(specs);
        for s in specs {
            e.urls.insert(s.key, origin.join(s.sandbox_path).expect("a sandbox path joins"));
        }
        e
    }

    /// The table with no URL set: a sandbox profile configured by hand names each one in
    /// `[providers]` (the sandbox's start-up line names them all).
    pub fn unset(specs: &[EndpointSpec]) -> Endpoints {
        Endpoints::shown_of(specs)
    }

    fn shown_of(specs: &[EndpointSpec]) -> Endpoints {
        Endpoints {
            urls: BTreeMap::new(),
            shown: specs.iter().filter(|s| s.shown).map(|s| (s.provider, s.key)).collect(),
        }
    }

    /// The URL under `key`, if the profile or the configuration gives one.
    pub fn get(&self, key: &str) -> Option<&Url> {
        self.urls.get(key)
    }

    /// The URL under `key`, or an error naming the setting that is missing.
    pub fn require(&self, key: &str) -> Result<&Url, MissingEndpoint> {
        self.get(key).ok_or_else(|| MissingEndpoint(key.to_owned()))
    }

    /// Sets the URL of a row of the table (a `[providers]` override or a sandbox line).
    pub fn set(&mut self, spec: &EndpointSpec, url: Url) {
        self.urls.insert(spec.key, url);
    }

    /// What the About page shows: one address per provider that has one.
    pub fn listed(&self) -> Vec<ProviderEndpoint> {
        self.shown
            .iter()
            .filter_map(|(provider, key)| {
                self.urls.get(key).map(|u| ProviderEndpoint { provider: *provider, base_url: u.to_string() })
            })
            .collect()
    }

    /// Every URL with the configuration key that sets it, for validation.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Url)> {
        self.urls.iter().map(|(k, u)| (*k, u))
    }

    /// A path under a base URL, whatever trailing slash the base was written with.
    pub fn join(base: &Url, path: &str) -> Result<Url, url::ParseError> {
        Url::parse(&format!("{}/{path}", base.as_str().trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[EndpointSpec] = &[
        EndpointSpec {
            key: "acme_api",
            provider: Provider::Okx,
            production: Some("https://api.acme.example"),
            sandbox_path: "/acme/v1",
            shown: true,
        },
        EndpointSpec {
            key: "acme_issuer",
            provider: Provider::Okta,
            production: None,
            sandbox_path: "/idp",
            shown: false,
        },
    ];

    #[test]
    fn production_leaves_a_per_customer_url_unset_and_sandbox_sets_every_row() {
        let p = Endpoints::production(SPECS);
        assert_eq!(p.get("acme_api").unwrap().as_str(), "https://api.acme.example/");
        assert_eq!(p.require("acme_issuer").unwrap_err().to_string(), "no URL is configured for providers.acme_issuer");
        let s = Endpoints::sandbox(SPECS, &Url::parse("http://127.0.0.1:4010").unwrap());
        assert_eq!(s.get("acme_api").unwrap().as_str(), "http://127.0.0.1:4010/acme/v1");
        assert_eq!(s.get("acme_issuer").unwrap().as_str(), "http://127.0.0.1:4010/idp");
        assert_eq!(s.listed().len(), 1, "only rows marked shown are listed");
        assert_eq!(s.all().count(), 2);
    }
}
