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
from app.domain.hlc import MAX_AHEAD_MS, Hlc, HybridClock, correction_for, repaired
from app.domain.ids import new_id
from app.domain.text import fold_text
from app.storage import migrations

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
HLC_KEY = "hlc"
HLC_OWN_KEY = "hlc.own"  # wall ms of this desk's last own stamp (the base of the remote bound)
CLOCK_OFFSET_KEY = "sync.clock_offset_s"  # desk minus hub, as the sync engine last measured it
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
        self.clock_repaired: str | None = None  # the runaway stamp `repair_clock` replaced, if any
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
        self._load_clock()
        stamp = self.clock.tick()
        self.set_value(HLC_KEY, str(stamp))
        self.set_value(HLC_OWN_KEY, str(stamp.wall_ms))
        return str(stamp)

    def observe(self, stamp: str) -> None:
        """Merge a remote timestamp into the device clock (inside a transaction); bounded, see hlc."""
        self._load_clock()
        self.set_value(HLC_KEY, str(self.clock.observe(Hlc.parse(stamp))))

    def _load_clock(self) -> None:
        """The clock as other processes of this desk left it, corrected by the last hub offset."""
        self.clock.max_ahead_ms = MAX_AHEAD_MS  # a desk adopts no remote stamp beyond the bound
        offset = self.get_value(CLOCK_OFFSET_KEY)
        try:
            self.clock.correction_ms = correction_for(float(offset) if offset else None)
        except ValueError:
            self.clock.correction_ms = 0
        own = self.get_value(HLC_OWN_KEY)
        if own and own.isascii() and own.isdigit() and len(own) <= 15:
            self.clock.own_ms = max(self.clock.own_ms, int(own))
        stored = self.get_value(HLC_KEY)
        if stored:
            try:
                self.clock.load(stored)
            except ValueError:
                logger.error("device clock in sync_state unreadable; restarting it from the wall clock")

    def repair_clock(self) -> str | None:
        """Restart a device clock that an earlier version let run away (or left unreadable);
        returns the bad value that was replaced, or None if the clock was sound."""
        stored = self.get_value(HLC_KEY)
        offset = self.get_value(CLOCK_OFFSET_KEY)
        try:
            correction = correction_for(float(offset) if offset else None)
        except ValueError:
            correction = 0
        wall = self.clock.now() - self.clock.correction_ms
        fresh = repaired(stored, max(wall, wall + correction))  # lenient: corrected or not
        if fresh is None or stored is None:
            return None
        with self.transaction():
            self.set_value(HLC_KEY, str(fresh))
            self.set_value(HLC_OWN_KEY, str(fresh.wall_ms))
        self.clock = HybridClock()
        self.clock_repaired = stored
        logger.warning("device clock %s ran away or was unreadable; restarted at %s", stored[:40], fresh)
        return stored

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
    if migrate:
        db.repair_clock()  # a clock an earlier version let run to the year 9999 restarts here
    if migrate and applied and applied[0] > 1:
        # an upgrade: rebuild the projection from the log with today's fold and search columns
        from app.storage.events import refresh_all

        count = refresh_all(db)
        logger.info("database %s migrated to schema %s, %d dossiers re-folded", path.name, applied[-1], count)
    return db
