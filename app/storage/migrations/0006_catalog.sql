-- Schema 6: the procedure catalog (app/catalog), until now created outside the versioned migrations by
-- app.catalog.schema.ensure_schema. IF NOT EXISTS: a store where ensure_schema already made these
-- tables (same layout) keeps them and their rows. See app/catalog/schema.py for what each one holds.
CREATE TABLE IF NOT EXISTS catalog_version (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS catalog_procedure (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    field TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    FOREIGN KEY (code, version) REFERENCES catalog_version (code, version)
);

-- columns hold text folded by app.catalog.text.fold; '.' stays inside tokens (1.001193 is one token)
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5 (
    code, name, extra,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '.'",
    prefix = '1 2 3'
);

CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('schema_version', '1');
