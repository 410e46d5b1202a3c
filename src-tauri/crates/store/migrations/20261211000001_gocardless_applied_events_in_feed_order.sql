-- The applied events, keyed in the order the feed brings them. Keyed by the event id alone, a
-- page's 500 ids (random base-36, as GoCardless's are) landed on 500 leaves of an index that
-- grows with every event ever applied, and each page's commit re-encrypted all of them
-- (docs/benchmarks.md, events sync). An event's `created_at` never changes (GoCardless events
-- are immutable), so (created_at, event_id) is unique exactly when the id is, and a page's events,
-- read oldest first, append at the right edge of one table with no second index.
CREATE TABLE gocardless_applied_events_by_time (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    PRIMARY KEY (organisation_id, created_at, event_id)
) WITHOUT ROWID;

INSERT INTO gocardless_applied_events_by_time (organisation_id, created_at, event_id, resource_type, action)
    SELECT organisation_id, created_at, event_id, resource_type, action FROM gocardless_applied_events;

DROP TABLE gocardless_applied_events;

ALTER TABLE gocardless_applied_events_by_time RENAME TO gocardless_applied_events;
