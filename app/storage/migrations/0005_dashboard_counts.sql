-- Schema 5: the head of point's dashboard without full scans (app.services.queries.dashboard).
-- `dossier_counts` holds how many dossiers are in each status, plus 'returned_on_time' (returned no
-- later than the due date). Triggers keep it in the same transaction as every write to `dossiers`
-- (refresh_projection, apply_remote_events, migrations), so it can never drift from the projection;
-- `app check` recounts it. Date-dependent counts (received today, due today, overdue, returned today)
-- stay index range scans over one day or over the open dossiers.
CREATE TABLE dossier_counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

INSERT INTO dossier_counts (key, n) SELECT status, count(*) FROM dossiers GROUP BY status;
INSERT INTO dossier_counts (key, n)
    SELECT 'returned_on_time', count(*) FROM dossiers
    WHERE status = 'returned' AND substr(returned_at, 1, 10) <= due_date;

CREATE TRIGGER dossier_counts_insert AFTER INSERT ON dossiers
BEGIN
    INSERT INTO dossier_counts (key, n) VALUES (NEW.status, 1)
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
    INSERT INTO dossier_counts (key, n)
        SELECT 'returned_on_time', 1
        WHERE NEW.status = 'returned' AND substr(NEW.returned_at, 1, 10) <= NEW.due_date
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dossier_counts_delete AFTER DELETE ON dossiers
BEGIN
    UPDATE dossier_counts SET n = n - 1 WHERE key = OLD.status;
    UPDATE dossier_counts SET n = n - 1
        WHERE key = 'returned_on_time'
        AND OLD.status = 'returned' AND substr(OLD.returned_at, 1, 10) <= OLD.due_date;
END;

CREATE TRIGGER dossier_counts_update AFTER UPDATE OF status, returned_at, due_date ON dossiers
WHEN OLD.status IS NOT NEW.status OR OLD.returned_at IS NOT NEW.returned_at OR OLD.due_date IS NOT NEW.due_date
BEGIN
    UPDATE dossier_counts SET n = n - 1 WHERE key = OLD.status;
    INSERT INTO dossier_counts (key, n) VALUES (NEW.status, 1)
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
    UPDATE dossier_counts SET n = n - 1
        WHERE key = 'returned_on_time'
        AND OLD.status = 'returned' AND substr(OLD.returned_at, 1, 10) <= OLD.due_date;
    INSERT INTO dossier_counts (key, n)
        SELECT 'returned_on_time', 1
        WHERE NEW.status = 'returned' AND substr(NEW.returned_at, 1, 10) <= NEW.due_date
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;

-- "returned today": the day a result went back, among returned dossiers only. The expression and the
-- WHERE clause must match app/services/queries.py word for word.
CREATE INDEX dossiers_returned_day ON dossiers (substr(returned_at, 1, 10)) WHERE status = 'returned';

-- The single-status lists (result_ready, returned, refused) newest first: without it SQLite walks the
-- whole table backwards by rid looking for a status that may be rare (42 ms for an empty list at 100k).
CREATE INDEX dossiers_status_rid ON dossiers (status, rid);
