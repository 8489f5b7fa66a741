"""Receiving a dossier and the changes before a result: correct, add documents, supplement, refuse."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from app.catalog import Procedure, ensure_loaded, get_procedure
from app.codes import allocate_code, new_status_secret
from app.domain.errors import ValidationError
from app.domain.events import EventType
from app.domain.ids import new_id
from app.domain.state import DossierState
from app.domain.validation import normalise_phone, validate_applicant
from app.domain.vocabulary import CHANNEL_VI
from app.services.context import Desk
from app.services.documents import clean_documents, index_texts, register_files
from app.services.dossier_write import current_state, write_event
from app.services.fees import FeeRequest, receive_fees
from app.services.permissions import authorize
from app.services.quality import paper_note_problem
from app.services.receive_request import ReceiveRequest
from app.services.register import allocate_entry
from app.storage.events import append_event, refresh_projection

logger = logging.getLogger(__name__)


def find_procedure(desk: Desk, ref: str | Mapping[str, Any]) -> Procedure:
    """The catalog procedure named by a code (or a {code, version} dict); NotFoundError if unknown."""
    if "catalog" not in desk.db.ready:
        ensure_loaded(desk.db.conn)
        desk.db.ready.add("catalog")
    if isinstance(ref, Mapping):
        version = ref.get("version")
        return get_procedure(desk.db.conn, str(ref.get("code") or ""), int(version) if version else None)
    return get_procedure(desk.db.conn, str(ref))


def _checklist(
    proc: Procedure, documents: list[dict[str, Any]], request: Mapping[str, Any]
) -> list[dict[str, Any]]:
    given = {d["component"] for d in documents}
    paper = paper_checks(request.get("paper_checked"), {c.id for c in proc.components}, given)
    case, presented = case_and_presented(proc, request)
    checklist: list[dict[str, Any]] = []
    for c in proc.components:
        item: dict[str, Any] = {
            "component": c.id,
            "name": c.name,
            "copy_kind": c.copy_kind,
            "count": c.count,
            "mandatory": c.mandatory and (not c.case or c.case == case),
            "provided": c.id in given or c.id in paper or c.id in presented,
            "digitized": c.id in given,
        }
        if c.id in paper:
            item["paper_note"] = paper[c.id]
        item.update(_rich_marks(c, presented))
        checklist.append(item)
    missing = [item["name"] for item in checklist if item["mandatory"] and not item["provided"]]
    if missing and not request.get("allow_incomplete"):
        raise ValidationError(
            f"{len(missing)} mandatory component(s) missing",
            "Hồ sơ còn thiếu thành phần bắt buộc: "
            + "; ".join(missing)
            + ". Hãy quét thành phần đó, đánh dấu đã kiểm tra bản giấy (kèm lý do) hoặc yêu cầu bổ sung.",
            problems=[f"Thiếu: {m}" for m in missing],
        )
    return checklist


def case_and_presented(proc: Procedure, request: Mapping[str, Any]) -> tuple[str, set[str]]:
    """The applicant's case ("Trường hợp …", a case id of the procedure, or "") and the present-only
    components shown at the desk; components of another case are not required."""
    case = str(request.get("case") or "")
    if case and case not in {c.id for c in proc.cases}:
        raise ValidationError(f"unknown case {case!r}", "Trường hợp đã chọn không có trong thủ tục.")
    raw = request.get("presented") or []
    if not isinstance(raw, (list, tuple)) or len(raw) > 200:
        raise ValidationError(
            "presented must be a list of component ids", "Danh sách giấy tờ xuất trình không hợp lệ."
        )
    shown = {str(x) for x in raw}
    present_only = {c.id for c in proc.components if c.present_only}
    if shown - present_only:
        raise ValidationError(
            f"presented marks for components that are not present-only: {sorted(shown - present_only)}",
            "Chỉ thành phần “xuất trình” mới được đánh dấu đã xuất trình.",
        )
    return case, shown


def _rich_marks(c: Any, presented: set[str]) -> dict[str, Any]:
    marks: dict[str, Any] = {}
    if c.case:
        marks["case"] = c.case
    if c.one_of:
        marks["one_of"] = list(c.one_of)
    if c.present_only:
        marks["present_only"] = True
        marks["presented"] = c.id in presented
    return marks


def paper_checks(raw: Any, known: set[str], scanned: set[str]) -> dict[str, str]:
    """{component: reason} for components checked on paper and not digitized; ValidationError if a mark
    names an unknown or scanned component or lacks a short reason."""
    marks = dict(raw or {})
    out: dict[str, str] = {}
    for component, note in marks.items():
        if component not in known:
            raise ValidationError(
                f"paper check for unknown component {component!r}",
                "Thành phần đánh dấu kiểm tra bản giấy không có trong thủ tục.",
            )
        if component in scanned:
            raise ValidationError(
                f"component {component!r} both scanned and marked paper-only",
                "Thành phần đã có trang quét thì không đánh dấu “chỉ kiểm tra bản giấy”.",
            )
        problem = paper_note_problem(str(note or ""))
        if problem:
            raise ValidationError(f"paper check for {component!r}: bad reason", problem)
        out[str(component)] = str(note).strip()
    return out


def validate_return_method(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The return method to store (kind desk|post, phone normalised); ValidationError in Vietnamese."""
    method = {"kind": "desk", **dict(raw or {})}
    if method["kind"] not in ("desk", "post"):
        raise ValidationError(
            "bad return method", "Hình thức nhận kết quả phải là tại quầy hoặc qua bưu chính."
        )
    if method["kind"] == "post":
        if not method.get("recipient_name") or not method.get("address"):
            raise ValidationError(
                "postal return without recipient", "Trả qua bưu chính cần tên và địa chỉ người nhận."
            )
        method["phone"] = normalise_phone(str(method.get("phone") or ""))
    return method


def receive_channel(request: Mapping[str, Any]) -> str:
    """How the dossier came (QĐ 766 counts received dossiers by channel): in person at the point, by the
    public postal service, or online through the portal (the point receives and digitizes it). The fee step's
    quote must be for the same channel."""
    quoted = (request.get("fee_request") or {}).get("channel")
    channel = str(request.get("channel") or quoted or "truc_tiep")
    if channel not in CHANNEL_VI:
        raise ValidationError(f"unknown channel {channel[:20]!r}", "Hình thức nộp hồ sơ không hợp lệ.")
    if quoted and quoted != channel:
        raise ValidationError(
            f"fee quoted for channel {quoted!r}, dossier filed {channel!r}",
            "Phí đã tính cho hình thức nộp khác: hãy tính lại phí.",
        )
    return channel


def receive(desk: Desk, request: ReceiveRequest | Mapping[str, Any]) -> DossierState:
    """Receive a new dossier: validate, allocate its code, write `received` + outbox in one transaction."""
    if isinstance(request, ReceiveRequest):
        request = request.as_mapping()
    proc = find_procedure(desk, request.get("procedure") or "")
    received = desk.local_now()
    applicant = validate_applicant(dict(request.get("applicant") or {}), received.date()).values
    documents, texts = clean_documents(request.get("documents") or [], desk.blobs)
    checklist = _checklist(proc, documents, request)
    pages = sum(len(d["pages"]) for d in documents)
    fees, fees_total = receive_fees(proc, request, documents)
    appt = desk.calendar.appointment(received, proc.processing.kind, proc.processing.count)
    payload: dict[str, Any] = {
        "point_code": desk.settings.point_code,
        "desk": desk.settings.desk,
        "procedure": proc.snapshot(),
        "applicant": applicant,
        "checklist": checklist,
        "documents": documents,
        "fees": fees,
        "fees_total": fees_total,
        "return_method": validate_return_method(request.get("return_method")),
        "channel": receive_channel(request),
        "received_at": received.isoformat(timespec="seconds"),
        "counted_from": appt.counted_from.isoformat(),
        "due_date": appt.due_date.isoformat(),
        "due_time": appt.due_time_text,
        "status_secret": new_status_secret(),
    }
    if appt.warning:  # shown on the screen; the slip keeps the date as computed
        payload["calendar_warning"] = appt.warning
    if request.get("fee_override_reason"):
        payload["fee_override_reason"] = str(request["fee_override_reason"])
    if request.get("fee_request"):  # what the clerk set (copies per component, exemption and its proof)
        payload["fee_request"] = FeeRequest.from_dict(request["fee_request"]).to_dict()
    dossier_id = new_id()
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, "receive")
        payload["code"] = allocate_code(
            desk.db, desk.settings.agency_code, desk.settings.desk, received.date()
        )
        payload["register"] = asdict(allocate_entry(desk.db, desk.settings.desk, received.date()))
        register_files(desk.db, documents)
        append_event(desk.db, dossier_id, EventType.RECEIVED, payload, desk.clerk_id)
        state = refresh_projection(desk.db, dossier_id)
        index_texts(desk.db, dossier_id, texts)
    logger.info("dossier %s received (%d documents, %d pages)", dossier_id, len(documents), pages)
    return state


def correct(desk: Desk, dossier_id: str, changes: Mapping[str, Any], reason: str = "") -> DossierState:
    """Correct the applicant, return method or checklist (a new `corrected` event; nothing is edited).

    The reason is required; the receipt printed after it says it replaces the one given before."""
    state = current_state(desk, dossier_id)
    payload: dict[str, Any] = {
        "reason": reason.strip()[:1000],
        "at": desk.local_now().isoformat(timespec="seconds"),
    }
    if "applicant" in changes:
        merged = {**state.applicant, **dict(changes["applicant"])}
        payload["applicant"] = validate_applicant(merged, desk.local_now().date()).values
    if "return_method" in changes:
        payload["return_method"] = validate_return_method(
            {**state.return_method, **dict(changes["return_method"])}
        )
    if "checklist" in changes:
        payload["checklist"] = list(changes["checklist"])
    if not reason.strip():  # checked after the values, so the clerk hears every problem of the data first
        raise ValidationError("correction without a reason", "Hãy ghi lý do sửa thông tin.")
    return write_event(desk, dossier_id, EventType.CORRECTED, payload)


def add_documents(
    desk: Desk, dossier_id: str, documents: Sequence[Mapping[str, Any]], completes_supplement: bool = False
) -> DossierState:
    """Add scanned documents; `completes_supplement` puts a dossier waiting for papers back in process
    with a new appointment counted from now."""
    docs, texts = clean_documents(documents, desk.blobs)
    if not docs:
        raise ValidationError("no documents to add", "Chưa có tài liệu nào để bổ sung.")
    payload: dict[str, Any] = {"documents": docs, "completes_supplement": completes_supplement}
    if completes_supplement:
        proc = find_procedure(desk, current_state(desk, dossier_id).procedure)
        appt = desk.calendar.appointment(desk.local_now(), proc.processing.kind, proc.processing.count)
        payload["new_due_date"] = appt.due_date.isoformat()
        payload["due_time"] = appt.due_time_text
        payload["reason"] = "Công dân đã bổ sung hồ sơ"
    with desk.db.transaction():
        register_files(desk.db, docs)
        state = write_event(desk, dossier_id, EventType.DOCUMENTS_ADDED, payload)
        index_texts(desk.db, dossier_id, texts)
    return state


def request_supplement(
    desk: Desk, dossier_id: str, items: Sequence[Mapping[str, Any]], reason: str
) -> DossierState:
    """Form 02: tell the citizen exactly which papers to add."""
    if not items:
        raise ValidationError("supplement without items", "Hãy ghi rõ giấy tờ cần bổ sung.")
    clean = [
        {"name": str(i["name"]), "copy_kind": str(i.get("copy_kind") or "copy"), "note": i.get("note")}
        for i in items
    ]
    return write_event(desk, dossier_id, EventType.SUPPLEMENT_REQUESTED, {"items": clean, "reason": reason})


def refuse(desk: Desk, dossier_id: str, reason: str) -> DossierState:
    """Form 03: refuse the dossier, with a reason."""
    if not reason.strip():
        raise ValidationError("refusal without reason", "Phải ghi rõ lý do từ chối.")
    return write_event(desk, dossier_id, EventType.REFUSED, {"reason": reason.strip()})
