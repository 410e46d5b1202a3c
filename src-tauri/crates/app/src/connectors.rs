//! The registry of provider connectors. A connector that could not be opened (e.g. Xero with no
//! client id configured) keeps its reason, which every command that needs it answers with; the
//! others work. Adding a provider adds one line to [`Connectors::open`].

use crate::AppConfig;
use std::any::TypeId;
use std::sync::Arc;
use xp_context::{Connector, Context};
use xp_ipc::IpcError;

#[derive(Clone, Default)]
pub struct Connectors {
    entries: Vec<(TypeId, Result<Arc<dyn Connector>, IpcError>)>,
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

    /// Every connector opened with the same failure (the store could not be opened).
    pub fn failed(e: &IpcError) -> Self {
        let mut c = Connectors::default();
        c.insert::<xp_connect_xero::XeroService>(Err(e.clone()));
        c
    }

    pub fn insert<T: Connector + Clone>(&mut self, connector: Result<T, IpcError>) {
        let entry = connector.map(|c| Arc::new(c) as Arc<dyn Connector>);
        self.entries.retain(|(t, _)| *t != TypeId::of::<T>());
        self.entries.push((TypeId::of::<T>(), entry));
    }

    /// The connector of type `T`, or why it is not available.
    pub fn get<T: Connector + Clone>(&self) -> Result<T, IpcError> {
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
