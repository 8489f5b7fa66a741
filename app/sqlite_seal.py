"""Sealing a plaintext SQLite file in place with SQLCipher 4, crash-safe, for the desk's store
(`app.storage.seal`) and the hub's SQLite database (`central.core.sealed_db`) alike.

The sealed copy is written beside the file (`<name>.sealing`), checked and fsynced before it replaces
the plaintext, so a kill at any moment leaves either the whole plaintext file or the whole sealed one;
the caller removes a leftover copy at its next start. Plain Python: sqlite3 and sqlcipher3 only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

SEALING = ".sealing"
PLAIN_HEADER = b"SQLite format 3\x00"


def is_plaintext(path: Path) -> bool:
    """True if `path` is an ordinary (unsealed) SQLite file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def key_pragma(db_key: bytes) -> str:
    # a raw 256-bit key: SQLCipher skips its own PBKDF2 (the key is random, not a password)
    return f"PRAGMA key = \"x'{db_key.hex()}'\""


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export_sealed(path: Path, db_key: bytes) -> Path:
    """Write the plaintext database at `path`, sealed under `db_key`, to `<path>.sealing` (0600),
    checked (schema version, schema objects, quick_check) and fsynced; `path` itself is not changed."""
    target = path.with_name(path.name + SEALING)
    plain = sqlite3.connect(str(path), timeout=30)
    try:
        plain.execute("PRAGMA journal_mode = DELETE").fetchone()  # folds a -wal in
        version = int(plain.execute("PRAGMA user_version").fetchone()[0])
        objects = int(plain.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        plain.close()
    target.unlink(missing_ok=True)  # a half-made copy from an interrupted start
    con = sqlcipher.connect(str(path), isolation_level=None, timeout=30)
    try:
        con.execute(f"ATTACH DATABASE ? AS sealed KEY \"x'{db_key.hex()}'\"", (str(target),))
        con.execute("SELECT sqlcipher_export('sealed')").fetchone()
        con.execute(f"PRAGMA sealed.user_version = {version}")
        con.execute("DETACH DATABASE sealed")
    finally:
        con.close()
    os.chmod(target, 0o600)
    check = sqlcipher.connect(str(target))
    try:
        check.execute(key_pragma(db_key))
        if int(check.execute("PRAGMA user_version").fetchone()[0]) != version:
            raise sqlcipher.DatabaseError("sealed copy lost its schema version")
        if int(check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) != objects:
            raise sqlcipher.DatabaseError("sealed copy lost schema objects")
        if check.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlcipher.DatabaseError("sealed copy fails quick_check")
    finally:
        check.close()
    fsync_path(target)
    return target


def replace_sealed(path: Path, sealed: Path) -> None:
    """Put the checked sealed copy in place of the plaintext file (its -wal, -shm and -journal first:
    they belong to the plaintext) and fsync the folder."""
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(sealed, path)
    fsync_path(path.parent)
