//! The sync engine, shared by every provider: it walks a provider's resources page by page,
//! commits each page's rows and the cursor that says where to go on in ONE transaction (so a
//! crash at any point resumes from the last committed page and ends equal to an uninterrupted
//! run), runs incremental passes from a high-water mark with a periodic full reconciliation,
//! reports progress and honours cancellation. Pages fetched back to back share a commit
//! ([`EngineConfig::commit_records`]); the cursor saved is the one after the last of them.
//!
//! Providers plug in through [`Source`] (how to fetch a page) and [`Sink`] (how to store it);
//! the engine never knows whose data it moves. Each resource says how it pages ([`Paging`]:
//! whole, numbered pages, cursor, time windows) and in which [`Order`]; the pass's [`Position`]
//! is what commits with the rows.

mod cursor;
mod engine;
mod error;
mod ipc;
pub mod pass;
mod progress;

pub use engine::{
    BoxFuture, Engine, EngineConfig, FetchRequest, FetchedPage, JobKey, Org, OrgOutcome, ResourceSpec, Sink, Source,
};
pub use error::{typed_page, Error, Result, SinkError, SourceError};
pub use pass::{Order, Paging, Position};
pub use progress::{Progress, ProgressState};
pub use tokio_util::sync::CancellationToken;
