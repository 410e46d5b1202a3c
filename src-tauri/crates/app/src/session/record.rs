//! What is remembered about a sign-in between runs (never a token: those are in the vault), the
//! owner's sign-in settings, and the pure rule that turns them into a session state at a given
//! moment. The rule takes the time as an argument so both sides of every edge are tested.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use xp_ipc::{SessionSettings, SessionState, SignInMode};

/// Settings key of the signed-in user's record.
pub const RECORD_KEY: &str = "session.user";
/// Settings key of the owner's choices (mode, idle lock, offline grace).
pub const SETTINGS_KEY: &str = "session.settings";
/// Set after a sign-out, a lock or an ended session, cleared by the next fresh sign-in: the
/// next sign-in must ask for the password (it survives a restart; a shared computer's next
/// person must not inherit the browser's Okta session).
pub const FORCE_LOGIN_KEY: &str = "session.force_login";

use super::settings::{check_grace_days, check_idle_lock_minutes, OktaSettings};
pub use super::settings::{GRACE_DAYS, MAX_IDLE_LOCK_MINUTES};

/// The signed-in person, as validated from the ID token, and when that was last confirmed online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The ID token's `sub`: a refreshed ID token must name the same subject (OIDC Core §12.2).
    pub sub: String,
    pub name: String,
    pub email: String,
    pub groups: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_in_at: OffsetDateTime,
    /// The last time the provider confirmed the session (sign-in or refresh); the offline grace
    /// period counts from here.
    #[serde(with = "time::serde::rfc3339")]
    pub last_validated_at: OffsetDateTime,
    /// Persisted so quitting and reopening the app does not undo a lock.
    pub locked: bool,
}

pub fn default_settings(okta_configured: bool, okta: &OktaSettings) -> SessionSettings {
    SessionSettings {
        // An installation with Okta configured signs people in unless an owner chose otherwise.
        mode: if okta_configured { SignInMode::Okta } else { SignInMode::SingleUser },
        idle_lock_minutes: okta.idle_lock_minutes,
        offline_grace_days: okta.offline_grace_days,
    }
}

/// Checks an owner's new settings; the message names the field.
pub fn validate_settings(s: &SessionSettings, okta_configured: bool) -> Result<(), String> {
    check_grace_days(s.offline_grace_days)?;
    check_idle_lock_minutes(s.idle_lock_minutes)?;
    if s.mode == SignInMode::Okta && !okta_configured {
        return Err(
            "Okta sign-in is not configured: set the Okta issuer and client id in the configuration file first".into(),
        );
    }
    Ok(())
}

pub fn grace(s: &SessionSettings) -> Duration {
    Duration::days(i64::from(s.offline_grace_days))
}

pub fn idle_limit(s: &SessionSettings) -> Option<Duration> {
    (s.idle_lock_minutes > 0).then(|| Duration::minutes(i64::from(s.idle_lock_minutes)))
}

/// Why a state was reached, for the decision to persist an idle lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    pub state: SessionState,
    /// The state is Locked only because idle time ran out just now; the caller persists it.
    pub idle_lock_due: bool,
}

/// The session state in Okta mode at `now`.
///
/// The grace edge is inclusive: at exactly `last_validated_at + grace` the user still works;
/// one second later the app asks for an online sign-in. Idle lock: locked once `idle` has
/// passed since the last activity.
pub fn evaluate(
    record: Option<&SessionRecord>,
    signing_in: bool,
    settings: &SessionSettings,
    last_activity: OffsetDateTime,
    now: OffsetDateTime,
) -> Evaluation {
    let plain = |state| Evaluation { state, idle_lock_due: false };
    let Some(r) = record else {
        return plain(if signing_in { SessionState::SigningIn } else { SessionState::SignedOut });
    };
    if r.locked {
        return plain(if signing_in { SessionState::SigningIn } else { SessionState::Locked });
    }
    if now > r.last_validated_at + grace(settings) {
        return plain(if signing_in { SessionState::SigningIn } else { SessionState::GraceExpired });
    }
    if idle_limit(settings).is_some_and(|idle| now - last_activity >= idle) {
        return Evaluation { state: SessionState::Locked, idle_lock_due: true };
    }
    plain(SessionState::SignedIn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    fn record() -> SessionRecord {
        SessionRecord {
            sub: "00u1".into(),
            name: "Olivia Owner".into(),
            email: "olivia.owner@example.com".into(),
            groups: vec!["XP-Owners".into()],
            signed_in_at: T0,
            last_validated_at: T0,
            locked: false,
        }
    }

    fn settings(idle: u32) -> SessionSettings {
        SessionSettings { mode: SignInMode::Okta, idle_lock_minutes: idle, offline_grace_days: 7 }
    }

    #[test]
    fn offline_grace_holds_up_to_its_edge_and_not_a_second_after() {
        let r = record();
        let s = settings(0);
        let edge = T0 + Duration::days(7);
        assert_eq!(evaluate(Some(&r), false, &s, edge, edge - Duration::seconds(1)).state, SessionState::SignedIn);
        assert_eq!(evaluate(Some(&r), false, &s, edge, edge).state, SessionState::SignedIn);
        assert_eq!(evaluate(Some(&r), false, &s, edge, edge + Duration::seconds(1)).state, SessionState::GraceExpired);
        let s3 = SessionSettings { offline_grace_days: 3, ..s };
        assert_eq!(
            evaluate(Some(&r), false, &s3, T0, T0 + Duration::days(3) + Duration::seconds(1)).state,
            SessionState::GraceExpired,
            "the grace period is the owner's setting"
        );
    }

    #[test]
    fn idle_time_locks_and_activity_keeps_it_open() {
        let r = record();
        let s = settings(15);
        let e = evaluate(Some(&r), false, &s, T0, T0 + Duration::minutes(15) - Duration::seconds(1));
        assert_eq!(e, Evaluation { state: SessionState::SignedIn, idle_lock_due: false });
        let e = evaluate(Some(&r), false, &s, T0, T0 + Duration::minutes(15));
        assert_eq!(e, Evaluation { state: SessionState::Locked, idle_lock_due: true });
        let later = T0 + Duration::minutes(14);
        assert_eq!(
            evaluate(Some(&r), false, &s, later, later + Duration::minutes(14)).state,
            SessionState::SignedIn,
            "activity restarts the idle clock"
        );
        assert_eq!(
            evaluate(Some(&r), false, &settings(0), T0, T0 + Duration::days(6)).state,
            SessionState::SignedIn,
            "0 turns the idle lock off"
        );
    }

    #[test]
    fn a_persisted_lock_and_no_record_need_a_sign_in() {
        let s = settings(15);
        let locked = SessionRecord { locked: true, ..record() };
        assert_eq!(evaluate(Some(&locked), false, &s, T0, T0).state, SessionState::Locked);
        assert_eq!(evaluate(Some(&locked), true, &s, T0, T0).state, SessionState::SigningIn);
        assert_eq!(evaluate(None, false, &s, T0, T0).state, SessionState::SignedOut);
        assert_eq!(evaluate(None, true, &s, T0, T0).state, SessionState::SigningIn);
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        let ok = settings(15);
        assert!(validate_settings(&ok, true).is_ok());
        for (bad, configured, needle) in [
            (SessionSettings { offline_grace_days: 0, ..ok.clone() }, true, "offline grace"),
            (SessionSettings { offline_grace_days: 31, ..ok.clone() }, true, "offline grace"),
            (SessionSettings { idle_lock_minutes: 1441, ..ok.clone() }, true, "idle lock"),
            (ok.clone(), false, "not configured"),
        ] {
            let e = validate_settings(&bad, configured).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
        assert!(validate_settings(&SessionSettings { mode: SignInMode::SingleUser, ..ok }, false).is_ok());
    }
}
