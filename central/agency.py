"""The agency side: decisions and result files on a dossier, posted by HTTP or the CLI."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.ids import new_id
from central.blobs import HubBlobs
from central.ingest import CLOCK, insert_blob, store_events
from central.models import Blob, Dossier, EventRow
from sync.protocol import AgencyPost, WireEvent

logger = logging.getLogger(__name__)
AGENCY_DEVICE = "hub"


class AgencyInputError(ValueError):
    """The post names an unknown dossier or file, or lacks a field its type needs."""


def store_result_file(s: Session, blobs: HubBlobs, path: Path) -> dict[str, Any]:
    """Keep a result file in the hub's blob store; returns the reference an event carries."""
    data = path.read_bytes()
    sha = blobs.put_bytes(data)
    insert_blob(s, sha, len(data))
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"sha256": sha, "size": len(data), "mime": mime, "name": path.name}


def post(s: Session, body: AgencyPost, actor: str = "agency") -> WireEvent:
    """Write one agency event after every event the dossier already has (HLC), feed it to its point."""
    dossier = s.scalar(select(Dossier).where(Dossier.code == body.dossier_code))
    if dossier is None:
        raise AgencyInputError(f"no dossier with code {body.dossier_code}")
    payload = dict(body.payload)
    if body.note:
        payload["note"] = body.note
    if body.type == "due_extended" and "new_due_date" not in payload:
        raise AgencyInputError("due_extended needs new_due_date")
    for ref in payload.get("files") or []:
        if s.get(Blob, ref["sha256"]) is None:
            raise AgencyInputError(f"result file {ref['sha256'][:12]} is not at the hub")
    last = s.scalar(select(func.max(EventRow.at)).where(EventRow.dossier_id == dossier.id))
    if last:
        CLOCK.observe(last)
    event = WireEvent(
        id=new_id(),
        dossier_id=dossier.id,
        type=body.type,
        at=str(CLOCK.tick()),
        actor=actor,
        device=AGENCY_DEVICE,
        payload=payload,
    )
    store_events(s, dossier.point_code, [event], AGENCY_DEVICE)
    logger.info("agency event %s (%s) on dossier %s", event.id, body.type, dossier.id)
    return event
