-- Direct-debit collections: one row per attempt to collect a Xero invoice, written together
-- with its outbox intent in one transaction before anything is sent, so a crash can neither
-- lose a collection nor start a second one. Amounts are exact decimals as text.
CREATE TABLE collections (
    id                  TEXT PRIMARY KEY,
    organisation_id     TEXT NOT NULL REFERENCES organisations(id),
    invoice_id          TEXT NOT NULL,          -- Xero InvoiceID
    invoice_number      TEXT,
    provider            TEXT NOT NULL CHECK (provider IN ('gocardless', 'saferpay')),
    mandate_id          TEXT NOT NULL,          -- the provider's mandate
    amount              TEXT NOT NULL,
    currency            TEXT NOT NULL,
    charge_date         TEXT,                   -- YYYY-MM-DD; NULL: the earliest the scheme allows
    idempotency_key     TEXT NOT NULL UNIQUE,   -- sent with the create, kept for every retry
    outbox_id           TEXT NOT NULL REFERENCES outbox(id),
    provider_payment_id TEXT,                   -- known once the provider answered
    status              TEXT NOT NULL CHECK (status IN ('intent', 'pending_submission', 'submitted', 'confirmed',
                            'paid_out', 'failed', 'cancelled', 'charged_back', 'late_failure', 'refunded')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
-- While money is on its way (or has arrived) for an invoice, nobody can start a second
-- collection of it: the database refuses it, whatever the caller checked before.
CREATE UNIQUE INDEX collections_one_live_per_invoice ON collections (organisation_id, invoice_id)
    WHERE status IN ('intent', 'pending_submission', 'submitted', 'confirmed', 'paid_out');
CREATE UNIQUE INDEX collections_provider_payment ON collections (provider, provider_payment_id)
    WHERE provider_payment_id IS NOT NULL;

-- Each collection's timeline: every status with its time and the provider's reason. A provider
-- event is applied once (its id is unique per collection).
CREATE TABLE collection_events (
    collection_id   TEXT NOT NULL REFERENCES collections(id),
    seq             INTEGER NOT NULL,
    at              TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    source_event_id TEXT,
    PRIMARY KEY (collection_id, seq)
);
CREATE UNIQUE INDEX collection_events_once ON collection_events (collection_id, source_event_id)
    WHERE source_event_id IS NOT NULL;
