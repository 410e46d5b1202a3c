//! The registry of provider connectors. A connector that could not be opened (e.g. Xero with no
//! client id configured) keeps its reason, which every command that needs it answers with; the
//! others work. Adding a provider adds one line to [`Connectors::open`]; the outbox handlers
//! its connector registers reach the one dispatcher without further wiring.

use crate::AppConfig;
use std::any::TypeId;
use std::sync::Arc;
use xp_context::outbox::Dispatcher;
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
        c.insert(xp_connect_saferpay::open(ctx, config.sandbox.as_ref().map(|s| s.credentials.expose())));
        c.insert(
            xp_connect_gocardless::GoCardlessService::new(ctx.clone(), config.gocardless.clone())
                .map_err(|e| IpcError::from(&e)),
        );
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

    /// One outbox dispatcher with the handlers of every connector that opened. Items of a
    /// connector that did not open fail with a message naming their kind.
    pub fn dispatcher(&self, ctx: &Context) -> xp_context::Result<Dispatcher> {
        Dispatcher::new(ctx, self.running().flat_map(|c| c.outbox_handlers()))
    }

    /// The direct-debit settlement over the connectors that opened; None without Xero, where
    /// everything is booked.
    pub fn settlement(&self, ctx: &Context) -> Option<crate::settlement::Settlement> {
        let xero = self.get::<xp_connect_xero::XeroService>().ok()?;
        let gocardless = self.get::<xp_connect_gocardless::GoCardlessService>().ok();
        Some(crate::settlement::Settlement::new(ctx.clone(), xero, gocardless))
    }

    /// Reads what a direct-debit provider has new (GoCardless's events, Saferpay's transaction
    /// report), then books what that changed in Xero, so a person pressing "Sync now" or an
    /// outbox answer sees the books follow at once rather than at the next settlement pass. The
    /// sync's failure is the caller's; a booking that cannot be made now waits for the next pass
    /// (it is logged, and the settlement page says why).
    pub async fn sync_and_settle(
        &self,
        ctx: &Context,
        via: crate::collect::Via,
        report: Arc<dyn Fn(xp_sync::Progress) + Send + Sync>,
    ) -> crate::Result<DirectDebitSync> {
        let synced = match via {
            crate::collect::Via::GoCardless => {
                let s = crate::mandates::gocardless(self)?.sync(false, report).await?;
                DirectDebitSync { ok: s.ok(), changed: s.events_applied + s.records, returns: 0 }
            }
            crate::collect::Via::Saferpay => {
                let saferpay = self
                    .get::<xp_connect_saferpay::SaferpayService>()
                    .map_err(|e| crate::Error::Invalid(format!("Saferpay is not available: {}", e.message)))?;
                let s = saferpay.sync(false, report).await?;
                DirectDebitSync { ok: s.ok(), changed: s.written.transactions, returns: s.written.returns }
            }
        };
        if let Some(settlement) = self.settlement(ctx) {
            if let Err(e) = settlement.run().await {
                tracing::warn!(code = %e.code(), "settlement after the {via:?} sync: {e}");
            }
        }
        Ok(synced)
    }
}

/// What [`Connectors::sync_and_settle`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectDebitSync {
    /// Every part of the sync completed.
    pub ok: bool,
    /// Records the provider changed.
    pub changed: u64,
    /// Collections that came back (Saferpay returns read from the report).
    pub returns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_connect_xero::{Settings, XeroService};

    use crate::test_support::runtime;

    #[tokio::test]
    async fn the_dispatcher_sends_what_the_opened_connectors_register_and_nothing_of_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = runtime(dir.path()).await;
        let mut connectors = Connectors::default();
        let settings = Settings { client_id: Some("client".into()), ..Settings::default() };
        connectors.insert(XeroService::new(ctx.clone(), settings).map_err(|e| IpcError::from(&e)));
        let kinds = connectors.dispatcher(&ctx).unwrap().kinds().into_iter().map(str::to_owned).collect::<Vec<_>>();
        let expected = ["xero.ledger.write", "xero.payment.create", "xero.payment.delete"];
        assert_eq!(kinds, expected, "Xero's handlers are registered");

        let mut unconfigured = Connectors::default();
        unconfigured.insert(XeroService::new(ctx.clone(), Settings::default()).map_err(|e| IpcError::from(&e)));
        assert!(unconfigured.get::<XeroService>().is_err(), "no client id, no Xero connector");
        let idle = unconfigured.dispatcher(&ctx).unwrap();
        assert!(idle.kinds().is_empty(), "a connector that did not open sends nothing");

        // Its queued items wait for a start that opens it: they are not failed for good.
        let payload = serde_json::json!({});
        let item = xp_store::outbox::NewItem {
            kind: "xero.payment.create",
            target: "org",
            payload: &payload,
            idempotency_key: "k1",
        };
        let id = xp_store::outbox::enqueue(&ctx.store, item, ctx.clock.now()).await.unwrap();
        let mut seen = Vec::new();
        let report = idle
            .run_once_with(ctx.clock.now(), |o| seen.push((o.item.id, o.what, o.message.map(str::to_owned))))
            .await
            .unwrap();
        assert_eq!((report.sent, report.waiting, report.failed), (0, 1, 0));
        let (seen_id, fate, message) = seen.pop().unwrap();
        assert_eq!((seen_id, fate), (id, xp_context::outbox::Fate::Waiting));
        assert!(message.unwrap().contains("\"xero.payment.create\" on this start"));
        ctx.store.close().await;
    }
}
