"""Reconciliation: which of the events and files a device names the hub holds for its point.

A desk asks this periodically, and after its hub address changes, so that anything it once
believed delivered (a reply from a proxy or a pretender, an older version's bug) but the hub does
not hold is sent again. Only the device's own point is looked at: an id or hash of another point
is answered as not held, so the route tells nothing about other points: a file counts as held
only if this point may read it (`central.files`: one of its devices uploaded it, or an agency
attached it to one of its dossiers), never because a dossier of the point names its hash.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException
from sqlalchemy import select

from central.api.deps import DbDep, DeviceDep
from central.models import Blob, BlobGrant, FeedItem
from sync.protocol import HeldFile, ReconcileRequest, ReconcileResponse

router = APIRouter()
SHA256_RE = re.compile(r"[0-9a-f]{64}")


@router.post("/reconcile")
def reconcile(body: ReconcileRequest, device: DeviceDep, db: DbDep) -> ReconcileResponse:
    """The asked events that are in this point's feed, and the asked files complete at the hub."""
    if any(not SHA256_RE.fullmatch(sha) for sha in body.files):
        raise HTTPException(422, {"code": "validation", "message": "files must be SHA-256 hex digests"})
    with db.session() as s:
        events = set(
            s.scalars(
                select(FeedItem.event_id).where(
                    FeedItem.point_code == device.point_code, FeedItem.event_id.in_(body.event_ids)
                )
            )
        )
        files = s.execute(
            select(Blob.sha256, Blob.size)
            .join(BlobGrant, BlobGrant.sha256 == Blob.sha256)
            .where(Blob.sha256.in_(body.files), BlobGrant.point_code == device.point_code)
            .distinct()
        ).all()
    return ReconcileResponse(
        events=[e for e in body.event_ids if e in events],
        files=[HeldFile(sha256=sha, size=size) for sha, size in files],
    )
