"""After receipt, the rest of a dossier's life at the point: cancel an entry made in error, stop it
(form 05), hand it to the processing agency and back (form 06 rows), record the result at the point,
and follow a postal return. Each is one transaction with one event and its audit row."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from app.domain.errors import StateError, ValidationError
from app.domain.events import EventType
from app.domain.fold import POSTAL_STATUSES
from app.domain.state import DossierState
from app.services.context import Desk
from app.services.dossier_write import current_state, ensure_allowed, write_event
from app.services.permissions import authorize
from app.storage.events import append_event, refresh_projection

logger = logging.getLogger(__name__)
MAX_TEXT = 1000
RESULT_KINDS = ("paper", "electronic", "both")


def _text(value: str, what: str, message: str, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(f"{what} missing", message)
    if len(text) > MAX_TEXT:
        raise ValidationError(
            f"{what} too long ({len(text)})", f"Nội dung quá dài (tối đa {MAX_TEXT} ký tự)."
        )
    return text


def _now(desk: Desk) -> str:
    return desk.local_now().isoformat(timespec="seconds")


def cancel_entry(desk: Desk, dossier_id: str, reason: str, approver_id: str) -> DossierState:
    """Cancel a dossier entered in error: the same day, with a reason, approved by a head account.

    The code stays used (codes are only ever allocated forward) and the register shows the entry as
    cancelled; a second cancellation is refused by the state machine."""
    why = _text(reason, "cancel reason", "Phải ghi rõ lý do hủy hồ sơ.")
    with desk.db.transaction():
        authorize(desk.db, approver_id, "cancel.approve")  # a plain clerk cannot approve, even their own
        state = current_state(desk, dossier_id)
        ensure_allowed(state, EventType.CANCELLED)
        if (state.received_at or "")[:10] != desk.local_now().date().isoformat():
            raise StateError(
                f"cancel of dossier {dossier_id} received on another day",
                "Chỉ được hủy hồ sơ nhập nhầm trong ngày tiếp nhận.",
            )
        payload = {"reason": why, "approved_by": approver_id, "at": _now(desk)}
        return _append(desk, dossier_id, EventType.CANCELLED, payload)


def _append(desk: Desk, dossier_id: str, type_: EventType, payload: Mapping[str, Any]) -> DossierState:
    authorize(desk.db, desk.clerk_id, type_.value)
    append_event(desk.db, dossier_id, type_, payload, desk.clerk_id)
    return refresh_projection(desk.db, dossier_id)


def stop_processing(desk: Desk, dossier_id: str, reason: str, signer_name: str = "") -> DossierState:
    """Form 05: the processing is stopped, with the reason; only a head account may sign it."""
    why = _text(reason, "stop reason", "Phải ghi rõ lý do dừng giải quyết hồ sơ.")
    payload = {"reason": why, "signer": _text(signer_name, "signer", "", required=False), "at": _now(desk)}
    return write_event(desk, dossier_id, EventType.STOPPED, payload)


def hand_off(
    desk: Desk,
    dossier_id: str,
    direction: str,
    giver: str,
    taker: str,
    from_unit: str,
    to_unit: str,
    note: str = "",
) -> DossierState:
    """One row of form 06: the paper dossier (or the result) handed from one unit to another."""
    if direction not in ("to_agency", "to_point"):
        raise ValidationError(f"bad hand-off direction {direction!r}", "Chiều giao nhận không hợp lệ.")
    payload = {
        "direction": direction,
        "from": _text(from_unit, "from unit", "Hãy ghi bộ phận giao."),
        "to": _text(to_unit, "to unit", "Hãy ghi cơ quan, bộ phận nhận."),
        "giver": _text(giver, "giver", "Hãy ghi tên người giao."),
        "taker": _text(taker, "taker", "Hãy ghi tên người nhận."),
        "note": _text(note, "note", "", required=False),
        "at": _now(desk),
    }
    return write_event(desk, dossier_id, EventType.HANDED_OFF, payload)


def record_result(
    desk: Desk, dossier_id: str, kind: str = "paper", note: str = "", outcome: str = "result"
) -> DossierState:
    """The result reached the point (a paper result from the agency, or a procedure settled here)."""
    if kind not in RESULT_KINDS:
        raise ValidationError(
            f"bad result kind {kind!r}", "Hình thức kết quả phải là giấy, điện tử hoặc cả hai."
        )
    if outcome not in ("result", "rejected"):
        raise ValidationError(f"bad outcome {outcome!r}", "Kết quả không hợp lệ.")
    payload = {
        "kind": kind,
        "note": _text(note, "note", "", required=False),
        "outcome": outcome,
        "at": _now(desk),
    }
    return write_event(desk, dossier_id, EventType.RESULT_RECORDED, payload)


def update_postal(desk: Desk, dossier_id: str, status: str, tracking_no: str = "") -> DossierState:
    """A postal return after it was sent: delivered, or returned to the point after failed deliveries."""
    if status not in POSTAL_STATUSES:
        raise ValidationError(f"bad postal status {status!r}", "Trạng thái bưu chính không hợp lệ.")
    tracking = _text(tracking_no, "tracking", "", required=False)
    if len(tracking) > 40:
        raise ValidationError("tracking number too long", "Số hiệu bưu gửi quá dài.")
    payload = {"status": status, "tracking_no": tracking, "at": _now(desk)}
    return write_event(desk, dossier_id, EventType.POSTAL_UPDATED, payload)
