use crate::CmdError;
use tauri::{Manager, Runtime};
use xp_app::Services;
use xp_ipc::IpcError;

/// The app's managed state: the opened services, or the reason they could not be opened.
pub struct AppState {
    services: Result<Services, IpcError>,
    xero: Result<xp_app::xero::XeroService, IpcError>,
}

impl AppState {
    pub fn new(services: Result<Services, IpcError>) -> Self {
        let xero = match &services {
            Ok(s) => xp_app::xero::XeroService::new(s.clone()).map_err(|e| IpcError::from(&e)),
            Err(e) => Err(e.clone()),
        };
        Self { services, xero }
    }
}

/// Reaches the services from anything that can reach Tauri's state (app, window, handle).
pub trait AppStateExt<R: Runtime> {
    fn services(&self) -> Result<Services, CmdError>;
    fn xero(&self) -> Result<xp_app::xero::XeroService, CmdError>;
}

impl<R: Runtime, M: Manager<R>> AppStateExt<R> for M {
    fn services(&self) -> Result<Services, CmdError> {
        self.state::<AppState>().inner().services.clone().map_err(CmdError)
    }

    fn xero(&self) -> Result<xp_app::xero::XeroService, CmdError> {
        self.state::<AppState>().inner().xero.clone().map_err(CmdError)
    }
}
