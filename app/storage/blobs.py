"""Content-addressed file store: `<root>/ab/cd/<sha256>`, sealed, written atomically, verified when read.

Every file is sealed with AES-256-GCM under the store's blob key (`app.keys`) and still named by the
SHA-256 of its plaintext, so sync and the hub's checks do not change. On disk: `MCB1` + 12-byte
nonce + ciphertext + 16-byte tag, the name bound in as associated data (a file renamed to another
blob's name does not open). Reading decrypts in memory; nothing is written in clear. A file without
the header is a blob from before sealing (readable until the upgrade seals it, `app.storage.seal`).

A file is written to a temporary name in its final folder, fsynced, renamed into place, and the
folder is fsynced: after a crash a blob is either whole under its name or absent. A full disk raises
`DiskFullError` and leaves no partial file. Blobs are immutable; the same bytes are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import keys as keyring_
from app.domain.errors import IntegrityError, NotFoundError, ValidationError
from app.domain.events import FileRef
from app.storage.cipher import DB_ERRORS
from app.storage.db import Database, storage_error, utc_now

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
MAGIC = b"MCB1"
OVERHEAD = len(MAGIC) + 12 + 16  # header, nonce, GCM tag


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

    def __init__(self, root: Path | str, keys: keyring_.StoreKeys | None = None) -> None:
        self.root = Path(root)
        self._keys = keys

    @property
    def keys(self) -> keyring_.StoreKeys:
        """The store's keys: given, or those of the home this folder belongs to (unlocked once)."""
        if self._keys is None:
            self._keys = keyring_.for_home(self.root.parent)
        return self._keys

    def seal(self, sha256: str, data: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return MAGIC + nonce + AESGCM(self.keys.blob_key).encrypt(nonce, data, sha256.encode())

    def unseal(self, sha256: str, raw: bytes) -> bytes:
        if not raw.startswith(MAGIC):
            return raw  # written before the store was sealed
        try:
            return AESGCM(self.keys.blob_key).decrypt(raw[4:16], raw[16:], sha256.encode())
        except InvalidTag as exc:
            raise IntegrityError(f"blob {sha256} does not open with this store's key") from exc

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValidationError(f"not a sha256: {sha256[:80]!r}", "Mã kiểm tra tệp không hợp lệ.")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, data: bytes) -> FileRef:
        """Store `data`; returns its FileRef. Storing the same bytes twice is harmless."""
        sha = hashlib.sha256(data).hexdigest()
        self._write(sha, data)
        return FileRef(sha, len(data))

    def put_file(self, source: Path | str) -> FileRef:
        """Seal a file into the store (read whole: scans and PDFs are small)."""
        with open(source, "rb") as src:
            data = src.read()
        return self.put_bytes(data)

    def _write(self, sha: str, data: bytes) -> None:
        final = self.path(sha)
        if final.is_file() and self.verify(sha) and self.is_sealed(sha):
            # stored again (a rescan of the same page): refresh its age so `app gc`, which removes
            # unreferenced files older than an hour, does not take it before its dossier commits
            with contextlib.suppress(OSError):
                os.utime(final)
            return
        sealed = self.seal(sha, data)
        tmp = final.parent / f".{sha[:16]}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            self._mkdirs(final.parent)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(sealed)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            logger.error("could not store blob %s: %s", sha, exc)
            raise storage_error(exc, f"storing blob {sha}") from exc

    def is_sealed(self, sha256: str) -> bool:
        with open(self.path(sha256), "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC

    def size(self, sha256: str) -> int:
        """The plaintext size of a stored blob."""
        on_disk = self.path(sha256).stat().st_size
        return on_disk - OVERHEAD if self.is_sealed(sha256) else on_disk

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for item in reversed(missing):
            item.mkdir(mode=0o700, exist_ok=True)
            _fsync_dir(item.parent)

    def _plain(self, sha256: str) -> bytes:
        return self.unseal(sha256, self.path(sha256).read_bytes())

    def verify(self, sha256: str) -> bool:
        """True if the blob exists, opens with the store's key and hashes to its name."""
        try:
            return hashlib.sha256(self._plain(sha256)).hexdigest() == sha256
        except (FileNotFoundError, IntegrityError):
            return False

    def read_bytes(self, sha256: str) -> bytes:
        """The plaintext of a blob, decrypted in memory and checked against its SHA-256."""
        try:
            data = self._plain(sha256)
        except FileNotFoundError as exc:
            raise NotFoundError(f"blob {sha256} missing", "Không tìm thấy tệp đã lưu.") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            logger.error("blob %s is corrupt (hashes to %s)", sha256, actual)
            raise IntegrityError(f"blob {sha256} hashes to {actual}")
        return data

    def open(self, sha256: str) -> BinaryIO:
        """A checked in-memory stream of a blob's plaintext (IntegrityError if it does not match)."""
        return io.BytesIO(self.read_bytes(sha256))

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
    except DB_ERRORS as exc:
        raise storage_error(exc, "recording a blob") from exc
