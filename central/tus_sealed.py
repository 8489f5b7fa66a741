"""tus uploads in progress, sealed at rest: a PATCH's body goes to disk as AES-256-GCM records.

tuspyserver keeps an upload as `<tus>/<uid>` (data) and `<uid>.info` (JSON: offset, length, metadata).
Through its storage hook (`TusStorage`; `SealedStorage` below is its local backend with the data file
replaced) the data file never holds a clear byte:

    `MCT1`, then records: 12-byte random nonce | 4-byte plaintext length n | AES-GCM(key, nonce,
    chunk, aad = `MCT1` + uid + plaintext offset (8 bytes) + n) (n + 16 bytes, the tag last)

The key is derived from the hub's blob key (HMAC-SHA256 with a fixed label), so the key folder stays
the one file IT keeps. The tus offset still counts plaintext bytes. The upload's id and each record's
place are bound in: a record moved to another upload or another place does not open. A PATCH's body
is sealed in records of up to RECORD_MAX bytes, all on disk (fsync) before tuspyserver records the
offset, which is therefore the end of a whole record. A record torn by a crash (kill -9, a power cut
in the middle of a write) is cut by `repair`, and the offset is the end of the last whole record. On
completion `plaintext` opens the records one by one (memory bounded by one record) for the hash check
and the blob store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tuspyserver.storage.local import LocalFileStorage

logger = logging.getLogger(__name__)

MAGIC = b"MCT1"
NONCE = 12
HEAD = NONCE + 4
TAG = 16
RECORD_MAX = 1 << 20  # plaintext bytes of one record (at most this much of a PATCH is held in memory)
LABEL = b"motcua hub tus upload key"


def upload_key(blob_key: bytes) -> bytes:
    return hmac.new(blob_key, LABEL, hashlib.sha256).digest()


def _aad(uid: str, offset: int, length: int) -> bytes:
    return MAGIC + uid.encode() + offset.to_bytes(8, "big") + length.to_bytes(4, "big")


def _walk(fh: BinaryIO, size: int, uid: str, aead: AESGCM | None, verify_from: int) -> tuple[int, int]:
    """(file position, plaintext offset) at the end of the last whole record. Records that start at a
    plaintext offset >= `verify_from` are opened too (with `aead`), and the walk stops at one that does
    not. A file that is empty, too short for the magic, or without it (an older hub's clear upload)
    gives (0, 0)."""
    fh.seek(0)
    if size < len(MAGIC) or fh.read(len(MAGIC)) != MAGIC:
        return 0, 0
    pos, plain = len(MAGIC), 0
    while pos + HEAD <= size:
        head = fh.read(HEAD)
        length = int.from_bytes(head[NONCE:], "big")
        end = pos + HEAD + length + TAG
        if length > RECORD_MAX or end > size:
            break  # torn (or garbage): the upload ends before it
        if aead is not None and plain >= verify_from:
            try:
                aead.decrypt(head[:NONCE], fh.read(length + TAG), _aad(uid, plain, length))
            except InvalidTag:
                break
        else:
            fh.seek(end)
        pos, plain = end, plain + length
    return pos, plain


def ends(path: Path, uid: str) -> tuple[int, int]:
    """(file position, plaintext offset) of the last whole record, by the headers alone."""
    try:
        with open(path, "rb") as fh:
            return _walk(fh, os.fstat(fh.fileno()).st_size, uid, None, 0)
    except FileNotFoundError:
        return 0, 0


def repair(path: Path, uid: str, key: bytes, recorded: int) -> int:
    """Cut a torn record, or one past what the `.info` records that does not open, and return the
    upload's true offset: the end of the last whole record (records beyond `recorded`, written by a
    PATCH killed before it saved its offset, are opened to be sure they are whole and ours).
    Run under the upload's lock. No data file (an upload being finished): `recorded`, untouched."""
    try:
        fh = open(path, "r+b")  # noqa: SIM115  # closed below
    except FileNotFoundError:
        return recorded
    with fh:
        size = os.fstat(fh.fileno()).st_size
        pos, plain = _walk(fh, size, uid, AESGCM(key), recorded)
        if size > pos:
            logger.warning("upload %s: cutting %d bytes after its last whole record", uid, size - pos)
            fh.truncate(pos)
            fh.flush()
            os.fsync(fh.fileno())
    return plain


def plaintext(path: Path, uid: str, key: bytes) -> Iterator[bytes]:
    """The upload's plaintext, record by record (InvalidTag if any byte was changed, or torn)."""
    aead = AESGCM(key)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return
        if fh.read(len(MAGIC)) != MAGIC:
            raise InvalidTag()
        pos, plain = len(MAGIC), 0
        while pos < size:
            head = fh.read(HEAD)
            length = int.from_bytes(head[NONCE:], "big") if len(head) == HEAD else RECORD_MAX + 1
            if length > RECORD_MAX:
                raise InvalidTag()
            body = fh.read(length + TAG)
            yield aead.decrypt(head[:NONCE], body, _aad(uid, plain, length))
            pos, plain = pos + HEAD + length + TAG, plain + length


def set_offset(info_path: Path, offset: int) -> None:
    """Rewrite the `.info`'s offset (temporary file, fsync, rename: as tuspyserver writes it)."""
    data = json.loads(info_path.read_text())
    data["offset"] = offset
    tmp = info_path.with_name(f"{info_path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w") as fh:
            fh.write(json.dumps(data, indent=4, default=str))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, info_path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def drop_clear(tus_dir: Path) -> int:
    """Remove uploads an older hub appended in clear (the desk starts those files again); returns how
    many. An empty file, or one whose first bytes are the magic's, is ours."""
    removed = 0
    for data in tus_dir.glob("*") if tus_dir.is_dir() else []:
        if not data.is_file() or "." in data.name:
            continue
        try:
            with open(data, "rb") as fh:
                head = fh.read(len(MAGIC))
            if MAGIC.startswith(head):
                continue
            data.unlink(missing_ok=True)
            data.with_name(f"{data.name}.info").unlink(missing_ok=True)
            removed += 1
        except OSError as exc:
            logger.warning("upload %s: not removed (%s)", data.name, type(exc).__name__)
    if removed:
        logger.warning("%d uploads kept in clear by an older hub removed; the desks send them again", removed)
    return removed


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class TornUpload(OSError):
    """The data file does not end on a whole record: this PATCH writes nothing (the next one repairs)."""


class SealedStorage(LocalFileStorage):
    """tuspyserver's local backend, with the data file sealed record by record under `key`.
    The `.info` sidecar, the locks and the layout are tuspyserver's own.

    A PATCH's body is held in memory up to RECORD_MAX bytes, then sealed and written as one record;
    the rest is written at the end of the PATCH (`flush`, then fsync), before tuspyserver saves the
    offset. What a PATCH ended by an error before its flush held in memory is dropped when it lets
    go of the upload's lock; the `.info` may then be ahead of the records, and the next HEAD or PATCH
    sets it back to the last whole record (`repair`)."""

    def __init__(self, files_dir: str, key: bytes) -> None:
        super().__init__(files_dir)
        self._key, self._aead = key, AESGCM(key)
        self._held: dict[str, bytearray] = {}  # uid -> plaintext of the PATCH in progress, not yet sealed

    async def create(self, uid: str) -> None:
        def _do() -> None:
            self._ensure_dir()
            fd = os.open(self._path(uid), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                if os.fstat(fd).st_size == 0:
                    _write_all(fd, MAGIC)
            finally:
                os.close(fd)

        await asyncio.to_thread(_do)

    async def size(self, uid: str) -> int:
        return (await asyncio.to_thread(ends, Path(self._path(uid)), uid))[1]

    @contextlib.asynccontextmanager
    async def lock(self, uid: str) -> AsyncIterator[None]:  # type: ignore[override]  # as the local backend
        async with super().lock(uid):
            self._held.pop(uid, None)
            try:
                yield
            finally:
                self._held.pop(uid, None)

    async def append(self, uid: str, chunk: bytes) -> None:
        held = self._held.setdefault(uid, bytearray())
        held += chunk
        if len(held) >= RECORD_MAX:
            whole = len(held) - len(held) % RECORD_MAX
            ready = bytes(held[:whole])
            del held[:whole]
            await asyncio.to_thread(self._write, uid, ready, False)

    async def flush(self, uid: str) -> None:
        ready = bytes(self._held.pop(uid, b""))
        await asyncio.to_thread(self._write, uid, ready, True)

    def _write(self, uid: str, data: bytes, durable: bool) -> None:
        """Seal `data` as records of up to RECORD_MAX bytes at the end of the upload's data file."""
        path = self._path(uid)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if data:
                size = os.fstat(fd).st_size
                pos, plain = ends(Path(path), uid)
                if size == 0:
                    _write_all(fd, MAGIC)
                    pos = size = len(MAGIC)
                if pos != size:
                    raise TornUpload(f"upload {uid} does not end on a whole record")
                for start in range(0, len(data), RECORD_MAX):
                    part = data[start : start + RECORD_MAX]
                    nonce = secrets.token_bytes(NONCE)
                    sealed = self._aead.encrypt(nonce, part, _aad(uid, plain, len(part)))
                    _write_all(fd, nonce + len(part).to_bytes(4, "big") + sealed)
                    plain += len(part)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)

    async def read(self, uid: str) -> bytes | None:
        """The whole plaintext in memory (tuspyserver's routes never call it; `plaintext` streams)."""
        path = Path(self._path(uid))
        if not path.exists():
            return None
        return await asyncio.to_thread(lambda: b"".join(plaintext(path, uid, self._key)))

    async def delete(self, uid: str) -> None:
        self._held.pop(uid, None)
        await super().delete(uid)
