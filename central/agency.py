"""The agency side: decisions and result files on a dossier, posted by HTTP (per-agency token) or the CLI.

An agency names a dossier by its id, or by its point and code, and only within its scope (points and
procedures); it attaches only result files it uploaded itself. Attaching grants the dossier's point
the right to fetch the file (`central.files`).
"""

from __future__ import annotations

import json
import logging
import mimetypes
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.ids import new_id
from central import files
from central.blobs import HubBlobs, Spool
from central.crud import now_ms
from central.ingest import CLOCK, insert_blob, store_events
from central.models import Agency, AgencyFile, Blob, Dossier, EventRow
from central.sql import insert_ignore
from sync.protocol import AgencyPost, WireEvent, is_ahead

logger = logging.getLogger(__name__)
AGENCY_DEVICE = "hub"
OPERATOR = "agency"  # the actor of decisions posted with the CLI on the hub itself


class AgencyInputError(ValueError):
    """The post names an unknown dossier or file, or lacks a field its type needs."""


def store_result_file(
    s: Session,
    blobs: HubBlobs,
    path: Path | Spool | bytes,
    agency: Agency | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Keep a result file (a file IT names, an agency's spooled upload, or a console upload held in
    memory) in the hub's blob store; returns the reference an event carries."""
    if isinstance(path, bytes):
        sha, size = blobs.put_bytes(path), len(path)
    else:
        sha, size = blobs.adopt_spool(path) if isinstance(path, Spool) else blobs.put_file(path)
    insert_blob(s, sha, size)
    if agency is not None:
        insert_ignore(s, AgencyFile.__table__, [{"agency": agency.name, "sha256": sha}], "sha256")
    shown = name or (path.name if isinstance(path, Path) else "tep")
    mime = mimetypes.guess_type(shown)[0] or "application/octet-stream"
    return {"sha256": sha, "size": size, "mime": mime, "name": shown}


def find_dossier(s: Session, body: AgencyPost) -> Dossier | None:
    if body.dossier_id is not None:
        dossier = s.get(Dossier, body.dossier_id)
        if dossier is not None and body.point_code and dossier.point_code != body.point_code:
            return None
        return dossier
    return s.scalar(
        select(Dossier).where(Dossier.point_code == body.point_code, Dossier.code == body.dossier_code)
    )


def in_scope(agency: Agency, dossier: Dossier) -> bool:
    points = {p for p in agency.points.split(",") if p}
    procedures = {p for p in agency.procedures.split(",") if p}
    if "*" not in points and dossier.point_code not in points:
        return False
    if "*" in procedures:
        return True
    procedure = (json.loads(dossier.state_json or "{}").get("procedure") or {}).get("code")
    return procedure in procedures


def post(s: Session, body: AgencyPost, agency: Agency | None = None, actor: str | None = None) -> WireEvent:
    """Write one agency event after every event the dossier already has (HLC), feed it to its point.

    `agency` None is the hub's operator (CLI, console: `actor` names them): no scope, any file."""
    dossier = find_dossier(s, body)
    if dossier is None or (agency is not None and not in_scope(agency, dossier)):
        raise AgencyInputError("no such dossier for this agency")
    payload = dict(body.payload)
    if body.note:
        payload["note"] = body.note
    if body.type == "due_extended" and "new_due_date" not in payload:
        raise AgencyInputError("due_extended needs new_due_date")
    for ref in payload.get("files") or []:
        _check_file(s, agency, ref["sha256"])
        files.grant(s, dossier.point_code, ref["sha256"])
    last = s.scalar(select(func.max(EventRow.at)).where(EventRow.dossier_id == dossier.id))
    if last and not is_ahead(last, now_ms()):
        CLOCK.observe(last)
    event = WireEvent(
        id=new_id(),
        dossier_id=dossier.id,
        type=body.type,
        at=str(CLOCK.tick()),
        actor=f"agency:{agency.name}" if agency is not None else actor or OPERATOR,
        device=AGENCY_DEVICE,
        payload=payload,
    )
    store_events(s, dossier.point_code, [event], AGENCY_DEVICE)
    logger.info("agency event %s (%s) on dossier %s", event.id, body.type, dossier.id)
    return event


def _check_file(s: Session, agency: Agency | None, sha: str) -> None:
    if s.get(Blob, sha) is None:
        raise AgencyInputError(f"result file {sha[:12]} is not at the hub")
    if agency is not None and s.get(AgencyFile, (agency.name, sha)) is None:
        raise AgencyInputError(f"result file {sha[:12]} was not uploaded by this agency")
