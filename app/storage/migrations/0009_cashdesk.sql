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
