"""Content-addressed file store: `<root>/ab/cd/<sha256>`, written atomically, verified when read.

A file is written to a temporary name in its final folder, fsynced, renamed into place, and the
folder is fsynced: after a crash a blob is either whole under its name or absent. A full disk raises
`DiskFullError` and leaves no partial file. Blobs are immutable; the same bytes are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from app.domain.errors import IntegrityError, NotFoundError, ValidationError
from app.domain.events import FileRef
from app.storage.db import Database, storage_error, utc_now

logger = logging.getLogger(__name__)

CHUNK = 1 << 20


def is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    """Files named by their SHA-256 under `root`."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValidationError(f"not a sha256: {sha256[:80]!r}", "Mã kiểm tra tệp không hợp lệ.")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, data: bytes) -> FileRef:
        """Store `data`; returns its FileRef. Storing the same bytes twice is harmless."""
        sha = hashlib.sha256(data).hexdigest()
        self._write(sha, lambda fh: fh.write(data))
        return FileRef(sha, len(data))

    def put_file(self, source: Path | str) -> FileRef:
        """Copy a file into the store (hashed first, then copied, so the copy lands by its name)."""
        source = Path(source)
        digest = hashlib.sha256()
        with open(source, "rb") as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                digest.update(chunk)
        sha = digest.hexdigest()

        def copy(fh: BinaryIO) -> None:
            with open(source, "rb") as src:
                shutil.copyfileobj(src, fh, CHUNK)

        self._write(sha, copy)
        final = self.path(sha)
        if not self.verify(sha):  # the source changed while we copied it
            final.unlink(missing_ok=True)
            raise IntegrityError(f"file changed while being stored (blob {sha})")
        return FileRef(sha, final.stat().st_size)

    def _write(self, sha: str, write: Callable[[BinaryIO], object]) -> None:
        final = self.path(sha)
        if final.is_file() and self.verify(sha):
            # stored again (a rescan of the same page): refresh its age so `app gc`, which removes
            # unreferenced files older than an hour, does not take it before its dossier commits
            with contextlib.suppress(OSError):
                os.utime(final)
            return
        tmp = final.parent / f".{sha[:16]}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            self._mkdirs(final.parent)
            with open(tmp, "xb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            logger.error("could not store blob %s: %s", sha, exc)
            raise storage_error(exc, f"storing blob {sha}") from exc

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for item in reversed(missing):
            item.mkdir(exist_ok=True)
            _fsync_dir(item.parent)

    def _hash(self, sha256: str) -> str:
        digest = hashlib.sha256()
        with open(self.path(sha256), "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def verify(self, sha256: str) -> bool:
        """True if the blob exists and its content hashes to its name."""
        try:
            return self._hash(sha256) == sha256
        except FileNotFoundError:
            return False

    def open(self, sha256: str) -> BinaryIO:
        """Open a blob for reading after checking its SHA-256 (IntegrityError if it does not match)."""
        try:
            actual = self._hash(sha256)
        except FileNotFoundError as exc:
            raise NotFoundError(f"blob {sha256} missing", "Không tìm thấy tệp đã lưu.") from exc
        if actual != sha256:
            logger.error("blob %s is corrupt (hashes to %s)", sha256, actual)
            raise IntegrityError(f"blob {sha256} hashes to {actual}")
        return open(self.path(sha256), "rb")

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def temp_files(self) -> list[Path]:
        """Temporary files left by a write that was killed before its rename (never a blob)."""
        return sorted(self.root.glob("??/??/.*.tmp"))

    def sweep_temp(self, older_than_s: float = 3600.0) -> int:
        """Remove abandoned temporary files older than `older_than_s`; returns how many."""
        import time

        removed = 0
        for path in self.temp_files():
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > older_than_s:
                    path.unlink()
                    removed += 1
        return removed

    def iter_shas(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if is_sha256(path.name):
                yield path.name


def record_blob(db: Database, ref: FileRef, mime: str) -> None:
    """Register a stored file in the `blobs` table (inside the caller's transaction)."""
    try:
        db.conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at) VALUES (?, ?, ?, ?)",
            (ref.sha256, ref.size, mime, utc_now()),
        )
    except sqlite3.Error as exc:
        raise storage_error(exc, "recording a blob") from exc
