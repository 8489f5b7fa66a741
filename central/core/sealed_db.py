"""The SQLite hub's database sealed at rest: hub.db is a SQLCipher 4 file (PyPI `sqlcipher3`).

The database key is derived from the hub's blob key (HMAC-SHA256 of it with a fixed label), not kept
in a file of its own: the key folder (`<data>-keys/`, or `--blob-key FILE`) stays one file for IT to
back up, and a restore can never bring back the blob key without the database's, or the reverse. The
key reaches SQLCipher by `PRAGMA key` on each new connection (a raw 256-bit key: no PBKDF2 per
connection); it is never in the engine's URL, so no log or repr of the URL can carry it.

An older hub's plaintext hub.db is sealed in place at start, crash-safe, because the plaintext file
stays the one truth until the last rename and every step before it is redone on the next start:
1. fold its WAL into hub.db (`journal_mode = DELETE`: no -wal left beside it);
2. export it into `hub.db.sealing` under the key (`sqlcipher_export`), checked and fsynced;
3. rename `hub.db.sealing` over hub.db and fsync the folder.
The old plaintext bytes may linger in free disk blocks: wipe free space after an upgrade (README).
PostgreSQL is not encrypted by the hub: it relies on an encrypted volume and encrypted backups.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from app.sqlite_seal import (  # noqa: F401  (PLAIN_HEADER: the hub's name for it)
    PLAIN_HEADER,
    SEALING,
    export_sealed,
    is_plaintext,
    key_pragma,
    replace_sealed,
)

logger = logging.getLogger(__name__)
LABEL = b"motcua hub database key"
SQLITE_NOTADB = 26  # what SQLCipher answers for a wrong key


class WrongDatabaseKey(SystemExit):
    """hub.db does not open with the key: the hub does not start, and nothing is changed."""


def database_key(blob_key: bytes) -> bytes:
    return hmac.new(blob_key, LABEL, hashlib.sha256).digest()


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///FILE` URL (None: not SQLite, or an in-memory database)."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    rest = rest.split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def connect(path: Path, db_key: bytes, timeout: float = 30.0) -> Any:
    """A SQLCipher connection to `path` with its key set (checked on first read)."""
    conn = sqlcipher.connect(str(path), timeout=timeout, check_same_thread=False)
    try:
        conn.execute(key_pragma(db_key))
    except BaseException:
        conn.close()
        raise
    return conn


def prepare(path: Path, db_key: bytes, key_file: Path) -> None:
    """Before the hub opens hub.db: seal a plaintext one in place, finish an interrupted sealing, and
    stop with a clear message (changing nothing) if a sealed one does not open with this key."""
    with _lock(path):
        if is_plaintext(path):
            seal_in_place(path, db_key)
        else:
            path.with_name(path.name + SEALING).unlink(missing_ok=True)
        if not path.exists() or path.stat().st_size == 0:
            return  # a new hub: SQLCipher creates it sealed
        # read-only: a connection that fails to read does not checkpoint a -wal into hub.db on close
        conn = sqlcipher.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            conn.execute(key_pragma(db_key))
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) != SQLITE_NOTADB:
                raise  # not the key (a locked or unreadable file): the error as it is
            raise WrongDatabaseKey(
                f"hub database {path} does not open with the key in {key_file} (the database key is "
                "derived from the hub's blob key): start the hub with the key file it was sealed with "
                "(--blob-key FILE or MOTCUA_HUB_BLOB_KEY_FILE); nothing was changed"
            ) from None
        finally:
            conn.close()


@contextlib.contextmanager
def _lock(path: Path) -> Any:
    """One process at a time checks or seals hub.db (commands and workers may start together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".seal-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: the hub runs on one server process at first start
            pass
        yield
    finally:
        os.close(fd)


def seal_in_place(path: Path, db_key: bytes) -> None:
    logger.info("sealing plaintext hub database %s", path.name)
    replace_sealed(path, export_sealed(path, db_key))
    logger.info("hub database sealed")
