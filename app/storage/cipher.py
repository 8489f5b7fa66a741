"""The SQLCipher 4 driver (PyPI `sqlcipher3`): a DB-API module with the same API as `sqlite3`.

Its exceptions are its own classes, not `sqlite3`'s: catch `DB_ERRORS` (both), so a plaintext
scratch connection and the sealed store fail the same way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from app.sqlite_seal import PLAIN_HEADER, is_plaintext, key_pragma  # noqa: F401  (the store's names for them)

Error: Any = sqlcipher.Error
DB_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, sqlcipher.Error)
OperationalError: tuple[type[BaseException], ...] = (sqlite3.OperationalError, sqlcipher.OperationalError)
IntegrityErrors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError, sqlcipher.IntegrityError)
SQLITE_FULL = 13


def cipher_version() -> str:
    con = sqlcipher.connect(":memory:")
    try:
        return str(con.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        con.close()


def connect_sealed(path: Path | str, db_key: bytes, timeout: float) -> Any:
    """A SQLCipher connection with its key set and checked (WrongKey -> DatabaseError)."""
    conn = sqlcipher.connect(str(path), isolation_level=None, timeout=timeout)
    try:
        conn.execute(key_pragma(db_key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn
