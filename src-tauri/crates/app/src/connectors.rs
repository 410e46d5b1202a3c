//! The registry of provider connectors. A connector that could not be opened (e.g. Xero with no
//! client id configured) keeps its reason, which every command that needs it answers with; the
//! others work. Adding a provider adds one line to [`Connectors::open`].

use crate::AppConfig;
use std::any::TypeId;
use std::sync::Arc;
use xp_context::{Connector, Context};
use xp_ipc::IpcError;

/// A connector by its type, or why it could not be opened.
type Entry = (TypeId, Result<Arc<dyn Connector>, IpcError>);

#[derive(Clone, Default)]
pub struct Connectors {
    entries: Vec<Entry>,
    /// Set when the runtime itself failed (no store): every connector answers with it.
    failure: Option<IpcError>,
}

impl std::fmt::Debug for Connectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries.iter().map(|(_, c)| c.as_ref().map(|c| c.provider()))).finish()
    }
}

impl Connectors {
    pub fn open(ctx: &Context, config: &AppConfig) -> Self {
        let mut c = Connectors::default();
        c.insert(xp_connect_xero::XeroService::new(ctx.clone(), config.xero.clone()).map_err(|e| IpcError::from(&e)));
        c
    }

    /// No connector could open because the runtime did not (the store could not be opened):
    /// every request for one answers with that reason.
    pub fn failed(e: &IpcError) -> Self {
        Connectors { entries: Vec::new(), failure: Some(e.clone()) }
    }

    pub fn insert<T: Connector + Clone>(&mut self, connector: Result<T, IpcError>) {
        let entry = connector.map(|c| Arc::new(c) as Arc<dyn Connector>);
        self.entries.retain(|(t, _)| *t != TypeId::of::<T>());
        self.entries.push((TypeId::of::<T>(), entry));
    }

    /// The connector of type `T`, or why it is not available.
    pub fn get<T: Connector + Clone>(&self) -> Result<T, IpcError> {
        if let Some(e) = &self.failure {
            return Err(e.clone());
        }
        let (_, entry) = self.entries.iter().find(|(t, _)| *t == TypeId::of::<T>()).ok_or_else(|| IpcError {
            code: xp_core::ErrorCode::Internal,
            message: format!("no connector {} is registered", std::any::type_name::<T>()),
        })?;
        let c = entry.as_ref().map_err(Clone::clone)?;
        c.as_any().downcast_ref::<T>().cloned().ok_or_else(|| IpcError {
            code: xp_core::ErrorCode::Internal,
            message: format!("connector {} has another type", std::any::type_name::<T>()),
        })
    }

    /// The connectors that opened.
    pub fn running(&self) -> impl Iterator<Item = &Arc<dyn Connector>> {
        self.entries.iter().filter_map(|(_, c)| c.as_ref().ok())
    }
}
