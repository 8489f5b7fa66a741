"""Form 02 at intake: the citizen's papers are incomplete, nothing is received, the guidance is kept.

No dossier and no code are created (the law receives only a complete dossier); the guidance given
is one audit row (`guidance.supplement`), counted per day for the point's reports, and form 02
prints from it. The applicant's name is printed on the slip but never written to the audit detail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.errors import ValidationError
from app.domain.state import DossierState
from app.forms.slips import render_supplement_request
from app.services.context import Desk
from app.services.intake import find_procedure
from app.services.permissions import authorize
from app.storage.audit import append_audit

logger = logging.getLogger(__name__)
ACTION = "guidance.supplement"
MAX_ITEMS = 50


@dataclass(frozen=True)
class GuidanceGiven:
    seq: int  # the audit row: the guidance's number
    pdf: bytes  # form 02, ready to print


def supplement_at_intake(
    desk: Desk, procedure_code: str, applicant_name: str, items: list[dict[str, Any]], reason: str
) -> GuidanceGiven:
    """Record the guidance (one transaction, one audit row) and return form 02 for it."""
    proc = find_procedure(desk, procedure_code)
    clean = [
        {
            "name": str(i.get("name") or "").strip()[:400],
            "copy_kind": i.get("copy_kind") or "copy",
            "count": 1,
        }
        for i in items[:MAX_ITEMS]
        if str(i.get("name") or "").strip()
    ]
    if not clean:
        raise ValidationError(
            "supplement at intake without items", "Hãy chọn ít nhất một giấy tờ cần bổ sung."
        )
    if not reason.strip():
        raise ValidationError("supplement at intake without reason", "Hãy ghi lý do.")
    detail = {"procedure": proc.code, "items": [i["name"] for i in clean], "reason": reason.strip()[:1000]}
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, "receive")
        seq = append_audit(desk.db, desk.clerk_id, ACTION, proc.code, detail)
    logger.info("supplement guidance %d given at intake for procedure %s", seq, proc.code)
    state = DossierState(
        id="",
        procedure=proc.snapshot(),
        applicant={"full_name": " ".join(applicant_name.split())},
        supplements=[{"items": clean, "reason": reason.strip()}],
    )
    pdf = render_supplement_request(state, desk.settings, day=desk.local_now().date())
    return GuidanceGiven(seq, pdf)


def guidance_count(desk: Desk, day: date) -> int:
    """How many supplement guidances (form 02 at intake) this store recorded on `day` (UTC date of the row)."""
    row = desk.db.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = ? AND substr(at, 1, 10) = ?", (ACTION, day.isoformat())
    ).fetchone()
    return int(row[0])
