"""Versioned schema migrations: `NNNN_name.sql` files applied in order; `PRAGMA user_version` = last applied.

Each file runs in its own transaction together with the new user_version, so a crash mid-upgrade
leaves the database at the previous version, never half-migrated.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.domain.text import fold_text

logger = logging.getLogger(__name__)

_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def all_migrations() -> list[Migration]:
    found = []
    for path in sorted(_DIR.iterdir()):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must be 1..n without gaps, found {versions}")
    return found


LATEST = len(all_migrations())


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int | None = None) -> list[int]:
    """Bring the schema up to `target` (default: latest); returns the versions applied."""
    current = schema_version(conn)
    target = LATEST if target is None else target
    if current > LATEST:
        raise RuntimeError(f"database schema {current} is newer than this program ({LATEST})")
    applied = []
    # migration 3 indexes folded text with this function; a bare connection may not have it yet
    conn.create_function("motcua_fold", 1, fold_text, deterministic=True)
    for migration in all_migrations():
        if current < migration.version <= target:
            _apply(conn, migration)
            applied.append(migration.version)
    return applied


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    logger.info("applying schema migration %s", migration.name)
    # executescript() commits any open transaction first, so the BEGIN/COMMIT live inside the script.
    script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
    try:
        conn.executescript(script)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
