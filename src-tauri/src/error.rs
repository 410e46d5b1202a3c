use serde::Serialize;
use xp_ipc::IpcError;

/// What every command returns on failure; serialises to `{ "code": "...", "message": "..." }`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct CmdError(pub IpcError);

impl std::fmt::Display for CmdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

impl std::error::Error for CmdError {}

impl From<xp_app::Error> for CmdError {
    fn from(e: xp_app::Error) -> Self {
        CmdError(IpcError::from(&e))
    }
}

impl From<xp_context::Error> for CmdError {
    fn from(e: xp_context::Error) -> Self {
        CmdError(IpcError::from(&e))
    }
}

impl From<xp_connect_xero::Error> for CmdError {
    fn from(e: xp_connect_xero::Error) -> Self {
        CmdError(IpcError::from(&e))
    }
}

impl From<xp_connect_gocardless::Error> for CmdError {
    fn from(e: xp_connect_gocardless::Error) -> Self {
        CmdError(IpcError::from(&e))
    }
}

impl From<xp_connect_saferpay::Error> for CmdError {
    fn from(e: xp_connect_saferpay::Error) -> Self {
        CmdError(IpcError::from(&e))
    }
}

impl From<IpcError> for CmdError {
    fn from(e: IpcError) -> Self {
        CmdError(e)
    }
}
