"""The public status page reached from the receipt's QR: code plus the printed secret, nothing else.

No login. A wrong code and a wrong secret get the same answer, so codes cannot be probed; each client
address is rate-limited, counted in the hub's database so every worker shares the count
(central.console.ratelimit). Shows only what the citizen's receipt already says.
"""

from __future__ import annotations

import hmac
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from central.console.index import hash_secret
from central.console.models import DossierIndex, PointBranch
from central.console.ratelimit import SharedLimiter, client_address
from central.console.web import database, render
from central.models import Dossier

router = APIRouter()
CITIZEN_PATH = "/tra-cuu"
RETURN_LABELS = {"desk": "Nhận tại điểm phục vụ", "post": "Nhận qua dịch vụ bưu chính công ích"}


def _status(request: Request, code: str, secret: str) -> dict[str, str] | None:
    with database(request).session() as s:
        row = s.scalar(select(DossierIndex).where(DossierIndex.code == code).limit(1))
        # compare even when there is no such code, so both cases cost the same
        expected = row.secret_hash if row and row.secret_hash else "0" * 64
        if not hmac.compare_digest(expected, hash_secret(secret)) or row is None:
            return None
        dossier = s.get(Dossier, row.dossier_id)
        state = json.loads(dossier.state_json) if dossier else {}
        point_name = s.scalar(select(PointBranch.name).where(PointBranch.point_code == row.point_code))
    method = (state.get("return_method") or {}).get("kind", "desk")
    return {
        "code": row.code or "",
        "status": row.status,
        "procedure": str((state.get("procedure") or {}).get("name") or ""),
        "due_date": row.due_date or "",
        "due_time": str(state.get("due_time") or ""),
        "collect": RETURN_LABELS.get(method, RETURN_LABELS["desk"]),
        "point": point_name or row.point_code,
        "returned": row.returned_day or "",
    }


@router.get(CITIZEN_PATH, response_class=HTMLResponse)
def status_page(request: Request, ma: str = "", k: str = "") -> HTMLResponse:
    limiter: SharedLimiter = request.app.state.citizen_limiter
    if not limiter.hit(client_address(request, request.app.state.trusted_proxies)):
        return render(request, "citizen.html", None, status=429, info=None, asked=True, limited=True)
    asked = bool(ma or k)
    info = _status(request, ma.strip()[:80], k.strip()[:40]) if ma and k else None
    status = 404 if asked and info is None else 200
    return render(request, "citizen.html", None, status=status, info=info, asked=asked, limited=False)
