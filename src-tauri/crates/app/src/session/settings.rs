//! The app's own sign-in settings: an Okta OIDC native app registration, the role map and the
//! owner's limits. The session owns them; the composition root hands it the `[okta]` section and
//! the issuer, and the limits are checked here once for the file and for Settings alike.
//!
//! ```toml
//! [okta]
//! client_id = "0oa1b2c3d4E5F6g7h8i9"
//! offline_grace_days = 7      # default for new installations; owners change it in Settings
//! idle_lock_minutes = 15
//! [okta.roles]
//! owner = ["XP-Owners"]
//! accountant = ["XP-Accountants"]
//! viewer = ["XP-Viewers"]
//! ```

use super::RoleMap;
use serde::Deserialize;
use url::Url;
use xp_context::{EndpointSpec, DEEP_LINK_CALLBACK};
use xp_ipc::Provider;

/// The Okta issuer is per customer (`https://{org}.okta.com/oauth2/default`): only the
/// configuration names it in production.
pub const OKTA_ENDPOINT: EndpointSpec = EndpointSpec {
    key: "okta_issuer",
    provider: Provider::Okta,
    production: None,
    sandbox_path: "/oauth2/default",
    shown: true,
};

/// How long an owner may let the app work offline, in days (the config file and Settings agree).
pub const GRACE_DAYS: std::ops::RangeInclusive<u32> = 1..=30;
/// The longest idle lock, in minutes (24 h); 0 turns it off.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OktaSettings {
    /// `providers.okta_issuer`; without it and a client id, only single-user mode is possible.
    pub issuer: Option<Url>,
    pub client_id: Option<String>,
    /// A private-use scheme in reverse-DNS form with a single slash (RFC 8252 §7.1, okta.md §4);
    /// it arrives through the deep link. Registered with the Okta app as a sign-in redirect.
    pub redirect_uri: String,
    /// `offline_access` for a refresh token (okta.md §5), `groups` for the roles claim.
    pub scopes: Vec<String>,
    pub roles: RoleMap,
    pub offline_grace_days: u32,
    pub idle_lock_minutes: u32,
}

impl Default for OktaSettings {
    fn default() -> Self {
        Self {
            issuer: None,
            client_id: None,
            redirect_uri: DEEP_LINK_CALLBACK.into(),
            scopes: ["openid", "profile", "email", "offline_access", "groups"].map(String::from).to_vec(),
            roles: RoleMap::default(),
            offline_grace_days: 7,
            idle_lock_minutes: 15,
        }
    }
}

impl OktaSettings {
    /// Okta sign-in can be chosen: an issuer and a client id are known.
    pub fn configured(&self) -> bool {
        self.issuer.is_some() && self.client_id.is_some()
    }
}

/// The `[okta]` section as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOkta {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    offline_grace_days: Option<u32>,
    idle_lock_minutes: Option<u32>,
    roles: Option<RawRoles>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    #[serde(default)]
    owner: Vec<String>,
    #[serde(default)]
    accountant: Vec<String>,
    #[serde(default)]
    viewer: Vec<String>,
}

/// The offline grace period, in days; the message names the field as Settings shows it.
pub fn check_grace_days(d: u32) -> Result<(), String> {
    if GRACE_DAYS.contains(&d) {
        Ok(())
    } else {
        Err(format!("offline grace must be 1 to 30 days, not {d}"))
    }
}

/// The idle lock, in minutes (0 = never).
pub fn check_idle_lock_minutes(m: u32) -> Result<(), String> {
    if m <= MAX_IDLE_LOCK_MINUTES {
        Ok(())
    } else {
        Err(format!("idle lock must be at most 1440 minutes (0 = never), not {m}"))
    }
}

impl OktaSettings {
    /// Checks the `[okta]` section; the message names the field.
    pub fn from_raw(raw: &RawOkta, issuer: Option<Url>) -> Result<OktaSettings, String> {
        let mut okta = OktaSettings { issuer, client_id: raw.client_id.clone(), ..OktaSettings::default() };
        if let Some(r) = &raw.redirect_uri {
            let u = Url::parse(r).map_err(|e| format!("okta.redirect_uri is not a URI ({e}): {r:?}"))?;
            // RFC 8252 §7.1: a private-use scheme must be a reverse-DNS name the app controls.
            if !u.scheme().contains('.') && !crate::config::is_loopback(&u) {
                return Err(format!(
                    "okta.redirect_uri must use a reverse-DNS scheme such as com.example.app:/callback, got {r:?}"
                ));
            }
            okta.redirect_uri = r.clone();
        }
        if let Some(d) = raw.offline_grace_days {
            check_grace_days(d).map_err(|e| format!("okta.offline_grace_days: {e}"))?;
            okta.offline_grace_days = d;
        }
        if let Some(m) = raw.idle_lock_minutes {
            check_idle_lock_minutes(m).map_err(|e| format!("okta.idle_lock_minutes: {e}"))?;
            okta.idle_lock_minutes = m;
        }
        if let Some(r) = &raw.roles {
            if r.owner.is_empty() && r.accountant.is_empty() && r.viewer.is_empty() {
                return Err("okta.roles maps no group to any role; nobody could use the app".into());
            }
            okta.roles = RoleMap { owner: r.owner.clone(), accountant: r.accountant.clone(), viewer: r.viewer.clone() };
        }
        Ok(okta)
    }
}
