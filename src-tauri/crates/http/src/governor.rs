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
///
/// A provider that says when its own window resets (GoCardless's `RateLimit-Reset`) is believed
/// until then: its remaining calls may go at once, none when it has none left, and at its reset
/// the calls of its old window stop counting. Without that, the rolling view kept each call for
/// a full period after it was made: a window the provider had already renewed stayed shut, and
/// the events sync waited out most of a minute for nothing (docs/benchmarks.md).
#[derive(Debug, Clone)]
pub struct Window {
    limit: u32,
    period: Duration,
    events: VecDeque<Instant>,
    server: Option<ServerWindow>,
}

/// The provider's own window as its last answer described it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ServerWindow {
    remaining: u32,
    resets_at: Instant,
}

impl Window {
    pub fn new(limit: u32, period: Duration) -> Self {
        Self { limit, period, events: VecDeque::new(), server: None }
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
        if let Some(server) = self.server {
            if now < server.resets_at {
                return (server.remaining == 0).then(|| server.resets_at - now);
            }
            // The provider's window has reset: what was made in the old one no longer counts.
            self.events.retain(|t| *t >= server.resets_at);
            self.server = None;
        }
        self.expire(now);
        if (self.events.len() as u32) < self.limit {
            return None;
        }
        let oldest_that_must_expire = self.events[self.events.len() - self.limit as usize];
        Some(self.period.saturating_sub(now.duration_since(oldest_that_must_expire)))
    }

    pub fn record(&mut self, now: Instant) {
        self.events.push_back(now);
        if let Some(server) = self.server.as_mut().filter(|s| now < s.resets_at) {
            server.remaining = server.remaining.saturating_sub(1);
        }
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

    /// The server says `remaining` calls are left in its window, which resets in `reset_in`.
    /// Answers arrive out of order when calls overlap, and calls booked since an answer was
    /// written are not in it: within the same window (resets within a second of each other,
    /// the precision of an HTTP date) the smaller remaining stands.
    pub fn observe_window(&mut self, remaining: u32, reset_in: Duration, now: Instant) {
        self.observe_remaining(remaining, now);
        let resets_at = now + reset_in;
        let same_window = |s: &ServerWindow| {
            let apart = if s.resets_at > resets_at { s.resets_at - resets_at } else { resets_at - s.resets_at };
            apart <= Duration::from_secs(1)
        };
        self.server = Some(match self.server {
            Some(s) if same_window(&s) => {
                ServerWindow { remaining: s.remaining.min(remaining), resets_at: s.resets_at.max(resets_at) }
            }
            _ => ServerWindow { remaining, resets_at },
        });
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

    /// Folds a provider's own minute window into the local view: `remaining` calls until it
    /// resets in `reset_in` (see [`Window`]).
    pub fn observe_window(&self, key: &str, limits: Limits, remaining: u32, reset_in: Duration) {
        self.with_key(key, limits, |s| {
            if let Some(w) = s.minute.as_mut() {
                w.observe_window(remaining, reset_in, Instant::now());
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
    async fn a_providers_own_window_is_believed_until_it_resets() {
        let minute = Duration::from_secs(60);
        let mut w = Window::new(1000, minute);
        let t0 = Instant::now();
        // 995 calls in the first ten seconds; the provider's window started 5 s before ours.
        for i in 0..995u32 {
            let at = t0 + Duration::from_millis(u64::from(i) * 10);
            assert_eq!(w.wait(at), None);
            w.record(at);
        }
        let t10 = t0 + Duration::from_secs(10);
        w.observe_window(3, Duration::from_secs(45), t10);
        for _ in 0..3 {
            assert_eq!(w.wait(t10), None, "the provider's remaining calls go at once");
            w.record(t10);
        }
        assert_eq!(
            w.wait(t10),
            Some(Duration::from_secs(45)),
            "none left: until the provider's reset, not a minute after the first call"
        );
        let reset = t10 + Duration::from_secs(45);
        assert_eq!(w.wait(reset), None, "its new window holds none of the old calls");
        assert_eq!(w.used(reset), 0);
        // Back to the rolling view: a thousand more, then the wait is for the oldest of them.
        for _ in 0..1000 {
            assert_eq!(w.wait(reset), None);
            w.record(reset);
        }
        assert_eq!(w.wait(reset), Some(minute));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_answer_of_the_same_window_does_not_give_back_calls() {
        let mut w = Window::new(1000, Duration::from_secs(60));
        let t0 = Instant::now();
        w.observe_window(2, Duration::from_secs(30), t0);
        w.record(t0);
        w.record(t0);
        // An answer written before those two calls were counted arrives late.
        w.observe_window(2, Duration::from_millis(29_600), t0 + Duration::from_millis(400));
        assert_eq!(w.wait(t0 + Duration::from_millis(400)), Some(Duration::from_millis(29_600)));
        // A later window's answer is believed as it is.
        w.observe_window(1000, Duration::from_secs(60), t0 + Duration::from_secs(30));
        assert_eq!(w.wait(t0 + Duration::from_secs(30)), None);
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
