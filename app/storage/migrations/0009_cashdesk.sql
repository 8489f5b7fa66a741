-- Schema 9: the cash desk (app/services/cashdesk.py). Biên lai numbers come from ranges given to each
-- desk (mẫu số, ký hiệu, first..last), so two desks never issue the same number, online or not. Every
-- number issued or voided has a row in `receipts` (primary key: form, series, number) written in the
-- same transaction as its event, so a number is never handed out twice; a void keeps the row.
CREATE TABLE receipt_ranges (
    id TEXT PRIMARY KEY,
    form TEXT NOT NULL,  -- mẫu số
    series TEXT NOT NULL,  -- ký hiệu
    first_no INTEGER NOT NULL CHECK (first_no >= 1),
    last_no INTEGER NOT NULL,
    desk INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 99),
    kind TEXT NOT NULL CHECK (kind IN ('printed', 'preprinted', 'electronic')),
    next_no INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (last_no >= first_no AND next_no BETWEEN first_no AND last_no + 1)
);
CREATE INDEX receipt_ranges_desk ON receipt_ranges (desk, kind, form, series);

CREATE TABLE receipts (
    form TEXT NOT NULL,
    series TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('printed', 'preprinted', 'electronic')),
    status TEXT NOT NULL CHECK (status IN ('issued', 'voided')),
    dossier_id TEXT,  -- NULL for a blank pre-printed form spoiled before use
    event_id TEXT,  -- the fee_collected event
    amount INTEGER NOT NULL DEFAULT 0,
    method TEXT,
    lines TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(lines)),
    clerk TEXT NOT NULL,
    issued_at TEXT NOT NULL,  -- local time, ISO 8601 with offset
    issued_day TEXT NOT NULL,  -- YYYY-MM-DD of issued_at (the cash report's day)
    void_reason TEXT,
    voided_at TEXT,
    voided_by TEXT,
    PRIMARY KEY (form, series, number)
) WITHOUT ROWID;
CREATE INDEX receipts_day_clerk ON receipts (issued_day, clerk);
CREATE INDEX receipts_dossier ON receipts (dossier_id);

-- One end-of-day report per clerk and day (a later one for the same day replaces the figures, and its
-- event reaches the hub too: the log keeps both).
CREATE TABLE cash_reports (
    day TEXT NOT NULL,
    clerk TEXT NOT NULL,
    expected_cash INTEGER NOT NULL,
    counted_cash INTEGER NOT NULL,
    difference INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    totals TEXT NOT NULL CHECK (json_valid(totals)),
    event_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (day, clerk)
) WITHOUT ROWID;

-- The point's report (app/reports/point.py) reads these facts of each dossier as plain columns instead
-- of parsing every state JSON of a month (9,000 parses ≈ 140 ms at 100,000 dossiers). Triggers keep them
-- in the transaction of every write to `dossiers`, like `dossier_counts` (schema 5).
CREATE TABLE dossier_facts (
    rid INTEGER PRIMARY KEY,  -- dossiers.rid
    field TEXT,  -- lĩnh vực of the procedure
    channel TEXT,  -- the filing channel when the state has one
    return_kind TEXT,  -- desk | post
    supplements INTEGER NOT NULL DEFAULT 0,  -- supplement requests (form 02)
    provided INTEGER NOT NULL DEFAULT 0,  -- checklist components handed in
    digitized INTEGER NOT NULL DEFAULT 0  -- of which digitized
);

CREATE TRIGGER dossier_facts_insert AFTER INSERT ON dossiers
BEGIN
    INSERT INTO dossier_facts (rid, field, channel, return_kind, supplements, provided, digitized)
    SELECT NEW.rid, json_extract(NEW.state, '$.procedure.field'), json_extract(NEW.state, '$.channel'),
        json_extract(NEW.state, '$.return_method.kind'), coalesce(json_array_length(NEW.state, '$.supplements'), 0),
        (SELECT count(*) FROM json_each(NEW.state, '$.checklist') WHERE json_extract(value, '$.provided')),
        (SELECT count(*) FROM json_each(NEW.state, '$.checklist')
            WHERE json_extract(value, '$.provided') AND coalesce(json_extract(value, '$.digitized'), 1));
END;

-- UPDATE, not INSERT OR REPLACE: the projection's upsert (ON CONFLICT DO UPDATE) would override a
-- trigger's OR REPLACE and fail on the existing row.
CREATE TRIGGER dossier_facts_update AFTER UPDATE OF state ON dossiers
BEGIN
    UPDATE dossier_facts SET
        field = json_extract(NEW.state, '$.procedure.field'),
        channel = json_extract(NEW.state, '$.channel'),
        return_kind = json_extract(NEW.state, '$.return_method.kind'),
        supplements = coalesce(json_array_length(NEW.state, '$.supplements'), 0),
        provided = (SELECT count(*) FROM json_each(NEW.state, '$.checklist') WHERE json_extract(value, '$.provided')),
        digitized = (SELECT count(*) FROM json_each(NEW.state, '$.checklist')
            WHERE json_extract(value, '$.provided') AND coalesce(json_extract(value, '$.digitized'), 1))
    WHERE rid = NEW.rid;
END;

CREATE TRIGGER dossier_facts_delete AFTER DELETE ON dossiers
BEGIN
    DELETE FROM dossier_facts WHERE rid = OLD.rid;
END;

INSERT INTO dossier_facts (rid, field, channel, return_kind, supplements, provided, digitized)
SELECT rid, json_extract(state, '$.procedure.field'), json_extract(state, '$.channel'),
    json_extract(state, '$.return_method.kind'), coalesce(json_array_length(state, '$.supplements'), 0),
    (SELECT count(*) FROM json_each(dossiers.state, '$.checklist') WHERE json_extract(value, '$.provided')),
    (SELECT count(*) FROM json_each(dossiers.state, '$.checklist')
        WHERE json_extract(value, '$.provided') AND coalesce(json_extract(value, '$.digitized'), 1))
FROM dossiers;

-- The head of point reads every desk's biên lai and cash reports on any desk: the events pulled from the
-- hub (origin 'remote') fill `receipts` and `cash_reports` as the local services do. Plain INSERTs: the
-- outer INSERT OR IGNORE INTO events decides conflicts, so an event applied twice changes nothing.
CREATE TRIGGER receipts_from_remote_fee AFTER INSERT ON events
WHEN NEW.origin = 'remote' AND NEW.type = 'fee_collected' AND json_type(NEW.payload, '$.receipt.form') = 'text'
    AND json_type(NEW.payload, '$.receipt.series') = 'text' AND json_type(NEW.payload, '$.receipt.number') = 'integer'
    AND json_type(NEW.payload, '$.at') = 'text' AND json_extract(NEW.payload, '$.receipt.number') BETWEEN 1 AND 9999999
    AND coalesce(json_extract(NEW.payload, '$.receipt.kind'), 'printed') IN ('printed', 'preprinted', 'electronic')
    AND json_type(NEW.payload, '$.amount') = 'integer'
BEGIN
    INSERT INTO receipts (form, series, number, kind, status, dossier_id, event_id, amount, method, lines, clerk,
        issued_at, issued_day)
    VALUES (json_extract(NEW.payload, '$.receipt.form'), json_extract(NEW.payload, '$.receipt.series'),
        json_extract(NEW.payload, '$.receipt.number'), coalesce(json_extract(NEW.payload, '$.receipt.kind'), 'printed'),
        'issued', NEW.dossier_id, NEW.id, coalesce(json_extract(NEW.payload, '$.amount'), 0),
        json_extract(NEW.payload, '$.method'),
        CASE WHEN json_type(NEW.payload, '$.lines') = 'array' THEN json_extract(NEW.payload, '$.lines') ELSE '[]' END,
        NEW.actor,
        json_extract(NEW.payload, '$.at'), substr(json_extract(NEW.payload, '$.at'), 1, 10))
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER receipts_from_remote_void AFTER INSERT ON events
WHEN NEW.origin = 'remote' AND NEW.type = 'receipt_voided' AND json_type(NEW.payload, '$.receipt.form') = 'text'
    AND json_type(NEW.payload, '$.receipt.series') = 'text' AND json_type(NEW.payload, '$.receipt.number') = 'integer'
    AND json_type(NEW.payload, '$.at') = 'text' AND json_extract(NEW.payload, '$.receipt.number') BETWEEN 1 AND 9999999
    AND coalesce(json_extract(NEW.payload, '$.receipt.kind'), 'printed') IN ('printed', 'preprinted', 'electronic')
BEGIN
    INSERT INTO receipts (form, series, number, kind, status, dossier_id, amount, clerk, issued_at, issued_day)
    SELECT json_extract(NEW.payload, '$.receipt.form'), json_extract(NEW.payload, '$.receipt.series'),
        json_extract(NEW.payload, '$.receipt.number'), coalesce(json_extract(NEW.payload, '$.receipt.kind'), 'printed'),
        'voided', NULL, 0, NEW.actor, json_extract(NEW.payload, '$.at'), substr(json_extract(NEW.payload, '$.at'), 1, 10)
    WHERE NOT EXISTS (SELECT 1 FROM receipts WHERE form = json_extract(NEW.payload, '$.receipt.form')
        AND series = json_extract(NEW.payload, '$.receipt.series') AND number = json_extract(NEW.payload, '$.receipt.number'));
    UPDATE receipts SET status = 'voided', void_reason = json_extract(NEW.payload, '$.reason'),
        voided_at = json_extract(NEW.payload, '$.at'), voided_by = NEW.actor
    WHERE form = json_extract(NEW.payload, '$.receipt.form') AND series = json_extract(NEW.payload, '$.receipt.series')
        AND number = json_extract(NEW.payload, '$.receipt.number');
END;

CREATE TRIGGER cash_reports_from_remote AFTER INSERT ON events
WHEN NEW.origin = 'remote' AND NEW.type = 'cash_reported' AND json_type(NEW.payload, '$.day') = 'text'
    AND json_type(NEW.payload, '$.expected_cash') = 'integer' AND json_type(NEW.payload, '$.counted_cash') = 'integer'
    AND json_type(NEW.payload, '$.difference') = 'integer'
BEGIN
    DELETE FROM cash_reports WHERE day = json_extract(NEW.payload, '$.day') AND clerk = NEW.actor;
    INSERT INTO cash_reports (day, clerk, expected_cash, counted_cash, difference, reason, totals, event_id, created_at)
    VALUES (json_extract(NEW.payload, '$.day'), NEW.actor, json_extract(NEW.payload, '$.expected_cash'),
        json_extract(NEW.payload, '$.counted_cash'), json_extract(NEW.payload, '$.difference'),
        coalesce(json_extract(NEW.payload, '$.reason'), ''), CASE WHEN json_type(NEW.payload, '$.totals') = 'object' THEN json_extract(NEW.payload, '$.totals') ELSE '{}' END,
        NEW.id, NEW.stored_at);
END;
