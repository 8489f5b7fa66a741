"""The desk database (`$MOTCUA_HOME/desk.db`): one SQLite file in WAL mode.

Durability: WAL with `synchronous=FULL`. With NORMAL a power cut may roll back the last commits
(never corrupt the file); but the clerk hands the citizen a receipt as soon as `receive` returns, so
a committed dossier must survive a power cut: FULL fsyncs the WAL at every commit. A desk commits a
few transactions a minute, so the fsync costs nothing a clerk can notice (see bench/store_bench.py).

A `Database` belongs to the thread that opened it (STYLE.md): each job opens its own.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from app.domain.errors import DiskFullError, StorageError
from app.domain.hlc import Hlc, HybridClock
from app.domain.ids import new_id
from app.domain.text import fold_text
from app.storage import migrations

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
HLC_KEY = "hlc"
DEVICE_KEY = "device_id"


def utc_now() -> str:
    """Storage timestamps (stored_at, created_at, sent_at): ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


def storage_error(exc: BaseException, what: str) -> StorageError:
    """The AppError for a low-level failure: DiskFullError for ENOSPC/SQLITE_FULL."""
    if is_disk_full(exc):
        return DiskFullError(f"disk full while {what}: {type(exc).__name__}: {exc}")
    return StorageError(f"storage failure while {what}: {type(exc).__name__}: {exc}")


class Database:
    """A connection to the desk store plus its device clock. Use `with db.transaction():` to write."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.utils = sqlite_utils.Database(conn)  # introspection and convenient reads
        self.clock = HybridClock()
        self.ready: set[str] = set()  # one-time set-ups done on this connection (e.g. 'catalog')
        self._depth = 0

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error. Nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise storage_error(exc, "starting a transaction") from exc
        self._depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error | OSError):
                raise storage_error(exc, "writing a transaction") from exc
            raise
        finally:
            self._depth = 0

    def tick(self) -> str:
        """Next HLC timestamp for a local event; persisted in sync_state so restarts and other
        processes on this desk never go back in time. Call inside a transaction."""
        assert self._depth, "tick() must run inside a transaction"
        stored = self.get_value(HLC_KEY)
        if stored:
            self.clock.observe(Hlc.parse(stored))
        stamp = str(self.clock.tick())
        self.set_value(HLC_KEY, stamp)
        return stamp

    def observe(self, stamp: str) -> None:
        """Merge a remote timestamp into the device clock (inside a transaction)."""
        stored = self.get_value(HLC_KEY)
        if stored:
            self.clock.observe(Hlc.parse(stored))
        self.set_value(HLC_KEY, str(self.clock.observe(Hlc.parse(stamp))))

    def get_value(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_value(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def device_id(self) -> str:
        value = self.get_value(DEVICE_KEY)
        if value is None:
            with self.transaction():
                value = self.get_value(DEVICE_KEY) or new_id()
                self.set_value(DEVICE_KEY, value)
        return value


def connect(path: Path | str) -> sqlite3.Connection:
    """A configured connection (no migrations): WAL, foreign keys, busy timeout, FULL sync."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and str(path) != ":memory:":
        raise StorageError(f"could not switch {path} to WAL (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.create_function("motcua_fold", 1, fold_text, deterministic=True)
    return conn


def open_db(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the desk database."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
        applied: list[int] = []
        if migrate:
            applied = migrations.migrate(conn)
    except (sqlite3.Error, OSError) as exc:
        raise storage_error(exc, f"opening {path.name}") from exc
    db = Database(conn, path)
    if migrate and applied and applied[0] > 1:
        # an upgrade: rebuild the projection from the log with today's fold and search columns
        from app.storage.events import refresh_all

        count = refresh_all(db)
        logger.info("database %s migrated to schema %s, %d dossiers re-folded", path.name, applied[-1], count)
    return db
