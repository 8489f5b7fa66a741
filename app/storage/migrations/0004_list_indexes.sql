-- Schema 4: partial indexes for the desk's busiest lists at 100,000 dossiers (bench/store_bench.py).
-- The WHERE clauses must match app/services/queries.py word for word, or SQLite will not use them.
CREATE INDEX dossiers_open_due ON dossiers (due_date, rid)
    WHERE status IN ('accepted', 'processing', 'received', 'rejected', 'result_ready', 'supplement_requested');
CREATE INDEX dossiers_awaiting ON dossiers (rid)
    WHERE status IN ('received', 'supplement_requested', 'accepted', 'processing');

-- Events of the dossier still waiting in the outbox (kept by storage.events / storage.outbox), so the
-- "not yet synced" list is an index scan instead of a join over the whole outbox.
ALTER TABLE dossiers ADD COLUMN pending_events INTEGER NOT NULL DEFAULT 0;
UPDATE dossiers SET pending_events = (
    SELECT count(*) FROM events e JOIN outbox o ON o.event_id = e.id
    WHERE e.dossier_id = dossiers.id AND o.sent_at IS NULL AND o.rejected_reason IS NULL
);
CREATE INDEX dossiers_unsynced ON dossiers (rid) WHERE pending_events > 0;
