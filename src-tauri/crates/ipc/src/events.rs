//! The events Rust emits to the window, each with the payload it carries. They are exported to
//! `ui/src/lib/bindings/events.ts` so the UI never hard-codes a name Rust does not emit, and
//! listens with the payload type Rust sends.

use crate::{Connectivity, NavigateEvent, SessionStatus, SyncProgress};
use std::path::Path;
use ts_rs::TS;

/// One event the window may listen to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBinding {
    /// The name on the wire, e.g. `sync-progress`.
    pub name: &'static str,
    /// The constant's name, the same in Rust and TypeScript.
    pub constant: &'static str,
    /// The payload's TypeScript type.
    pub payload: String,
    /// Where the payload's binding lives, relative to `ui/src/lib/bindings`.
    pub payload_path: String,
    pub doc: String,
}

macro_rules! events {
    ($($(#[doc = $doc:literal])* $constant:ident = $name:literal: $payload:ty;)*) => {
        $($(#[doc = $doc])* pub const $constant: &str = $name;)*

        /// Every event, in the order declared.
        pub fn events() -> Vec<EventBinding> {
            let cfg = crate::ts_config();
            vec![$(EventBinding {
                name: $name,
                constant: stringify!($constant),
                payload: <$payload as TS>::name(&cfg),
                payload_path: <$payload as TS>::output_path()
                    .expect("an event payload is an exported type")
                    .to_string_lossy()
                    .into_owned(),
                doc: [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
            }),*]
        }
    };
}

events! {
    /// Payload: `NavigateEvent`. Sent when a validated deep link asks the UI to show a route.
    EVENT_NAVIGATE = "navigate": NavigateEvent;
    /// Payload: `SyncProgress`. Sent while a sync runs, per organisation and resource.
    EVENT_SYNC_PROGRESS = "sync-progress": SyncProgress;
    /// Payload: `SessionStatus`. Sent whenever sign-in state, role or lock changes.
    EVENT_SESSION_CHANGED = "session-changed": SessionStatus;
    /// Payload: `Connectivity`. Sent when the providers stop or start answering.
    EVENT_CONNECTIVITY_CHANGED = "connectivity-changed": Connectivity;
}

/// `events.ts`: a constant per event name and the payload each carries, so a listener's
/// handler is typed by the event it listens to.
pub(crate) fn typescript(events: &[EventBinding]) -> String {
    let mut imports: Vec<String> = events
        .iter()
        .map(|e| {
            let module = Path::new(&e.payload_path).with_extension("");
            format!("import type {{ {} }} from \"./{}\";\n", e.payload, module.to_string_lossy())
        })
        .collect();
    imports.sort_unstable();
    imports.dedup();
    let mut ts = format!("{}\n{}\n", crate::GENERATED, imports.concat());
    for e in events {
        ts += &format!("/** {} */\nexport const {} = \"{}\";\n", e.doc, e.constant, e.name);
    }
    ts += "\n/** The payload each event carries. */\nexport interface EventPayloads {\n";
    for e in events {
        ts += &format!("  \"{}\": {};\n", e.name, e.payload);
    }
    ts += "}\n\nexport type EventName = keyof EventPayloads;\n";
    ts
}
