//! The governor, fed Xero's remaining-budget headers, keeps one organisation under 60 calls a
//! minute, so the emulator never has to refuse.

use crate::sandbox::start;
use std::time::Duration;
use xp_xero::{PageRequest, Resource};

#[tokio::test]
async fn one_hundred_thirty_calls_to_one_tenant_draw_no_429() {
    // A 1 s "minute" on both sides (the sandbox's --minute-ms), so 130 calls span three windows.
    let s = start(Duration::from_millis(1000)).await;
    let tenant = &s.tenants[0];
    let req = PageRequest { page: Some(1), page_size: 5, ..PageRequest::default() };
    let mut lowest = u32::MAX;
    for _ in 0..130 {
        let page = s.xero.fetch_page(&s.token, tenant, Resource::Contacts, req).await.unwrap();
        lowest = lowest.min(page.budget.minute_remaining.unwrap());
    }
    assert_eq!(
        s.ctx.counters.snapshot().rate_limited.get("xero"),
        None,
        "the governor, not Xero's 429s, must pace the calls"
    );
    assert_eq!(s.ctx.counters.requests("xero", "GET /api.xro/2.0/Contacts"), 130, "every call was served once");
    assert!(lowest < 10, "the calls really pressed against the limit (lowest remaining {lowest})");
}
