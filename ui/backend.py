"""The desk's wiring to the core: every call a view makes into app/ (and sync/), in one place.

Only adapts shapes for the widgets (dicts and labels); the decisions are app.services calls.
Short reads run on the UI thread with its own connection; the `*_job` functions open their own.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from app.config import blobs_dir, db_path, load_settings
from app.services.quality import PAPER_NOTE_MAX as PAPER_NOTE_MAX  # the reason field's limit
from ui.context import DeskContext

logger = logging.getLogger(__name__)

COPY_LABELS = {"original": "Bản chính", "certified": "Bản sao chứng thực", "copy": "Bản sao"}


# ----- session -----
def open_store(home: Path) -> Any:
    """The UI thread's connection to `$MOTCUA_HOME/desk.db` (catalog loaded)."""
    from app.catalog import ensure_loaded
    from app.storage import open_db

    db = open_db(db_path(home))
    ensure_loaded(db.conn)
    return db


def service_desk(ctx: DeskContext) -> Any:
    from app.services.context import Desk
    from app.storage import BlobStore

    return Desk(ctx.db, BlobStore(blobs_dir(ctx.home)), ctx.settings, ctx.clerk_id)


def job_desk(home: Path, clerk_id: str) -> Any:
    """A services context for a job thread: its own connection (SQLite connections stay on their thread)."""
    from app.services.context import Desk
    from app.storage import BlobStore

    return Desk(open_store(home), BlobStore(blobs_dir(home)), load_settings(home), clerk_id)


DEMO_POINT = {
    "point_name": "Điểm Phục vụ hành chính công Hoàn Kiếm",
    "point_code": "HK",
    "agency_code": "000.00.01.H26",
}


def seed_demo(ctx: DeskContext, dossiers: int = 30) -> None:
    """Demo point settings (when none are saved) and demo dossiers (when the store is empty)."""
    from app.config import config_path, save_settings
    from app.services.demo import seed_demo as seed
    from app.storage import BlobStore

    if not config_path(ctx.home).exists():
        for key, value in DEMO_POINT.items():
            setattr(ctx.settings, key, value)
        save_settings(ctx.settings, ctx.home)
    if ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0:
        seed(ctx.db, BlobStore(blobs_dir(ctx.home)), ctx.settings, dossiers=dossiers, pages=1, seed=7)


def demo_clerk(ctx: DeskContext) -> Any:
    from app.services import clerks

    return clerks.demo_clerk(ctx.db)


def authenticate(ctx: DeskContext, username: str, password: str) -> Any:
    from app.services import clerks

    return clerks.login(ctx.db, username, password)


# ----- catalog -----
def search_procedures(ctx: DeskContext, query: str, limit: int = 50) -> list[tuple[str, str]]:
    from app.catalog import list_procedures, search

    if not query:
        return [(p.code, p.name) for p in list_procedures(ctx.db.conn)[:limit]]
    return [(h.code, h.name) for h in search(ctx.db.conn, query, limit)]


def copy_label(kind: str) -> str:
    return COPY_LABELS.get(kind, kind)


def procedure_detail(ctx: DeskContext, code: str) -> dict[str, Any]:
    from app.catalog import get_procedure, vnd

    p = get_procedure(ctx.db.conn, code)
    fee_lines = []
    for f in p.fees:
        if f.kind == "free":
            fee_lines.append(f"{f.label}: miễn")
        elif f.kind == "words":
            fee_lines.append(f"{f.label}: {f.words[:200]}")
        elif f.kind == "per_page":
            tiers = "; ".join(f"từ trang {t.from_page}: {vnd(t.amount)}/trang" for t in f.tiers)
            cap = f", tối đa {vnd(f.cap_per_copy)}/bản" if f.cap_per_copy else ""
            fee_lines.append(f"{f.label}: {tiers}{cap}")
        else:
            unit = "/bản" if f.kind == "per_copy" else "/hồ sơ"
            online = f" (trực tuyến {vnd(f.online_amount)})" if f.online_amount is not None else ""
            fee_lines.append(f"{f.label}: {vnd(f.amount)}{unit}{online}")
    return {
        "code": p.code,
        "version": p.version,
        "name": p.name,
        "field": p.field,
        "agency": p.agency,
        "result": p.result,
        "time_text": p.processing.label_vi(),
        "fee_lines": fee_lines,
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "copy_kind": c.copy_kind,
                "copy_label": copy_label(c.copy_kind),
                "count": c.count,
                "mandatory": c.mandatory,
                "case": c.case,
                "one_of": list(c.one_of),
                "present_only": c.present_only,
            }
            for c in p.components
        ],
        "cases": [(c.id, c.label) for c in p.cases],
    }


# ----- applicant -----
def validate_applicant(ctx: DeskContext, applicant: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, warnings) from the core's applicant rules."""
    from app.domain.validation import check_applicant

    check = check_applicant(applicant)
    return list(check.problems), list(check.warnings)


def find_applicant(ctx: DeskContext, id_number: str) -> dict[str, Any] | None:
    from app.services.applicants import find_returning_applicant

    return find_returning_applicant(ctx.db, id_number)


def validate_return_method(ctx: DeskContext, method: dict[str, Any]) -> list[str]:
    from app.domain.errors import ValidationError
    from app.services.intake import validate_return_method as check

    try:
        check(method)
    except ValidationError as exc:
        return [exc.user_message]
    return []


# ----- dashboard and lists -----
def dashboard(ctx: DeskContext) -> dict[str, Any]:
    from app.services.queries import dashboard as counts
    from app.services.queries import list_dossiers as page

    data = dict(counts(ctx.db))
    rate = data.get("on_time_rate")
    data["on_time_rate"] = None if rate is None else float(rate) / 100
    rows = page(ctx.db, "overdue", limit=20).items + page(ctx.db, "due_today", limit=20).items
    data["attention"] = [
        {
            "id": r["id"],
            "code": r["code"],
            "procedure": r["procedure_name"],
            "applicant": r["applicant_name"],
            "due_date": vn_date(r["due_date"]),
            "label": "Quá hạn" if r["is_overdue"] else "Đến hạn hôm nay",
            "overdue": r["is_overdue"],
        }
        for r in rows
    ]
    return data


def vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


FILTER_KEYS = {"awaiting": "awaiting_result"}


def list_dossiers(
    ctx: DeskContext, filter_key: str, query: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """One page of the Hồ sơ list after the cursor of the last row shown (keyset paging: the model
    asks for the next page as the table scrolls, at the same cost at any depth)."""
    from app.services.queries import list_dossiers as page

    result = page(
        ctx.db, FILTER_KEYS.get(filter_key, filter_key), query, limit=limit, after=after, with_total=False
    )
    rows = []
    for r in result.items:
        r = dict(r)
        r["received_date"] = vn_date(r.get("received_at"))
        r["due_date"] = vn_date(r.get("due_date"))
        r["overdue"] = r.get("is_overdue")
        rows.append(r)
    return rows


# ----- receive draft -----
def draft_components(proc: dict[str, Any]) -> list[Any]:
    from ui.views.receive.draft import DraftComponent

    out = []
    for c in proc["components"]:
        comp = DraftComponent(
            c["id"], c["name"], c["copy_kind"], int(c.get("count", 1)), bool(c["mandatory"])
        )
        comp.case, comp.one_of = str(c.get("case") or ""), list(c.get("one_of") or [])
        comp.present_only, comp.base_mandatory = bool(c.get("present_only")), comp.mandatory
        if comp.present_only:  # checked, not scanned, unless the clerk scans it
            comp.paper_only, comp.paper_note = True, PRESENTED_NOTE
        if comp.case:
            comp.mandatory = False  # until the clerk picks the applicant's case
        out.append(comp)
    return out


PRESENTED_NOTE = "Xuất trình bản chính, đã đối chiếu"


def fee_exemptions(ctx: DeskContext, draft: Any) -> list[tuple[str, str]]:
    """(who, proof) of the fee exemptions the procedure's rules list."""
    from app.catalog import get_procedure

    proc = get_procedure(ctx.db.conn, draft.procedure["code"], draft.procedure.get("version"))
    seen = {e.who: e.proof for rule in proc.fees for e in rule.exemptions}
    return list(seen.items())


def page_quality(meta: dict[str, Any]) -> tuple[str, str]:
    from app.services.quality import page_quality as grade

    return grade(meta)


def draft_warnings(draft: Any) -> list[str]:
    from app.services.quality import document_warnings

    return document_warnings(
        [
            {
                "name": c.name,
                "mandatory": c.mandatory,
                "paper_only": c.paper_only,
                "paper_note": c.paper_note,
                "pages": [p.meta for p in c.pages],
            }
            for c in draft.components
        ]
    )


def compute_fees(ctx: DeskContext, draft: Any) -> list[dict[str, Any]]:
    """Fee lines from the catalog rules for the pages scanned so far (one copy)."""
    from app.catalog import compute_fees as fees
    from app.catalog import get_procedure

    proc = get_procedure(ctx.db.conn, draft.procedure["code"], draft.procedure.get("version"))
    lines = fees(
        proc, draft.page_count(), 1, postal=draft.channel == "buu_chinh", exempt=draft.exemption or None
    )
    return [line.to_dict() for line in lines]


def preview_due(ctx: DeskContext, draft: Any) -> str:
    """The appointment if saved now (the service computes it again at save time)."""
    from app.catalog import get_procedure
    from app.services.context import vn_now

    proc = get_procedure(ctx.db.conn, draft.procedure["code"], draft.procedure.get("version"))
    appt = service_desk(ctx).calendar.appointment(vn_now(), proc.processing.kind, proc.processing.count)
    return f"{appt.due_time_text} ngày {vn_date(appt.due_date.isoformat())}"


def rich_request(draft: Any) -> dict[str, Any]:
    """The catalog-format-2 parts of the request: case, present-only papers shown, channel, exemption."""
    out: dict[str, Any] = {}
    if draft.case:
        out["case"] = draft.case
    if draft.presented():
        out["presented"] = draft.presented()
    if draft.channel != "truc_tiep":
        out["channel"] = draft.channel
    if draft.exemption:
        out["exemption"] = draft.exemption
    return out


def draft_request(draft: Any) -> dict[str, Any]:
    """The request `app.services.intake.receive` takes, from the draft."""
    documents = []
    for c in draft.components:
        if not c.pages:
            continue
        documents.append(
            {
                "component": c.component,
                "name": c.name,
                "copy_kind": c.copy_kind,
                "pages": [p.meta for p in c.pages],
                "pdf": getattr(c, "pdf", None),
                "ocr_text": "\n\n".join(p.text for p in c.pages if p.text),
            }
        )
    request: dict[str, Any] = {
        "procedure": {"code": draft.procedure["code"], "version": draft.procedure.get("version")},
        "applicant": dict(draft.applicant),
        "documents": documents,
        "return_method": dict(draft.return_method),
    }
    paper = draft.paper_checked()
    if paper:
        request["paper_checked"] = paper
    request.update(rich_request(draft))
    if draft.fees_total != draft.fees_computed_total:
        lines = [dict(f) for f in draft.fees]
        diff = draft.fees_total - draft.fees_computed_total
        lines.append(
            {"code": "dieu_chinh", "label": "Điều chỉnh", "amount": diff, "basis": draft.fee_override_reason}
        )
        if diff < 0:  # the service takes non-negative lines: fold a reduction into one line
            lines = [
                {
                    "code": "tong",
                    "label": "Phí, lệ phí (đã điều chỉnh)",
                    "amount": draft.fees_total,
                    "basis": draft.fee_override_reason,
                }
            ]
        request["fees"] = lines
        request["fee_override_reason"] = draft.fee_override_reason
    return request
