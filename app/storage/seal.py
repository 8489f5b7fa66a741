"""Upgrade in place: a plaintext desk (an older version's desk.db and blobs) becomes a sealed one at
its first open, crash-safe.

Steps, each safe to interrupt (kill -9, power cut) because the plaintext desk.db stays the one truth
until the last rename, and every step before it is redone or skipped on the next start:
1. fold the plaintext WAL into desk.db (`journal_mode = DELETE`: no -wal left beside it);
2. export it into `desk.db.sealing` under the store key (`sqlcipher_export`), fsynced;
3. seal every plaintext blob in place (each one an atomic rename; sealed ones are skipped);
4. rename `desk.db.sealing` over desk.db and fsync the folder.
The old plaintext bytes may linger in free disk blocks; the README tells IT to wipe free space.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
from pathlib import Path

from app.keys import StoreKeys
from app.storage.cipher import key_pragma, sqlcipher

logger = logging.getLogger(__name__)

SEALING = ".sealing"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal_store(path: Path, keys: StoreKeys) -> None:
    """Seal the plaintext store at `path` (desk.db) and the blobs beside it."""
    logger.info("sealing plaintext store %s", path.name)
    target = path.with_name(path.name + SEALING)
    plain = sqlite3.connect(str(path), timeout=30)
    try:
        plain.execute("PRAGMA journal_mode = DELETE").fetchone()
        version = int(plain.execute("PRAGMA user_version").fetchone()[0])
    finally:
        plain.close()
    target.unlink(missing_ok=True)  # a half-made copy from an interrupted start
    con = sqlcipher.connect(str(path), isolation_level=None, timeout=30)
    try:
        con.execute(f"ATTACH DATABASE ? AS sealed KEY \"x'{keys.db_key.hex()}'\"", (str(target),))
        con.execute("SELECT sqlcipher_export('sealed')").fetchone()
        con.execute(f"PRAGMA sealed.user_version = {version}")
        con.execute("DETACH DATABASE sealed")
    finally:
        con.close()
    os.chmod(target, 0o600)
    _check(target, keys, version)
    _fsync(target)
    sealed = seal_blobs(path.parent / "blobs", keys)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(target, path)
    _fsync(path.parent)
    logger.info("store sealed: schema %d, %d blobs sealed", version, sealed)


def _check(target: Path, keys: StoreKeys, version: int) -> None:
    con = sqlcipher.connect(str(target))
    try:
        con.execute(key_pragma(keys.db_key))
        if int(con.execute("PRAGMA user_version").fetchone()[0]) != version:
            raise sqlcipher.DatabaseError("sealed copy lost its schema version")
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlcipher.DatabaseError("sealed copy fails quick_check")
    finally:
        con.close()


def seal_blobs(root: Path, keys: StoreKeys) -> int:
    """Seal every plaintext blob under `root` whose content matches its name; returns how many."""
    from app.storage.blobs import MAGIC, BlobStore, is_sha256

    if not root.is_dir():
        return 0
    store = BlobStore(root, keys)
    count = 0
    for path in sorted(root.glob("??/??/*")):
        if not is_sha256(path.name):
            continue
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) == MAGIC:
                continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != path.name:
            logger.error("blob %s is corrupt; left as it is for `app check`", path.name)
            continue
        with contextlib.suppress(FileNotFoundError):
            store.put_bytes(data)
            count += 1
    for folder in [root, *root.glob("??"), *root.glob("??/??")]:
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    return count
