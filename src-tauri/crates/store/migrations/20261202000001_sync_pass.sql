-- An unfinished sync pass gets its own column. Until now the engine stored its pass (as JSON) in
-- feed_cursor, the column the foundation reserves for the cursor of an oldest-first feed
-- (GoCardless events), which a cursor-paged provider now needs for itself.
-- Forward-only: never edit a migration that has shipped; add a new one.

-- JSON of xp_sync::pass::Pass: the position (page / cursor / window) to fetch next, the mark the
-- pass reads from, and what it has seen so far. NULL when no pass is under way.
ALTER TABLE sync_cursors ADD COLUMN sync_pass TEXT;

-- Passes written before this migration were always page-numbered: {"next_page": N, ...}. Move them
-- to the new column in the new shape ({"position": {"page": N}, ...}) so an interrupted sync
-- resumes at its page after the upgrade. Anything else in feed_cursor was never a feed cursor
-- (no provider used one yet) and is cleared. A value the engine cannot read would only restart
-- that resource's pass, never lose records.
UPDATE sync_cursors
   SET sync_pass = CASE
           WHEN json_valid(feed_cursor) AND json_type(feed_cursor, '$.next_page') = 'integer' THEN
               json_remove(
                   json_set(feed_cursor, '$.position', json_object('page', json_extract(feed_cursor, '$.next_page'))),
                   '$.next_page')
       END,
       feed_cursor = NULL
 WHERE feed_cursor IS NOT NULL;
