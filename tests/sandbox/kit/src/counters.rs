//! What the sandbox served, for tests and benchmarks: requests per endpoint, 429s sent, and
//! objects created per idempotency key (the proof that a retried write created one object).

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct Counters(Arc<Mutex<Inner>>);

#[derive(Debug, Default, Serialize, Clone)]
pub struct Inner {
    /// "provider METHOD /path/template" → count
    pub requests: BTreeMap<String, u64>,
    /// provider → 429s sent
    pub rate_limited: BTreeMap<String, u64>,
    /// "provider idempotency-key" → objects created with it
    pub created_by_key: BTreeMap<String, u64>,
    /// provider → faults injected
    pub faults_injected: BTreeMap<String, u64>,
}

impl Counters {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// `endpoint` should be a template (`GET /Invoices/{id}`), not a concrete path, so counts
    /// aggregate.
    pub fn hit(&self, provider: &str, endpoint: &str) {
        self.with(|c| *c.requests.entry(format!("{provider} {endpoint}")).or_default() += 1);
    }

    pub fn rate_limited(&self, provider: &str) {
        self.with(|c| *c.rate_limited.entry(provider.to_owned()).or_default() += 1);
    }

    pub fn created(&self, provider: &str, idempotency_key: &str) {
        self.with(|c| *c.created_by_key.entry(format!("{provider} {idempotency_key}")).or_default() += 1);
    }

    pub fn fault(&self, provider: &str) {
        self.with(|c| *c.faults_injected.entry(provider.to_owned()).or_default() += 1);
    }

    pub fn requests(&self, provider: &str, endpoint: &str) -> u64 {
        self.with(|c| c.requests.get(&format!("{provider} {endpoint}")).copied().unwrap_or(0))
    }

    pub fn snapshot(&self) -> Inner {
        self.with(|c| c.clone())
    }

    pub fn reset(&self) {
        self.with(|c| *c = Inner::default());
    }
}
