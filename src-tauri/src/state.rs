use crate::CmdError;
use std::future::Future;
use tauri::{Manager, Runtime};
use xp_app::session::SessionService;
use xp_app::{App, Connectors, Context};
use xp_context::Connector;
use xp_ipc::{IpcError, Permission};

/// The app's managed state: the opened runtime, session and connectors, or the reason they could
/// not be opened.
pub struct AppState {
    context: Result<Context, IpcError>,
    session: Result<SessionService, IpcError>,
    connectors: Connectors,
}

impl AppState {
    pub async fn new(app: Result<App, IpcError>) -> Self {
        match app {
            Ok(app) => Self {
                session: app.session().await.map_err(|e| IpcError::from(&e)),
                connectors: app.connectors(),
                context: Ok(app.ctx),
            },
            Err(e) => Self { session: Err(e.clone()), connectors: Connectors::failed(&e), context: Err(e) },
        }
    }

    /// The connectors that opened, without a session check: for background sync (no data
    /// reaches the window without a command's check) and for handing over deep-link answers.
    pub(crate) fn connectors_unchecked(&self) -> &Connectors {
        &self.connectors
    }
}

/// Reaches the services from anything that can reach Tauri's state (app, window, handle).
///
/// Every way to the services names the permission it needs, and the session service checks it
/// before the services are handed out: a command cannot reach data without saying what it needs.
pub trait AppStateExt<R: Runtime> {
    /// The shared runtime, once the signed-in user's role holds `need`.
    fn services(&self, need: Permission) -> impl Future<Output = Result<Context, CmdError>> + Send;
    /// A provider connector, once the signed-in user's role holds `need`.
    fn connector<T: Connector + Clone>(&self, need: Permission) -> impl Future<Output = Result<T, CmdError>> + Send;
    /// The session itself: for the sign-in commands, which must work while signed out.
    fn session(&self) -> Result<SessionService, CmdError>;
    /// The runtime without a session check: only for what the login page shows (version, profile).
    fn public_services(&self) -> Result<Context, CmdError>;
}

async fn allowed(session: Result<SessionService, IpcError>, need: Permission) -> Result<(), CmdError> {
    session.map_err(CmdError)?.require(need).await.map_err(CmdError::from)
}

impl<R: Runtime, M: Manager<R>> AppStateExt<R> for M {
    fn services(&self, need: Permission) -> impl Future<Output = Result<Context, CmdError>> + Send {
        let st = self.state::<AppState>();
        let (context, session) = (st.context.clone(), st.session.clone());
        async move {
            allowed(session, need).await?;
            context.map_err(CmdError)
        }
    }

    fn connector<T: Connector + Clone>(&self, need: Permission) -> impl Future<Output = Result<T, CmdError>> + Send {
        let st = self.state::<AppState>();
        let (connector, session) = (st.connectors.get::<T>(), st.session.clone());
        async move {
            allowed(session, need).await?;
            connector.map_err(CmdError)
        }
    }

    fn session(&self) -> Result<SessionService, CmdError> {
        self.state::<AppState>().inner().session.clone().map_err(CmdError)
    }

    fn public_services(&self) -> Result<Context, CmdError> {
        self.state::<AppState>().inner().context.clone().map_err(CmdError)
    }
}
