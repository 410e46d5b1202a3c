-- Money by the currency's own exponent, and a content hash so an unchanged record is not rewritten.
--
-- Minor units. Until now every `*_minor` column counted hundredths whatever the currency, which is
-- wrong for JPY (no minor unit), KWD/BHD (thousandths) and crypto assets (8 to 18 decimals). From
-- now on a row's minor units are the currency's (xp_core::Currency::minor_units) and `minor_unit`
-- says how many of them make one unit (10^exponent), so a value always reads back exactly as
-- `*_minor / minor_unit`. Rows stored before this migration were written in hundredths, which is
-- what `minor_unit = 100` says of them: nothing is recomputed, nothing can be lost, and a re-sync
-- that changes a record rewrites it at its currency's exponent.
--
-- Sorting and range filters across currencies compare face values, exactly, with two integers:
-- the whole units (`minor / minor_unit`, SQLite truncates toward zero) and the fraction scaled to
-- 10^18 (`minor % minor_unit * (10^18 / minor_unit)`, same sign as the amount). Lexicographic order
-- of that pair is the order of the amounts for every exponent up to 18, and the expression indexes
-- below serve both the ORDER BY and a row-value range `(whole, fraction) >= (?, ?)`.
--
-- Content hash. SHA-256 of the record's JSON as received. An upsert whose hash equals the stored
-- one changes nothing (no row update, no raw rewrite, no line replacement, no FTS work): a full
-- re-sync of an unchanged organisation costs index look-ups only. NULL for rows written before,
-- so their first re-sync rewrites them once.

ALTER TABLE xero_invoices ADD COLUMN minor_unit INTEGER;
ALTER TABLE xero_invoices ADD COLUMN content_hash BLOB;
UPDATE xero_invoices SET minor_unit = 100;
DROP INDEX xero_invoices_total;
DROP INDEX xero_invoices_amount_due;
CREATE INDEX xero_invoices_total ON xero_invoices (
    organisation_id, total_minor / minor_unit, total_minor % minor_unit * (1000000000000000000 / minor_unit)
);
CREATE INDEX xero_invoices_amount_due ON xero_invoices (
    organisation_id, amount_due_minor / minor_unit, amount_due_minor % minor_unit * (1000000000000000000 / minor_unit)
);

ALTER TABLE xero_bank_transactions ADD COLUMN minor_unit INTEGER;
ALTER TABLE xero_bank_transactions ADD COLUMN content_hash BLOB;
UPDATE xero_bank_transactions SET minor_unit = 100;
DROP INDEX xero_bank_transactions_total;
CREATE INDEX xero_bank_transactions_total ON xero_bank_transactions (
    organisation_id, total_minor / minor_unit, total_minor % minor_unit * (1000000000000000000 / minor_unit)
);

ALTER TABLE xero_payments ADD COLUMN minor_unit INTEGER;
ALTER TABLE xero_payments ADD COLUMN content_hash BLOB;
UPDATE xero_payments SET minor_unit = 100;

ALTER TABLE xero_credit_notes ADD COLUMN minor_unit INTEGER;
ALTER TABLE xero_credit_notes ADD COLUMN content_hash BLOB;
UPDATE xero_credit_notes SET minor_unit = 100;

ALTER TABLE xero_contacts ADD COLUMN content_hash BLOB;
ALTER TABLE xero_accounts ADD COLUMN content_hash BLOB;
