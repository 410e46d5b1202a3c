//! Who may sign in, pinned in the encrypted store (security review 2026-12 #4).
//!
//! The configuration file is writable by anyone who uses the OS account, so it must not decide
//! at every start which identity provider signs people in or which groups make an owner: a file
//! pointing at one's own issuer, or mapping "Everyone" to owner, would promote a viewer. The first
//! start pins the issuer, the client id and the role map from the file; afterwards the file only
//! *proposes* a change, which takes effect when a signed-in owner adopts it (audited). The
//! sign-in mode is pinned the same way, in the session settings an owner changes in Settings.
//!
//! Pure: the service loads the pin, calls [`reconcile`] and stores what it says.

use super::settings::OktaSettings;
use super::RoleMap;
use serde::{Deserialize, Serialize};
use url::Url;
use xp_ipc::Profile;

/// Settings key of the pinned identity.
pub const PINNED_KEY: &str = "session.identity";

/// The part of the Okta settings that decides who gets which role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedIdentity {
    pub issuer: Option<Url>,
    pub client_id: Option<String>,
    pub roles: RoleMap,
}

impl PinnedIdentity {
    pub fn of(okta: &OktaSettings) -> Self {
        Self { issuer: okta.issuer.clone(), client_id: okta.client_id.clone(), roles: okta.roles.clone() }
    }

    pub fn configured(&self) -> bool {
        self.issuer.is_some() && self.client_id.is_some()
    }

    /// Whether `other` names the same identity provider registration and role map. In the
    /// sandbox profile the emulators listen on a new loopback port at every start, so there an
    /// issuer is the same when both are loopback with the same path (the profile only accepts
    /// loopback endpoints, so nothing outside the machine can be named this way).
    fn same_as(&self, other: &PinnedIdentity, profile: Profile) -> bool {
        let issuer_same = match (&self.issuer, &other.issuer, profile) {
            (Some(a), Some(b), Profile::Sandbox) => {
                crate::config::is_loopback(a) && crate::config::is_loopback(b) && a.path() == b.path()
            }
            (a, b, _) => a == b,
        };
        issuer_same && self.client_id == other.client_id && self.roles == other.roles
    }
}

/// What a start does with the pin and the file's proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinning {
    /// The settings the session runs with: the file's, with the pinned identity in force.
    pub effective: OktaSettings,
    /// Nothing was pinned yet: store this (the first start pins what the file says).
    pub pin_now: Option<PinnedIdentity>,
    /// The file proposes another identity; an owner may adopt it.
    pub proposal: Option<PinnedIdentity>,
}

/// Decides the identity in force. `signed_in_before`: a sign-in record exists, so this
/// installation already signed people in with Okta (an upgrade from a version that did not pin).
pub fn reconcile(
    pinned: Option<&PinnedIdentity>,
    file: &OktaSettings,
    profile: Profile,
    signed_in_before: bool,
) -> Result<Pinning, String> {
    let proposed = PinnedIdentity::of(file);
    let Some(pinned) = pinned else {
        if signed_in_before && !proposed.configured() {
            // Pinning "no Okta" here would turn an Okta installation into single-user mode,
            // where everyone is the owner: the very escalation the pin exists to stop.
            return Err("this installation signs people in with Okta, but the configuration file no longer names \
                 the Okta issuer and client id; restore providers.okta_issuer and [okta] client_id"
                .into());
        }
        return Ok(Pinning { effective: file.clone(), pin_now: Some(proposed), proposal: None });
    };
    if pinned.same_as(&proposed, profile) {
        // The file's issuer is used as written: in the sandbox it carries this start's port.
        return Ok(Pinning { effective: file.clone(), pin_now: None, proposal: None });
    }
    let effective = OktaSettings {
        issuer: pinned.issuer.clone(),
        client_id: pinned.client_id.clone(),
        roles: pinned.roles.clone(),
        ..file.clone()
    };
    Ok(Pinning { effective, pin_now: None, proposal: Some(proposed) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(issuer: &str, client: &str) -> OktaSettings {
        OktaSettings {
            issuer: Some(Url::parse(issuer).unwrap()),
            client_id: Some(client.into()),
            ..OktaSettings::default()
        }
    }

    #[test]
    fn the_first_start_pins_what_the_file_says() {
        let f = file("https://acme.okta.com/oauth2/default", "0oa1");
        let p = reconcile(None, &f, Profile::Production, false).unwrap();
        assert_eq!(p.effective, f);
        assert_eq!(p.pin_now, Some(PinnedIdentity::of(&f)));
        assert_eq!(p.proposal, None);
    }

    #[test]
    fn a_file_naming_another_issuer_or_role_map_is_only_a_proposal() {
        let pinned = PinnedIdentity::of(&file("https://acme.okta.com/oauth2/default", "0oa1"));
        let mut evil = file("https://evil.example/oauth2/default", "0oa1");
        evil.roles.owner = vec!["Everyone".into()];
        let p = reconcile(Some(&pinned), &evil, Profile::Production, true).unwrap();
        assert_eq!(p.effective.issuer, pinned.issuer);
        assert_eq!(p.effective.roles, pinned.roles);
        assert_eq!(p.pin_now, None);
        assert_eq!(p.proposal, Some(PinnedIdentity::of(&evil)));

        // An empty file (`--config /dev/null`) keeps Okta, with the pinned issuer and client.
        let p = reconcile(Some(&pinned), &OktaSettings::default(), Profile::Production, true).unwrap();
        assert!(p.effective.configured());
        assert_eq!(p.effective.issuer, pinned.issuer);
    }

    #[test]
    fn the_same_identity_is_no_proposal_and_only_the_sandbox_ignores_the_loopback_port() {
        let pinned = PinnedIdentity::of(&file("http://127.0.0.1:4100/okta/oauth2/default", "0oa1"));
        let moved = file("http://127.0.0.1:4200/okta/oauth2/default", "0oa1");
        let p = reconcile(Some(&pinned), &moved, Profile::Sandbox, true).unwrap();
        assert_eq!((p.proposal, p.effective.issuer), (None, moved.issuer.clone()), "this start's port is used");
        let p = reconcile(Some(&pinned), &moved, Profile::Production, true).unwrap();
        assert!(p.proposal.is_some(), "production compares the issuer exactly");
        let other_path = file("http://127.0.0.1:4200/other/oauth2/default", "0oa1");
        assert!(reconcile(Some(&pinned), &other_path, Profile::Sandbox, true).unwrap().proposal.is_some());
        let other_client = file("http://127.0.0.1:4100/okta/oauth2/default", "0oa2");
        assert!(reconcile(Some(&pinned), &other_client, Profile::Sandbox, true).unwrap().proposal.is_some());
    }

    #[test]
    fn an_okta_installation_whose_file_lost_okta_does_not_start_as_single_user() {
        let e = reconcile(None, &OktaSettings::default(), Profile::Production, true).unwrap_err();
        assert!(e.contains("no longer names"), "{e}");
        // A new installation without Okta is single-user by choice.
        assert!(reconcile(None, &OktaSettings::default(), Profile::Production, false).is_ok());
    }
}
