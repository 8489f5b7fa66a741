"""File status and download for desks: only files their point may read (see `central.files`)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import StreamingResponse

from central import files
from central.api.deps import BlobsDep, DbDep, DeviceDep
from central.blobs import BlobUnavailable
from sync.protocol import SHA256_PATTERN, FileStatus

router = APIRouter()
ShaPath = Path(pattern=SHA256_PATTERN)
NOT_FOUND = {"code": "not_found", "message": "no such file for this point"}
UNAVAILABLE = {"code": "files_unavailable", "message": "the hub cannot open this file now"}


@router.get("/files/{sha256}")
def file_status(device: DeviceDep, db: DbDep, sha256: str = ShaPath) -> FileStatus:
    with db.session() as s:
        found = files.status(s, device.point_code, sha256)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


@router.get("/files/{sha256}/content", response_class=StreamingResponse)
def file_content(device: DeviceDep, db: DbDep, blobs: BlobsDep, sha256: str = ShaPath) -> StreamingResponse:
    """The plaintext, decrypted chunk by chunk as it is sent (never whole in memory, never on disk)."""
    with db.session() as s:
        known = bool(files.readable(s, device.point_code, [sha256]))
    if not known or not blobs.has(sha256):
        raise HTTPException(404, NOT_FOUND)
    try:
        chunks = blobs.stream(sha256)
    except BlobUnavailable as exc:
        raise HTTPException(503, UNAVAILABLE) from exc
    length = {"Content-Length": str(blobs.size(sha256))}
    return StreamingResponse(chunks, media_type="application/octet-stream", headers=length)
