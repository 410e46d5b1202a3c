//! What the composition root needs to know of every provider connector, so that adding a
//! provider adds a connector to the registry instead of a branch in the shell.

use crate::outbox::Handler;
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use xp_ipc::{Provider, SyncProgress};

/// Where a connector's sync progress goes (the window's `sync-progress` event, the CLI's output).
pub type ProgressReport = Arc<dyn Fn(SyncProgress) + Send + Sync>;

pub trait Connector: Send + Sync + 'static {
    fn provider(&self) -> Provider;

    /// A sign-in answer that arrived through the deep link: taken when a connect of this
    /// connector waits for its `state`. False when none waits (it is someone else's, or stale).
    fn deliver_redirect(&self, _url: &str) -> bool {
        false
    }

    /// Starts keeping the connector's data fresh in the background, every `every` and sooner
    /// after a failure; runs until `stop` is cancelled. Connectors with nothing to sync do nothing.
    fn spawn_background_sync(&self, _every: Duration, _report: ProgressReport, _stop: CancellationToken) {}

    /// The outbox handlers this connector brings, one per item kind it can send (e.g.
    /// `xero.payment.create`). The composition root gives them all to one dispatcher.
    fn outbox_handlers(&self) -> Vec<Arc<dyn Handler>> {
        Vec::new()
    }

    /// For the registry's typed look-up.
    fn as_any(&self) -> &dyn Any;
}
