//! The Saferpay connector against the Saferpay emulator (tests/sandbox/saferpay) over loopback
//! HTTP: credentials kept only when Saferpay accepts them, and an invoice collected by SEPA
//! direct debit through the outbox exactly once — through a lost answer, a decline, a second
//! collect of the same invoice and a crash between the debit and its record.
#![allow(clippy::unwrap_used)]

mod collect;
mod credentials;
mod refund;
mod report;

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use xp_connect_saferpay::mandates::MandateRequest;
use xp_connect_saferpay::{SaferpayCredentials, SaferpayService, ENDPOINTS};
use xp_context::{Context, Endpoints, Paths};
use xp_core::ids::{ConnectionId, OrganisationId};
use xp_core::Sensitive;
use xp_sandbox_kit::{Fault, Seed};
use xp_sandbox_saferpay::Emulator;
use xp_vault::{MemoryStore, SecretStore};

/// Saferpay's own test IBAN (the emulator's `test_iban`), as a person types it.
pub const IBAN: &str = "de89 3704 0044 0532 0130 00";

pub struct World {
    pub dir: tempfile::TempDir,
    pub kit: xp_sandbox_kit::Ctx,
    pub emu: Emulator,
    pub origin: Url,
    /// Outlives a runtime, as the OS keychain outlives the app.
    pub vault: Arc<MemoryStore>,
    pub ctx: Context,
    pub saferpay: SaferpayService,
}

/// The emulator served at the root of a loopback listener, and the app's runtime pointed at it;
/// with the sandbox's demo credentials when `sandbox_line` is set (as `--sandbox FILE` does).
pub async fn world(sandbox_line: bool) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let kit = xp_sandbox_kit::Ctx::new(Duration::from_secs(60));
    let emu = Emulator::new(kit.clone(), Seed::Empty, origin.clone());
    let app = emu.router();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryStore::new());
    let line = sandbox_line.then(|| emu.credentials());
    let clock: Arc<dyn xp_core::Clock> = Arc::new(Simulated(kit.clock.clone()));
    let (ctx, saferpay) = runtime(dir.path(), &origin, &vault, line.as_ref(), clock).await;
    World { dir, kit, emu, origin, vault, ctx, saferpay }
}

pub async fn runtime(
    dir: &std::path::Path,
    origin: &Url,
    vault: &Arc<MemoryStore>,
    line: Option<&Value>,
    clock: Arc<dyn xp_core::Clock>,
) -> (Context, SaferpayService) {
    let ctx = Context::open(
        xp_ipc::Profile::Sandbox,
        Endpoints::sandbox(&ENDPOINTS, origin),
        Paths::resolve(Some(dir)),
        vault.clone() as Arc<dyn SecretStore>,
        vec![],
        clock,
    )
    .await
    .unwrap();
    let saferpay = SaferpayService::new(ctx.clone(), line).unwrap();
    (ctx, saferpay)
}

/// The app's clock is the emulator's: a day advanced there has passed for the app too (the
/// transaction report reaches only up to yesterday).
#[derive(Debug)]
pub struct Simulated(pub xp_sandbox_kit::SimClock);

impl xp_core::Clock for Simulated {
    fn now(&self) -> time::OffsetDateTime {
        self.0.now()
    }
}

impl World {
    pub fn fault(&self, spec: &str) {
        self.kit.faults.add(Fault::parse_spec(spec).unwrap());
    }

    /// Calls the emulator received on `POST /api/Payment/v1/{endpoint}`.
    pub fn hits(&self, endpoint: &str) -> u64 {
        self.kit.counters.requests("saferpay", &format!("POST /api/Payment/v1/{endpoint}"))
    }

    pub fn payments(&self) -> Vec<Value> {
        let all = self.emu.dump()["transactions"].as_array().unwrap().clone();
        all.into_iter().filter(|t| t["Type"] == "PAYMENT").collect()
    }

    pub fn demo_credentials(&self) -> SaferpayCredentials {
        SaferpayCredentials::from_sandbox(&self.emu.credentials()).unwrap()
    }

    /// An organisation the app keeps (collections belong to one).
    pub async fn organisation(&self) -> OrganisationId {
        let store = &self.ctx.store;
        let now = self.ctx.clock.now();
        let connection = ConnectionId::new_random();
        xp_store::connections::insert(store, connection, "xero", "Xero", now).await.unwrap();
        let kept = xp_store::organisations::Kept {
            connection_id: connection,
            provider: "xero",
            external_id: "tenant-1",
            name: "Alpenrad Velo GmbH",
            base_currency: Some("EUR"),
        };
        xp_store::organisations::keep(store, kept, now).await.unwrap()
    }

    pub async fn mandate(&self, organisation: OrganisationId) -> String {
        let iban = Sensitive::new(IBAN.to_owned());
        let request = MandateRequest {
            organisation_id: Some(organisation),
            contact_id: None,
            invoice_id: None,
            holder: "Muster GmbH",
            iban: &iban,
            bank: None,
        };
        self.saferpay.record_mandate(request).await.unwrap().id
    }
}
