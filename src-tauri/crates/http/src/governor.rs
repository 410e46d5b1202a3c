//! Client-side rate limiting, so a provider's 429 is an exception and not a control loop.
//!
//! Each key (e.g. `api.xero.com tenant=…`, or `api.xero.com app`) has optional limits: requests
//! in flight, requests per rolling minute, requests per rolling day. The provider's own
//! "remaining" headers are folded in with [`Governor::observe_remaining`], so another client
//! using the same budget (the web app, a second device) is accounted for too.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub concurrent: Option<usize>,
    pub per_minute: Option<u32>,
    pub per_day: Option<u32>,
    /// Length of a "minute". Real providers: 60 s. The sandbox can shrink it for benchmarks
    /// (`--minute-ms`), and the governor's arithmetic follows. A day is 1,440 such minutes.
    pub minute: Duration,
}

impl Limits {
    /// Xero's per-tenant limits: 5 concurrent, 60/minute, 5,000/day (shared/providers/xero.md).
    pub fn xero_tenant(minute: Duration) -> Self {
        Self { concurrent: Some(5), per_minute: Some(60), per_day: Some(5000), minute }
    }

    /// Xero's app-wide limit: 10,000/minute across all tenants.
    pub fn xero_app(minute: Duration) -> Self {
        Self { concurrent: None, per_minute: Some(10_000), per_day: None, minute }
    }
}

/// A rolling window: at most `limit` events in any `period`. Pure apart from the `now` it is given.
#[derive(Debug, Clone)]
pub struct Window {
    limit: u32,
    period: Duration,
    events: VecDeque<Instant>,
}

impl Window {
    pub fn new(limit: u32, period: Duration) -> Self {
        Self { limit, period, events: VecDeque::new() }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&first) = self.events.front() {
            if now.duration_since(first) >= self.period {
                self.events.pop_front();
            } else {
                break;
            }
        }
    }

    /// How long until one more event fits; `None` when it fits now.
    pub fn wait(&mut self, now: Instant) -> Option<Duration> {
        self.expire(now);
        if (self.events.len() as u32) < self.limit {
            return None;
        }
        let oldest_that_must_expire = self.events[self.events.len() - self.limit as usize];
        Some(self.period.saturating_sub(now.duration_since(oldest_that_must_expire)))
    }

    pub fn record(&mut self, now: Instant) {
        self.events.push_back(now);
    }

    pub fn used(&mut self, now: Instant) -> u32 {
        self.expire(now);
        self.events.len() as u32
    }

    /// The server says `remaining` calls are left in its window. If that is fewer than we think,
    /// someone else used some: count them as made now, so we slow down accordingly.
    pub fn observe_remaining(&mut self, remaining: u32, now: Instant) {
        self.expire(now);
        let server_used = self.limit.saturating_sub(remaining);
        while (self.events.len() as u32) < server_used {
            self.events.push_back(now);
        }
    }
}

struct KeyState {
    slots: Option<Arc<Semaphore>>,
    minute: Option<Window>,
    day: Option<Window>,
}

/// Holding a permit keeps one concurrency slot; dropping it frees the slot.
#[derive(Debug)]
pub struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
}

#[derive(Clone, Default)]
pub struct Governor {
    keys: Arc<Mutex<HashMap<String, KeyState>>>,
}

impl std::fmt::Debug for Governor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Governor")
    }
}

impl Governor {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_key<T>(&self, key: &str, limits: Limits, f: impl FnOnce(&mut KeyState) -> T) -> T {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let state = keys.entry(key.to_owned()).or_insert_with(|| KeyState {
            slots: limits.concurrent.map(|n| Arc::new(Semaphore::new(n))),
            minute: limits.per_minute.map(|n| Window::new(n, limits.minute)),
            day: limits.per_day.map(|n| Window::new(n, limits.minute * 1440)),
        });
        f(state)
    }

    /// Waits until `key` has a free concurrency slot and room in its windows, then books one
    /// request. Waiting is fair enough for our use: many tenants have separate keys, so one
    /// busy organisation never starves another.
    pub async fn acquire(&self, key: &str, limits: Limits) -> Permit {
        let slots = self.with_key(key, limits, |s| s.slots.clone());
        let slot = match slots {
            Some(sem) => Some(sem.acquire_owned().await.expect("governor semaphores are never closed")),
            None => None,
        };
        loop {
            let wait = self.with_key(key, limits, |s| {
                let now = Instant::now();
                let w = [s.minute.as_mut(), s.day.as_mut()].into_iter().flatten().filter_map(|w| w.wait(now)).max();
                if w.is_none() {
                    for win in [s.minute.as_mut(), s.day.as_mut()].into_iter().flatten() {
                        win.record(now);
                    }
                }
                w
            });
            match wait {
                None => return Permit { _slot: slot },
                Some(d) => {
                    tracing::debug!(key, wait_ms = d.as_millis() as u64, "rate governor: waiting for room");
                    tokio::time::sleep(d).await;
                }
            }
        }
    }

    /// Folds a provider's "remaining" headers into the local view.
    pub fn observe_remaining(
        &self,
        key: &str,
        limits: Limits,
        minute_remaining: Option<u32>,
        day_remaining: Option<u32>,
    ) {
        self.with_key(key, limits, |s| {
            let now = Instant::now();
            if let (Some(w), Some(r)) = (s.minute.as_mut(), minute_remaining) {
                w.observe_remaining(r, now);
            }
            if let (Some(w), Some(r)) = (s.day.as_mut(), day_remaining) {
                w.observe_remaining(r, now);
            }
        });
    }

    /// Requests booked in the current minute window (for status screens and tests).
    pub fn used_this_minute(&self, key: &str, limits: Limits) -> u32 {
        self.with_key(key, limits, |s| s.minute.as_mut().map(|w| w.used(Instant::now())).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_window_admits_its_limit_then_waits_for_the_oldest_to_expire() {
        let mut w = Window::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(w.wait(t0), None);
            w.record(t0);
        }
        assert_eq!(w.wait(t0), Some(Duration::from_secs(60)));
        assert_eq!(w.wait(t0 + Duration::from_secs(59)), Some(Duration::from_secs(1)));
        assert_eq!(w.wait(t0 + Duration::from_secs(60)), None);
    }

    #[tokio::test(start_paused = true)]
    async fn server_remaining_counts_calls_made_elsewhere() {
        let mut w = Window::new(60, Duration::from_secs(60));
        let now = Instant::now();
        w.record(now);
        w.observe_remaining(10, now);
        assert_eq!(w.used(now), 50, "the server saw 50 calls; we made 1");
        w.observe_remaining(55, now);
        assert_eq!(w.used(now), 50, "a larger remaining never frees local bookings");
    }

    #[tokio::test(start_paused = true)]
    async fn seventy_requests_in_a_minute_take_two_minutes_never_exceeding_sixty() {
        let g = Governor::new();
        let limits =
            Limits { concurrent: Some(5), per_minute: Some(60), per_day: Some(5000), minute: Duration::from_secs(60) };
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..70 {
            let _p = g.acquire("xero tenant=a", limits).await;
            times.push(start.elapsed());
        }
        assert!(times[59] < Duration::from_secs(1), "the first 60 go at once");
        assert!(times[60] >= Duration::from_secs(60), "the 61st waits for the window");
        for (i, t) in times.iter().enumerate() {
            let in_window = times.iter().filter(|u| **u <= *t && *t - **u < Duration::from_secs(60)).count();
            assert!(in_window <= 60, "request {i}: {in_window} in one minute");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped_per_key_and_keys_do_not_block_each_other() {
        let g = Governor::new();
        let limits = Limits { concurrent: Some(5), per_minute: None, per_day: None, minute: Duration::from_secs(60) };
        let held: Vec<Permit> = futures_join(&g, "t1", limits, 5).await;
        let sixth = tokio::time::timeout(Duration::from_millis(10), g.acquire("t1", limits)).await;
        assert!(sixth.is_err(), "a sixth concurrent request on one tenant must wait");
        let other = tokio::time::timeout(Duration::from_millis(10), g.acquire("t2", limits)).await;
        assert!(other.is_ok(), "another tenant is not blocked");
        drop(held);
        let after = tokio::time::timeout(Duration::from_millis(10), g.acquire("t1", limits)).await;
        assert!(after.is_ok(), "a freed slot is reusable");
    }

    async fn futures_join(g: &Governor, key: &str, limits: Limits, n: usize) -> Vec<Permit> {
        let mut v = Vec::new();
        for _ in 0..n {
            v.push(g.acquire(key, limits).await);
        }
        v
    }
}
