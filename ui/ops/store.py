"""The desk store and services context an operation opens for itself (a SQLite connection stays on
the thread that opened it, so each job opens its own)."""

from __future__ import annotations

from pathlib import Path

from app.catalog import ensure_loaded
from app.config import Settings, blobs_dir, db_path
from app.services.context import Desk
from app.storage import BlobStore, Database, open_db


def open_store(home: Path) -> Database:
    """A connection to `$MOTCUA_HOME/desk.db` with the catalog loaded."""
    db = open_db(db_path(home))
    ensure_loaded(db.conn)
    return db


def blob_store(home: Path) -> BlobStore:
    return BlobStore(blobs_dir(home))


def open_desk(home: Path, settings: Settings, clerk_id: str) -> Desk:
    """A services context on a new connection, with the settings the job started with."""
    return Desk(open_store(home), blob_store(home), settings, clerk_id)
