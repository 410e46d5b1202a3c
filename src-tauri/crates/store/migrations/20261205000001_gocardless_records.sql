-- GoCardless records as the sync engine receives them (lists on a full load, then the events
-- feed), keyed by the provider's ids per creditor (organisations.external_id). Amounts are exact
-- decimal text in the currency's units ("1230.56", "-117.61": a payout may be negative) with
-- their ISO currency; dates are 'YYYY-MM-DD'; *_at columns are RFC 3339 as GoCardless sends them.
-- No IBAN or account number is ever kept: a bank account is its last digits and its bank.

CREATE TABLE gocardless_customers (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    customer_id     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    email           TEXT COLLATE NOCASE,
    given_name      TEXT,
    family_name     TEXT,
    company_name    TEXT COLLATE NOCASE,
    country_code    TEXT,
    PRIMARY KEY (organisation_id, customer_id)
);

CREATE TABLE gocardless_bank_accounts (
    organisation_id       TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    bank_account_id       TEXT NOT NULL,
    customer_id           TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    account_number_ending TEXT NOT NULL CHECK (length(account_number_ending) <= 4),
    bank_name             TEXT,
    currency              TEXT,
    country_code          TEXT,
    enabled               INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (organisation_id, bank_account_id)
);

CREATE TABLE gocardless_mandates (
    organisation_id           TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    mandate_id                TEXT NOT NULL,
    customer_id               TEXT NOT NULL,
    bank_account_id           TEXT NOT NULL,
    created_at                TEXT NOT NULL,
    reference                 TEXT NOT NULL,
    status                    TEXT NOT NULL,
    scheme                    TEXT NOT NULL,
    next_possible_charge_date TEXT,
    -- Why it was cancelled, failed or expired: only an event says (the mandate itself does not).
    reason                    TEXT,
    PRIMARY KEY (organisation_id, mandate_id)
);
CREATE INDEX gocardless_mandates_customer ON gocardless_mandates (organisation_id, customer_id);

CREATE TABLE gocardless_payments (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    payment_id      TEXT NOT NULL,
    mandate_id      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    charge_date     TEXT NOT NULL,
    amount          TEXT NOT NULL,
    amount_refunded TEXT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    reference       TEXT,
    description     TEXT,
    payout_id       TEXT,
    PRIMARY KEY (organisation_id, payment_id)
);
CREATE INDEX gocardless_payments_mandate ON gocardless_payments (organisation_id, mandate_id);

CREATE TABLE gocardless_refunds (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    refund_id       TEXT NOT NULL,
    payment_id      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    amount          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    reference       TEXT,
    PRIMARY KEY (organisation_id, refund_id)
);

CREATE TABLE gocardless_payouts (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    payout_id       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    amount          TEXT NOT NULL,
    deducted_fees   TEXT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    arrival_date    TEXT,
    reference       TEXT NOT NULL,
    payout_type     TEXT NOT NULL,
    PRIMARY KEY (organisation_id, payout_id)
);

-- A payout's lines in the order GoCardless lists them; replaced whole with their payout.
CREATE TABLE gocardless_payout_items (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    payout_id       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    item_type       TEXT NOT NULL,
    amount          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    payment_id      TEXT,
    mandate_id      TEXT,
    refund_id       TEXT,
    PRIMARY KEY (organisation_id, payout_id, seq)
);

-- Every event of the feed that was applied, written in the transaction of what it changed: an
-- event already here is skipped, so each is applied once. The feed's cursor itself is the sync
-- engine's (sync_cursors.feed_cursor of the 'events' resource), committed in the same transaction.
CREATE TABLE gocardless_applied_events (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, event_id)
);

-- Per creditor: where the feed begins while no cursor is kept (the start of the first complete
-- full load, less a margin: its first read needs no walk through years of history and misses
-- nothing after the load), and when the last complete full load began (the next is due a week on).
CREATE TABLE gocardless_feed (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    since           TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
);
