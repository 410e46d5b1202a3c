//! Saves the state to `--state FILE` shortly after it changes, and once more at shutdown.
//!
//! "Changed" is cheap to know: every request that could change something bumps a generation
//! counter (see [`bump`]); a tick that finds it moved serialises the state and replaces FILE
//! only if the bytes differ from the last write (reads bump the counter too, but leave the
//! bytes alone).

use crate::state_file;
use crate::Emulators;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xp_sandbox_kit::{Ctx, Seed};

/// How soon after a change FILE catches up.
const TICK: Duration = Duration::from_secs(1);
/// A tick waits at least this many times as long as the last save took, so a huge state
/// (`--seed large:N`) under steady traffic is not serialised back to back.
const BACKOFF: u32 = 4;

pub(crate) struct Saver {
    pub path: PathBuf,
    seed: Seed,
    ctx: Ctx,
    emulators: Arc<Emulators>,
    generation: Arc<AtomicU64>,
    last: Mutex<Last>,
}

#[derive(Default)]
struct Last {
    /// The generation the last successful save had seen.
    generation: u64,
    /// Hash of the bytes last written.
    hash: Option<u64>,
}

/// Counts requests that may have changed state: everything except the admin API's reads
/// (which tests and the demo poll). Counted after the handler ran, so a save that sees the new
/// count also sees the change.
pub(crate) async fn bump(State(generation): State<Arc<AtomicU64>>, req: Request, next: Next) -> Response {
    let admin_read = matches!(*req.method(), Method::GET | Method::HEAD) && req.uri().path().starts_with("/admin/");
    let response = next.run(req).await;
    if !admin_read {
        generation.fetch_add(1, Ordering::Release);
    }
    response
}

impl Saver {
    pub fn new(path: PathBuf, seed: Seed, ctx: Ctx, emulators: Arc<Emulators>, generation: Arc<AtomicU64>) -> Self {
        Self { path, seed, ctx, emulators, generation, last: Mutex::new(Last::default()) }
    }

    /// Writes FILE if the state differs from what it last wrote. Blocking: call it off the
    /// async workers.
    pub fn save(&self) -> Result<bool, String> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let seen = self.generation.load(Ordering::Acquire);
        let written = state_file::write_atomic(&self.path, last.hash, |out| {
            state_file::write_document(out, &self.ctx, self.seed, &self.emulators)
        })?;
        let changed = match written {
            state_file::Written::Replaced(hash) => {
                last.hash = Some(hash);
                true
            }
            state_file::Written::Unchanged => false,
        };
        last.generation = seen;
        Ok(changed)
    }

    /// Something was served since the last successful save.
    pub fn dirty(&self) -> bool {
        self.generation.load(Ordering::Acquire) != self.last.lock().unwrap_or_else(|p| p.into_inner()).generation
    }

    /// [`Saver::save`] on a blocking thread.
    pub async fn save_async(self: &Arc<Self>) -> Result<bool, String> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.save()).await.map_err(|e| e.to_string())?
    }

    /// Saves after changes until dropped (aborted). A failed save is reported and retried on
    /// the next tick; the sandbox keeps serving.
    pub async fn run(self: Arc<Self>) {
        let mut wait = TICK;
        loop {
            tokio::time::sleep(wait).await;
            if !self.dirty() {
                continue;
            }
            let started = Instant::now();
            if let Err(e) = self.save_async().await {
                tracing::error!("state file {}: {e}", self.path.display());
            }
            wait = TICK.max(started.elapsed() * BACKOFF);
        }
    }
}
