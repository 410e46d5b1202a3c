//! The signed-in session: Okta sign-in through the system browser and the deep link, ID token
//! validation, refresh with rotation, logout with revocation, offline grace, lock, and the
//! permission check every Tauri command goes through.
//!
//! What is kept where: tokens in the vault (`okta/refresh/session`, `okta/access/session`,
//! `okta/id/session`); the person and the time of the last online check in the store
//! (`settings` table, no token); the lock in the store too, so a restart does not undo it.

use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use url::Url;
use xp_auth::oidc::{self, Expected, IdClaims, JwksCache, ProviderMetadata, TokenTypeHint};
use xp_auth::{AuthorizeRequest, PendingFlow, Pkce, Registry, TokenSet, TokenVault};
use xp_core::{ErrorCode, Sensitive};
use xp_http::HttpClient;
use xp_ipc::{
    Permission, ProposedSignIn, Role, RoleGroups, SessionSettings, SessionState, SessionStatus, SessionUser, SignInMode,
};
use xp_sync::CancellationToken;

use super::access::{self, required_role, role_name};
use super::pinned::{self, PinnedIdentity, PINNED_KEY};
use super::record::{self, SessionRecord, FORCE_LOGIN_KEY, RECORD_KEY, SETTINGS_KEY};
use crate::session::settings::OktaSettings;
use crate::{Error, Result};
use xp_context::Context;
use xp_core::rfc3339 as timefmt;

/// The vault key under the `okta` prefix.
const VAULT_KEY: &str = "session";
const ID_TOKEN_KEY: &str = "okta/id/session";
/// Pending-flow note: the sign-in must have authenticated at or after this Unix time.
const REAUTH_AFTER: &str = "reauth_after";

/// Called with the new status whenever it changes (the shell emits `session-changed`).
pub type Notify = Arc<dyn Fn(SessionStatus) + Send + Sync>;

#[derive(Clone)]
pub struct SessionService {
    inner: Arc<Inner>,
}

struct Inner {
    services: Context,
    /// The `[okta]` section as the configuration file gives it this start.
    file: OktaSettings,
    identity: Mutex<Identity>,
    http: HttpClient,
    registry: Registry,
    tokens: TokenVault,
    live: Mutex<Live>,
    /// One network operation on the session at a time (refresh with rotation must not race
    /// itself or a sign-out).
    net: tokio::sync::Mutex<()>,
    metadata: tokio::sync::Mutex<Option<(Arc<ProviderMetadata>, JwksCache)>>,
    notify: Mutex<Option<Notify>>,
}

/// The Okta settings in force (the file's, with the pinned issuer, client id and role map) and
/// what the file proposes instead.
struct Identity {
    okta: OktaSettings,
    proposal: Option<PinnedIdentity>,
}

struct Live {
    settings: SessionSettings,
    record: Option<SessionRecord>,
    /// The `state` of the sign-in the browser is showing, if any.
    signing_in: Option<String>,
    last_activity: OffsetDateTime,
    /// The last online check failed for lack of network.
    offline: bool,
    message: Option<String>,
    /// After a sign-out or a lock, the next sign-in must ask for credentials again even if the
    /// browser still holds an Okta session (OIDC Core §3.1.2.1 `prompt=login`); otherwise a lock
    /// would open with one click.
    force_login: bool,
}

fn provider_err(e: xp_auth::Error) -> Error {
    Error::Auth(e)
}

fn denied(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::Denied { code, message: message.into() }
}

impl SessionService {
    /// Loads the settings and the remembered sign-in. No network: the app opens offline.
    pub async fn new(services: Context, file: OktaSettings) -> Result<Self> {
        let record = xp_store::settings::get::<SessionRecord>(&services.store, RECORD_KEY).await?;
        let pin = xp_store::settings::get::<PinnedIdentity>(&services.store, PINNED_KEY).await?;
        let pinning = pinned::reconcile(pin.as_ref(), &file, services.profile, record.is_some())
            .map_err(|reason| Error::Config { path: "okta".into(), reason })?;
        let okta = pinning.effective;
        let stored_settings = xp_store::settings::get::<SessionSettings>(&services.store, SETTINGS_KEY).await?;
        let first_setup = stored_settings.is_none();
        // The mode is pinned with the identity: a later file without Okta must not turn an Okta
        // installation into single-user mode, where everyone is the owner.
        let settings = stored_settings.unwrap_or_else(|| record::default_settings(okta.configured(), &okta));
        if first_setup {
            xp_store::settings::set(&services.store, SETTINGS_KEY, &settings).await?;
        }
        if let Some(pin) = &pinning.pin_now {
            xp_store::settings::set(&services.store, PINNED_KEY, pin).await?;
            xp_store::audit::append(
                &services.store,
                xp_store::audit::NewEntry {
                    actor: &services.actor(),
                    action: "settings.sign_in_pinned",
                    subject: "session",
                    detail: serde_json::json!({"mode": mode_name(settings.mode), "identity": identity_detail(pin)}),
                },
                services.clock.now(),
            )
            .await?;
        }
        if let Some(p) = &pinning.proposal {
            tracing::warn!(
                proposed_issuer = p.issuer.as_ref().map(Url::as_str),
                "the configuration file proposes other sign-in settings than the pinned ones; they apply once an owner adopts them"
            );
        }
        let force_login = record.as_ref().is_some_and(|r| r.locked)
            || xp_store::settings::get::<bool>(&services.store, FORCE_LOGIN_KEY).await?.unwrap_or(false);
        let http = services.http_client()?;
        let now = services.clock.now();
        let inner = Inner {
            registry: services.auth_flows.clone(),
            tokens: TokenVault::new(services.vault.clone(), "okta"),
            http,
            live: Mutex::new(Live {
                force_login,
                settings,
                record,
                signing_in: None,
                last_activity: now,
                offline: false,
                message: None,
            }),
            net: tokio::sync::Mutex::new(()),
            metadata: tokio::sync::Mutex::new(None),
            notify: Mutex::new(None),
            services,
            file,
            identity: Mutex::new(Identity { okta, proposal: pinning.proposal }),
        };
        let service = Self { inner: Arc::new(inner) };
        service.sync_actor();
        Ok(service)
    }

    pub fn set_notify(&self, notify: Notify) {
        *self.inner.notify.lock().unwrap_or_else(|p| p.into_inner()) = Some(notify);
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.inner.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> OffsetDateTime {
        self.inner.services.clock.now()
    }

    /// The Okta settings in force now (an owner may adopt the file's proposal while running).
    fn config(&self) -> OktaSettings {
        self.identity().okta.clone()
    }

    fn identity(&self) -> std::sync::MutexGuard<'_, Identity> {
        self.inner.identity.lock().unwrap_or_else(|p| p.into_inner())
    }

    // -----------------------------------------------------------------------------------------
    // The guard

    /// Checks that someone is signed in, not locked, within the offline grace period, and that
    /// their role holds `need`. Every Tauri command except the session ones calls this first.
    pub async fn require(&self, need: Permission) -> Result<()> {
        let (state, role) = self.current().await?;
        match state {
            SessionState::SignedIn => {}
            SessionState::Locked => {
                return Err(denied(ErrorCode::Locked, "Xero Partner is locked; sign in again to continue"))
            }
            SessionState::GraceExpired => {
                let days = self.live().settings.offline_grace_days;
                return Err(denied(
                    ErrorCode::SignInRequired,
                    format!(
                        "the app has not been able to check your sign-in online for more than {days} days; connect to the internet and sign in again"
                    ),
                ));
            }
            SessionState::SignedOut | SessionState::SigningIn => {
                return Err(denied(ErrorCode::SignInRequired, "sign in to continue"))
            }
        }
        let needed = required_role(need);
        let refusal = match role {
            Some(r) if access::allows(r, need) => return Ok(()),
            Some(r) => format!(
                "this needs the {} role; you are signed in as {}. Ask your Okta administrator to add you to {}",
                role_name(needed),
                role_name(r),
                self.groups_text(needed)
            ),
            None => format!(
                "your Okta groups give you no role in Xero Partner. Ask your Okta administrator to add you to {}",
                self.groups_text(needed)
            ),
        };
        // A refusal by role is worth an audit entry: the UI never offers these actions, so one
        // arriving means a stale window, a misconfigured group, or someone probing.
        let who = self.live().record.as_ref().map(|r| r.email.clone()).unwrap_or_default();
        self.audit(
            "access.denied",
            &who,
            serde_json::json!({"permission": serde_json::to_value(need).unwrap_or_default(), "role": role.map(role_name)}),
        )
        .await?;
        Err(denied(ErrorCode::Forbidden, refusal))
    }

    /// Who is signed in now (the ID token's `sub`); None in single-user mode or signed out.
    pub fn subject(&self) -> Option<String> {
        let live = self.live();
        (live.settings.mode == SignInMode::Okta).then(|| live.record.as_ref().map(|r| r.sub.clone())).flatten()
    }

    /// [`require`](Self::require) again at the end of a long action, and the same person as at
    /// its start (`subject()` then): a lock, a sign-out or another person's sign-in while a
    /// browser step was pending refuses what the first check allowed (security review #8).
    pub async fn require_same(&self, need: Permission, subject: Option<&str>) -> Result<()> {
        self.require(need).await?;
        if self.subject().as_deref() != subject {
            return Err(denied(
                ErrorCode::SignInRequired,
                "someone else signed in while this was waiting for the browser; start it again",
            ));
        }
        Ok(())
    }

    fn groups_text(&self, role: Role) -> String {
        let config = self.config();
        let groups = config.roles.groups(role);
        if groups.is_empty() {
            format!("a group mapped to the {} role", role_name(role))
        } else {
            groups.join(" or ")
        }
    }

    /// The state now and the role it grants; persists an idle lock the moment it is due.
    async fn current(&self) -> Result<(SessionState, Option<Role>)> {
        let Some((eval, role)) = self.evaluate_now() else {
            return Ok((SessionState::SignedIn, Some(Role::Owner)));
        };
        if eval.idle_lock_due {
            self.set_locked("idle").await?;
        }
        Ok((eval.state, role))
    }

    /// Whether the window may be shown data right now (signed in, not locked, within the grace
    /// period), without waiting: for background work that would otherwise push organisation names
    /// into a locked or signed-out window (security review 2026-12 #8).
    pub fn window_may_see_data(&self) -> bool {
        self.evaluate_now().is_none_or(|(eval, _)| eval.state == SessionState::SignedIn)
    }

    /// The session's state by the clock now and the role it grants, without persisting
    /// anything; None in single-user mode (always signed in as the owner).
    fn evaluate_now(&self) -> Option<(record::Evaluation, Option<Role>)> {
        let now = self.now();
        let live = self.live();
        if live.settings.mode == SignInMode::SingleUser {
            return None;
        }
        let eval =
            record::evaluate(live.record.as_ref(), live.signing_in.is_some(), &live.settings, live.last_activity, now);
        let role = live.record.as_ref().and_then(|r| self.config().roles.role_for(&r.groups));
        Some((eval, role))
    }

    // -----------------------------------------------------------------------------------------
    // Status

    pub async fn status(&self) -> Result<SessionStatus> {
        let (state, role) = self.current().await?;
        Ok(self.status_for(state, role))
    }

    fn status_for(&self, state: SessionState, role: Option<Role>) -> SessionStatus {
        let config = self.config();
        let proposal = self.identity().proposal.clone();
        let live = self.live();
        let roles = &config.roles;
        let single = live.settings.mode == SignInMode::SingleUser;
        let user = if single {
            Some(SessionUser { name: "Owner (single-user mode)".into(), email: String::new(), role: Some(Role::Owner) })
        } else {
            live.record.as_ref().map(|r| SessionUser { name: r.name.clone(), email: r.email.clone(), role })
        };
        let signed_in = state == SessionState::SignedIn;
        SessionStatus {
            mode: live.settings.mode,
            state,
            user: if signed_in || state == SessionState::Locked { user } else { None },
            permissions: if signed_in { access::permissions(role) } else { Vec::new() },
            okta_configured: config.configured(),
            okta_issuer: config.issuer.as_ref().map(Url::to_string),
            offline: !single && live.offline,
            last_validated_at: live.record.as_ref().filter(|_| !single).map(|r| timefmt(r.last_validated_at)),
            offline_until: live
                .record
                .as_ref()
                .filter(|_| !single)
                .map(|r| timefmt(r.last_validated_at + record::grace(&live.settings))),
            offline_grace_days: live.settings.offline_grace_days,
            idle_lock_minutes: live.settings.idle_lock_minutes,
            message: live.message.clone(),
            role_groups: role_groups(roles),
            proposed_sign_in: proposal.map(|p| ProposedSignIn {
                okta_issuer: p.issuer.as_ref().map(Url::to_string),
                client_id: p.client_id.clone(),
                role_groups: role_groups(&p.roles),
            }),
        }
    }

    async fn changed(&self) {
        self.sync_actor();
        let notify = self.inner.notify.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(notify) = notify {
            match self.status().await {
                Ok(s) => notify(s),
                Err(e) => tracing::warn!(error = %e, "cannot compute the session status"),
            }
        }
    }

    /// Who audit entries name: the signed-in email, or "owner" in single-user mode.
    fn sync_actor(&self) {
        let actor = {
            let live = self.live();
            match (&live.settings.mode, &live.record) {
                (SignInMode::SingleUser, _) => "owner".to_owned(),
                (SignInMode::Okta, Some(r)) => r.email.clone(),
                (SignInMode::Okta, None) => "signed-out".to_owned(),
            }
        };
        self.inner.services.set_actor(actor);
    }

    // -----------------------------------------------------------------------------------------
    // Activity and lock

    /// The user did something in the window: restarts the idle clock, unless the idle limit
    /// has already passed. Then the session is locked (and stays so), whatever input arrives:
    /// the clock decides, not a race between the window's status poll and its first keypress.
    pub async fn activity(&self) -> Result<()> {
        let (state, _) = self.current().await?;
        if state == SessionState::Locked {
            self.changed().await;
            return Ok(());
        }
        let now = self.now();
        let mut live = self.live();
        if live.record.as_ref().is_some_and(|r| !r.locked) {
            live.last_activity = now;
        }
        Ok(())
    }

    /// Locks on time even when the window sends nothing (hidden, minimised): checks the idle
    /// clock every `every` and tells the window when the lock fell.
    pub fn spawn_idle_lock(&self, every: std::time::Duration) -> CancellationToken {
        let stop = CancellationToken::new();
        let me = self.clone();
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
                let was_locked = me.live().record.as_ref().is_some_and(|r| r.locked);
                match me.current().await {
                    Ok((SessionState::Locked, _)) if !was_locked => me.changed().await,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(code = %e.code(), "idle-lock check failed: {e}"),
                }
            }
        });
        stop
    }

    /// Remembers (in the store) that the next sign-in must ask for the password.
    async fn require_fresh_login(&self) -> Result<()> {
        self.live().force_login = true;
        xp_store::settings::set(&self.inner.services.store, FORCE_LOGIN_KEY, &true).await?;
        Ok(())
    }

    pub async fn lock(&self) -> Result<SessionStatus> {
        if self.live().settings.mode == SignInMode::SingleUser {
            return Err(Error::Invalid("single-user mode has no sign-in to return to, so it cannot be locked".into()));
        }
        self.set_locked("manual").await?;
        self.changed().await;
        self.status().await
    }

    async fn set_locked(&self, reason: &str) -> Result<()> {
        let record = {
            let mut live = self.live();
            match live.record.as_mut() {
                Some(r) if !r.locked => {
                    r.locked = true;
                    r.clone()
                }
                _ => return Ok(()),
            }
        };
        self.require_fresh_login().await?;
        xp_store::settings::set(&self.inner.services.store, RECORD_KEY, &record).await?;
        self.audit("session.lock", &record.email, serde_json::json!({"reason": reason})).await?;
        tracing::info!(reason, "session locked");
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Sign-in

    async fn provider(&self) -> Result<(Arc<ProviderMetadata>, JwksCache)> {
        let mut slot = self.inner.metadata.lock().await;
        if let Some((m, j)) = slot.as_ref() {
            return Ok((m.clone(), j.clone()));
        }
        let issuer = self.issuer()?;
        let meta = Arc::new(oidc::discover(&self.inner.http, &issuer).await.map_err(provider_err)?);
        let jwks = JwksCache::new(self.inner.http.clone(), meta.jwks_uri.clone(), self.inner.services.clock.clone());
        *slot = Some((meta.clone(), jwks.clone()));
        Ok((meta, jwks))
    }

    fn issuer(&self) -> Result<Url> {
        self.config().issuer.ok_or_else(not_configured)
    }

    fn client_id(&self) -> Result<String> {
        self.config().client_id.clone().ok_or_else(not_configured)
    }

    /// Opens Okta's sign-in in the system browser (RFC 8252 §8.12); the answer comes back
    /// through the deep link to [`complete_sign_in`](Self::complete_sign_in).
    pub async fn begin_sign_in(&self, open: impl FnOnce(&Url)) -> Result<SessionStatus> {
        if self.live().settings.mode != SignInMode::Okta {
            return Err(Error::Invalid("this installation runs in single-user mode; nobody signs in".into()));
        }
        let client_id = self.client_id()?;
        let (meta, _) = self.provider().await?;
        let pkce = Pkce::generate(&mut rand::rngs::OsRng);
        let nonce = oidc::nonce(&mut rand::rngs::OsRng);
        let redirect_uri = self.config().redirect_uri.clone();
        let force_login = self.live().force_login;
        let state = self.inner.registry.start(PendingFlow {
            provider: "okta".into(),
            redirect_uri: redirect_uri.clone(),
            verifier: pkce.verifier.clone(),
            nonce: Some(nonce.clone()),
            extra: if force_login {
                [(REAUTH_AFTER.to_owned(), self.now().unix_timestamp().to_string())].into()
            } else {
                Default::default()
            },
        });
        let config = self.config();
        let scopes: Vec<&str> = config.scopes.iter().map(String::as_str).collect();
        // `prompt=login` asks Okta for fresh credentials; a stripped parameter is caught by
        // `max_age=0` and the `auth_time` check in `finish` (OIDC Core §3.1.2.1, §3.1.2.2).
        let reauthenticate: &[(&str, &str)] = if force_login { &[("prompt", "login"), ("max_age", "0")] } else { &[] };
        let url = xp_auth::authorize_url(
            &meta.authorization_endpoint,
            &AuthorizeRequest {
                client_id: &client_id,
                redirect_uri: &redirect_uri,
                scopes: &scopes,
                state: state.as_str(),
                pkce: &pkce,
                nonce: Some(&nonce),
                extra: reauthenticate,
            },
        )
        .map_err(provider_err)?;
        {
            let mut live = self.live();
            live.signing_in = Some(state.as_str().to_owned());
            live.message = None;
        }
        open(&url);
        self.changed().await;
        self.status().await
    }

    /// Forgets the sign-in in progress; a late answer for it is then refused.
    pub async fn cancel_sign_in(&self) -> Result<SessionStatus> {
        self.live().signing_in = None;
        self.changed().await;
        self.status().await
    }

    /// Handles the redirect URL that came in through the deep link. Every failure is kept as
    /// the login page's message and audited (without codes or tokens), except an error answer
    /// for no sign-in on screen: anyone can send one (a web page, another program), so it is
    /// dropped without touching the login page or the audit log.
    pub async fn complete_sign_in(&self, url: &str) -> Result<SessionStatus> {
        if self.is_stray_error_answer(url) {
            tracing::debug!("sign-in: an error answer for no pending sign-in was ignored");
            return self.status().await;
        }
        let result = self.finish(url).await;
        if let Err(e) = &result {
            tracing::warn!(code = %e.code(), "sign-in refused: {e}");
            self.live().message = Some(e.to_string());
            self.audit("session.sign_in_refused", "okta", serde_json::json!({"reason": e.to_string()})).await?;
        }
        self.changed().await;
        result?;
        self.status().await
    }

    /// An `error=` redirect whose state is not the sign-in on screen.
    fn is_stray_error_answer(&self, url: &str) -> bool {
        match xp_auth::parse_redirect(url, &self.config().redirect_uri) {
            Err(xp_auth::Error::AccessDenied { state, .. } | xp_auth::Error::AuthorizationRefused { state, .. }) => {
                state.is_none() || self.live().signing_in.as_deref() != state.as_deref()
            }
            _ => false,
        }
    }

    async fn finish(&self, url: &str) -> Result<()> {
        let redirect_uri = self.config().redirect_uri.clone();
        let callback = match xp_auth::parse_redirect(url, &redirect_uri) {
            Ok(c) => c,
            Err(e) => {
                // An error answer for the sign-in on screen ends it; anything else leaves it.
                if let xp_auth::Error::AccessDenied { state: Some(s), .. }
                | xp_auth::Error::AuthorizationRefused { state: Some(s), .. } = &e
                {
                    let mut live = self.live();
                    if live.signing_in.as_deref() == Some(s.as_str()) {
                        live.signing_in = None;
                        // An expired flow says so rather than relaying the answer.
                        self.inner.registry.take(s, "okta").map_err(provider_err)?;
                    }
                }
                return Err(provider_err(e));
            }
        };
        let flow = match self.inner.registry.take(&callback.state, "okta") {
            Ok(flow) => flow,
            Err(e) => {
                // The sign-in on screen timed out: it is over, say so on the login page.
                let mut live = self.live();
                if live.signing_in.as_deref() == Some(callback.state.as_str()) {
                    live.signing_in = None;
                }
                return Err(provider_err(e));
            }
        };
        {
            let mut live = self.live();
            if live.signing_in.as_deref() != Some(callback.state.as_str()) {
                return Err(Error::Invalid(
                    "this sign-in was cancelled in the app; start the sign-in again from the app".into(),
                ));
            }
            live.signing_in = None;
        }
        let client_id = self.client_id()?;
        let (meta, jwks) = self.provider().await?;
        callback.check_issuer(&meta.issuer).map_err(provider_err)?;
        let tokens = xp_auth::exchange_code(
            &self.inner.http,
            self.inner.services.clock.as_ref(),
            &meta.token_endpoint,
            &client_id,
            &callback.code,
            &flow.redirect_uri,
            &flow.verifier,
        )
        .await
        .map_err(provider_err)?;
        let claims = self.validate(&tokens, &meta, &jwks, &client_id, flow.nonce.as_deref()).await?;
        if let Some(after) = flow.extra.get(REAUTH_AFTER).and_then(|t| t.parse::<i64>().ok()) {
            let fresh =
                claims.auth_time.is_some_and(|t| t.unix_timestamp() >= after - oidc::DEFAULT_LEEWAY.whole_seconds());
            if !fresh {
                return Err(Error::Invalid(
                    "Okta did not ask for the password again after the lock or sign-out; sign in again".into(),
                ));
            }
        }
        let now = self.now();
        let record = SessionRecord {
            sub: claims.sub.clone(),
            name: display_name(&claims),
            email: claims.email.clone().or(claims.preferred_username.clone()).unwrap_or_default(),
            groups: claims.groups.clone(),
            signed_in_at: now,
            last_validated_at: now,
            locked: false,
        };
        self.save_tokens(&tokens)?;
        xp_store::settings::set(&self.inner.services.store, RECORD_KEY, &record).await?;
        xp_store::settings::delete(&self.inner.services.store, FORCE_LOGIN_KEY).await?;
        let role = self.config().roles.role_for(&record.groups);
        {
            let mut live = self.live();
            live.record = Some(record.clone());
            live.force_login = false;
            live.last_activity = now;
            live.offline = false;
            live.message = None;
        }
        self.sync_actor();
        self.audit(
            "session.sign_in",
            &record.email,
            serde_json::json!({"role": role.map(role_name), "groups": record.groups}),
        )
        .await?;
        tracing::info!(role = role.map(role_name), "signed in");
        Ok(())
    }

    async fn validate(
        &self,
        tokens: &TokenSet,
        meta: &ProviderMetadata,
        jwks: &JwksCache,
        client_id: &str,
        nonce: Option<&str>,
    ) -> Result<IdClaims> {
        let id_token = tokens.id_token.as_ref().ok_or_else(|| {
            provider_err(xp_auth::Error::MalformedTokenResponse("no id_token (is the openid scope granted?)".into()))
        })?;
        let expected =
            Expected { issuer: &meta.issuer, client_id, nonce, now: self.now(), leeway: oidc::DEFAULT_LEEWAY };
        oidc::verify_id_token(jwks, id_token, &expected).await.map_err(provider_err)
    }

    fn save_tokens(&self, tokens: &TokenSet) -> Result<()> {
        self.inner.tokens.save(VAULT_KEY, tokens).map_err(provider_err)?;
        if let Some(id) = &tokens.id_token {
            self.inner.services.vault.set(ID_TOKEN_KEY, id)?;
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Keeping the session alive

    /// Confirms the session online with a refresh (rotating the refresh token) and takes the
    /// groups of the new ID token. Offline, nothing changes but the `offline` flag; a refresh
    /// the provider refuses ends the session.
    pub async fn revalidate(&self) -> Result<()> {
        let _one = self.inner.net.lock().await;
        let record = {
            let live = self.live();
            match (&live.settings.mode, &live.record) {
                (SignInMode::Okta, Some(r)) if !r.locked => r.clone(),
                _ => return Ok(()),
            }
        };
        let Some(refresh_token) = self.inner.tokens.refresh_token(VAULT_KEY).map_err(provider_err)? else {
            return self.end("the stored sign-in has no refresh token").await;
        };
        let outcome = async {
            let (meta, jwks) = self.provider().await?;
            let client_id = self.client_id()?;
            let tokens = xp_auth::refresh(
                &self.inner.http,
                self.inner.services.clock.as_ref(),
                &meta.token_endpoint,
                &client_id,
                &refresh_token,
            )
            .await
            .map_err(provider_err)?;
            // The rotated refresh token is saved before anything else can fail: the old one is
            // already spent (okta.md §5).
            self.save_tokens(&tokens)?;
            let claims = match &tokens.id_token {
                Some(_) => Some(self.validate(&tokens, &meta, &jwks, &client_id, None).await?),
                None => None,
            };
            Ok::<_, Error>(claims)
        }
        .await;
        match outcome {
            Ok(claims) => {
                if let Some(c) = &claims {
                    if c.sub != record.sub {
                        return self.end("the provider answered for a different user").await;
                    }
                }
                let now = self.now();
                let (updated, role_change) = {
                    let mut live = self.live();
                    let Some(r) = live.record.as_mut() else { return Ok(()) };
                    let before = self.config().roles.role_for(&r.groups);
                    if let Some(c) = &claims {
                        r.groups = c.groups.clone();
                        r.name = display_name(c);
                        if let Some(e) = &c.email {
                            r.email = e.clone();
                        }
                    }
                    // Only a validated ID token confirms who is signed in and their groups.
                    if claims.is_some() {
                        r.last_validated_at = now;
                    }
                    let after = self.config().roles.role_for(&r.groups);
                    let out = (r.clone(), (before != after).then_some((before, after)));
                    live.offline = false;
                    out
                };
                xp_store::settings::set(&self.inner.services.store, RECORD_KEY, &updated).await?;
                if let Some((before, after)) = role_change {
                    self.audit(
                        "session.role_change",
                        &updated.email,
                        serde_json::json!({"from": before.map(role_name), "to": after.map(role_name)}),
                    )
                    .await?;
                }
                self.changed().await;
                Ok(())
            }
            Err(e) if e.code() == ErrorCode::ReconnectNeeded => self.end(&e.to_string()).await,
            // An answer whose ID token fails validation is not "offline": the provider (or
            // something in its place) said something that cannot be trusted, so the session
            // ends rather than living on the old role for the grace period.
            Err(Error::Auth(xp_auth::Error::IdTokenRejected(r))) => {
                self.end(&format!("the refreshed ID token was rejected: {r}")).await
            }
            Err(e) => {
                // Offline or the provider is down: keep working within the grace period.
                tracing::info!(code = %e.code(), "cannot confirm the session online: {e}");
                let was = std::mem::replace(&mut self.live().offline, true);
                if !was {
                    self.changed().await;
                }
                Ok(())
            }
        }
    }

    /// Ends the session locally after the provider refused it.
    async fn end(&self, why: &str) -> Result<()> {
        let email = self.forget().await?;
        self.require_fresh_login().await?;
        self.live().message = Some(format!("Your sign-in has ended ({why}). Sign in again."));
        self.audit("session.end", &email, serde_json::json!({"reason": why})).await?;
        self.changed().await;
        Ok(())
    }

    /// Deletes tokens and the record; returns who was signed in.
    async fn forget(&self) -> Result<String> {
        self.inner.tokens.delete(VAULT_KEY).map_err(provider_err)?;
        self.inner.services.vault.delete(ID_TOKEN_KEY)?;
        xp_store::settings::delete(&self.inner.services.store, RECORD_KEY).await?;
        let record = {
            let mut live = self.live();
            live.offline = false;
            live.record.take()
        };
        Ok(record.map(|r| r.email).unwrap_or_default())
    }

    /// Revokes the refresh and access tokens (RFC 7009) and ends the session. Offline, the
    /// session still ends here and the message says the tokens could not be revoked.
    pub async fn sign_out(&self) -> Result<SessionStatus> {
        let _one = self.inner.net.lock().await;
        let refresh = self.inner.tokens.refresh_token(VAULT_KEY).map_err(provider_err)?;
        let access = self.inner.tokens.access_token(VAULT_KEY).map_err(provider_err)?;
        let mut unrevoked = false;
        if refresh.is_some() || access.is_some() {
            match self.revoke_all(refresh, access.map(|a| a.token)).await {
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!(code = %e.code(), "could not revoke the Okta tokens: {e}");
                    unrevoked = true;
                }
            }
        }
        let email = self.forget().await?;
        self.require_fresh_login().await?;
        self.live().message = unrevoked.then(|| {
            "Signed out on this computer. Okta could not be reached to revoke the sign-in; it expires on its own."
                .to_owned()
        });
        self.audit("session.sign_out", &email, serde_json::json!({"revoked": !unrevoked})).await?;
        self.changed().await;
        self.status().await
    }

    async fn revoke_all(&self, refresh: Option<Sensitive<String>>, access: Option<Sensitive<String>>) -> Result<()> {
        let (meta, _) = self.provider().await?;
        let client_id = self.client_id()?;
        let Some(endpoint) = &meta.revocation_endpoint else { return Ok(()) };
        // The refresh token first: it is the long-lived one (okta.md §7).
        if let Some(t) = refresh {
            xp_auth::revoke(&self.inner.http, endpoint, &client_id, &t, TokenTypeHint::RefreshToken)
                .await
                .map_err(provider_err)?;
        }
        if let Some(t) = access {
            xp_auth::revoke(&self.inner.http, endpoint, &client_id, &t, TokenTypeHint::AccessToken)
                .await
                .map_err(provider_err)?;
        }
        Ok(())
    }

    /// Revalidates now and then every `every` until cancelled.
    pub fn spawn_revalidation(&self, every: std::time::Duration) -> CancellationToken {
        let stop = CancellationToken::new();
        let me = self.clone();
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.revalidate().await {
                    tracing::warn!(code = %e.code(), "session check failed: {e}");
                }
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
            }
        });
        stop
    }

    // -----------------------------------------------------------------------------------------
    // Settings

    /// An owner's change of sign-in mode, idle lock or offline grace. The caller has checked
    /// `ManageSignIn`; leaving single-user mode for Okta signs everyone out.
    pub async fn update_settings(&self, new: SessionSettings) -> Result<SessionStatus> {
        self.require(Permission::ManageSignIn).await?;
        record::validate_settings(&new, self.config().configured()).map_err(Error::Invalid)?;
        let old = self.live().settings.clone();
        xp_store::settings::set(&self.inner.services.store, SETTINGS_KEY, &new).await?;
        self.live().settings = new.clone();
        self.audit(
            "settings.sign_in",
            "session",
            serde_json::json!({
                "mode": {"from": mode_name(old.mode), "to": mode_name(new.mode)},
                "idle_lock_minutes": new.idle_lock_minutes,
                "offline_grace_days": new.offline_grace_days,
            }),
        )
        .await?;
        self.changed().await;
        self.status().await
    }

    /// An owner adopts the sign-in settings the configuration file proposes (issuer, client id,
    /// role map). A new issuer or client signs everyone out: the session on record was issued
    /// by the old one.
    pub async fn adopt_proposed_sign_in(&self) -> Result<SessionStatus> {
        self.require(Permission::ManageSignIn).await?;
        let Some(proposed) = self.identity().proposal.clone() else {
            return Err(Error::Invalid("the configuration file proposes no change to the sign-in settings".into()));
        };
        if self.live().settings.mode == SignInMode::Okta && !proposed.configured() {
            return Err(Error::Invalid(
                "the configuration file names no Okta issuer and client id; with Okta sign-in in use that would lock \
                 everyone out. Switch to single-user mode first, or complete the [okta] settings"
                    .into(),
            ));
        }
        let before = PinnedIdentity::of(&self.config());
        xp_store::settings::set(&self.inner.services.store, PINNED_KEY, &proposed).await?;
        {
            let mut identity = self.identity();
            identity.okta = self.inner.file.clone();
            identity.proposal = None;
        }
        *self.inner.metadata.lock().await = None;
        self.audit(
            "settings.sign_in_identity",
            "session",
            serde_json::json!({"from": identity_detail(&before), "to": identity_detail(&proposed)}),
        )
        .await?;
        let provider_changed = before.issuer != proposed.issuer || before.client_id != proposed.client_id;
        if provider_changed && self.live().record.is_some() {
            let _one = self.inner.net.lock().await;
            self.forget().await?;
            self.require_fresh_login().await?;
            self.live().message = Some("The sign-in provider changed. Sign in again.".into());
        }
        self.changed().await;
        self.status().await
    }

    async fn audit(&self, action: &str, subject: &str, detail: serde_json::Value) -> Result<()> {
        let actor = self.inner.services.actor();
        xp_store::audit::append(
            &self.inner.services.store,
            xp_store::audit::NewEntry { actor: &actor, action, subject, detail },
            self.now(),
        )
        .await?;
        Ok(())
    }
}

fn not_configured() -> Error {
    Error::Config {
        path: "okta".into(),
        reason: "Okta sign-in is not configured: set providers.okta_issuer and [okta] client_id".into(),
    }
}

fn role_groups(roles: &super::RoleMap) -> Vec<RoleGroups> {
    [Role::Owner, Role::Accountant, Role::Viewer]
        .into_iter()
        .map(|r| RoleGroups { role: r, groups: roles.groups(r).to_vec(), permissions: access::permissions(Some(r)) })
        .collect()
}

/// The pinned identity as the audit log records it.
fn identity_detail(p: &PinnedIdentity) -> serde_json::Value {
    serde_json::json!({
        "issuer": p.issuer.as_ref().map(Url::as_str),
        "client_id": p.client_id,
        "roles": {"owner": p.roles.owner, "accountant": p.roles.accountant, "viewer": p.roles.viewer},
    })
}

fn mode_name(m: SignInMode) -> &'static str {
    match m {
        SignInMode::Okta => "okta",
        SignInMode::SingleUser => "single_user",
    }
}

fn display_name(c: &IdClaims) -> String {
    c.name.clone().or_else(|| c.preferred_username.clone()).or_else(|| c.email.clone()).unwrap_or_else(|| c.sub.clone())
}
