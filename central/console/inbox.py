"""The agency inbox: the open dossiers routed to the officer's agency, and their decisions.

Decisions go through `central.agency.post`, the same code path as the agency API and CLI, so the
event lands in the point's feed and the desk receives it on its next pass.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from app.domain.events import EventType
from app.domain.fold import ALLOWED_FROM
from app.domain.state import Status
from central import agency
from central.api.guard import CONSOLE_RESULT_BYTES
from central.console.auth import Actor
from central.console.dates import DateInputError, parse_vn_date
from central.console.models import DossierIndex
from central.console.web import ActorDep, WriterDep, audit, database, render, require, scope, visible_row
from sync.protocol import AgencyPost

logger = logging.getLogger(__name__)
router = APIRouter()
MAX_RESULT_BYTES = CONSOLE_RESULT_BYTES  # the whole post is bounded by central.api.guard
INBOX_LIMIT = 200
ACTIONS = {
    "accepted": "Tiếp nhận xử lý",
    "processing": "Đang giải quyết",
    "supplement_requested": "Yêu cầu bổ sung",
    "result_ready": "Trả kết quả (tải tệp)",
    "rejected": "Không giải quyết",
    "due_extended": "Gia hạn",
}


@router.get("/co-quan", response_class=HTMLResponse)
def inbox(request: Request, actor: ActorDep) -> HTMLResponse:
    require(actor, "agency", "admin", "auditor")
    with database(request).session() as s:
        rows = list(
            s.scalars(
                select(DossierIndex)
                .where(DossierIndex.is_open.is_(True), scope(s, actor))
                .order_by(DossierIndex.due_date, DossierIndex.dossier_id)
                .limit(INBOX_LIMIT)
            )
        )
    return render(request, "inbox.html", actor, rows=rows, actions=ACTIONS)


async def _read_upload(upload: UploadFile) -> bytes:
    data = bytearray()
    while chunk := await upload.read(1 << 20):
        data += chunk
        if len(data) > MAX_RESULT_BYTES:
            raise HTTPException(413, "result file too large")
    return bytes(data)


@router.post("/co-quan/{dossier_id}/quyet-dinh")
async def decide(
    request: Request,
    actor: WriterDep,
    dossier_id: str,
    action: str = Form(...),
    note: str = Form(""),
    new_due_date: str = Form(""),
    result: Annotated[UploadFile | None, File()] = None,
) -> Response:
    require(actor, "agency", "admin")
    if action not in ACTIONS:
        raise HTTPException(422, "unknown action")
    data = await _read_upload(result) if result is not None and result.filename else b""
    name = re.sub(r"[^\w.\- ]", "_", Path(result.filename or "").name)[:120] if result else ""
    error = _decide(request, actor, dossier_id[:64], action, note[:1000], new_due_date, name, data)
    if error:
        return RedirectResponse(f"/ho-so/{dossier_id}?loi={error}", status_code=303)
    return RedirectResponse(f"/ho-so/{dossier_id}?da-luu=1", status_code=303)


def _decide(
    request: Request,
    actor: Actor,
    dossier_id: str,
    action: str,
    note: str,
    new_due: str,
    name: str,
    data: bytes,
) -> str:
    """Write the decision; returns an error key for the page, or '' when it was stored."""
    payload: dict[str, object] = {}
    if action == "due_extended":
        try:
            payload["new_due_date"] = parse_vn_date(new_due, "Ngày hẹn mới").isoformat()
        except DateInputError:
            return "ngay"
        payload["reason"] = note
    if action == "supplement_requested":
        payload["reason"] = note
    if action == "result_ready" and not data:
        return "tep"
    with database(request).session() as s:
        row = visible_row(s, actor, dossier_id)
        if Status(row.status) not in ALLOWED_FROM[EventType(action)]:
            return "trang-thai"
        if data:  # sealed straight from memory: the result never lies in a temporary file in clear
            ref = agency.store_result_file(s, request.app.state.blobs, data, name=name or "ket-qua.pdf")
            payload["files"] = [ref]
        try:
            agency.post(
                s,
                AgencyPost(dossier_id=row.dossier_id, type=action, note=note or None, payload=payload),  # type: ignore[arg-type]
                actor=f"console:{actor.id}",
            )
        except agency.AgencyInputError as exc:
            logger.warning("console decision on %s refused: %s", dossier_id, exc)
            return "du-lieu"
        audit(s, actor, action, row.dossier_id)
    logger.info("operator %d posted %s on dossier %s", actor.id, action, dossier_id)
    return ""
