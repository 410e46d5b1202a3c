//! Tauri commands, one module per area, and the one table that declares them (`table.rs`). Each
//! command is a few lines: take its `Access` and arguments, call one library function, map the error.
//!
//! A command never names a permission. It takes `access: Access<R>` and reaches the services
//! through it; `Access` looks up the command's own name (given by Tauri's command macro) in the
//! table and checks that row's need first. So the table is the only place a permission is written,
//! and a command cannot borrow another's.

mod app;
mod audit;
mod collections;
mod connections;
mod gocardless;
mod saferpay;
mod session;
mod settlement;
mod xero;

use crate::{AppStateExt, CmdError};
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::{AppHandle, Manager, Runtime};
use xp_app::session::SessionService;
use xp_app::Context;
use xp_context::Connector;
use xp_ipc::{ErrorCode, IpcError, Permission};

/// Who may call a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Works signed out: what the login page shows, and the sign-in commands themselves.
    Public,
    /// Needs an open, unlocked session whose role holds this permission.
    Permission(Permission),
}

impl Need {
    /// The permission, or None for a public command.
    pub fn permission(self) -> Option<Permission> {
        match self {
            Need::Public => None,
            Need::Permission(p) => Some(p),
        }
    }
}

/// One row of the command table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The module under `src-tauri/src/commands/` that holds the function.
    pub area: &'static str,
    /// The command's name on the wire, which is also the function's name.
    pub name: &'static str,
    pub need: Need,
}

macro_rules! need {
    (Public) => {
        Need::Public
    };
    ($permission:ident) => {
        Need::Permission(Permission::$permission)
    };
}

macro_rules! command_table {
    ($($area:ident :: $name:ident => $need:ident),* $(,)?) => {
        /// Every command the window may call, in the table's order.
        pub const COMMANDS: &[Command] =
            &[$(Command { area: stringify!($area), name: stringify!($name), need: need!($need) }),*];

        pub(crate) fn handlers<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($area::$name),*]
        }
    };
}
include!("table.rs");

/// The table's row for `name`.
pub fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// A command's way to its services, checked against the table's row for that command.
pub struct Access<R: Runtime> {
    app: AppHandle<R>,
    command: &'static Command,
}

impl<'de, R: Runtime> CommandArg<'de, R> for Access<R> {
    fn from_command(item: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let Some(command) = command(item.name) else {
            // Unreachable while the handler list is generated from the table; refused, not trusted.
            return Err(InvokeError::from(internal(format!("{} is not in the command table", item.name))));
        };
        Ok(Access { app: item.message.webview().app_handle().clone(), command })
    }
}

/// A typed id from the window: ids are strings only on the IPC edge. Parsed after the access
/// check, so a signed-out caller learns nothing from a malformed id.
pub(crate) fn id<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, CmdError> {
    s.trim().parse().map_err(|_| invalid_input(format!("{field} {s:?} is not a valid id")))
}

/// A day from the window (`YYYY-MM-DD`), parsed after the access check like an id.
pub(crate) fn day(field: &str, s: &str) -> Result<time::Date, CmdError> {
    xp_core::ymd(s).ok_or_else(|| invalid_input(format!("{field} {s:?} is not a date (YYYY-MM-DD)")))
}

pub(crate) fn invalid_input(message: String) -> CmdError {
    CmdError(IpcError { code: ErrorCode::InvalidInput, message })
}

fn internal(message: String) -> CmdError {
    CmdError(IpcError { code: ErrorCode::Internal, message })
}

impl<R: Runtime> Access<R> {
    pub fn app(&self) -> &AppHandle<R> {
        &self.app
    }

    /// The services, once the session allows what the table says this command needs.
    pub async fn services(&self) -> Result<Context, CmdError> {
        match self.command.need {
            Need::Public => self.app.public_services(),
            Need::Permission(p) => self.app.services(p).await,
        }
    }

    /// A provider connector, once the session allows what the table says this command needs.
    pub async fn connector<T: Connector + Clone>(&self) -> Result<T, CmdError> {
        match self.command.need {
            Need::Public => Err(internal(format!(
                "{} is public in the command table but reaches a connector's data",
                self.command.name
            ))),
            Need::Permission(p) => self.app.connector::<T>(p).await,
        }
    }

    /// The session service, once the session allows what the table says this command needs.
    pub async fn session(&self) -> Result<SessionService, CmdError> {
        if let Need::Permission(p) = self.command.need {
            self.app.services(p).await?;
        }
        self.app.session()
    }
}
