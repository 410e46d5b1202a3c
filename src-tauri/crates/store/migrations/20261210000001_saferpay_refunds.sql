-- Refunds of Saferpay debits the app sends. Each is written with its outbox item before anything
-- reaches Saferpay; its id is the refund's OrderId at Saferpay (`<collection id>-R<n>`), which
-- Transaction/Inquire finds after a lost answer, so a refund is made once. Failed ones stay for
-- the record and do not count against what may still be refunded.
CREATE TABLE saferpay_refunds (
    id             TEXT PRIMARY KEY,
    collection_id  TEXT NOT NULL REFERENCES collections(id),
    seq            INTEGER NOT NULL,
    amount         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    outbox_id      TEXT NOT NULL REFERENCES outbox(id),
    status         TEXT NOT NULL CHECK (status IN ('intent', 'refunded', 'failed')),
    transaction_id TEXT,                    -- Saferpay's refund transaction, once made
    reason         TEXT,                    -- why it failed
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (collection_id, seq)
);

-- A refund is a fact the settlement books (money back to the payer out of the clearing
-- account). SQLite cannot widen a CHECK in place: the table is copied into its new shape.
CREATE TABLE settlement_bookings_new (
    provider        TEXT NOT NULL,
    fact            TEXT NOT NULL CHECK (fact IN ('confirmed', 'reversal', 'payout', 'refund')),
    fact_id         TEXT NOT NULL,          -- the provider's payment, payout or refund id
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    writes          TEXT NOT NULL,          -- JSON: the ledger writes queued for it, in order
    attention       TEXT NOT NULL,          -- JSON: what a person must look at
    booked_at       TEXT NOT NULL,
    PRIMARY KEY (provider, fact, fact_id)
);
INSERT INTO settlement_bookings_new (provider, fact, fact_id, organisation_id, writes, attention, booked_at)
    SELECT provider, fact, fact_id, organisation_id, writes, attention, booked_at FROM settlement_bookings;
DROP TABLE settlement_bookings;
ALTER TABLE settlement_bookings_new RENAME TO settlement_bookings;
