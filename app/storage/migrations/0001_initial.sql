-- Schema 1: the event log, its outbox, blobs, the dossier projection, sync state, dossier codes.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    origin TEXT NOT NULL CHECK (origin IN ('local', 'remote')),
    stored_at TEXT NOT NULL
);
CREATE INDEX events_dossier ON events (dossier_id, at, id);

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE REFERENCES events (id),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    rejected_reason TEXT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL AND rejected_reason IS NULL;

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    created_at TEXT NOT NULL,
    uploaded_at TEXT
);

-- which files each event names (app.domain.events.files_of), so pending files are one join away
CREATE TABLE event_files (
    event_id TEXT NOT NULL REFERENCES events (id),
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (event_id, sha256)
) WITHOUT ROWID;
CREATE INDEX event_files_sha ON event_files (sha256);

CREATE TABLE dossiers (
    rid INTEGER PRIMARY KEY,  -- stable integer key for the full-text index rows
    id TEXT NOT NULL UNIQUE,
    code TEXT,  -- unique by construction (app/codes.py); `app check` verifies it
    status TEXT NOT NULL,
    procedure_code TEXT,
    procedure_name TEXT,
    applicant_name TEXT,
    id_number TEXT,
    received_at TEXT,
    received_date TEXT,
    due_date TEXT,
    returned_at TEXT,
    fees_quoted INTEGER NOT NULL DEFAULT 0,
    fees_collected INTEGER NOT NULL DEFAULT 0,
    rating TEXT,
    flag_count INTEGER NOT NULL DEFAULT 0,
    event_count INTEGER NOT NULL DEFAULT 0,
    last_event_at TEXT,
    state TEXT NOT NULL CHECK (json_valid(state))
);
CREATE INDEX dossiers_code ON dossiers (code);
CREATE INDEX dossiers_status_due ON dossiers (status, due_date);
CREATE INDEX dossiers_due ON dossiers (due_date);
CREATE INDEX dossiers_received ON dossiers (received_date);
CREATE INDEX dossiers_id_number ON dossiers (id_number);
CREATE INDEX dossiers_last_event ON dossiers (last_event_at);

CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- daily dossier-code sequence of this desk (app/codes.py)
CREATE TABLE code_sequences (
    prefix TEXT NOT NULL,
    desk INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, desk)
) WITHOUT ROWID;
