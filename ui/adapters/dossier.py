"""One dossier as the desk shows it (overview, timeline, pages, allowed actions), the lists, and the
clerk's actions on it (each one app.services call, one transaction)."""

from __future__ import annotations

import html
import logging
from datetime import date, datetime
from typing import Any, TypedDict

import pypdfium2 as pdfium

from app.calendar import TZ
from app.domain.errors import AppError, ValidationError
from app.domain.events import EventType
from app.domain.fold import ALLOWED_FROM
from app.domain.hlc import Hlc
from app.domain.state import OPEN, STATUS_LABELS_VI, DossierState, Status
from app.domain.vocabulary import (
    CHANNEL_VI,
    POSTAL_STATUS_VI,
    RETURN_METHOD_VI,
    event_label_vi,
    rating_vi,
    vn_date,
    vn_datetime,
    vn_stamp,
    vnd,
)
from app.services import intake, returns
from app.services.queries import dashboard as counts
from app.services.queries import get_dossier
from app.services.queries import list_dossiers as dossier_page
from app.services.returns import may_hand_back
from app.storage.events import load_events
from ui.adapters import lifecycle as later
from ui.adapters.session import service_desk
from ui.context import DeskContext
from ui.ops.store import blob_store

logger = logging.getLogger(__name__)


class TimelineRow(TypedDict):
    when: str
    label: str
    detail: str


class DossierInfo(TypedDict):
    """Everything the detail pane and the Trả kết quả page show of one dossier."""

    id: str
    code: str
    procedure_name: str
    status: str
    status_label: str
    applicant_name: str
    due_date: str | None
    fees_due: int
    checklist: list[dict[str, Any]]
    timeline: list[TimelineRow]
    pages: list[dict[str, Any]]  # the event contract's page dicts, with label and OCR text
    overview_html: str
    allowed_actions: list[str]
    applicant: dict[str, Any]
    missing: list[Any]  # the items of the latest supplement request (form 02)
    tracking_no: str
    late_notice: str  # '' or the banner offering the apology (form 04) for a late dossier
    pending_extension: dict[str, Any] | None  # form 04 asked for by a clerk: {reason, new_due_date}
    pending_notice: str  # '' or the line saying that request waits for the head


OVERDUE_VI = "Quá hạn: lập văn bản xin lỗi (mẫu 04)"
PENDING_MARK_VI = "chờ duyệt gia hạn"
OPEN_VALUES = frozenset(s.value for s in OPEN)
DUE_TODAY_VI = "Đến hạn hôm nay"


def _event_detail(type_: str, p: dict[str, Any]) -> str:
    if type_ == "received":
        return f"Mã {p.get('code', '')}; hẹn trả {vn_date(p.get('due_date'))} {p.get('due_time', '')}"
    if type_ in ("refused", "supplement_requested"):
        items = "; ".join(str(i.get("name", "")) for i in p.get("items") or [])
        return " — ".join(x for x in (items, str(p.get("reason") or "")) if x)
    if type_ == "fee_collected":
        return vnd(int(p.get("amount", 0)))
    if type_ in ("apology_issued", "due_extended", "extension_requested"):
        return f"Hẹn mới {vn_date(p.get('new_due_date'))}. {p.get('reason') or ''}"
    if type_ in ("extension_declined", "extension_withdrawn"):
        who = f" ({p['signer']})" if p.get("signer") else ""
        return f"{p.get('reason') or ''}{who}"
    if type_ == "result_returned":
        return f"Người nhận: {p.get('receiver_name', '')}"
    if type_ == "rated":
        return rating_vi(p.get("rating"))
    return _later_detail(type_, p)


def _later_detail(type_: str, p: dict[str, Any]) -> str:
    if type_ in ("cancelled", "stopped", "corrected"):
        return str(p.get("reason") or "")
    if type_ == "handed_off":
        return (
            f"{p.get('from', '')} → {p.get('to', '')}: {p.get('giver', '')} giao, {p.get('taker', '')} nhận"
        )
    if type_ == "postal_updated":
        return " ".join(
            x for x in (POSTAL_STATUS_VI.get(str(p.get("status")), ""), str(p.get("tracking_no") or "")) if x
        )
    return str(p.get("note") or "")


def dossier_detail(ctx: DeskContext, ref: str) -> DossierInfo:
    """Everything the detail pane shows: overview, timeline, pages, allowed actions."""
    state = get_dossier(ctx.db, ref)
    return {
        "id": state.id,
        "code": state.code or "",
        "procedure_name": state.procedure.get("name", ""),
        "status": state.status.value,
        "status_label": STATUS_LABELS_VI[state.status],
        "applicant_name": (state.applicant or {}).get("full_name", ""),
        "due_date": state.due_date,
        "fees_due": max(0, state.fees_quoted - state.fees_collected),
        "checklist": state.checklist,
        "timeline": timeline(ctx, state.id),
        "pages": page_rows(ctx, state),
        "overview_html": overview_html(state),
        "allowed_actions": allowed_actions(state, may_hand_back(ctx.db, state)),
        "applicant": dict(state.applicant or {}),
        "missing": list((state.supplements[-1].get("items") if state.supplements else None) or []),
        "tracking_no": str(
            state.postal.get("tracking_no") or (state.returned or {}).get("tracking_no") or ""
        ),
        "late_notice": " ".join(x for x in (late_notice(state), calendar_notice(ctx, state)) if x),
        "pending_extension": dict(state.pending_extension) if state.pending_extension else None,
        "pending_notice": pending_notice(state),
    }


def pending_notice(state: DossierState) -> str:
    """A clerk's request for form 04 that the head has not signed yet (the appointment is unchanged)."""
    p = state.pending_extension
    if not p or not state.is_open:
        return ""
    return (
        f"Đề nghị gia hạn đến {vn_date(p.get('new_due_date'))} đang chờ trưởng điểm duyệt "
        f"(lý do: {p.get('reason', '')}). Ngày hẹn trả vẫn là {vn_date(state.due_date)} cho đến khi "
        "trưởng điểm ký văn bản xin lỗi và đề nghị gia hạn (mẫu 04)."
    )


def calendar_notice(ctx: DeskContext, state: DossierState) -> str:
    """A due date in a year the centre has not published is shown with a visible warning."""
    if not state.is_open or not state.due_date:
        return ""
    due = date.fromisoformat(state.due_date)
    first = date.fromisoformat(state.counted_from) if state.counted_from else due
    warning = service_desk(ctx).calendar.calendar_warning(first, due)
    return f"Cảnh báo: {warning}; ngày hẹn tính theo lịch nghỉ lễ dự kiến." if warning else ""


def late_notice(state: DossierState) -> str:
    """A late dossier is flagged to the clerk, with the apology and extension (form 04) offered."""
    if not state.is_overdue(datetime.now(TZ).date()):
        return ""
    if state.pending_extension:  # already asked for: the head's signature is what is missing
        return f"Hồ sơ đã quá hạn trả kết quả (hẹn {vn_date(state.due_date)})."
    return (
        f"Hồ sơ đã quá hạn trả kết quả (hẹn {vn_date(state.due_date)}). Hãy lập Văn bản xin lỗi và đề nghị "
        "gia hạn thời gian giải quyết (mẫu 04), trưởng điểm ký."
    )


def timeline(ctx: DeskContext, dossier_id: str) -> list[TimelineRow]:
    """One row per event, in the order the fold applies them, at Hanoi wall time."""
    return [
        {
            "when": vn_stamp(Hlc.parse(e.at).wall_time.astimezone(TZ)),
            "label": event_label_vi(e.type.value),
            "detail": _event_detail(e.type.value, dict(e.payload)),
        }
        for e in load_events(ctx.db, dossier_id)
    ]


def page_rows(ctx: DeskContext, state: DossierState) -> list[dict[str, Any]]:
    """Every scanned page with its label and its OCR text (read back from the document's PDF)."""
    pages = []
    for doc in state.documents:
        texts = pdf_page_texts(ctx, doc.get("pdf"))
        for i, page in enumerate(doc.get("pages") or []):
            text = texts[i] if i < len(texts) else ""
            pages.append({**page, "label": f"{doc.get('name', '')} — trang {i + 1}", "text": text})
    return pages


def overview_html(state: DossierState) -> str:
    """The Tổng quan tab: applicant, state, dates, fees, return method, rating (escaped)."""
    a = state.applicant or {}
    esc = html.escape
    ret = state.return_method or {}
    moved = state.original_due_date != state.due_date
    return (
        f"<h3 style='color:#12263f'>{esc(state.code or '')}</h3>"
        f"<p><b>{esc(str(state.procedure.get('name', '')))}</b></p>"
        f"<p>Người nộp: <b>{esc(str(a.get('full_name', '')))}</b> — {esc(str(a.get('id_number', '')))}<br>"
        f"{esc(str(a.get('address') or ''))} {esc(str(a.get('phone') or ''))}</p>"
        f"<p>Tình trạng: <b>{STATUS_LABELS_VI[state.status]}</b><br>"
        f"Nhận lúc: {vn_datetime(state.received_at)} — {esc(CHANNEL_VI.get(state.channel, state.channel))}<br>"
        f"Hẹn trả: <b>{vn_date(state.due_date)}</b>"
        + (f" (hẹn ban đầu {vn_date(state.original_due_date)})" if moved else "")
        + (
            f"<br><i>Đề nghị gia hạn đến {vn_date(state.pending_extension.get('new_due_date'))}: "
            "chờ trưởng điểm duyệt</i>"
            if state.pending_extension and state.is_open
            else ""
        )
        + f"<br>Lệ phí: {vnd(state.fees_quoted)}; đã thu {vnd(state.fees_collected)}"
        + f"<br>Trả kết quả: {RETURN_METHOD_VI['post' if ret.get('kind') == 'post' else 'desk']}"
        + (f"<br>Đánh giá: {rating_vi(state.rating)}" if state.rating else "")
        + "</p>"
    )


def dossier_detail_by_code(ctx: DeskContext, code: str) -> DossierInfo:
    code = code.strip()
    if not code:
        raise ValidationError("empty dossier code", "Hãy nhập hoặc quét mã hồ sơ.")
    return dossier_detail(ctx, code)


ACTION_EVENTS = {
    "supplement": EventType.SUPPLEMENT_REQUESTED,
    "refuse": EventType.REFUSED,
    "fee": EventType.FEE_COLLECTED,
    "apology": EventType.APOLOGY_ISSUED,
    "return": EventType.RESULT_RETURNED,
    "rating": EventType.RATED,
    "correct": EventType.CORRECTED,
    "add_documents": EventType.DOCUMENTS_ADDED,
    "handoff": EventType.HANDED_OFF,
    "record_result": EventType.RESULT_RECORDED,
    "stop": EventType.STOPPED,
    "cancel": EventType.CANCELLED,
    "postal": EventType.POSTAL_UPDATED,
    "decline_extension": EventType.EXTENSION_DECLINED,
    "withdraw_extension": EventType.EXTENSION_WITHDRAWN,
}
PENDING_ONLY = ("decline_extension", "withdraw_extension")  # a clerk's request for form 04 is pending


def allowed_actions(state: DossierState, may_return: bool | None = None) -> list[str]:
    """Which action buttons to enable: the fold's own state machine decides (and, for the hand-back
    of a procedure the point settles itself, `may_return` from app.services.returns.may_hand_back)."""
    allowed = [k for k, t in ACTION_EVENTS.items() if state.status in ALLOWED_FROM[t]]
    if may_return and "return" not in allowed:
        allowed.append("return")
    if (state.received_at or "")[:10] != datetime.now(TZ).date().isoformat():  # same day only
        allowed = [a for a in allowed if a != "cancel"]
    if not (state.returned or {}).get("by_post"):  # only a result sent by post has a delivery to follow
        allowed = [a for a in allowed if a != "postal"]
    if state.rating and "rating" in allowed:
        allowed.remove("rating")
    if not state.pending_extension:
        allowed = [a for a in allowed if a not in PENDING_ONLY]
    return [*allowed, "reprint"] if state.status is not Status.NEW else allowed


def pdf_page_texts(ctx: DeskContext, pdf: dict[str, Any] | None) -> list[str]:
    """The OCR text of each page, read back from the document's searchable PDF (its text layer)."""
    if not pdf:
        return []
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
    return blob_store(ctx.home).read_bytes(sha256)


def perform_action(ctx: DeskContext, action: str, dossier_id: str, v: dict[str, Any]) -> Any:
    """Record one clerk action through app.services (one transaction each)."""
    desk = service_desk(ctx)
    if action == "supplement":
        return intake.request_supplement(desk, dossier_id, v["items"], v["reason"])
    if action == "refuse":
        return intake.refuse(desk, dossier_id, v["reason"])
    if action == "fee":
        return returns.record_fee(desk, dossier_id, int(v["amount"]), receipt_no=v.get("note", ""))
    if action == "apology":
        return later.apology(ctx, dossier_id, v)
    if action == "rating":
        return returns.rate(desk, dossier_id, v["rating"])
    if action in later.ACTIONS:
        return later.perform(ctx, action, dossier_id, v)
    if action == "return":
        with desk.db.transaction():
            state = returns.return_result(
                desk,
                dossier_id,
                v["receiver_name"],
                v["id_checked"],
                v.get("by_post", False),
                str(v.get("tracking_no") or ""),
            )
            if v.get("rating"):
                state = returns.rate(desk, dossier_id, v["rating"])
        return state
    raise ValueError(f"unknown action {action}")


def dashboard(ctx: DeskContext) -> dict[str, Any]:
    data = dict(counts(ctx.db))
    rate = data.get("on_time_rate")
    data["on_time_rate"] = None if rate is None else float(rate) / 100
    rows = dossier_page(ctx.db, "overdue", limit=20).items + dossier_page(ctx.db, "due_today", limit=20).items
    data["attention"] = [
        {
            "id": r["id"],
            "code": r["code"],
            "procedure": r["procedure_name"],
            "applicant": r["applicant_name"],
            "due_date": vn_date(r["due_date"]),
            "label": OVERDUE_VI if r["is_overdue"] else DUE_TODAY_VI,
            "overdue": r["is_overdue"],
        }
        for r in rows
    ]
    return data


FILTER_KEYS = {"awaiting": "awaiting_result"}


def list_dossiers(
    ctx: DeskContext, filter_key: str, query: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """One page of the Hồ sơ list after the cursor of the last row shown (keyset paging: the model
    asks for the next page as the table scrolls, at the same cost at any depth)."""
    result = dossier_page(
        ctx.db, FILTER_KEYS.get(filter_key, filter_key), query, limit=limit, after=after, with_total=False
    )
    rows = []
    for r in result.items:
        r = dict(r)
        r["received_date"] = vn_date(r.get("received_at"))
        r["due_date"] = vn_date(r.get("due_date"))
        r["overdue"] = r.get("is_overdue")
        if r.get("pending_extension_due") and r["status"] in OPEN_VALUES:  # form 04 asked for, not signed
            r["status_label"] = f"{r['status_label']} · {PENDING_MARK_VI}"
        rows.append(r)
    return rows
