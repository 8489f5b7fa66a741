"""Catalog drafts (written by `python -m central catalog import-portal --out` into the hub's drafts
folder): each with its diff against the published catalog, and publishing it (the centre only)."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.catalog.portal.draft import DRAFT_FORMAT, Draft, read_draft
from app.domain.errors import CatalogError
from central import catalog_publish
from central.console.web import ActorDep, WriterDep, audit, database, render, require

logger = logging.getLogger(__name__)
router = APIRouter()
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.json")
STALE_VI = (
    "Danh mục đã được công bố lại sau khi bạn xem bản nháp này. "
    "Hãy xem lại các thay đổi dưới đây rồi công bố."
)


@dataclass(frozen=True)
class DraftSummary:
    name: str
    created: str
    retrieved: str
    records: int
    by_status: Counter[str]


def _folder(request: Request) -> Path:
    folder: Path = request.app.state.settings.drafts_dir
    return folder


def _read(path: Path) -> Draft | None:
    """The draft in this file, or None if it is not one (a draft names its format: a bare JSON object
    would otherwise pass as an empty draft)."""
    try:
        if json.loads(path.read_bytes()).get("format") != DRAFT_FORMAT:
            return None
        return read_draft(path)
    except (OSError, ValueError, AttributeError, CatalogError):
        return None


def _summaries(folder: Path) -> list[DraftSummary]:
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        draft = _read(path) if NAME.fullmatch(path.name) else None
        if draft is None:  # another kind of file in the folder: not listed
            continue
        statuses = Counter(str(r.status) for r in draft.records)
        out.append(DraftSummary(path.stem, draft.created, draft.retrieved, len(draft.records), statuses))
    return out


def _draft(request: Request, name: str) -> Draft:
    """The named draft from the drafts folder; 404 for a bad name or anything that is not a draft."""
    draft = _read(_folder(request) / f"{name}.json") if NAME.fullmatch(name + ".json") else None
    if draft is None:
        raise HTTPException(404, "no such draft")
    return draft


@router.get("/danh-muc", response_class=HTMLResponse)
def drafts(request: Request, actor: ActorDep) -> HTMLResponse:
    require(actor, "admin", "auditor")
    with database(request).session() as s:
        current = catalog_publish.published(s)
    return render(request, "catalog_drafts.html", actor, drafts=_summaries(_folder(request)), current=current)


def _draft_page(
    request: Request, actor: ActorDep, name: str, status: int = 200, msg: str = "", error: str = ""
) -> HTMLResponse:
    draft = _draft(request, name)
    with database(request).session() as s:
        current = catalog_publish.published(s)
    shown = catalog_publish.preview(draft, current.procedures)
    return render(
        request,
        "catalog_draft.html",
        actor,
        status,
        draft_name=name,
        draft=draft,
        current=current,
        diff=shown.diff,
        held=shown.ready.held,
        msg=msg,
        error=error,
    )


@router.get("/danh-muc/{name}", response_class=HTMLResponse)
def draft_page(request: Request, actor: ActorDep, name: str, msg: str = "") -> HTMLResponse:
    require(actor, "admin", "auditor")
    return _draft_page(request, actor, name, msg=msg[:12])


@router.post("/danh-muc/{name}/cong-bo", response_class=HTMLResponse)
def publish(request: Request, actor: WriterDep, name: str, against: int = Form(-1)) -> Response:
    """Publish the draft to every point, if the catalog is still the one whose diff the operator saw."""
    require(actor, "admin")
    draft = _draft(request, name)
    with database(request).session() as s:
        current = catalog_publish.published(s)
        if current.id != against:
            logger.info(
                "catalog draft %s not published: catalog #%d is newer than the diff", name, current.id
            )
            stale = True
        else:
            stale = False
            pub, count = catalog_publish.publish_draft(s, draft, current.procedures)
            audit(s, actor, "catalog_publish", "", f"draft {name} -> catalog #{pub}, {count} procedure(s)")
    if stale:
        return _draft_page(request, actor, name, status=409, error=STALE_VI)
    logger.info("operator %d published catalog #%d from draft %s", actor.id, pub, name)
    return RedirectResponse(f"/danh-muc/{name}?msg={pub}", status_code=303)
