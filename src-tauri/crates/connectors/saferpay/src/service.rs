//! The merchant's Saferpay JSON API credentials: verified with one authenticated call before
//! they are kept, kept only in the vault, and turned into a client when a debit is sent.

use crate::settings::API;
use crate::{Error, Result, PROVIDER};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use xp_context::Context;
use xp_core::{ErrorCode, Sensitive};
use xp_http::HttpClient;
use xp_ipc::{Profile, Provider};
use xp_saferpay::{Credentials, SaferpayClient, SaferpayConfig, TransactionRef};
use xp_store::organisations as orgs;

/// Where the credentials live in the vault (the sandbox profile's vault is namespaced apart).
const CREDENTIALS_KEY: &str = "saferpay/credentials";

/// An OrderId no debit of the app ever has (the app's OrderIds are collection ids), asked for
/// when verifying credentials.
const PROBE_ORDER: &str = "xp-credentials-check";

/// The JSON API user and password (Backoffice → Settings → JSON API basic authentication,
/// sheet §2), the customer id (first part of the account id) and the terminal debits go to.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaferpayCredentials {
    pub api_user: String,
    pub password: String,
    pub customer_id: String,
    pub terminal_id: String,
}

impl std::fmt::Debug for SaferpayCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaferpayCredentials")
            .field("api_user", &self.api_user)
            .field("password", &"<redacted>")
            .field("customer_id", &self.customer_id)
            .field("terminal_id", &self.terminal_id)
            .finish()
    }
}

impl SaferpayCredentials {
    /// The emulator's demo account, as the sandbox's start-up line names it
    /// (`credentials.saferpay`).
    pub fn from_sandbox(line: &serde_json::Value) -> Option<Self> {
        let s = |k: &str| line[k].as_str().map(str::to_owned);
        Some(Self {
            api_user: s("username")?,
            password: s("password")?,
            customer_id: s("customer_id")?,
            terminal_id: s("terminal_id")?,
        })
    }

    /// Formats checked before any call: a typo answers here, not as a refused login.
    fn check(&self) -> Result<()> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if self.api_user.trim().is_empty() || self.password.is_empty() {
            return Err(Error::Invalid("the Saferpay API user and password are both needed".into()));
        }
        if !digits(&self.customer_id) {
            return Err(Error::Invalid("the Saferpay customer id is a number (the part before the dash)".into()));
        }
        // "TerminalId: Numeric[8..8]" (sheet §3, `Payment_Models_Data_Terminal`).
        if self.terminal_id.len() != 8 || !digits(&self.terminal_id) {
            return Err(Error::Invalid("the Saferpay terminal id has 8 digits".into()));
        }
        Ok(())
    }
}

#[derive(Clone)]
pub struct SaferpayService {
    ctx: Context,
    http: HttpClient,
    /// The sandbox's demo account, used while no credentials are saved.
    sandbox: Option<Arc<Sensitive<SaferpayCredentials>>>,
    /// One report sync at a time (the background one and "Sync now" must not interleave).
    pub(crate) running: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SaferpayService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaferpayService").field("profile", &self.ctx.profile).finish_non_exhaustive()
    }
}

impl SaferpayService {
    /// `sandbox_credentials` is the start-up line's `credentials.saferpay`; it is used in the
    /// sandbox profile only, so a production run never debits with demo credentials.
    pub fn new(ctx: Context, sandbox_credentials: Option<&serde_json::Value>) -> Result<Self> {
        ctx.endpoints.require(API)?;
        let http = ctx.http_client()?;
        let sandbox = match ctx.profile {
            Profile::Sandbox => sandbox_credentials.and_then(SaferpayCredentials::from_sandbox),
            Profile::Production => None,
        }
        .map(|c| Arc::new(Sensitive::new(c)));
        Ok(Self { ctx, http, sandbox, running: Arc::new(tokio::sync::Mutex::new(())) })
    }

    pub(crate) fn ctx(&self) -> &Context {
        &self.ctx
    }

    /// Verifies the credentials with Saferpay and keeps them in the vault. Refused ones are
    /// not kept (and the ones saved before stay as they were).
    pub async fn save_credentials(&self, credentials: SaferpayCredentials) -> Result<()> {
        credentials.check()?;
        let client = self.client_with(&credentials)?;
        // Transaction/Inquire is the cheapest authenticated call that moves nothing: Saferpay
        // checks the API user, password and CustomerId before it looks the order up, and an
        // unknown order answers TRANSACTION_NOT_FOUND (sheet §4).
        match client.inquire(&TransactionRef::OrderId(PROBE_ORDER.into()), &client.first_attempt()?).await {
            Ok(_) => {}
            Err(e) if e.is("TRANSACTION_NOT_FOUND") => {}
            Err(e) if refused(&e) => {
                let name = e.api().map_or_else(|| "HTTP 401".to_owned(), |a| a.name.clone());
                return Err(Error::CredentialsRefused(name));
            }
            Err(e) => return Err(e.into()),
        }
        // The terminal: the Management API's GetTerminal proves it is the customer's and says
        // whether it takes SEPA direct debit in euros, so a wrong one is refused here and not at
        // the first debit.
        let terminal = match client.terminal().await {
            Ok(t) => t,
            Err(e) if e.is("PERMISSION_DENIED") => {
                return Err(Error::Invalid(format!(
                    "terminal {} is not one of Saferpay customer {}'s: check the terminal id",
                    credentials.terminal_id, credentials.customer_id
                )))
            }
            Err(e) => return Err(e.into()),
        };
        if !terminal.offers("DIRECTDEBIT", "EUR") {
            return Err(Error::Invalid(format!(
                "terminal {} does not take SEPA direct debit in EUR (it takes {}): ask Saferpay to enable DIRECTDEBIT, or choose another terminal",
                credentials.terminal_id,
                terminal.offered()
            )));
        }
        let text = serde_json::to_string(&credentials).map_err(|e| Error::Invalid(e.to_string()))?;
        self.ctx.vault.set(CREDENTIALS_KEY, &Sensitive::new(text))?;
        let detail = serde_json::json!({"terminalId": credentials.terminal_id});
        xp_store::audit::append(
            &self.ctx.store,
            xp_store::audit::NewEntry {
                actor: &self.ctx.actor(),
                action: "saferpay.credentials.save",
                subject: &credentials.customer_id,
                detail,
            },
            self.ctx.clock.now(),
        )
        .await?;
        self.customer_of(&credentials).await?;
        Ok(())
    }

    /// The Saferpay customer the credentials belong to, kept as an organisation: the report's
    /// transactions and its sync position belong to it.
    pub(crate) async fn customer(&self) -> Result<xp_sync::Org> {
        let credentials = match (self.saved()?, &self.sandbox) {
            (Some(c), _) => c,
            (None, Some(c)) => c.expose().clone(),
            (None, None) => return Err(Error::NotConfigured),
        };
        self.customer_of(&credentials).await
    }

    async fn customer_of(&self, c: &SaferpayCredentials) -> Result<xp_sync::Org> {
        let store = &self.ctx.store;
        let known =
            orgs::list(store).await?.into_iter().find(|o| o.provider == PROVIDER && o.external_id == c.customer_id);
        let name = format!("Saferpay {}", c.customer_id);
        let id = match known {
            Some(o) => o.id,
            None => {
                let account =
                    orgs::Account { provider: PROVIDER, label: "Saferpay", external_id: &c.customer_id, name: &name };
                orgs::keep_account(store, account, self.ctx.clock.now()).await?
            }
        };
        Ok(xp_sync::Org { id, external_id: c.customer_id.clone(), name })
    }

    /// Whether debits can be sent: credentials saved, or the sandbox's.
    pub fn is_configured(&self) -> Result<bool> {
        Ok(self.saved()?.is_some() || self.sandbox.is_some())
    }

    fn saved(&self) -> Result<Option<SaferpayCredentials>> {
        let Some(text) = self.ctx.vault.get(CREDENTIALS_KEY)? else { return Ok(None) };
        serde_json::from_str(text.expose())
            .map(Some)
            .map_err(|_| Error::Invalid("the saved Saferpay credentials cannot be read; save them again".into()))
    }

    /// A client on the saved credentials, or the sandbox's.
    pub(crate) fn client(&self) -> Result<SaferpayClient> {
        match (self.saved()?, &self.sandbox) {
            (Some(c), _) => self.client_with(&c),
            (None, Some(c)) => self.client_with(c.expose()),
            (None, None) => Err(Error::NotConfigured),
        }
    }

    fn client_with(&self, c: &SaferpayCredentials) -> Result<SaferpayClient> {
        let config = SaferpayConfig {
            api_base: self.ctx.endpoints.require(API)?.clone(),
            customer_id: c.customer_id.clone(),
            terminal_id: c.terminal_id.clone(),
        };
        let credentials = Credentials { user: c.api_user.clone(), password: Sensitive::new(c.password.clone()) };
        Ok(SaferpayClient::new(self.http.clone(), config, credentials))
    }
}

/// Saferpay did not accept who is calling: AUTHENTICATION_FAILED (HTTP 401, also for a CustomerId
/// not the API user's, `texts/06_ErrorHandling_CommonErrors.md`), PERMISSION_DENIED, or a bare
/// 401/403 from the web server in front.
pub(crate) fn refused(e: &xp_saferpay::Error) -> bool {
    e.code() == ErrorCode::ReconnectNeeded
        || e.is("AUTHENTICATION_FAILED")
        || e.is("PERMISSION_DENIED")
        || matches!(e, xp_saferpay::Error::Status { status: 403, .. })
}

impl xp_context::Connector for SaferpayService {
    fn provider(&self) -> Provider {
        Provider::Saferpay
    }

    fn spawn_background_sync(
        &self,
        every: std::time::Duration,
        report: xp_context::ProgressReport,
        stop: xp_context::CancellationToken,
    ) {
        self.spawn_auto_sync(every, Arc::new(move |p: xp_sync::Progress| report(p.into())), stop);
    }

    fn outbox_handlers(&self) -> Vec<Arc<dyn xp_context::outbox::Handler>> {
        vec![
            Arc::new(crate::collect::CollectHandler::new(self.clone())),
            Arc::new(crate::refund::RefundHandler::new(self.clone())),
        ]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The vault key of a mandate's full IBAN.
pub(crate) fn iban_key(mandate_id: &str) -> String {
    format!("{PROVIDER}/mandate/{mandate_id}/iban")
}
