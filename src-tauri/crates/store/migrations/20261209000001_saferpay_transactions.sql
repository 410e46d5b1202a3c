-- Saferpay's transactions as its Management API's transaction report tells them (the only bulk
-- source a desktop app has: it receives no notifications). Kept for as long as the books need
-- them, longer than the report's reach; one row per transaction of a Saferpay customer, written
-- in the sync engine's page transaction. A SEPA return or charge-back comes as part of its debit.
CREATE TABLE saferpay_transactions (
    organisation_id   TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,          -- TransactionId
    order_id          TEXT,
    kind              TEXT NOT NULL,          -- PAYMENT, REFUND, ...
    state             TEXT NOT NULL,          -- AUTHORIZED, CAPTURED, CANCELED, ...
    payment_method    TEXT,
    amount            TEXT NOT NULL,
    currency          TEXT NOT NULL,
    authorised_at     TEXT NOT NULL,          -- RFC 3339 UTC
    captured_at       TEXT,
    chargeback_kind   TEXT,                   -- AUTHORISED (8 weeks) or UNAUTHORISED (13 months)
    chargeback_reason TEXT,                   -- ISO 20022 reason code, e.g. MD06
    chargeback_at     TEXT,
    synced_at         TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id)
);
CREATE INDEX saferpay_transactions_order ON saferpay_transactions (order_id);
