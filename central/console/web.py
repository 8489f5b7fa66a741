"""What every console page shares: templates, the operator behind the request, CSRF, scope, audit."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from app.domain.state import STATUS_LABELS_VI, Status
from central.console import auth
from central.console.auth import Actor
from central.console.dates import VN_HINT, VN_PATTERN, vn_date
from central.console.models import AgencyRoute, DossierIndex, PointBranch, ViewAudit
from central.core.db import Database

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
ROLE_LABELS = {
    "admin": "Quản trị Trung tâm",
    "director": "Giám đốc chi nhánh",
    "agency": "Cán bộ cơ quan giải quyết",
    "auditor": "Kiểm tra (chỉ xem)",
}
PRE_CSRF = "motcua_login_csrf"


def status_label(value: str | None) -> str:
    try:
        return STATUS_LABELS_VI[Status(value or "new")]
    except ValueError:
        return str(value)


def offset_text(seconds: float) -> str:
    whole = round(seconds)
    return "±0 giây" if whole == 0 else f"{whole:+d} giây"


TEMPLATES.env.filters["status_label"] = status_label
TEMPLATES.env.filters["vn_date"] = vn_date
TEMPLATES.env.filters["offset_text"] = offset_text
TEMPLATES.env.globals["ROLE_LABELS"] = ROLE_LABELS
TEMPLATES.env.globals["DATE_PATTERN"] = VN_PATTERN
TEMPLATES.env.globals["DATE_HINT"] = VN_HINT


class LoginRequired(Exception):
    """No live session: the page answers with the login form."""


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def current_actor(request: Request) -> Actor:
    token = request.cookies.get(auth.COOKIE, "")
    with database(request).session() as s:
        actor = auth.actor_for(s, token)
    if actor is None:
        raise LoginRequired()
    return actor


def csrf_checked(
    request: Request, actor: Annotated[Actor, Depends(current_actor)], csrf: str = Form("")
) -> Actor:
    """A form post must carry the session's CSRF token (403 otherwise)."""
    if not auth.csrf_ok(actor, csrf):
        raise HTTPException(403, "CSRF token missing or wrong")
    return actor


def writer(actor: Annotated[Actor, Depends(csrf_checked)]) -> Actor:
    """A form post that changes something: auditors only read."""
    if not actor.can_write:
        raise HTTPException(403, "read-only role")
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
CsrfDep = Annotated[Actor, Depends(csrf_checked)]
WriterDep = Annotated[Actor, Depends(writer)]


def require(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise HTTPException(403, "role not allowed here")


def render(request: Request, name: str, actor: Actor | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, {"actor": actor, **ctx}, status_code=status)


def branch_points(s: Session, branch: str) -> list[str]:
    return list(s.scalars(select(PointBranch.point_code).where(PointBranch.branch_code == branch)))


def scope(s: Session, actor: Actor) -> ColumnElement[bool]:
    """The dossiers this operator may see, as a WHERE clause on the index."""
    if actor.role in ("admin", "auditor"):
        return true()
    if actor.role == "director":
        return DossierIndex.point_code.in_(branch_points(s, actor.branch_code or ""))
    routes = s.execute(
        select(AgencyRoute.procedure_code, AgencyRoute.point_code).where(AgencyRoute.agency == actor.agency)
    ).all()
    if not routes:
        return DossierIndex.dossier_id.is_(None)  # nothing routed yet: sees nothing
    return or_(
        *(
            (DossierIndex.procedure_code == proc)
            & (true() if point == "*" else DossierIndex.point_code == point)
            for proc, point in routes
        )
    )


def visible_row(s: Session, actor: Actor, dossier_id: str) -> DossierIndex:
    """The index row if this operator may see it; 404 exactly as for a dossier that does not exist."""
    row = s.scalar(select(DossierIndex).where(DossierIndex.dossier_id == dossier_id, scope(s, actor)))
    if row is None:
        raise HTTPException(404, "no such dossier")
    return row


def audit(s: Session, actor: Actor, action: str, dossier_id: str, detail: str = "") -> None:
    s.add(
        ViewAudit(
            at=auth.now_ms(), operator_id=actor.id, action=action, dossier_id=dossier_id, detail=detail[:200]
        )
    )


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)
