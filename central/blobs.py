"""The hub's content-addressed files: `<data>/blobs/ab/cd/<sha256>`, written atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path


class HubBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def adopt(self, source: Path, sha256: str) -> None:
        """Move a finished upload into place (fsync, then rename: never a half file under its hash)."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        shutil.move(str(source), tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file into the store (hashing as it streams); returns (sha256, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".in-{uuid.uuid4().hex}.part"
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        sha = digest.hexdigest()
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return sha, size

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return sha


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
