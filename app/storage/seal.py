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
from pathlib import Path

from app.keys import StoreKeys
from app.sqlite_seal import export_sealed, replace_sealed

logger = logging.getLogger(__name__)


def seal_store(path: Path, keys: StoreKeys) -> None:
    """Seal the plaintext store at `path` (desk.db) and the blobs beside it."""
    logger.info("sealing plaintext store %s", path.name)
    sealed = export_sealed(path, keys.db_key)
    count = seal_blobs(path.parent / "blobs", keys)
    replace_sealed(path, sealed)
    logger.info("store sealed: %d blobs sealed", count)


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
