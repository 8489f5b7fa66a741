"""Resumable uploads: the `tuspyserver` router, wrapped with our device auth and SHA-256 check.

tuspyserver keeps partial uploads under `<data>/tus/<uid>` with a JSON `.info` beside it; its storage
hook is ours (`central.tus_sealed`): the data file is sealed, AES-256-GCM records of up to 1 MiB. We add:
- every tus route authenticates the device, and an upload belongs to the device that created it
  (a router-level dependency: tuspyserver's own `auth` runs only after a PATCH body was written);
- creation is allowed only for a file that an event of the device's point names, with that size
  declared up front (`Upload-Length`; no deferred length, no concatenation, no body on creation), and
  while the device holds fewer than `open_uploads_per_device` unfinished uploads;
- before a HEAD or a PATCH, the data file is cut back to its last whole record and the `.info`'s offset
  set to it: a hub killed in the middle of a PATCH leaves a torn record, and whole records past the
  offset it had saved (those are kept: the desk resumes after them);
- on completion the records are opened one by one, hashed and sealed into the blob store as they
  stream; a SHA-256 mismatch (or a record that does not open) deletes the upload and answers 422, and
  the desk starts that file again.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from tuspyserver import create_tus_router
from tuspyserver.lock import FileLock, LockTimeoutError

from central import files, tus_sealed, tus_store
from central.api.deps import get_device
from central.blobs import BlobUnavailable
from central.core.config import HubSettings
from central.ingest import insert_blob
from central.models import Blob
from sync.protocol import MAX_FILE_BYTES, TUS_PREFIX

logger = logging.getLogger(__name__)
SHA = re.compile(r"^[0-9a-f]{64}$")
BUSY_WAIT_S = 3.0


def _info(tus_dir: Path, uid: str) -> dict[str, object] | None:
    if not re.fullmatch(r"[0-9A-Za-z_-]{1,80}", uid):
        raise HTTPException(404)
    path = tus_dir / f"{uid}.info"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # none, or torn by a crash: the upload is as good as gone
    return data if isinstance(data, dict) else None


def tus_auth(request: Request) -> None:
    """Device auth for every tus route; uploads are private to their device; repair after a crash."""
    device = get_device(request)
    if request.headers.get("upload-concat") is not None or request.headers.get("upload-defer-length"):
        raise HTTPException(
            400, {"code": "unsupported", "message": "declare Upload-Length; no concatenation"}
        )
    uid = request.path_params.get("uuid")
    if not uid:
        return
    tus_dir = request.app.state.settings.tus_dir
    info = _info(tus_dir, uid)
    if info is None:
        return
    metadata = info.get("metadata") or {}
    if not isinstance(metadata, dict) or metadata.get("device") != device.id:
        raise HTTPException(404)
    if request.method in ("PATCH", "HEAD"):
        _repair(tus_dir, uid, request.app.state.tus_key, busy_is_error=request.method == "PATCH")


def _repair(tus_dir: Path, uid: str, key: bytes, busy_is_error: bool) -> None:
    """Under the upload's lock, cut the data file back to its last whole record and record that
    offset in the `.info`. A PATCH finding the lock held for more than BUSY_WAIT_S (a half-open link
    the body idle timeout has not yet ended) means busy: 423, the desk retries later; a HEAD then
    answers the offset the `.info` holds (the next PATCH repairs)."""
    data = tus_dir / uid
    lock = FileLock(str(data), locks_dir=str(tus_dir / ".locks"))
    try:
        lock.acquire(blocking=True, timeout=BUSY_WAIT_S)  # a just-cut request is finishing: wait
    except LockTimeoutError as exc:
        if not busy_is_error:
            return
        raise HTTPException(
            423, {"code": "upload_busy", "message": "another request is still writing this upload"}
        ) from exc
    try:
        info = _info(tus_dir, uid)
        if info is None:
            return
        recorded = int(str(info.get("offset") or 0))
        offset = tus_sealed.repair(data, uid, key, recorded)
        if offset != recorded:
            logger.warning("upload %s: offset %d set to its last whole record, %d", uid, recorded, offset)
            tus_sealed.set_offset(tus_dir / f"{uid}.info", offset)
    finally:
        lock.release()


def pre_create_dep(request: Request) -> Callable[[dict[str, str], dict[str, object]], None]:
    device = get_device(request)

    settings: HubSettings = request.app.state.settings

    def check(metadata: dict[str, str], params: dict[str, object]) -> None:
        sha = metadata.get("sha256", "")
        if not SHA.match(sha) or metadata.get("device") != device.id:
            raise HTTPException(
                400, {"code": "bad_metadata", "message": "sha256 and device metadata required"}
            )
        if params.get("size") is None or params.get("defer_length"):
            raise HTTPException(400, {"code": "length_required", "message": "Upload-Length is required"})
        with request.app.state.db.session() as s:
            size = files.named_size(s, device.point_code, sha)
        if size is None:
            raise HTTPException(
                403, {"code": "not_named", "message": "no event of this point names this file"}
            )
        if int(str(params["size"])) != size:
            raise HTTPException(400, {"code": "bad_size", "message": "size differs from the event's"})
        if tus_store.open_uploads(settings.tus_dir, device.id) >= settings.open_uploads_per_device:
            raise HTTPException(
                429, {"code": "too_many_uploads", "message": "finish or wait for the open uploads first"}
            )

    return check


def complete_dep(request: Request) -> Callable[[str, dict[str, str]], Awaitable[None]]:
    device = get_device(request)

    async def complete(file_path: str, metadata: dict[str, str]) -> None:
        await run_in_threadpool(finish, file_path, metadata)

    def finish(file_path: str, metadata: dict[str, str]) -> None:
        path, sha = Path(file_path), metadata.get("sha256", "")
        info = Path(f"{file_path}.info")
        chunks = tus_sealed.plaintext(path, path.name, request.app.state.tus_key)
        try:  # opened record by record, hashed and sealed under the blob key as it streams
            size = request.app.state.blobs.adopt_chunks(chunks, sha)
        except BlobUnavailable as exc:
            raise HTTPException(
                503, {"code": "files_unavailable", "message": "hub files unavailable"}
            ) from exc
        except (ValueError, InvalidTag) as exc:
            logger.warning("upload %s: SHA-256 mismatch for file %s; discarded", path.name, sha[:12])
            path.unlink(missing_ok=True)
            info.unlink(missing_ok=True)
            raise HTTPException(
                422, {"code": "hash_mismatch", "message": "content does not match its SHA-256"}
            ) from exc
        path.unlink(missing_ok=True)
        with request.app.state.db.session() as s:
            if s.get(Blob, sha) is None:
                insert_blob(s, sha, size)
            files.grant(s, device.point_code, sha)  # the upload proved this point holds the bytes
        info.unlink(missing_ok=True)
        logger.info("file %s complete (%d bytes)", sha[:12], size)

    return complete


def file_dep_factory() -> Callable[[dict[str, str]], None]:
    return lambda metadata: None


async def _no_auth() -> None:
    """tuspyserver runs its `auth` AFTER writing a PATCH body; ours is a router dependency instead."""


def tus_router(settings: HubSettings, key: bytes) -> APIRouter:
    """tuspyserver's routes behind `tus_auth`, which runs before anything of tuspyserver's; uploads
    in progress sealed under `key` (`HubBlobs.upload_key`)."""
    os.makedirs(settings.tus_dir, exist_ok=True)
    tus_sealed.drop_clear(settings.tus_dir)  # an older hub's uploads in clear
    inner = create_tus_router(
        prefix=TUS_PREFIX,
        files_dir=str(settings.tus_dir),
        max_size=MAX_FILE_BYTES,
        auth=_no_auth,  # type: ignore[arg-type]
        days_to_keep=30,  # tuspyserver's own expiry is not enforced; `tus_store.expire_uploads` is
        pre_create_dep=pre_create_dep,
        upload_complete_dep=complete_dep,  # type: ignore[arg-type]  # awaited by tuspyserver
        strict_offset_validation=True,
        storage=tus_sealed.SealedStorage(str(settings.tus_dir), key),
    )
    router = APIRouter(dependencies=[Depends(tus_auth)])
    router.include_router(inner)
    return router
