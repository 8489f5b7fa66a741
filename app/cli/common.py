"""Shared start-up of the store CLIs: data folder, logging, database and blob store."""

from __future__ import annotations

import sys

from app.config import Settings, blobs_dir, data_home, db_path, load_settings
from app.domain.errors import AppError
from app.logs import setup_logging
from app.storage import BlobStore, Database, open_db


def open_store() -> tuple[Database, BlobStore, Settings]:
    home = data_home()
    setup_logging(home)
    blobs = BlobStore(blobs_dir(home))
    if blobs.root.exists():
        blobs.sweep_temp()
    return open_db(db_path(home)), blobs, load_settings(home)


def fail(exc: AppError) -> int:
    """Print the clerk's message (Vietnamese) and the precise English cause; exit code 2."""
    print(f"Lỗi: {exc.user_message}", file=sys.stderr)
    print(f"({exc.code}: {exc.log_message})", file=sys.stderr)
    return 2
