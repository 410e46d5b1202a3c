//! Every provider's base URL as resolved for this run (profile, file, `--sandbox`): what the
//! connectors and the session are handed instead of the whole configuration.

use url::Url;
use xp_ipc::{Provider, ProviderEndpoint};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub xero_identity: Url,
    pub xero_login: Url,
    pub xero_api: Url,
    /// An Okta issuer is per customer (`https://{org}.okta.com/oauth2/default`): configuration only.
    pub okta_issuer: Option<Url>,
    pub gocardless: Url,
    pub saferpay: Url,
    pub okx: Url,
    pub openai: Url,
}

impl Endpoints {
    /// What the About page shows.
    pub fn listed(&self) -> Vec<ProviderEndpoint> {
        let mut v = vec![
            ProviderEndpoint { provider: Provider::Xero, base_url: self.xero_api.to_string() },
            ProviderEndpoint { provider: Provider::Gocardless, base_url: self.gocardless.to_string() },
            ProviderEndpoint { provider: Provider::Saferpay, base_url: self.saferpay.to_string() },
            ProviderEndpoint { provider: Provider::Okx, base_url: self.okx.to_string() },
            ProviderEndpoint { provider: Provider::Openai, base_url: self.openai.to_string() },
        ];
        if let Some(okta) = &self.okta_issuer {
            v.insert(1, ProviderEndpoint { provider: Provider::Okta, base_url: okta.to_string() });
        }
        v
    }

    /// Every URL with the configuration key that sets it, for validation.
    pub fn all(&self) -> Vec<(&'static str, &Url)> {
        let mut v = vec![
            ("xero_identity", &self.xero_identity),
            ("xero_login", &self.xero_login),
            ("xero_api", &self.xero_api),
            ("gocardless", &self.gocardless),
            ("saferpay", &self.saferpay),
            ("okx", &self.okx),
            ("openai", &self.openai),
        ];
        if let Some(o) = &self.okta_issuer {
            v.push(("okta_issuer", o));
        }
        v
    }

    /// Every provider's emulator under one sandbox origin (`tests/sandbox`'s mount points).
    pub fn sandbox(origin: &Url) -> Endpoints {
        let at = |p: &str| origin.join(p).expect("sandbox path joins");
        Endpoints {
            xero_identity: at("/xero/identity"),
            xero_login: at("/xero/login"),
            xero_api: at("/xero/api"),
            okta_issuer: Some(at("/okta/oauth2/default")),
            gocardless: at("/gocardless"),
            saferpay: at("/saferpay/api"),
            okx: at("/okx"),
            openai: at("/openai/v1"),
        }
    }

    /// A path under a base URL, whatever trailing slash the base was written with.
    pub fn join(base: &Url, path: &str) -> Result<Url, url::ParseError> {
        Url::parse(&format!("{}/{path}", base.as_str().trim_end_matches('/')))
    }
}
