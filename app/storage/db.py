"""The desk database (`$MOTCUA_HOME/desk.db`): one SQLCipher 4 file in WAL mode, owner-only.

Its key is the store's `db_key` (`app.keys`); a plaintext desk.db from an older version is sealed in
place at its first open (`app.storage.seal`).

Durability: WAL with `synchronous=FULL`. With NORMAL a power cut may roll back the last commits
(never corrupt the file); but the clerk hands the citizen a receipt as soon as `receive` returns, so
a committed dossier must survive a power cut: FULL fsyncs the WAL at every commit. A desk commits a
few transactions a minute, so the fsync costs nothing a clerk can notice (see bench/store_bench.py).

A `Database` belongs to the thread that opened it (STYLE.md): each job opens its own.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from app import keys as key_store
from app.domain.errors import DiskFullError, StorageError
from app.domain.hlc import MAX_AHEAD_MS, Hlc, HybridClock, correction_for, repaired
from app.domain.ids import new_id
from app.domain.text import fold_text
from app.storage import migrations
from app.storage.cipher import DB_ERRORS, SQLITE_FULL, connect_sealed, is_plaintext

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = -65536  # 64 MiB page cache per connection
DB_OR_OS_ERRORS: tuple[type[BaseException], ...] = (*DB_ERRORS, OSError)
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
    if isinstance(exc, DB_ERRORS):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == SQLITE_FULL or "disk is full" in str(exc)
    return False


def storage_error(exc: BaseException, what: str) -> StorageError:
    """The AppError for a low-level failure: DiskFullError for ENOSPC/SQLITE_FULL."""
    if is_disk_full(exc):
        return DiskFullError(f"disk full while {what}: {type(exc).__name__}: {exc}")
    return StorageError(f"storage failure while {what}: {type(exc).__name__}: {exc}")


class Database:
    """A connection to the desk store plus its device clock. Use `with db.transaction():` to write."""

    def __init__(self, conn: sqlite3.Connection, path: Path, keys: key_store.StoreKeys) -> None:
        self.conn = conn
        self.path = path
        self.keys = keys
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
        except DB_ERRORS as exc:
            raise storage_error(exc, "starting a transaction") from exc
        self._depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, (*DB_ERRORS, OSError)):
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


def connect(path: Path | str, keys: key_store.StoreKeys) -> sqlite3.Connection:
    """A configured sealed connection (no migrations): WAL, foreign keys, busy timeout, FULL sync."""
    conn: sqlite3.Connection = connect_sealed(path, keys.db_key, BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and str(path) != ":memory:":
        raise StorageError(f"could not switch {path} to WAL (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    # decrypted pages stay in memory: a page read from the OS cache costs an AES + HMAC pass
    conn.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    conn.create_function("motcua_fold", 1, fold_text, deterministic=True)
    return conn


def store_keys(path: Path) -> key_store.StoreKeys:
    """The keys for the store at `path` without asking anyone (StoreLockedError if it is sealed)."""
    home = path.parent
    if (
        key_store.load_file(home) is None
        and path.is_file()
        and path.stat().st_size
        and not is_plaintext(path)
    ):
        raise key_store.StoreLockedError(
            f"{path.name} is sealed but {key_store.KEY_FILE} is missing",
            "Thiếu tệp khóa của kho dữ liệu. Bộ phận kỹ thuật chạy: python -m app key recover",
        )
    return key_store.for_home(home)


def owner_only(path: Path) -> None:
    """0700 on the data folder, 0600 on the database and its WAL files (best effort on Windows)."""
    for item, mode in ((path.parent, 0o700), (path, 0o600)):
        if item.exists():
            os.chmod(item, mode)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)


def open_db(path: Path | str, *, migrate: bool = True, keys: key_store.StoreKeys | None = None) -> Database:
    """Open (creating if needed), seal if still plaintext, and migrate the desk database."""
    path = Path(path)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        keys = keys or store_keys(path)
        if is_plaintext(path):
            from app.storage.seal import seal_store

            seal_store(path, keys)
        fresh = not path.exists()
        if fresh:  # created owner-only: SQLite gives its -wal and -shm the same mode
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = _connect_checked(path, keys)
        owner_only(path)
        applied: list[int] = []
        if migrate:
            applied = migrations.migrate(conn)
    except DB_OR_OS_ERRORS as exc:
        raise storage_error(exc, f"opening {path.name}") from exc
    db = Database(conn, path, keys)
    if migrate:
        db.repair_clock()  # a clock an earlier version let run to the year 9999 restarts here
    if migrate:
        from app.storage import search_index

        if applied and applied[0] > 1:
            # an upgrade: rebuild the projection from the log with today's fold and search columns
            from app.storage.events import refresh_all

            count = refresh_all(db)
            search_index.mark_current(db)
            logger.info(
                "database %s migrated to schema %s, %d dossiers re-folded", path.name, applied[-1], count
            )
        elif applied:  # a new store: nothing indexed yet, every row will have today's terms
            search_index.mark_current(db)
        else:  # dossiers saved before a kind of term was indexed (the phone): found by it from now on
            search_index.reindex(db)
    if migrate:
        from app.storage.audit import adopt_chain

        adopt_chain(db)
    return db


def _connect_checked(path: Path, keys: key_store.StoreKeys) -> sqlite3.Connection:
    try:
        return connect(path, keys)
    except DB_ERRORS as exc:
        if "not a database" in str(exc):
            raise key_store.WrongSecretError(
                f"{path.name} does not open with this key",
                "Khóa không mở được kho dữ liệu này. Chưa có gì bị thay đổi.",
            ) from exc
        raise


def connect_store(path: Path, timeout: float = 10) -> sqlite3.Connection:
    """A bare sealed connection to an existing store (read-mostly tools: diagnostics, self-test)."""
    conn: sqlite3.Connection = connect_sealed(path, store_keys(path).db_key, timeout)
    return conn
