"""Login, the dashboard, dossier search and detail (with its timeline and files)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from app.domain.hlc import Hlc
from central.blobs import BlobUnavailable
from central.console import auth, dashboard, lag
from central.console.index import TZ, fold_key, today
from central.console.models import DossierIndex
from central.console.ratelimit import SharedLimiter, client_address, from_trusted_proxy
from central.console.web import (
    PRE_CSRF,
    ActorDep,
    CsrfDep,
    audit,
    database,
    new_login_csrf,
    render,
    require,
    scope,
    visible_row,
)
from central.models import Blob, Dossier, DossierFile, EventRow

logger = logging.getLogger(__name__)
router = APIRouter()
SEARCH_LIMIT = 50
EVENT_LABELS = {
    "received": "Tiếp nhận",
    "corrected": "Sửa thông tin",
    "documents_added": "Bổ sung giấy tờ",
    "supplement_requested": "Yêu cầu bổ sung",
    "refused": "Từ chối tiếp nhận",
    "fee_collected": "Thu phí, lệ phí",
    "extension_requested": "Đề nghị gia hạn (mẫu 04)",
    "extension_declined": "Không duyệt gia hạn",
    "extension_withdrawn": "Rút đề nghị gia hạn",
    "apology_issued": "Phiếu xin lỗi, hẹn lại",
    "result_returned": "Trả kết quả",
    "rated": "Đánh giá",
    "accepted": "Cơ quan tiếp nhận xử lý",
    "processing": "Đang giải quyết",
    "result_ready": "Có kết quả",
    "rejected": "Không giải quyết",
    "due_extended": "Gia hạn",
}


LOGIN_LIMITED_VI = "Quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau ít phút."


def _secure(request: Request) -> bool:
    """HTTPS here, or at a trusted proxy in front (only a trusted proxy's X-Forwarded-Proto counts)."""
    if request.url.scheme == "https":
        return True
    behind = from_trusted_proxy(request, request.app.state.trusted_proxies)
    return behind and request.headers.get("x-forwarded-proto") == "https"


def login_page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    token = new_login_csrf()
    response = render(request, "login.html", None, status=status, error=error, csrf=token)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict", secure=_secure(request), path="/")
    return response


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return login_page(request)


@router.post("/dang-nhap")
def login_post(
    request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form("")
) -> Response:
    expected = request.cookies.get(PRE_CSRF, "")
    if not expected or not csrf or expected != csrf:
        raise HTTPException(403, "CSRF token missing or wrong")
    limiter: SharedLimiter = request.app.state.login_limiter
    address = client_address(request, request.app.state.trusted_proxies)
    if limiter.is_over(address):  # refused before the password is even checked
        return login_page(request, LOGIN_LIMITED_VI, status=429)
    with database(request).session() as s:
        token, error = auth.attempt(s, username[:80], password[:200])
    if error:
        limiter.hit(address)
        return login_page(request, error, status=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=auth.SESSION_MS // 1000,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRE_CSRF, path="/")
    return response


@router.post("/dang-xuat")
def logout(request: Request, actor: CsrfDep) -> Response:
    with database(request).session() as s:
        auth.logout(s, request.cookies.get(auth.COOKIE, ""))
    logger.info("operator %d logged out", actor.id)
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, actor: ActorDep) -> Response:
    if actor.role == "agency":
        return RedirectResponse("/co-quan", status_code=303)
    with database(request).session() as s:
        rows = dashboard.rows(s, actor.role, actor.branch_code)
    hours = request.app.state.settings.silent_hours
    return render(
        request,
        "dashboard.html",
        actor,
        rows=rows,
        day=today(),
        fmt_ms=fmt_ms,
        hours=hours,
        now=auth.now_ms(),
    )


@router.get("/dong-bo", response_class=HTMLResponse)
def sync_lag(request: Request, actor: ActorDep) -> HTMLResponse:
    """How far each visible point's desks are behind (a director: their branch's points only)."""
    require(actor, "admin", "director", "auditor")
    with database(request).session() as s:
        rows = lag.lags(s, actor.role, actor.branch_code)
    hours = request.app.state.settings.silent_hours
    return render(
        request,
        "lag.html",
        actor,
        rows=rows,
        day=today(),
        fmt_ms=fmt_ms,
        when=when,
        hours=hours,
        now=auth.now_ms(),
    )


def when(ms: int | None) -> str:
    """A time on the sync page's desk lines; "chưa lần nào" for never."""
    return fmt_ms(ms) if ms else "chưa lần nào"


def fmt_ms(ms: int | None) -> str:
    if not ms:
        return "chưa đồng bộ"
    return datetime.fromtimestamp(ms / 1000, TZ).strftime("%H:%M %d/%m/%Y")


def _search_filter(q: str) -> Any:
    q = q.strip()
    if re.fullmatch(r"\d{9}|\d{12}", q):
        return DossierIndex.id_number == q
    if re.search(r"[-.]", q) and " " not in q:
        return DossierIndex.code == q
    key = fold_key(q)
    return (DossierIndex.name_key >= key) & (DossierIndex.name_key < key + "\uffff")


@router.get("/ho-so", response_class=HTMLResponse)
def search(request: Request, actor: ActorDep, q: str = "") -> HTMLResponse:
    found: list[DossierIndex] = []
    q = q[:100]
    if q.strip():
        with database(request).session() as s:
            found = list(
                s.scalars(
                    select(DossierIndex)
                    .where(_search_filter(q), scope(s, actor))
                    # name order walks the name index and stops at the limit, however common the name
                    .order_by(DossierIndex.name_key, DossierIndex.dossier_id)
                    .limit(SEARCH_LIMIT)
                )
            )
    return render(request, "search.html", actor, q=q, found=found, limit=SEARCH_LIMIT)


def timeline(s: Any, dossier_id: str) -> list[dict[str, str]]:
    out = []
    for ev in s.scalars(select(EventRow).where(EventRow.dossier_id == dossier_id).order_by(EventRow.at)):
        wall = datetime.fromtimestamp(Hlc.parse(ev.at).wall_ms / 1000, UTC).astimezone(TZ)
        payload = json.loads(ev.payload)
        note = str(payload.get("note") or payload.get("reason") or "")[:300]
        out.append(
            {"at": wall.strftime("%H:%M %d/%m/%Y"), "type": EVENT_LABELS.get(ev.type, ev.type), "note": note}
        )
    return out


@router.get("/ho-so/{dossier_id}", response_class=HTMLResponse)
def detail(request: Request, actor: ActorDep, dossier_id: str) -> HTMLResponse:
    with database(request).session() as s:
        row = visible_row(s, actor, dossier_id[:64])
        dossier = s.get(Dossier, row.dossier_id)
        state = json.loads(dossier.state_json) if dossier else {}
        events = timeline(s, row.dossier_id)
        have = set(
            s.scalars(
                select(Blob.sha256)
                .join(DossierFile, DossierFile.sha256 == Blob.sha256)
                .where(DossierFile.dossier_id == row.dossier_id)
            )
        )
        have |= {f["sha256"] for f in state.get("result_files") or [] if s.get(Blob, f["sha256"])}
        audit(s, actor, "view", row.dossier_id)
    return render(request, "detail.html", actor, row=row, state=state, events=events, have=have)


def _file_meta(state: dict[str, Any], sha: str) -> tuple[str, str] | None:
    """(mime, name) if this dossier names the file: a scanned document, a page as scanned, a result."""
    for doc in state.get("documents") or []:
        pdf = doc.get("pdf") or {}
        if pdf.get("sha256") == sha:
            return "application/pdf", f"{doc.get('name', 'tai-lieu')}.pdf"
        for page in doc.get("pages") or []:
            if page.get("sha256") == sha:
                return str(page.get("mime") or "image/png"), str(doc.get("name") or "trang")
            original = page.get("original") or {}
            if original.get("sha256") == sha:  # the page as scanned, kept beside the cleaned one
                return str(original.get("mime") or "image/png"), f"{doc.get('name') or 'trang'} (ảnh gốc)"
    for f in state.get("result_files") or []:
        if f.get("sha256") == sha:
            return str(f.get("mime") or "application/octet-stream"), str(f.get("name") or "ket-qua")
    return None


SAFE_INLINE = {"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp"}


@router.get("/ho-so/{dossier_id}/tep/{sha256}")
def dossier_file(request: Request, actor: ActorDep, dossier_id: str, sha256: str) -> Response:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise HTTPException(404, "no such file")
    with database(request).session() as s:
        row = visible_row(s, actor, dossier_id[:64])
        dossier = s.get(Dossier, row.dossier_id)
        meta = _file_meta(json.loads(dossier.state_json) if dossier else {}, sha256)
        if meta is None or s.get(Blob, sha256) is None:
            raise HTTPException(404, "no such file")
        audit(s, actor, "file", row.dossier_id, sha256[:16])
    mime, _name = meta
    blobs = request.app.state.blobs
    if not blobs.has(sha256):
        raise HTTPException(404, "no such file")
    try:
        chunks = blobs.stream(sha256)  # decrypted chunk by chunk as it is sent
    except BlobUnavailable as exc:
        raise HTTPException(503, "file unavailable") from exc
    disposition = "inline" if mime in SAFE_INLINE else "attachment"
    return StreamingResponse(
        chunks,
        media_type=mime if mime in SAFE_INLINE else "application/octet-stream",
        headers={
            "Content-Disposition": f"{disposition}; filename=tep",
            "X-Content-Type-Options": "nosniff",
            "Content-Length": str(blobs.size(sha256)),
        },
    )
