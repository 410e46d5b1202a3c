-- Foundation schema. Forward-only: never edit a migration that has shipped; add a new one.
-- Tokens and secrets never live here: they are in the OS keychain (crate vault).

CREATE TABLE connections (
    id            TEXT PRIMARY KEY,              -- app's own uuid
    provider      TEXT NOT NULL CHECK (provider IN ('xero','okta','gocardless','saferpay','okx','openai')),
    display_name  TEXT NOT NULL,
    -- 'active' | 'reconnect_needed' | 'disconnected'
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','reconnect_needed','disconnected')),
    -- provider-side identity of the grant (e.g. Xero authEventId), never a credential
    external_ref  TEXT,
    scopes        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE organisations (
    id              TEXT PRIMARY KEY,
    connection_id   TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    provider        TEXT NOT NULL,
    external_id     TEXT NOT NULL,               -- e.g. Xero tenantId
    name            TEXT NOT NULL,
    base_currency   TEXT,
    status          TEXT NOT NULL DEFAULT 'active',
    last_synced_at  TEXT,
    -- remaining API budget as last reported by the provider's rate-limit headers
    budget_minute   INTEGER,
    budget_day      INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (provider, external_id)
);

-- One cursor per (organisation, resource). Committed in the same transaction as the rows a page
-- brought, so a crash at any point resumes from the last committed page.
CREATE TABLE sync_cursors (
    organisation_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    resource         TEXT NOT NULL,
    modified_since   TEXT,        -- high-water mark for If-Modified-Since style feeds
    next_page        INTEGER,     -- page to fetch next in an unfinished pass; NULL when idle
    feed_cursor      TEXT,        -- opaque cursor for cursor-paged feeds (GoCardless events)
    last_full_at     TEXT,        -- last full reconciliation pass
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, resource)
);

-- Actions to send to a provider exactly once. The idempotency key is sent to the provider too,
-- so a retry after a lost response cannot create a second object.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    target           TEXT NOT NULL,   -- connection or organisation the action belongs to
    payload          TEXT NOT NULL CHECK (json_valid(payload)),
    idempotency_key  TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','in_flight','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    result           TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Append-only audit trail; each row carries the hash of the previous one so tampering shows.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL CHECK (json_valid(detail)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL CHECK (json_valid(value))
);
