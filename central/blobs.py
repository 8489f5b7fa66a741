"""The hub's content-addressed files: `<data>/blobs/ab/cd/<sha256>`, sealed, written atomically.

Every file is sealed with AES-256-GCM under the hub's blob key (`central.blob_key`, kept outside the data
folder) and still named by the SHA-256 of its plaintext, so the protocol and the desks' checks do not
change. Sealed in chunks, so a 2 GiB file is sealed and served streaming, never whole in memory:

    `MCH1` + 8-byte random nonce prefix, then chunks of `CHUNK` plaintext bytes (the last one shorter,
    possibly empty), each `AES-GCM(key, prefix + index, chunk, aad = sha256 + index + last?)` + tag.

The name, the chunk's place and the last-chunk flag are bound in: a file renamed to another blob's name,
chunks reordered, or a file cut short do not open. A file without the header is a blob from before
sealing: `seal_all` seals those in place (temporary file, fsync, rename: kill -9 loses nothing).
Nothing is written in clear: an agency's upload is spooled under a key that lives only in the process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

MAGIC = b"MCH1"
HEADER = len(MAGIC) + 8
CHUNK = 1 << 20
TAG = 16
SPOOL_AAD = "spool"


class BlobUnavailable(Exception):
    """A blob that exists but does not open with the hub's key (or the hub runs with another key)."""


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create(path: Path) -> BinaryIO:
    """A new file, owner-only whatever the umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _aad(name: str, index: int, last: bool) -> bytes:
    return name.encode() + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class SealWriter:
    """Writes the sealed form of a stream of plaintext to `fh`; hashes the plaintext as it goes."""

    def __init__(self, fh: BinaryIO, key: bytes, name: str) -> None:
        self.fh, self.aead, self.name = fh, AESGCM(key), name
        self.prefix = secrets.token_bytes(8)
        self.index, self.buffer, self.size = 0, bytearray(), 0
        self.digest = hashlib.sha256()
        fh.write(MAGIC + self.prefix)

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte: the last chunk is written by close
            self._chunk(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def _chunk(self, data: bytes, last: bool) -> None:
        nonce = self.prefix + self.index.to_bytes(4, "big")
        self.fh.write(self.aead.encrypt(nonce, data, _aad(self.name, self.index, last)))
        self.index += 1

    def close(self) -> None:
        if len(self.buffer) == CHUNK:  # a full chunk, then an empty last one
            self._chunk(bytes(self.buffer), last=False)
            self.buffer.clear()
        self._chunk(bytes(self.buffer), last=True)
        self.buffer.clear()


def open_chunks(fh: BinaryIO, key: bytes, name: str) -> Iterator[bytes]:
    """The plaintext of a sealed stream, chunk by chunk (InvalidTag if anything was changed)."""
    head = fh.read(HEADER)
    if len(head) != HEADER or not head.startswith(MAGIC):
        raise InvalidTag()
    aead, prefix, index = AESGCM(key), head[4:], 0
    block = fh.read(CHUNK + TAG)
    while True:
        nxt = fh.read(CHUNK + TAG) if len(block) == CHUNK + TAG else b""
        last = not nxt
        yield aead.decrypt(prefix + index.to_bytes(4, "big"), block, _aad(name, index, last))
        if last:
            return
        block, index = nxt, index + 1


class HubBlobs:
    def __init__(self, root: Path, key: bytes, usable: bool = True) -> None:
        self.root, self._key = root, key
        self.usable = usable  # False: the blobs were sealed with another key (see blob_key.check_id)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def is_sealed(self, sha256: str) -> bool:
        with open(self.path(sha256), "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC

    def _need_key(self, sha256: str) -> None:
        if not self.usable:
            logger.error("file %s: not served, the hub runs with another blob key", sha256[:12])
            raise BlobUnavailable(sha256)

    # --- writing -------------------------------------------------------------------------------

    def _seal_into_place(self, sha256: str, chunks: Iterable[bytes]) -> int:
        """Seal `chunks` to a temporary file beside the target, fsync, rename, fsync the folder."""
        self._need_key(sha256)
        target = self.path(sha256)
        for folder in (self.root, target.parent.parent, target.parent):
            folder.mkdir(exist_ok=True, mode=0o700)
        tmp = target.parent / f".{sha256[:16]}.{secrets.token_hex(4)}.tmp"
        try:
            with _create(tmp) as fh:
                writer = SealWriter(fh, self._key, sha256)
                for chunk in chunks:
                    writer.write(chunk)
                writer.close()
                fh.flush()
                os.fsync(fh.fileno())
            if writer.digest.hexdigest() != sha256:
                raise ValueError(f"content of file {sha256[:12]} does not hash to its name")
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return writer.size

    def adopt_chunks(self, chunks: Iterable[bytes], sha256: str) -> int:
        """Seal a stream of plaintext into place under its SHA-256 (ValueError, and nothing stored,
        if it does not hash to it); returns its size. A finished tus upload comes this way."""
        return self._seal_into_place(sha256, chunks)

    def upload_key(self) -> bytes:
        """The key tus uploads in progress are sealed with (derived: the key folder stays one file)."""
        from central.tus_sealed import upload_key

        return upload_key(self._key)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Seal a file into the store (hashed first, then sealed as it streams); returns (sha256, size)."""
        sha = sha256_file(source)
        with open(source, "rb") as src:
            size = self._seal_into_place(sha, iter(lambda: src.read(CHUNK), b""))
        return sha, size

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self._seal_into_place(sha, [data])
        return sha

    def adopt_spool(self, spool: Spool) -> tuple[str, int]:
        """Re-seal a spooled upload under the hub's key and its SHA-256; returns (sha256, size)."""
        sha, size = spool.sha256, spool.size
        self._seal_into_place(sha, spool.chunks())
        return sha, size

    # --- reading -------------------------------------------------------------------------------

    def stream(self, sha256: str) -> Iterator[bytes]:
        """The plaintext, decrypted chunk by chunk. The first chunk is opened before this returns, so
        a blob sealed with another key raises BlobUnavailable here and nothing is sent."""
        self._need_key(sha256)
        fh = open(self.path(sha256), "rb")  # noqa: SIM115  # closed by the generator
        if fh.read(len(MAGIC)) != MAGIC:
            fh.seek(0)
            return _plain(fh)
        fh.seek(0)
        chunks = open_chunks(fh, self._key, sha256)
        try:
            first = next(chunks)
        except (InvalidTag, StopIteration) as exc:
            fh.close()
            logger.error("file %s does not open with the hub's blob key: not served", sha256[:12])
            raise BlobUnavailable(sha256) from exc
        return _rest(fh, first, chunks, sha256)

    def size(self, sha256: str) -> int:
        """The plaintext size (from the sealed size: every chunk but the last is full)."""
        on_disk = self.path(sha256).stat().st_size
        if not self.is_sealed(sha256):
            return on_disk
        full, rest = divmod(on_disk - HEADER, CHUNK + TAG)
        return full * CHUNK + rest - TAG

    def read_bytes(self, sha256: str) -> bytes:
        return b"".join(self.stream(sha256))

    def verify(self, sha256: str) -> bool:
        """True if the blob opens with the hub's key and hashes to its name."""
        digest = hashlib.sha256()
        try:
            for chunk in self.stream(sha256):
                digest.update(chunk)
        except (OSError, BlobUnavailable, InvalidTag):
            return False
        return digest.hexdigest() == sha256

    def iter_shas(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if len(path.name) == 64 and not path.name.startswith("."):
                yield path.name

    # --- upgrade -------------------------------------------------------------------------------

    def seal_all(self, stale_s: float = 3600.0) -> tuple[int, int]:
        """Seal every blob stored in clear, in place (crash-safe); returns (sealed, left in clear).

        Temporary files of a killed write hold only ciphertext; those older than `stale_s` are removed
        (younger ones may belong to a write still running in another worker)."""
        if not self.usable:
            logger.error("blobs not sealed: the hub runs with another blob key")
            return 0, 0
        now = time.time()
        for tmp in self.root.glob("??/??/.*.tmp"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > stale_s:
                    tmp.unlink()
        sealed = left = 0
        for sha in sorted(self.iter_shas()):
            if self.is_sealed(sha):
                continue
            path = self.path(sha)
            try:
                with open(path, "rb") as src:
                    self._seal_into_place(sha, iter(lambda: src.read(CHUNK), b""))
                sealed += 1
            except ValueError:
                logger.error("file %s in clear does not hash to its name: left as it is", sha[:12])
                left += 1
        if sealed:
            logger.info("%d files sealed in place with the hub's blob key", sealed)
        return sealed, left


def _plain(fh: BinaryIO) -> Iterator[bytes]:
    with fh:
        yield from iter(lambda: fh.read(CHUNK), b"")


def _rest(fh: BinaryIO, first: bytes, chunks: Iterator[bytes], sha256: str) -> Iterator[bytes]:
    with fh:
        yield first
        try:
            yield from chunks
        except InvalidTag:
            logger.error("file %s is damaged past its first chunk: download cut", sha256[:12])
            raise


class Spool:
    """An upload of unknown name written to a temporary file sealed under a key that exists only in
    this process (so it is never on disk in clear, and unreadable once the process is gone)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._key = AESGCM.generate_key(bit_length=256)
        self.path = folder / f".spool-{secrets.token_hex(8)}.part"
        self._fh = _create(self.path)  # closed by finish/discard
        self._writer = SealWriter(self._fh, self._key, SPOOL_AAD)
        self.sha256, self.size = "", 0

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    def finish(self) -> None:
        self._writer.close()
        self._fh.close()
        self.sha256, self.size = self._writer.digest.hexdigest(), self._writer.size

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as fh:
            yield from open_chunks(fh, self._key, SPOOL_AAD)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()
        self.path.unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_store(data_dir: Path, blobs_dir: Path, key_file: Path) -> HubBlobs:
    """The hub's blobs with its key (created at first start), checked against the data folder."""
    from central import blob_key

    key = blob_key.load_or_create(key_file)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return HubBlobs(blobs_dir, key, usable=blob_key.check_id(data_dir, key))
