-- Xero records as the sync engine receives them, so every view works offline.
-- Each table keeps the record's raw JSON (Xero's own field names) plus typed columns extracted
-- for listing, filtering and sorting. Ids are Xero GUIDs in lower case. Amounts are exact
-- decimal text at Xero's 2 dp ("1200.50") with an integer twin in minor units (x100) for range
-- filters and sorts; calendar dates are 'YYYY-MM-DD'; *_utc columns are ms since the epoch.
-- Deleted/voided records stay with their status: Xero returns them and the UI filters.
--
-- Tables have an explicit INTEGER PRIMARY KEY: an external-content FTS index (and the invoices'
-- raw side table) refer to rows by rowid, and VACUUM may renumber an implicit rowid.

CREATE TABLE xero_invoices (
    id                INTEGER PRIMARY KEY,
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    invoice_id        TEXT NOT NULL,
    number            TEXT COLLATE NOCASE,
    type              TEXT,
    status            TEXT,
    contact_id        TEXT,
    contact_name      TEXT COLLATE NOCASE,
    reference         TEXT,
    date              TEXT,
    due_date          TEXT,
    currency          TEXT,
    total             TEXT,
    amount_due        TEXT,
    amount_paid       TEXT,
    total_minor       INTEGER,
    amount_due_minor  INTEGER,
    updated_utc       INTEGER,
    has_line_items    INTEGER NOT NULL DEFAULT 0 CHECK (has_line_items IN (0, 1)),
    UNIQUE (organisation_id, invoice_id)
);
-- The raw JSON of an invoice (about 2 KB with line items) lives beside the row, not in it: inline
-- it would leave one or two rows per page, and every filter that reads rows (a sort after a
-- range filter, a LIKE scan) would decrypt ten times the pages (docs/benchmarks-store.md).
CREATE TABLE xero_invoices_raw (
    id   INTEGER PRIMARY KEY REFERENCES xero_invoices(id) ON DELETE CASCADE,
    raw  TEXT NOT NULL CHECK (json_valid(raw))
);
-- The list view's sorts and filters; the rowid (id) at the end of each index breaks ties, so
-- "ORDER BY <column>, id" is served by the index without a sort step.
CREATE INDEX xero_invoices_date        ON xero_invoices (organisation_id, date);
CREATE INDEX xero_invoices_status_date ON xero_invoices (organisation_id, status, date);
CREATE INDEX xero_invoices_contact     ON xero_invoices (organisation_id, contact_id, date);
CREATE INDEX xero_invoices_currency    ON xero_invoices (organisation_id, currency, date);
CREATE INDEX xero_invoices_total       ON xero_invoices (organisation_id, total_minor);
CREATE INDEX xero_invoices_amount_due  ON xero_invoices (organisation_id, amount_due_minor);
CREATE INDEX xero_invoices_due_date    ON xero_invoices (organisation_id, due_date);
CREATE INDEX xero_invoices_number      ON xero_invoices (organisation_id, number);
CREATE INDEX xero_invoices_contact_nm  ON xero_invoices (organisation_id, contact_name);
CREATE INDEX xero_invoices_updated     ON xero_invoices (organisation_id, updated_utc);

-- Substring search over number, contact name and reference. The trigram tokenizer matches any
-- fragment of 3+ characters (case-insensitive), which is what "search" means to a user typing
-- part of an invoice number; shorter input falls back to LIKE on the table.
CREATE VIRTUAL TABLE xero_invoices_fts USING fts5 (
    number, contact_name, reference,
    content = 'xero_invoices', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER xero_invoices_fts_insert AFTER INSERT ON xero_invoices BEGIN
    INSERT INTO xero_invoices_fts (rowid, number, contact_name, reference)
    VALUES (new.id, new.number, new.contact_name, new.reference);
END;
CREATE TRIGGER xero_invoices_fts_delete AFTER DELETE ON xero_invoices BEGIN
    INSERT INTO xero_invoices_fts (xero_invoices_fts, rowid, number, contact_name, reference)
    VALUES ('delete', old.id, old.number, old.contact_name, old.reference);
END;
-- A re-sync rewrites every column; only a real change of the searched text touches the index.
CREATE TRIGGER xero_invoices_fts_update AFTER UPDATE OF number, contact_name, reference ON xero_invoices
WHEN old.number IS NOT new.number OR old.contact_name IS NOT new.contact_name OR old.reference IS NOT new.reference
BEGIN
    INSERT INTO xero_invoices_fts (xero_invoices_fts, rowid, number, contact_name, reference)
    VALUES ('delete', old.id, old.number, old.contact_name, old.reference);
    INSERT INTO xero_invoices_fts (rowid, number, contact_name, reference)
    VALUES (new.id, new.number, new.contact_name, new.reference);
END;

-- Replaced as a set whenever an invoice arrives WITH LineItems; a summary record (no
-- LineItems) leaves them alone.
CREATE TABLE xero_invoice_lines (
    organisation_id  TEXT NOT NULL,
    invoice_id       TEXT NOT NULL,
    position         INTEGER NOT NULL,
    line_item_id     TEXT,
    description      TEXT,
    quantity         TEXT,
    unit_amount      TEXT,
    account_code     TEXT,
    tax_type         TEXT,
    tax_amount       TEXT,
    line_amount      TEXT,
    PRIMARY KEY (organisation_id, invoice_id, position),
    FOREIGN KEY (organisation_id, invoice_id)
        REFERENCES xero_invoices (organisation_id, invoice_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE xero_contacts (
    id                INTEGER PRIMARY KEY,
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_id        TEXT NOT NULL,
    name              TEXT COLLATE NOCASE,
    email             TEXT,
    contact_number    TEXT,
    status            TEXT,
    is_customer       INTEGER,
    is_supplier       INTEGER,
    default_currency  TEXT,
    updated_utc       INTEGER,
    raw               TEXT NOT NULL CHECK (json_valid(raw)),
    UNIQUE (organisation_id, contact_id)
);
CREATE INDEX xero_contacts_name    ON xero_contacts (organisation_id, name);
CREATE INDEX xero_contacts_updated ON xero_contacts (organisation_id, updated_utc);

CREATE TABLE xero_payments (
    id               INTEGER PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    payment_id       TEXT NOT NULL,
    invoice_id       TEXT,
    date             TEXT,
    amount           TEXT,
    amount_minor     INTEGER,
    currency         TEXT,
    status           TEXT,
    reference        TEXT,
    payment_type     TEXT,
    account_code     TEXT,
    is_reconciled    INTEGER,
    updated_utc      INTEGER,
    raw              TEXT NOT NULL CHECK (json_valid(raw)),
    UNIQUE (organisation_id, payment_id)
);
-- With date: an invoice's payments come back in date order straight from the index (without it,
-- the planner preferred walking the date index over all payments to avoid a sort).
CREATE INDEX xero_payments_invoice ON xero_payments (organisation_id, invoice_id, date);
CREATE INDEX xero_payments_date    ON xero_payments (organisation_id, date);
CREATE INDEX xero_payments_updated ON xero_payments (organisation_id, updated_utc);

CREATE TABLE xero_bank_transactions (
    id                   INTEGER PRIMARY KEY,
    organisation_id      TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    bank_transaction_id  TEXT NOT NULL,
    type                 TEXT,
    status               TEXT,
    contact_id           TEXT,
    contact_name         TEXT COLLATE NOCASE,
    date                 TEXT,
    reference            TEXT,
    currency             TEXT,
    total                TEXT,
    total_minor          INTEGER,
    is_reconciled        INTEGER,
    bank_account_code    TEXT,
    bank_account_name    TEXT,
    updated_utc          INTEGER,
    raw                  TEXT NOT NULL CHECK (json_valid(raw)),
    UNIQUE (organisation_id, bank_transaction_id)
);
CREATE INDEX xero_bank_transactions_date        ON xero_bank_transactions (organisation_id, date);
CREATE INDEX xero_bank_transactions_status_date ON xero_bank_transactions (organisation_id, status, date);
CREATE INDEX xero_bank_transactions_contact     ON xero_bank_transactions (organisation_id, contact_id, date);
CREATE INDEX xero_bank_transactions_account     ON xero_bank_transactions (organisation_id, bank_account_code, date);
CREATE INDEX xero_bank_transactions_total       ON xero_bank_transactions (organisation_id, total_minor);
CREATE INDEX xero_bank_transactions_updated     ON xero_bank_transactions (organisation_id, updated_utc);

CREATE TABLE xero_credit_notes (
    id                INTEGER PRIMARY KEY,
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    credit_note_id    TEXT NOT NULL,
    number            TEXT COLLATE NOCASE,
    type              TEXT,
    status            TEXT,
    contact_id        TEXT,
    contact_name      TEXT COLLATE NOCASE,
    date              TEXT,
    currency          TEXT,
    total             TEXT,
    total_minor       INTEGER,
    remaining_credit  TEXT,
    updated_utc       INTEGER,
    raw               TEXT NOT NULL CHECK (json_valid(raw)),
    UNIQUE (organisation_id, credit_note_id)
);
CREATE INDEX xero_credit_notes_date    ON xero_credit_notes (organisation_id, date);
CREATE INDEX xero_credit_notes_contact ON xero_credit_notes (organisation_id, contact_id, date);
CREATE INDEX xero_credit_notes_updated ON xero_credit_notes (organisation_id, updated_utc);

CREATE TABLE xero_accounts (
    id               INTEGER PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id       TEXT NOT NULL,
    code             TEXT,
    name             TEXT,
    type             TEXT,
    class            TEXT,
    status           TEXT,
    currency         TEXT,
    enable_payments  INTEGER,
    updated_utc      INTEGER,
    raw              TEXT NOT NULL CHECK (json_valid(raw)),
    UNIQUE (organisation_id, account_id)
);
CREATE INDEX xero_accounts_code ON xero_accounts (organisation_id, code);

-- Small lists fetched whole (no paging): replaced as a whole on every fetch. `raw` is the JSON
-- array of the records as Xero returned them.
CREATE TABLE xero_reference (
    organisation_id  TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('organisation','currencies','tax_rates')),
    raw              TEXT NOT NULL CHECK (json_valid(raw)),
    PRIMARY KEY (organisation_id, kind)
) WITHOUT ROWID;
