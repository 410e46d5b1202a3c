-- A new GoCardless mandate set up through the hosted Billing Request Flow, for one Xero contact:
-- the row is written before GoCardless is asked (its id roots the idempotency keys), then holds
-- the billing request and flow GoCardless made, and at the end the customer and mandate the
-- payer's answers created. The authorisation URL is what a person opens, or sends to their
-- customer; it carries no secret of ours.
CREATE TABLE gocardless_mandate_setups (
    id                   TEXT PRIMARY KEY,
    creditor_id          TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    xero_organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_id           TEXT NOT NULL,
    contact_name         TEXT NOT NULL,
    status               TEXT NOT NULL
        CHECK (status IN ('starting', 'waiting', 'done', 'cancelled', 'expired')),
    -- Flows made for this setup: a flow cannot be read back, so each try makes a new one.
    attempts             INTEGER NOT NULL DEFAULT 0,
    billing_request_id   TEXT,
    flow_id              TEXT,
    authorisation_url    TEXT,
    expires_at           TEXT,
    customer_id          TEXT,
    mandate_id           TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    started_by           TEXT NOT NULL
);
CREATE INDEX gocardless_mandate_setups_contact
    ON gocardless_mandate_setups (xero_organisation_id, contact_id, created_at);

-- Which GoCardless customer a Xero contact is: set when a mandate set up for the contact is
-- done, or when a person confirms a proposed match. A collect uses the linked customer's
-- mandates before any match by email.
CREATE TABLE gocardless_contact_links (
    xero_organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    contact_id           TEXT NOT NULL,
    creditor_id          TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    customer_id          TEXT NOT NULL,
    how                  TEXT NOT NULL CHECK (how IN ('mandate_setup', 'confirmed_match')),
    linked_at            TEXT NOT NULL,
    linked_by            TEXT NOT NULL,
    PRIMARY KEY (xero_organisation_id, contact_id)
);
