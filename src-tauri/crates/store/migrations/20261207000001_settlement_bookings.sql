-- What the settlement has booked in Xero for each direct-debit fact (a confirmed payment, its
-- reversal, a payout). Written in the same transaction as the fact's outbox items, so a fact is
-- booked once: a crash leaves both or neither, and a second pass finds the booking.
CREATE TABLE settlement_bookings (
    provider        TEXT NOT NULL,
    fact            TEXT NOT NULL CHECK (fact IN ('confirmed', 'reversal', 'payout')),
    fact_id         TEXT NOT NULL,          -- the provider's payment or payout id
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    writes          TEXT NOT NULL,          -- JSON: the ledger writes queued for it, in order
    attention       TEXT NOT NULL,          -- JSON: what a person must look at
    booked_at       TEXT NOT NULL,
    PRIMARY KEY (provider, fact, fact_id)
);
