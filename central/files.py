"""Who may read which file at the hub. A file is content-addressed, so its hash alone must never be a
read key: a point reads a file only if one of its devices uploaded it (the upload proved the bytes)
or an agency attached it to one of the point's dossiers (`blob_grants`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import Blob, BlobGrant, Dossier, DossierFile
from central.sql import insert_ignore
from sync.protocol import FileStatus


def named_size(s: Session, point_code: str, sha256: str) -> int | None:
    """The size a dossier of this point names for this file, else None (not this point's)."""
    return s.scalar(
        select(DossierFile.size)
        .join(Dossier, Dossier.id == DossierFile.dossier_id)
        .where(DossierFile.sha256 == sha256, Dossier.point_code == point_code)
        .limit(1)
    )


def readable(s: Session, point_code: str, shas: list[str]) -> set[str]:
    """Those of `shas` this point may read and the hub holds."""
    if not shas:
        return set()
    q = (
        select(BlobGrant.sha256)
        .join(Blob, Blob.sha256 == BlobGrant.sha256)
        .where(BlobGrant.point_code == point_code, BlobGrant.sha256.in_(shas))
    )
    return set(s.scalars(q))


def grant(s: Session, point_code: str, sha256: str) -> None:
    insert_ignore(s, BlobGrant.__table__, [{"point_code": point_code, "sha256": sha256}], "sha256")


def status(s: Session, point_code: str, sha256: str) -> FileStatus | None:
    """A file one of this point's dossiers names: its size and whether this point can fetch it."""
    size = named_size(s, point_code, sha256)
    if size is None:
        return None
    return FileStatus(sha256=sha256, size=size, complete=bool(readable(s, point_code, [sha256])))
