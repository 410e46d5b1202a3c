//! Whether the providers can be reached, as the requests themselves found out: any HTTP answer
//! (even a 5xx) means the network works; a connect error or a timeout means it does not. The
//! app shows this instead of the OS's idea of "online", which says nothing about a provider.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The last thing seen of one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub reachable: bool,
    pub at: SystemTime,
}

type OnChange = Arc<dyn Fn(bool) + Send + Sync>;

/// Shared by every client of the app (clones share one record).
#[derive(Clone, Default)]
pub struct Reachability {
    hosts: Arc<Mutex<HashMap<String, Seen>>>,
    on_change: Arc<Mutex<Option<OnChange>>>,
}

impl std::fmt::Debug for Reachability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reachability").field("online", &self.online()).finish()
    }
}

/// Pure: the app is offline when the most recent observation of any host was a failure, online
/// when it was an answer, unknown before the first request.
pub fn summarise(hosts: &HashMap<String, Seen>) -> Option<bool> {
    hosts.values().max_by_key(|s| s.at).map(|s| s.reachable)
}

impl Reachability {
    /// Called with the new value whenever the summary flips (not on every request).
    pub fn on_change(&self, f: impl Fn(bool) + Send + Sync + 'static) {
        *self.on_change.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(f));
    }

    pub fn record(&self, host: &str, reachable: bool, at: SystemTime) {
        let (before, after) = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
            let before = summarise(&hosts);
            hosts.insert(host.to_owned(), Seen { reachable, at });
            (before, summarise(&hosts))
        };
        if before != after {
            let hook = self.on_change.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let (Some(hook), Some(now)) = (hook, after) {
                hook(now);
            }
        }
    }

    pub fn online(&self) -> Option<bool> {
        summarise(&self.hosts.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Hosts whose last request failed, and when the summary was last decided.
    pub fn snapshot(&self) -> (Vec<String>, Option<SystemTime>) {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let mut down: Vec<String> = hosts.iter().filter(|(_, s)| !s.reachable).map(|(h, _)| h.clone()).collect();
        down.sort();
        (down, hosts.values().map(|s| s.at).max())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_latest_observation_decides_and_changes_are_reported_once() {
        let r = Reachability::default();
        assert_eq!(r.online(), None, "unknown before any request");
        let flips = Arc::new(Mutex::new(Vec::new()));
        let f = flips.clone();
        r.on_change(move |v| f.lock().unwrap().push(v));
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        r.record("api.xero.com", true, t0);
        r.record("api.xero.com", true, t0 + Duration::from_secs(1));
        r.record("acme.okta.com", false, t0 + Duration::from_secs(2));
        assert_eq!(r.online(), Some(false));
        assert_eq!(r.snapshot().0, vec!["acme.okta.com".to_owned()]);
        r.record("api.xero.com", true, t0 + Duration::from_secs(3));
        assert_eq!(r.online(), Some(true), "an answer after the failure means the network is back");
        assert_eq!(*flips.lock().unwrap(), vec![true, false, true]);
    }
}
