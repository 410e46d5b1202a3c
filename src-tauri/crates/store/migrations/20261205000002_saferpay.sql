-- SEPA mandates the app made for Saferpay debits. Saferpay keeps no mandates: the merchant
-- generates the MandateId and shows its own mandate text (shared/providers/saferpay.md §9), so
-- the app is where they live. The payer's full IBAN is never here: it stays in the vault under
-- the mandate's id; the store keeps what a list needs to tell accounts apart.
CREATE TABLE saferpay_mandates (
    id              TEXT PRIMARY KEY,               -- the MandateId sent with the debit
    organisation_id TEXT REFERENCES organisations(id),
    contact_id      TEXT,                           -- Xero ContactID, when known
    invoice_id      TEXT,                           -- Xero InvoiceID, when made for one invoice
    holder          TEXT NOT NULL,
    iban_last4      TEXT NOT NULL CHECK (length(iban_last4) = 4),
    bank            TEXT,
    status          TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at      TEXT NOT NULL
);
