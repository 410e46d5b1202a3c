-- The audit chain becomes keyed: entries from now on carry an HMAC-SHA256 under a key kept in
-- the OS keychain (security review 2026-12 #10), so rewriting and re-hashing the chain needs
-- that key. Entries written before stay as they were (plain SHA-256) and may only precede the
-- keyed ones. Forward-only: never edit a migration that has shipped; add a new one.
ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
