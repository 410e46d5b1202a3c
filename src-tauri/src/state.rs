use crate::CmdError;
use std::future::Future;
use tauri::{Manager, Runtime};
use xp_app::session::SessionService;
use xp_app::Services;
use xp_ipc::{IpcError, Permission};

/// The app's managed state: the opened services, or the reason they could not be opened.
pub struct AppState {
    services: Result<Services, IpcError>,
    session: Result<SessionService, IpcError>,
    xero: Result<xp_app::xero::XeroService, IpcError>,
}

impl AppState {
    pub async fn new(services: Result<Services, IpcError>) -> Self {
        let (session, xero) = match &services {
            Ok(s) => (
                SessionService::new(s.clone()).await.map_err(|e| IpcError::from(&e)),
                xp_app::xero::XeroService::new(s.clone()).map_err(|e| IpcError::from(&e)),
            ),
            Err(e) => (Err(e.clone()), Err(e.clone())),
        };
        Self { services, session, xero }
    }

    pub(crate) fn xero_unchecked(&self) -> Option<xp_app::xero::XeroService> {
        self.xero.as_ref().ok().cloned()
    }
}

/// Reaches the services from anything that can reach Tauri's state (app, window, handle).
///
/// Every way to the services names the permission it needs, and the session service checks it
/// before the services are handed out: a command cannot reach data without saying what it needs.
pub trait AppStateExt<R: Runtime> {
    /// The services, once the signed-in user's role holds `need`.
    fn services(&self, need: Permission) -> impl Future<Output = Result<Services, CmdError>> + Send;
    /// The Xero service, once the signed-in user's role holds `need`.
    fn xero(&self, need: Permission) -> impl Future<Output = Result<xp_app::xero::XeroService, CmdError>> + Send;
    /// The session itself: for the sign-in commands, which must work while signed out.
    fn session(&self) -> Result<SessionService, CmdError>;
    /// The services without a session check: only for what the login page shows (version, profile).
    fn public_services(&self) -> Result<Services, CmdError>;
}

async fn allowed(session: Result<SessionService, IpcError>, need: Permission) -> Result<(), CmdError> {
    session.map_err(CmdError)?.require(need).await.map_err(CmdError::from)
}

impl<R: Runtime, M: Manager<R>> AppStateExt<R> for M {
    fn services(&self, need: Permission) -> impl Future<Output = Result<Services, CmdError>> + Send {
        let st = self.state::<AppState>();
        let (services, session) = (st.services.clone(), st.session.clone());
        async move {
            allowed(session, need).await?;
            services.map_err(CmdError)
        }
    }

    fn xero(&self, need: Permission) -> impl Future<Output = Result<xp_app::xero::XeroService, CmdError>> + Send {
        let st = self.state::<AppState>();
        let (xero, session) = (st.xero.clone(), st.session.clone());
        async move {
            allowed(session, need).await?;
            xero.map_err(CmdError)
        }
    }

    fn session(&self) -> Result<SessionService, CmdError> {
        self.state::<AppState>().inner().session.clone().map_err(CmdError)
    }

    fn public_services(&self) -> Result<Services, CmdError> {
        self.state::<AppState>().inner().services.clone().map_err(CmdError)
    }
}
