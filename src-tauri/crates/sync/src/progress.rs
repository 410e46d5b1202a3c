//! What the engine reports while it works, and the ETA arithmetic.

use std::time::Duration;
use xp_core::ids::OrganisationId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressState {
    Running,
    Done,
    Failed,
    Cancelled,
    Paused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub resource: String,
    pub state: ProgressState,
    pub pages_done: u32,
    pub page_count: Option<u32>,
    pub items_done: u64,
    pub item_count: Option<u64>,
    pub eta: Option<Duration>,
    pub message: Option<String>,
}

/// Remaining time at the rate observed so far; None until there is something to go on.
pub fn eta(items_done: u64, item_count: Option<u64>, elapsed: Duration) -> Option<Duration> {
    let total = item_count?;
    if items_done == 0 || elapsed.is_zero() {
        return None;
    }
    let remaining = total.saturating_sub(items_done);
    Some(elapsed.mul_f64(remaining as f64 / items_done as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_scales_the_elapsed_time_by_what_is_left() {
        assert_eq!(eta(250, Some(1000), Duration::from_secs(10)), Some(Duration::from_secs(30)));
        assert_eq!(eta(0, Some(1000), Duration::from_secs(10)), None);
        assert_eq!(eta(10, None, Duration::from_secs(10)), None);
        assert_eq!(eta(1000, Some(1000), Duration::from_secs(10)), Some(Duration::ZERO));
    }
}
