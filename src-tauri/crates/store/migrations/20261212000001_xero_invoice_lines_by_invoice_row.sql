-- Invoice lines keyed by their invoice's row id (issue 9, docs/benchmarks.md "Ingest").
-- Keyed by (organisation_id, invoice_id, position), a sync page's 1,000 invoices (random GUIDs)
-- put their lines on about 1,000 leaves of a table that grows with every invoice, and the page's
-- commit re-encrypted each of those leaves into the WAL: at 100k invoices a fifth of every commit.
-- An invoice's row id never changes (explicit INTEGER PRIMARY KEY, kept by VACUUM) and new
-- invoices get ascending ids, so a page's lines now append at the right edge of the table.
-- The organisation and invoice id are the invoice row's; repeating them in every line is not
-- needed any more. Deleting an invoice (or its organisation) still takes its lines with it.
-- Forward-only: never edit a migration that has shipped; add a new one.
CREATE TABLE xero_invoice_lines_by_row (
    invoice_row   INTEGER NOT NULL REFERENCES xero_invoices(id) ON DELETE CASCADE,
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

INSERT INTO xero_invoice_lines_by_row (invoice_row, position, line_item_id, description, quantity, unit_amount,
                                       account_code, tax_type, tax_amount, line_amount)
    SELECT i.id, l.position, l.line_item_id, l.description, l.quantity, l.unit_amount,
           l.account_code, l.tax_type, l.tax_amount, l.line_amount
      FROM xero_invoice_lines l
      JOIN xero_invoices i ON i.organisation_id = l.organisation_id AND i.invoice_id = l.invoice_id;

DROP TABLE xero_invoice_lines;

ALTER TABLE xero_invoice_lines_by_row RENAME TO xero_invoice_lines;

-- No query reads invoices by their updated time (the upsert compares the conflicting row's own
-- column), and every index is one more b-tree each sync page writes to.
DROP INDEX xero_invoices_updated;
