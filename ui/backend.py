"""The desk's wiring to the core: every call a view makes into app/ (and sync/), in one place.

Only adapts shapes for the widgets (dicts and labels); the decisions are app.services calls.
Short reads run on the UI thread with its own connection; the `*_job` functions open their own.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from pathlib import Path
from typing import Any

from app.config import blobs_dir, db_path, load_settings
from app.domain.state import STATUS_LABELS_VI, Status
from ui.context import DeskContext

logger = logging.getLogger(__name__)

SYNC_NOT_CONFIGURED = "Đồng bộ: chưa kết nối trung tâm"
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


def sync_status_text(ctx: DeskContext) -> str:
    """One line for the status bar; the placeholder until the desk is enrolled with a hub."""
    if not ctx.settings.hub_url:
        return SYNC_NOT_CONFIGURED
    info = sync_overview(ctx)
    return f"Đồng bộ: {info.get('state', '')} · {info.get('pending_events', 0)} sự kiện chờ gửi"


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
            }
            for c in p.components
        ],
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
    from app.services.intake import _return_method

    try:
        _return_method(method)
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


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


FILTER_KEYS = {"awaiting": "awaiting_result"}


def list_dossiers(
    ctx: DeskContext, filter_key: str, query: str, offset: int | None, limit: int
) -> list[dict[str, Any]]:
    """One page of the Hồ sơ list (the model asks for the next page as the table scrolls)."""
    from app.services.queries import list_dossiers as page

    start = int(offset or 0)
    result = page(ctx.db, FILTER_KEYS.get(filter_key, filter_key), query, limit=limit, offset=start)
    rows = []
    for i, r in enumerate(result.items):
        r = dict(r)
        r["cursor"] = start + i + 1
        r["received_date"] = vn_date(r.get("received_at"))
        r["due_date"] = vn_date(r.get("due_date"))
        r["overdue"] = r.get("is_overdue")
        rows.append(r)
    return rows


# ----- one dossier -----
EVENT_LABELS = {
    "received": "Tiếp nhận hồ sơ",
    "corrected": "Sửa thông tin",
    "documents_added": "Bổ sung tài liệu",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "refused": "Từ chối tiếp nhận",
    "fee_collected": "Thu phí, lệ phí",
    "apology_issued": "Xin lỗi, hẹn lại ngày trả",
    "result_returned": "Trả kết quả",
    "rated": "Công dân đánh giá",
    "accepted": "Chuyển cơ quan giải quyết",
    "processing": "Đang giải quyết",
    "result_ready": "Có kết quả",
    "rejected": "Không giải quyết",
    "due_extended": "Gia hạn",
}
RATING_VI = {"rat_hai_long": "Rất hài lòng", "hai_long": "Hài lòng", "khong_hai_long": "Không hài lòng"}


def _event_detail(type_: str, p: dict[str, Any]) -> str:
    if type_ == "received":
        return f"Mã {p.get('code', '')}; hẹn trả {vn_date(p.get('due_date'))} {p.get('due_time', '')}"
    if type_ in ("refused", "supplement_requested"):
        items = "; ".join(str(i.get("name", "")) for i in p.get("items") or [])
        return " — ".join(x for x in (items, str(p.get("reason") or "")) if x)
    if type_ == "fee_collected":
        return f"{int(p.get('amount', 0)):,}".replace(",", ".") + " đ"
    if type_ in ("apology_issued", "due_extended"):
        return f"Hẹn mới {vn_date(p.get('new_due_date'))}. {p.get('reason') or ''}"
    if type_ == "result_returned":
        return f"Người nhận: {p.get('receiver_name', '')}"
    if type_ == "rated":
        return RATING_VI.get(str(p.get("rating")), "")
    return str(p.get("note") or "")


def dossier_detail(ctx: DeskContext, ref: str) -> dict[str, Any]:
    """Everything the detail pane shows: overview, timeline, pages, allowed actions."""
    from app.services.queries import get_dossier
    from app.storage.events import load_events

    state = get_dossier(ctx.db, ref)
    events = load_events(ctx.db, state.id)
    from app.calendar import TZ
    from app.domain.hlc import Hlc

    timeline = [
        {
            "when": Hlc.parse(e.at).wall_time.astimezone(TZ).strftime("%d/%m/%Y %H:%M"),
            "label": EVENT_LABELS.get(e.type.value, e.type.value),
            "detail": _event_detail(e.type.value, dict(e.payload)),
        }
        for e in events
    ]
    texts = document_texts(ctx, state.id)
    pages = []
    for doc in state.documents:
        for i, page in enumerate(doc.get("pages") or []):
            pages.append(
                {
                    **page,
                    "label": f"{doc.get('name', '')} — trang {i + 1}",
                    "text": texts.get(doc.get("id"), "") if i == 0 else "",
                }
            )
    a = state.applicant or {}
    esc = html.escape
    ret = state.return_method or {}
    overview = (
        f"<h3 style='color:#12263f'>{esc(state.code or '')}</h3>"
        f"<p><b>{esc(str(state.procedure.get('name', '')))}</b></p>"
        f"<p>Người nộp: <b>{esc(str(a.get('full_name', '')))}</b> — {esc(str(a.get('id_number', '')))}<br>"
        f"{esc(str(a.get('address') or ''))} {esc(str(a.get('phone') or ''))}</p>"
        f"<p>Tình trạng: <b>{STATUS_LABELS_VI[state.status]}</b><br>"
        f"Nhận lúc: {esc(str(state.received_at or ''))[:16].replace('T', ' ')}<br>"
        f"Hẹn trả: <b>{vn_date(state.due_date)}</b>"
        + (
            f" (hẹn ban đầu {vn_date(state.original_due_date)})"
            if state.original_due_date != state.due_date
            else ""
        )
        + f"<br>Lệ phí: {money(state.fees_quoted)}; đã thu {money(state.fees_collected)}"
        + f"<br>Trả kết quả: {'qua bưu chính' if ret.get('kind') == 'post' else 'tại điểm phục vụ'}"
        + (f"<br>Đánh giá: {RATING_VI.get(state.rating or '', '')}" if state.rating else "")
        + "</p>"
    )
    return {
        "id": state.id,
        "code": state.code or "",
        "procedure_name": state.procedure.get("name", ""),
        "status": state.status.value,
        "status_label": STATUS_LABELS_VI[state.status],
        "applicant_name": a.get("full_name", ""),
        "due_date": state.due_date,
        "fees_due": max(0, state.fees_quoted - state.fees_collected),
        "checklist": state.checklist,
        "timeline": timeline,
        "pages": pages,
        "overview_html": overview,
        "allowed_actions": allowed_actions(state),
    }


def dossier_detail_by_code(ctx: DeskContext, code: str) -> dict[str, Any]:
    from app.domain.errors import ValidationError

    code = code.strip()
    if not code:
        raise ValidationError("empty dossier code", "Hãy nhập hoặc quét mã hồ sơ.")
    return dossier_detail(ctx, code)


def allowed_actions(state: Any) -> list[str]:
    """Which action buttons to enable: the fold's own state machine decides."""
    from app.domain.events import EventType
    from app.domain.fold import ALLOWED_FROM

    table = {
        "supplement": EventType.SUPPLEMENT_REQUESTED,
        "refuse": EventType.REFUSED,
        "fee": EventType.FEE_COLLECTED,
        "apology": EventType.APOLOGY_ISSUED,
        "return": EventType.RESULT_RETURNED,
        "rating": EventType.RATED,
    }
    allowed = [k for k, t in table.items() if state.status in ALLOWED_FROM[t]]
    if state.rating and "rating" in allowed:
        allowed.remove("rating")
    return [*allowed, "reprint"] if state.status is not Status.NEW else allowed


def document_texts(ctx: DeskContext, dossier_id: str) -> dict[str, str]:
    """OCR text per document id (as indexed: folded, for search)."""
    rows = ctx.db.conn.execute(
        "SELECT t.document_id, f.text FROM document_texts t JOIN dossiers d ON d.rid = t.dossier_rid "
        "JOIN document_text f ON f.rowid = t.rid WHERE d.id = ?",
        (dossier_id,),
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def blob_path(ctx: DeskContext, sha256: str) -> Path:
    from app.storage import BlobStore

    return BlobStore(blobs_dir(ctx.home)).path(sha256)


def perform_action(ctx: DeskContext, action: str, dossier_id: str, v: dict[str, Any]) -> Any:
    """Record one clerk action through app.services (one transaction each)."""
    from app.services import intake, returns

    desk = service_desk(ctx)
    if action == "supplement":
        return intake.request_supplement(desk, dossier_id, v["items"], v["reason"])
    if action == "refuse":
        return intake.refuse(desk, dossier_id, v["reason"])
    if action == "fee":
        return returns.record_fee(desk, dossier_id, int(v["amount"]), receipt_no=v.get("note", ""))
    if action == "apology":
        return returns.issue_apology(desk, dossier_id, v["reason"], v["new_due_date"])
    if action == "rating":
        return returns.rate(desk, dossier_id, v["rating"])
    if action == "return":
        with desk.db.transaction():
            state = returns.return_result(
                desk, dossier_id, v["receiver_name"], v["id_checked"], v.get("by_post", False)
            )
            if v.get("rating"):
                state = returns.rate(desk, dossier_id, v["rating"])
        return state
    raise ValueError(f"unknown action {action}")


def today() -> date:
    return date.today()


# ----- receive draft -----
def draft_components(proc: dict[str, Any]) -> list[Any]:
    from ui.views.receive.draft import DraftComponent

    return [
        DraftComponent(c["id"], c["name"], c["copy_kind"], int(c.get("count", 1)), bool(c["mandatory"]))
        for c in proc["components"]
    ]


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
                "provided": c.provided,
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
    return [line.to_dict() for line in fees(proc, draft.page_count(), 1)]


def preview_due(ctx: DeskContext, draft: Any) -> str:
    """The appointment if saved now (the service computes it again at save time)."""
    from app.catalog import get_procedure
    from app.services.context import vn_now

    proc = get_procedure(ctx.db.conn, draft.procedure["code"], draft.procedure.get("version"))
    appt = service_desk(ctx).calendar.appointment(vn_now(), proc.processing.kind, proc.processing.days)
    return f"{appt.due_time_text} ngày {vn_date(appt.due_date.isoformat())}"


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


# ----- sync -----
def is_enrolled(ctx: DeskContext) -> bool:
    return (ctx.home / "hub.json").exists()


def sync_status_text(ctx: DeskContext) -> str:
    """One line for the status bar; the placeholder until the desk is enrolled with a hub."""
    if not is_enrolled(ctx):
        return SYNC_NOT_CONFIGURED
    info = sync_overview(ctx)
    text = f"Đồng bộ: {info['state']} · {info.get('pending_events', 0)} sự kiện, {info.get('pending_files', 0)} tệp chờ gửi"
    return text


def sync_overview(ctx: DeskContext) -> dict[str, Any]:
    """What the Đồng bộ page shows (sync.status); before enrollment, what waits in the outbox."""
    from sync.status import status

    st = status(ctx.home)
    state = "chưa kết nối trung tâm"
    if st.get("enrolled"):
        state = (
            "mất kết nối"
            if st.get("last_error")
            else "đã kết nối"
            if st.get("last_success")
            else "chưa đồng bộ lần nào"
        )
    info: dict[str, Any] = {
        "hub": ctx.settings.hub_url or ("(đã đăng ký)" if st.get("enrolled") else "(chưa cấu hình)"),
        "state": state,
        "pending_events": st.get("pending_events", 0),
        "pending_files": f"{st.get('pending_files', 0)} ({st.get('pending_bytes', 0) / 1e6:.1f} MB)",
        "last_success": str(st.get("last_success") or "")[:19].replace("T", " "),
        "last_error": st.get("last_error"),
    }
    rows = ctx.db.conn.execute(
        "SELECT d.code, e.type, e.stored_at FROM outbox o JOIN events e ON e.id = o.event_id "
        "LEFT JOIN dossiers d ON d.id = e.dossier_id WHERE o.sent_at IS NULL AND o.rejected_reason IS NULL "
        "ORDER BY o.seq LIMIT 200"
    ).fetchall()
    info["pending"] = [
        {"code": r[0], "label": EVENT_LABELS.get(r[1], r[1]), "when": str(r[2])[:19].replace("T", " ")}
        for r in rows
    ]
    return info
