"""Catalog tables in the desk database: created by the versioned migration
`app/storage/migrations/0006_catalog.sql` (schema 6), like every other table of the store.

- `catalog_version`: every version of every procedure ever imported, as JSON. A dossier names the
  (code, version) it was received under, so its snapshot stays readable after a catalog update.
- `catalog_procedure`: the current version of each procedure (one row per code).
- `catalog_fts`: FTS5 index over the current versions; rowid = `catalog_procedure.id`. Its columns hold
  text already folded by `app.catalog.text.fold` (no diacritics, đ → d); the tokenizer also strips
  diacritics, and keeps '.' inside tokens so that a code like 1.001193 is one token (prefix 1.0011*).
- `catalog_meta`: schema_version (of the catalog layout, '1') and the last import.

`ensure_schema(conn)` is kept for callers holding a bare connection: it runs the store's migrations
when the connection's database is older than schema 6, and does nothing otherwise.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.domain.errors import StorageError
from app.storage import open_db
from app.storage.migrations import migrate, schema_version

SCHEMA_VERSION = 2  # catalog_meta.schema_version: the catalog layout (2: format-2 procedures, migration 8)
CATALOG_MIGRATION = 6  # the store schema version that creates them


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Bring the database up to (at least) the store schema that holds the catalog; cheap when it is."""
    if schema_version(conn) >= CATALOG_MIGRATION:
        return
    if conn.in_transaction:  # a migration commits whatever the caller had open: refuse instead
        raise StorageError("catalog tables missing inside an open transaction; open the store with open_db")
    migrate(conn)


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the desk database as `app.storage.open_db` makes it (WAL, foreign keys, busy
    timeout, synchronous FULL, migrated). Prefer `open_db(path)` and its `.conn` in new code."""
    return open_db(path).conn
