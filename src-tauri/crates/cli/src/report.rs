//! What `xpartner` tells people (one sentence per organisation or event) and machines (`--json`).
//! Pure functions of the outcomes, so the wording is tested without a sync.

use std::time::Duration;
use xp_sync::{OrgOutcome, Progress, ProgressState};

/// One line saying how an organisation's sync ended and what happens next.
pub fn outcome_line(organisation: &str, outcome: &OrgOutcome) -> String {
    match outcome {
        OrgOutcome::Done { items, calls } => {
            format!("{organisation}: synced {items} {} in {calls} {}", plural(*items, "record"), plural(*calls, "call"))
        }
        OrgOutcome::Cancelled => format!("{organisation}: cancelled; the next sync resumes where this one stopped"),
        OrgOutcome::Paused { retry_after } => match retry_after {
            Some(wait) => format!(
                "{organisation}: paused, the provider's daily limit is used up; syncing can resume in {}",
                human_duration(*wait)
            ),
            None => format!("{organisation}: paused, the provider's daily limit is used up; syncing resumes tomorrow"),
        },
        OrgOutcome::ReconnectNeeded(reason) => {
            format!("{organisation}: reconnect needed ({reason}); run `xpartner connect xero` again")
        }
        OrgOutcome::Failed { failed } => {
            let what =
                failed.iter().map(|(resource, reason)| format!("{resource}: {reason}")).collect::<Vec<_>>().join("; ");
            format!("{organisation}: failed on {what}; the next sync resumes where this one stopped")
        }
    }
}

/// The stable machine form of one organisation's outcome (`xpartner --json sync xero`).
pub fn outcome_json(id: &str, organisation: &str, outcome: &OrgOutcome) -> serde_json::Value {
    use serde_json::json;
    let detail = match outcome {
        OrgOutcome::Done { items, calls } => json!({ "outcome": "done", "records": items, "calls": calls }),
        OrgOutcome::Cancelled => json!({ "outcome": "cancelled" }),
        OrgOutcome::Paused { retry_after } => {
            json!({ "outcome": "paused", "retry_after_seconds": retry_after.map(|d| d.as_secs()) })
        }
        OrgOutcome::ReconnectNeeded(reason) => json!({ "outcome": "reconnect_needed", "message": reason }),
        OrgOutcome::Failed { failed } => json!({
            "outcome": "failed",
            "failures": failed.iter().map(|(r, m)| json!({ "resource": r, "message": m })).collect::<Vec<_>>(),
        }),
    };
    let mut v = json!({ "id": id, "name": organisation });
    if let (Some(obj), serde_json::Value::Object(d)) = (v.as_object_mut(), detail) {
        obj.extend(d);
    }
    v
}

/// The sync's progress as lines on standard error (standard output keeps the summary lines
/// automation reads).
pub fn to_stderr() -> std::sync::Arc<dyn Fn(Progress) + Send + Sync> {
    std::sync::Arc::new(|p: Progress| {
        if let Some(line) = progress_line(&p) {
            eprintln!("{line}");
        }
    })
}

/// A progress line for stderr, or None while a resource has not read its first page.
pub fn progress_line(p: &Progress) -> Option<String> {
    if p.state == ProgressState::Running && p.pages_done == 0 {
        return None;
    }
    let state = match p.state {
        ProgressState::Running => "reading",
        ProgressState::Done => "done",
        ProgressState::Failed => "failed",
        ProgressState::Cancelled => "cancelled",
        ProgressState::Paused => "paused",
    };
    let of = p.item_count.map(|n| format!(" of {n}")).unwrap_or_default();
    let note = p.message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default();
    Some(format!(
        "{} {}: {state}, {}{of} {}{note}",
        p.organisation_name,
        p.resource,
        p.items_done,
        plural(p.items_done, "record")
    ))
}

fn plural<N: Into<u64>>(n: N, word: &str) -> String {
    if n.into() == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// "3 h 20 min", "12 min", "45 s": whole units, the two largest.
fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m) = (s / 3600, (s % 3600) / 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_sync_says_how_many_records_and_calls() {
        let line = outcome_line("Demo Company (UK)", &OrgOutcome::Done { items: 1444, calls: 9 });
        assert_eq!(line, "Demo Company (UK): synced 1444 records in 9 calls");
        let one = outcome_line("Solo", &OrgOutcome::Done { items: 1, calls: 1 });
        assert_eq!(one, "Solo: synced 1 record in 1 call", "singulars read as English");
    }

    #[test]
    fn a_failure_names_the_resource_and_the_reason_and_says_what_happens_next() {
        let outcome = OrgOutcome::Failed { failed: vec![("Invoices".into(), "Xero answered 500".into())] };
        let line = outcome_line("Demo Company (UK)", &outcome);
        assert_eq!(
            line,
            "Demo Company (UK): failed on Invoices: Xero answered 500; the next sync resumes where this one stopped"
        );
        assert!(!line.contains('{') && !line.contains("Failed"), "no Rust Debug output reaches people: {line}");
    }

    #[test]
    fn a_pause_says_when_syncing_can_resume_and_a_lost_grant_says_to_reconnect() {
        let paused = outcome_line("Org", &OrgOutcome::Paused { retry_after: Some(Duration::from_secs(12_000)) });
        assert_eq!(paused, "Org: paused, the provider's daily limit is used up; syncing can resume in 3 h 20 min");
        let reconnect = outcome_line("Org", &OrgOutcome::ReconnectNeeded("the grant was revoked".into()));
        assert!(reconnect.contains("reconnect needed (the grant was revoked)"), "{reconnect}");
        assert!(reconnect.contains("xpartner connect xero"), "the line says what to do: {reconnect}");
    }

    #[test]
    fn the_json_form_is_flat_and_names_the_outcome() {
        let v = outcome_json("o1", "Org", &OrgOutcome::Done { items: 5, calls: 2 });
        assert_eq!(v, serde_json::json!({ "id": "o1", "name": "Org", "outcome": "done", "records": 5, "calls": 2 }));
        let f = outcome_json("o1", "Org", &OrgOutcome::Failed { failed: vec![("Contacts".into(), "reset".into())] });
        assert_eq!(f["outcome"], "failed");
        assert_eq!(f["failures"][0], serde_json::json!({ "resource": "Contacts", "message": "reset" }));
        let p = outcome_json("o1", "Org", &OrgOutcome::Paused { retry_after: None });
        assert!(p["retry_after_seconds"].is_null(), "an unknown wait is null, not a made-up number");
    }

    #[test]
    fn progress_is_quiet_until_the_first_page_and_then_reads_as_words() {
        let mut p = Progress {
            organisation_id: xp_core::ids::OrganisationId::new_random(),
            organisation_name: "Org".into(),
            resource: "Invoices".into(),
            state: ProgressState::Running,
            pages_done: 0,
            page_count: None,
            items_done: 0,
            item_count: None,
            eta: None,
            message: None,
        };
        assert_eq!(progress_line(&p), None);
        p.pages_done = 1;
        p.items_done = 100;
        p.item_count = Some(1444);
        assert_eq!(progress_line(&p).unwrap(), "Org Invoices: reading, 100 of 1444 records");
        p.state = ProgressState::Done;
        assert_eq!(progress_line(&p).unwrap(), "Org Invoices: done, 100 of 1444 records");
    }
}
