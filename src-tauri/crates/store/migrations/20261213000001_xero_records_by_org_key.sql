-- Xero records keyed by a small integer per organisation instead of its UUID, and the invoices'
-- raw JSON compressed (issue 9, ingest; docs/benchmarks.md "fourth step"). Every index of every Xero table began with the organisation's
-- id, 36 characters of text repeated in each entry (SQLite does not compress key prefixes): at 100k
-- invoices that was about 40 % of the bytes of the ten invoice indexes, and a sync's commit writes
-- the leaves of those indexes again and again. `organisations.org_key` is a small integer given to
-- an organisation once (never changed, never reused while the organisation exists); the Xero
-- tables refer to it, and deleting an organisation still takes its records with it.
--
-- The tables are rebuilt (SQLite cannot change a column or a UNIQUE constraint in place) with
-- their row ids kept, so the invoices' raw JSON, their lines and the full-text index (which refer
-- to rows by id) carry over unchanged. Children are dropped before their parents, and the FTS
-- triggers before the invoices, so dropping the old tables deletes nothing else. The `*_updated`
-- indexes of payments, bank transactions and credit notes are not recreated: no query reads them
-- (the upsert compares the conflicting row's own column).
-- Forward-only: never edit a migration that has shipped; add a new one.

ALTER TABLE organisations ADD COLUMN org_key INTEGER;
UPDATE organisations SET org_key = rowid;
CREATE UNIQUE INDEX organisations_org_key ON organisations (org_key);
-- A new organisation gets the next key. A key is only reused after its organisation (and with it
-- every record under the key) was deleted.
CREATE TRIGGER organisations_org_key AFTER INSERT ON organisations WHEN new.org_key IS NULL
BEGIN
    UPDATE organisations SET org_key = (SELECT COALESCE(MAX(org_key), 0) + 1 FROM organisations) WHERE id = new.id;
END;

DROP TRIGGER xero_invoices_fts_insert;
DROP TRIGGER xero_invoices_fts_delete;
DROP TRIGGER xero_invoices_fts_update;

CREATE TABLE xero_invoices_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    invoice_id  TEXT NOT NULL,
    number TEXT COLLATE NOCASE,
    type TEXT,
    status TEXT,
    contact_id TEXT,
    contact_name TEXT COLLATE NOCASE,
    reference TEXT,
    date TEXT,
    due_date TEXT,
    currency TEXT,
    total TEXT,
    amount_due TEXT,
    amount_paid TEXT,
    total_minor INTEGER,
    amount_due_minor INTEGER,
    updated_utc INTEGER,
    has_line_items INTEGER NOT NULL DEFAULT 0 CHECK (has_line_items IN (0, 1)),
    minor_unit INTEGER,
    content_hash BLOB,
    UNIQUE (org_key, invoice_id)
);
INSERT INTO xero_invoices_by_key (id, org_key, invoice_id, number, type, status, contact_id, contact_name, reference, date, due_date, currency, total, amount_due, amount_paid, total_minor, amount_due_minor, updated_utc, has_line_items, minor_unit, content_hash)
    SELECT x.id, o.org_key, x.invoice_id, x.number, x.type, x.status, x.contact_id, x.contact_name, x.reference, x.date, x.due_date, x.currency, x.total, x.amount_due, x.amount_paid, x.total_minor, x.amount_due_minor, x.updated_utc, x.has_line_items, x.minor_unit, x.content_hash
      FROM xero_invoices x JOIN organisations o ON o.id = x.organisation_id;
-- The raw JSON is written LZ4-compressed from now on (xp_store::xero::packed: a zero byte, then
-- the block); rows written before stay JSON text, which never starts with a zero byte. So the
-- column is a BLOB (an affinity that converts nothing) without the json_valid CHECK: the provider
-- crate parsed every record before it got here.
CREATE TABLE xero_invoices_raw_by_key (
    id   INTEGER PRIMARY KEY REFERENCES xero_invoices_by_key(id) ON DELETE CASCADE,
    raw  BLOB NOT NULL
);
INSERT INTO xero_invoices_raw_by_key (id, raw) SELECT id, raw FROM xero_invoices_raw;
CREATE TABLE xero_invoice_lines_by_key (
    invoice_row   INTEGER NOT NULL REFERENCES xero_invoices_by_key(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    line_item_id  TEXT,
    description   TEXT,
    quantity      TEXT,
    unit_amount   TEXT,
    account_code  TEXT,
    tax_type      TEXT,
    tax_amount    TEXT,
    line_amount   TEXT,
    PRIMARY KEY (invoice_row, position)
) WITHOUT ROWID;
INSERT INTO xero_invoice_lines_by_key SELECT invoice_row, position, line_item_id, description, quantity, unit_amount,
       account_code, tax_type, tax_amount, line_amount FROM xero_invoice_lines;
DROP TABLE xero_invoice_lines;
DROP TABLE xero_invoices_raw;
DROP TABLE xero_invoices;
ALTER TABLE xero_invoices_by_key RENAME TO xero_invoices;
ALTER TABLE xero_invoices_raw_by_key RENAME TO xero_invoices_raw;
ALTER TABLE xero_invoice_lines_by_key RENAME TO xero_invoice_lines;
CREATE INDEX xero_invoices_date ON xero_invoices (org_key, date);
CREATE INDEX xero_invoices_status_date ON xero_invoices (org_key, status, date);
CREATE INDEX xero_invoices_contact ON xero_invoices (org_key, contact_id, date);
CREATE INDEX xero_invoices_currency ON xero_invoices (org_key, currency, date);
CREATE INDEX xero_invoices_total ON xero_invoices (org_key, total_minor / minor_unit, total_minor % minor_unit * (1000000000000000000 / minor_unit));
CREATE INDEX xero_invoices_amount_due ON xero_invoices (org_key, amount_due_minor / minor_unit, amount_due_minor % minor_unit * (1000000000000000000 / minor_unit));
CREATE INDEX xero_invoices_due_date ON xero_invoices (org_key, due_date);
CREATE INDEX xero_invoices_number ON xero_invoices (org_key, number);
CREATE INDEX xero_invoices_contact_nm ON xero_invoices (org_key, contact_name);

CREATE TABLE xero_contacts_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    contact_id  TEXT NOT NULL,
    name TEXT COLLATE NOCASE,
    email TEXT,
    contact_number TEXT,
    status TEXT,
    is_customer INTEGER,
    is_supplier INTEGER,
    default_currency TEXT,
    updated_utc INTEGER,
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    content_hash BLOB,
    UNIQUE (org_key, contact_id)
);
INSERT INTO xero_contacts_by_key (id, org_key, contact_id, name, email, contact_number, status, is_customer, is_supplier, default_currency, updated_utc, raw, content_hash)
    SELECT x.id, o.org_key, x.contact_id, x.name, x.email, x.contact_number, x.status, x.is_customer, x.is_supplier, x.default_currency, x.updated_utc, x.raw, x.content_hash
      FROM xero_contacts x JOIN organisations o ON o.id = x.organisation_id;
DROP TABLE xero_contacts;
ALTER TABLE xero_contacts_by_key RENAME TO xero_contacts;
CREATE INDEX xero_contacts_name ON xero_contacts (org_key, name);
CREATE INDEX xero_contacts_updated ON xero_contacts (org_key, updated_utc);

CREATE TABLE xero_payments_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    payment_id  TEXT NOT NULL,
    invoice_id TEXT,
    date TEXT,
    amount TEXT,
    amount_minor INTEGER,
    currency TEXT,
    status TEXT,
    reference TEXT,
    payment_type TEXT,
    account_code TEXT,
    is_reconciled INTEGER,
    updated_utc INTEGER,
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    minor_unit INTEGER,
    content_hash BLOB,
    UNIQUE (org_key, payment_id)
);
INSERT INTO xero_payments_by_key (id, org_key, payment_id, invoice_id, date, amount, amount_minor, currency, status, reference, payment_type, account_code, is_reconciled, updated_utc, raw, minor_unit, content_hash)
    SELECT x.id, o.org_key, x.payment_id, x.invoice_id, x.date, x.amount, x.amount_minor, x.currency, x.status, x.reference, x.payment_type, x.account_code, x.is_reconciled, x.updated_utc, x.raw, x.minor_unit, x.content_hash
      FROM xero_payments x JOIN organisations o ON o.id = x.organisation_id;
DROP TABLE xero_payments;
ALTER TABLE xero_payments_by_key RENAME TO xero_payments;
CREATE INDEX xero_payments_invoice ON xero_payments (org_key, invoice_id, date);
CREATE INDEX xero_payments_date ON xero_payments (org_key, date);

CREATE TABLE xero_bank_transactions_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    bank_transaction_id  TEXT NOT NULL,
    type TEXT,
    status TEXT,
    contact_id TEXT,
    contact_name TEXT COLLATE NOCASE,
    date TEXT,
    reference TEXT,
    currency TEXT,
    total TEXT,
    total_minor INTEGER,
    is_reconciled INTEGER,
    bank_account_code TEXT,
    bank_account_name TEXT,
    updated_utc INTEGER,
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    minor_unit INTEGER,
    content_hash BLOB,
    UNIQUE (org_key, bank_transaction_id)
);
INSERT INTO xero_bank_transactions_by_key (id, org_key, bank_transaction_id, type, status, contact_id, contact_name, date, reference, currency, total, total_minor, is_reconciled, bank_account_code, bank_account_name, updated_utc, raw, minor_unit, content_hash)
    SELECT x.id, o.org_key, x.bank_transaction_id, x.type, x.status, x.contact_id, x.contact_name, x.date, x.reference, x.currency, x.total, x.total_minor, x.is_reconciled, x.bank_account_code, x.bank_account_name, x.updated_utc, x.raw, x.minor_unit, x.content_hash
      FROM xero_bank_transactions x JOIN organisations o ON o.id = x.organisation_id;
DROP TABLE xero_bank_transactions;
ALTER TABLE xero_bank_transactions_by_key RENAME TO xero_bank_transactions;
CREATE INDEX xero_bank_transactions_date ON xero_bank_transactions (org_key, date);
CREATE INDEX xero_bank_transactions_status_date ON xero_bank_transactions (org_key, status, date);
CREATE INDEX xero_bank_transactions_contact ON xero_bank_transactions (org_key, contact_id, date);
CREATE INDEX xero_bank_transactions_account ON xero_bank_transactions (org_key, bank_account_code, date);
CREATE INDEX xero_bank_transactions_total ON xero_bank_transactions (org_key, total_minor / minor_unit, total_minor % minor_unit * (1000000000000000000 / minor_unit));

CREATE TABLE xero_credit_notes_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    credit_note_id  TEXT NOT NULL,
    number TEXT COLLATE NOCASE,
    type TEXT,
    status TEXT,
    contact_id TEXT,
    contact_name TEXT COLLATE NOCASE,
    date TEXT,
    currency TEXT,
    total TEXT,
    total_minor INTEGER,
    remaining_credit TEXT,
    updated_utc INTEGER,
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    minor_unit INTEGER,
    content_hash BLOB,
    UNIQUE (org_key, credit_note_id)
);
INSERT INTO xero_credit_notes_by_key (id, org_key, credit_note_id, number, type, status, contact_id, contact_name, date, currency, total, total_minor, remaining_credit, updated_utc, raw, minor_unit, content_hash)
    SELECT x.id, o.org_key, x.credit_note_id, x.number, x.type, x.status, x.contact_id, x.contact_name, x.date, x.currency, x.total, x.total_minor, x.remaining_credit, x.updated_utc, x.raw, x.minor_unit, x.content_hash
      FROM xero_credit_notes x JOIN organisations o ON o.id = x.organisation_id;
DROP TABLE xero_credit_notes;
ALTER TABLE xero_credit_notes_by_key RENAME TO xero_credit_notes;
CREATE INDEX xero_credit_notes_date ON xero_credit_notes (org_key, date);
CREATE INDEX xero_credit_notes_contact ON xero_credit_notes (org_key, contact_id, date);

CREATE TABLE xero_accounts_by_key (
    id       INTEGER PRIMARY KEY,
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    account_id  TEXT NOT NULL,
    code TEXT,
    name TEXT,
    type TEXT,
    class TEXT,
    status TEXT,
    currency TEXT,
    enable_payments INTEGER,
    updated_utc INTEGER,
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    content_hash BLOB,
    UNIQUE (org_key, account_id)
);
INSERT INTO xero_accounts_by_key (id, org_key, account_id, code, name, type, class, status, currency, enable_payments, updated_utc, raw, content_hash)
    SELECT x.id, o.org_key, x.account_id, x.code, x.name, x.type, x.class, x.status, x.currency, x.enable_payments, x.updated_utc, x.raw, x.content_hash
      FROM xero_accounts x JOIN organisations o ON o.id = x.organisation_id;
DROP TABLE xero_accounts;
ALTER TABLE xero_accounts_by_key RENAME TO xero_accounts;
CREATE INDEX xero_accounts_code ON xero_accounts (org_key, code);

CREATE TABLE xero_reference_by_key (
    org_key  INTEGER NOT NULL REFERENCES organisations(org_key) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('organisation','currencies','tax_rates')),
    raw      TEXT NOT NULL CHECK (json_valid(raw)),
    PRIMARY KEY (org_key, kind)
) WITHOUT ROWID;
INSERT INTO xero_reference_by_key (org_key, kind, raw)
    SELECT o.org_key, r.kind, r.raw FROM xero_reference r JOIN organisations o ON o.id = r.organisation_id;
DROP TABLE xero_reference;
ALTER TABLE xero_reference_by_key RENAME TO xero_reference;

CREATE TRIGGER xero_invoices_fts_insert AFTER INSERT ON xero_invoices BEGIN
    INSERT INTO xero_invoices_fts (rowid, number, contact_name, reference)
    VALUES (new.id, new.number, new.contact_name, new.reference);
END;
CREATE TRIGGER xero_invoices_fts_delete AFTER DELETE ON xero_invoices BEGIN
    INSERT INTO xero_invoices_fts (xero_invoices_fts, rowid, number, contact_name, reference)
    VALUES ('delete', old.id, old.number, old.contact_name, old.reference);
END;
CREATE TRIGGER xero_invoices_fts_update AFTER UPDATE OF number, contact_name, reference ON xero_invoices
WHEN old.number IS NOT new.number OR old.contact_name IS NOT new.contact_name OR old.reference IS NOT new.reference
BEGIN
    INSERT INTO xero_invoices_fts (xero_invoices_fts, rowid, number, contact_name, reference)
    VALUES ('delete', old.id, old.number, old.contact_name, old.reference);
    INSERT INTO xero_invoices_fts (rowid, number, contact_name, reference)
    VALUES (new.id, new.number, new.contact_name, new.reference);
END;
