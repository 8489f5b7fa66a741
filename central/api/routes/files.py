"""File status and download for desks (their own point's files only)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.api.deps import BlobsDep, DbDep, DeviceDep
from central.models import Blob, Dossier, DossierFile
from sync.protocol import FileStatus

router = APIRouter()


def named_size(s: Session, point_code: str, sha256: str) -> int | None:
    """The size of a file that some dossier of this point names, else None (not this point's)."""
    return s.scalar(
        select(DossierFile.size)
        .join(Dossier, Dossier.id == DossierFile.dossier_id)
        .where(DossierFile.sha256 == sha256, Dossier.point_code == point_code)
        .limit(1)
    )


@router.get("/files/{sha256}")
def file_status(sha256: str, device: DeviceDep, db: DbDep) -> FileStatus:
    with db.session() as s:
        size = named_size(s, device.point_code, sha256)
        complete = s.get(Blob, sha256) is not None
    if size is None:
        raise HTTPException(404, {"code": "not_found", "message": "no such file for this point"})
    return FileStatus(sha256=sha256, size=size, complete=complete)


@router.get("/files/{sha256}/content")
def file_content(sha256: str, device: DeviceDep, db: DbDep, blobs: BlobsDep) -> FileResponse:
    with db.session() as s:
        known = named_size(s, device.point_code, sha256) is not None and s.get(Blob, sha256) is not None
    if not known:
        raise HTTPException(404, {"code": "not_found", "message": "no such file for this point"})
    return FileResponse(blobs.path(sha256), media_type="application/octet-stream")
