"""Catalog drafts (written by `python -m central catalog import-portal --out` into the hub's drafts
folder): each with its diff against the published catalog, a held record marked as reviewed (as
`catalog review` does), publishing, and archiving a draft (moved into the folder's `luu-tru/`): the
centre only, with CSRF, each audited."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.catalog.portal.draft import DRAFT_FORMAT, Draft, apply_reviews, read_draft, write_draft
from app.domain.errors import CatalogError
from central import catalog_publish
from central.console.auth import now_ms
from central.console.web import ActorDep, WriterDep, audit, database, render, require

logger = logging.getLogger(__name__)
router = APIRouter()
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.json")
ARCHIVE = "luu-tru"  # a subfolder: not listed (only the folder's own *.json are)
BASIS_VI = "Ghi căn cứ rà soát (ví dụ: số quyết định công bố) trước khi đánh dấu đã xem xét."
NOT_REVIEWABLE_VI = (
    "Bản ghi này không có trong bản nháp hoặc không đọc được thủ tục: không thể đánh dấu đã xem xét."
)
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


def _path(request: Request, name: str) -> Path:
    if not NAME.fullmatch(name + ".json"):
        raise HTTPException(404, "no such draft")
    return _folder(request) / f"{name}.json"


def _draft(request: Request, name: str) -> Draft:
    """The named draft from the drafts folder; 404 for a bad name or anything that is not a draft."""
    draft = _read(_path(request, name))
    if draft is None:
        raise HTTPException(404, "no such draft")
    return draft


@router.get("/danh-muc", response_class=HTMLResponse)
def drafts(request: Request, actor: ActorDep, msg: str = "") -> HTMLResponse:
    require(actor, "admin", "auditor")
    with database(request).session() as s:
        current = catalog_publish.published(s)
    summaries = _summaries(_folder(request))
    archived = msg == "archived"
    return render(request, "catalog_drafts.html", actor, drafts=summaries, current=current, archived=archived)


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
        reviewable={r.report.code for r in draft.records if r.status == "needs_review" and r.procedure},
        reviewed={r.report.code: r.reviewed_by for r in draft.records if r.status == "reviewed"},
        msg=msg,
        error=error,
    )


@router.get("/danh-muc/{name}", response_class=HTMLResponse)
def draft_page(request: Request, actor: ActorDep, name: str, msg: str = "") -> HTMLResponse:
    require(actor, "admin", "auditor")
    return _draft_page(request, actor, name, msg=msg[:40])


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


@router.post("/danh-muc/{name}/xem-xet", response_class=HTMLResponse)
def review(
    request: Request, actor: WriterDep, name: str, code: str = Form(""), basis: str = Form("")
) -> Response:
    """Mark one held record as reviewed by this operator, with the basis typed (`catalog review`)."""
    require(actor, "admin")
    draft, code, basis = _draft(request, name), code.strip()[:80], " ".join(basis.split())[:1000]
    if not basis:
        return _draft_page(request, actor, name, status=422, error=BASIS_VI)
    done = apply_reviews(draft, {code: {"reviewed_by": actor.username, "basis": basis}})
    if not done:
        return _draft_page(request, actor, name, status=422, error=NOT_REVIEWABLE_VI)
    write_draft(_path(request, name), draft)
    with database(request).session() as s:
        audit(s, actor, "catalog_review", "", f"draft {name}: {code}")
    logger.info("operator %d reviewed record %s of catalog draft %s", actor.id, code, name)
    return RedirectResponse(f"/danh-muc/{name}?msg=review", status_code=303)


@router.post("/danh-muc/{name}/luu-tru")
def archive(request: Request, actor: WriterDep, name: str) -> Response:
    """Move the draft out of the list, into the drafts folder's archive (kept, never deleted)."""
    require(actor, "admin")
    _draft(request, name)
    path = _path(request, name)
    folder = path.parent / ARCHIVE
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / path.name
    if target.exists():  # archived before under this name: keep both
        target = folder / f"{path.stem}-{now_ms()}.json"
    path.replace(target)
    with database(request).session() as s:
        audit(s, actor, "catalog_archive", "", f"draft {name} -> {ARCHIVE}/{target.name}")
    logger.info("operator %d archived catalog draft %s", actor.id, name)
    return RedirectResponse("/danh-muc?msg=archived", status_code=303)
