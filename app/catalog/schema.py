"""Catalog tables in the desk database. `ensure_schema` is idempotent (CREATE ... IF NOT EXISTS).

- `catalog_version`: every version of every procedure ever imported, as JSON. A dossier names the
  (code, version) it was received under, so its snapshot stays readable after a catalog update.
- `catalog_procedure`: the current version of each procedure (one row per code).
- `catalog_fts`: FTS5 index over the current versions; rowid = `catalog_procedure.id`. Its columns hold
  text already folded by `app.catalog.text.fold` (no diacritics, đ → d); the tokenizer also strips
  diacritics, and keeps '.' inside tokens so that a code like 1.001193 is one token (prefix 1.0011*).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1

_DDL = (
    """CREATE TABLE IF NOT EXISTS catalog_version (
        code TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (code, version)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS catalog_procedure (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        name_folded TEXT NOT NULL,
        field TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        FOREIGN KEY (code, version) REFERENCES catalog_version (code, version)
    )""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5(
        code, name, extra,
        tokenize = "unicode61 remove_diacritics 2 tokenchars '.'",
        prefix = '1 2 3'
    )""",
    """CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
)


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the catalog tables if they are missing; safe to call on every start."""
    outer = conn.in_transaction
    for statement in _DDL:
        conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )
    if conn.in_transaction and not outer:
        conn.commit()


def connect(path: Path) -> sqlite3.Connection:
    """Open the desk database for catalog work (WAL, foreign keys, busy timeout) with the tables ready."""
    conn = sqlite3.connect(path, timeout=10.0)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    ensure_schema(conn)
    return conn
