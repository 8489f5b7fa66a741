"""The desk's reads and writes about one dossier (detail, timeline, actions) and the sync state.

Adapts app.services and sync.status results for the widgets; the decisions stay in the core.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from app.catalog.fees import vnd as money
from app.config import blobs_dir
from app.domain.errors import AppError
from app.domain.state import STATUS_LABELS_VI, Status
from ui.backend import service_desk, vn_date
from ui.context import DeskContext

logger = logging.getLogger(__name__)

SYNC_NOT_CONFIGURED = "Đồng bộ: chưa kết nối trung tâm"


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
    pages = []
    for doc in state.documents:
        texts = pdf_page_texts(ctx, doc.get("pdf"))
        for i, page in enumerate(doc.get("pages") or []):
            text = texts[i] if i < len(texts) else ""
            pages.append({**page, "label": f"{doc.get('name', '')} — trang {i + 1}", "text": text})
    a = state.applicant or {}
    esc = html.escape
    ret = state.return_method or {}
    overview = (
        f"<h3 style='color:#12263f'>{esc(state.code or '')}</h3>"
        f"<p><b>{esc(str(state.procedure.get('name', '')))}</b></p>"
        f"<p>Người nộp: <b>{esc(str(a.get('full_name', '')))}</b> — {esc(str(a.get('id_number', '')))}<br>"
        f"{esc(str(a.get('address') or ''))} {esc(str(a.get('phone') or ''))}</p>"
        f"<p>Tình trạng: <b>{STATUS_LABELS_VI[state.status]}</b><br>"
        f"Nhận lúc: {vn_datetime(state.received_at)}<br>"
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


def vn_datetime(iso: str | None) -> str:
    if not iso:
        return ""
    return f"{iso[11:16]} ngày {vn_date(iso[:10])}"


def pdf_page_texts(ctx: DeskContext, pdf: dict[str, Any] | None) -> list[str]:
    """The OCR text of each page, read back from the document's searchable PDF (its text layer)."""
    if not pdf:
        return []
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(blob_bytes(ctx, pdf["sha256"]))
    except (pdfium.PdfiumError, OSError, AppError) as exc:
        logger.warning("cannot read the text layer of a document PDF: %s", type(exc).__name__)
        return []
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def blob_bytes(ctx: DeskContext, sha256: str) -> bytes:
    """A stored file's plaintext, decrypted in memory (blobs are sealed on disk)."""
    from app.storage import BlobStore

    return BlobStore(blobs_dir(ctx.home)).read_bytes(sha256)


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
