-- Schema 10: the "Chờ duyệt gia hạn" count and filter (a clerk's form 04 request waiting for the head)
-- read the folded state's JSON; without an index that is a scan of every open dossier at each dashboard
-- refresh. A partial index on the same expression makes both an index scan. Its WHERE clause must match
-- app/services/queries.py (_PENDING_EXTENSION) word for word, or SQLite will not use it.
CREATE INDEX dossiers_pending_extension ON dossiers (status, rid)
    WHERE status IN ('accepted', 'processing', 'received', 'rejected', 'result_ready', 'supplement_requested')
    AND json_extract(state, '$.pending_extension') IS NOT NULL;
