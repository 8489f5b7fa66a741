"""After receipt: fees collected, apology with a new date, result handed back, citizen's rating."""

from __future__ import annotations

import logging
from datetime import date

from app.catalog import ensure_loaded, get_procedure
from app.domain.errors import NotFoundError, StateError, ValidationError
from app.domain.events import EventType
from app.domain.fold import ALLOWED_FROM, RATINGS
from app.domain.state import DossierState, Status
from app.services.context import Desk
from app.services.dossier_write import current_state, write_event
from app.services.permissions import authorize
from app.storage import Database

logger = logging.getLogger(__name__)


def record_fee(
    desk: Desk, dossier_id: str, amount: int, method: str = "cash", receipt_no: str = ""
) -> DossierState:
    """Record money collected for a dossier (VND)."""
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError(f"bad fee amount {amount!r}", "Số tiền thu phải là số nguyên dương (đồng).")
    if method not in ("cash", "transfer", "card"):
        raise ValidationError(
            f"bad payment method {method!r}", "Hình thức thu phải là tiền mặt, chuyển khoản hoặc thẻ."
        )
    payload = {
        "amount": amount,
        "method": method,
        "receipt_no": receipt_no,
        "at": desk.local_now().isoformat(timespec="seconds"),
    }
    return write_event(desk, dossier_id, EventType.FEE_COLLECTED, payload)


def _checked_new_due(desk: Desk, state: DossierState, reason: str, new_due_date: date | str) -> date:
    """The new appointment of form 04: with a reason, after the current one, on a working day."""
    new_due = date.fromisoformat(str(new_due_date))
    if not reason.strip():
        raise ValidationError("apology without reason", "Phải ghi rõ lý do trễ hẹn.")
    if state.due_date and new_due <= date.fromisoformat(state.due_date):
        raise ValidationError(
            "new due date not after the current one", "Ngày hẹn mới phải sau ngày hẹn hiện tại."
        )
    if not desk.calendar.is_working_day(new_due):
        raise ValidationError("new due date is not a working day", "Ngày hẹn mới phải là ngày làm việc.")
    return new_due


def request_extension(desk: Desk, dossier_id: str, reason: str, new_due_date: date | str) -> DossierState:
    """A clerk asks for form 04 (apology and a new appointment): the request waits, and the due date
    stays, until the head approves and signs it (`issue_apology`). One request at a time."""
    with desk.db.transaction():
        state = current_state(desk, dossier_id)
        if state.pending_extension:
            raise StateError(
                f"dossier {dossier_id} already has an extension request pending",
                "Hồ sơ đã có đề nghị gia hạn đang chờ trưởng điểm duyệt.",
            )
        new_due = _checked_new_due(desk, state, reason, new_due_date)
        payload = {"reason": " ".join(reason.split()), "new_due_date": new_due.isoformat()}
        return write_event(desk, dossier_id, EventType.EXTENSION_REQUESTED, payload)


def _pending_request(desk: Desk, dossier_id: str) -> DossierState:
    state = current_state(desk, dossier_id)
    if not state.pending_extension:
        raise StateError(
            f"dossier {dossier_id} has no extension request pending",
            "Hồ sơ không có đề nghị gia hạn nào đang chờ duyệt.",
        )
    return state


def decline_extension(desk: Desk, dossier_id: str, reason: str, signer_name: str = "") -> DossierState:
    """The head declines a clerk's pending request for form 04, with a reason: nothing is signed or
    printed and the appointment stays; the clerk may ask again."""
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, EventType.EXTENSION_DECLINED.value)  # the head's, before the rest
        _pending_request(desk, dossier_id)
        if not reason.strip():
            raise ValidationError(
                "extension declined without reason", "Hãy ghi lý do không duyệt đề nghị gia hạn."
            )
        payload = {"reason": " ".join(reason.split())[:500]}
        if signer_name.strip():
            payload["signer"] = " ".join(signer_name.split())[:200]
        return write_event(desk, dossier_id, EventType.EXTENSION_DECLINED, payload)


def withdraw_extension(desk: Desk, dossier_id: str, reason: str = "") -> DossierState:
    """The clerk takes back a pending request for form 04 before the head decides (the appointment
    stays)."""
    with desk.db.transaction():
        _pending_request(desk, dossier_id)
        payload = {"reason": " ".join(reason.split())[:500]}
        return write_event(desk, dossier_id, EventType.EXTENSION_WITHDRAWN, payload)


def issue_apology(
    desk: Desk, dossier_id: str, reason: str, new_due_date: date | str, signer_name: str = ""
) -> DossierState:
    """Form 04: apologise and ask for a new appointment date (later than the current one); the acting
    account must be a head's, whose name signs the letter. It approves a clerk's pending request."""
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, EventType.APOLOGY_ISSUED.value)  # the head's, before the rest
        state = current_state(desk, dossier_id)
        new_due = _checked_new_due(desk, state, reason, new_due_date)
        payload: dict[str, object] = {"reason": reason.strip(), "new_due_date": new_due.isoformat()}
        if signer_name.strip():
            payload["signer"] = " ".join(signer_name.split())[:200]
        if state.pending_extension:
            payload["approves_request"] = True
        return write_event(desk, dossier_id, EventType.APOLOGY_ISSUED, payload)


def return_result(
    desk: Desk,
    dossier_id: str,
    receiver_name: str,
    id_checked: bool = True,
    by_post: bool = False,
    tracking_no: str = "",
) -> DossierState:
    """The result was handed to the citizen (or to the post): only when the result is there.

    For a procedure the point settles itself (same day / immediately) the result is recorded at the
    point first, in the same transaction; any other dossier waits for its result."""
    if not receiver_name.strip():
        raise ValidationError("result returned without receiver", "Hãy ghi tên người nhận kết quả.")
    if by_post and len(tracking_no.strip()) > 40:
        raise ValidationError("tracking number too long", "Số hiệu bưu gửi quá dài.")
    payload = {
        "returned_at": desk.local_now().isoformat(timespec="seconds"),
        "receiver_name": receiver_name.strip(),
        "id_checked": id_checked,
        "by_post": by_post,
        "tracking_no": tracking_no.strip(),
    }
    with desk.db.transaction():
        state = current_state(desk, dossier_id)
        if state.status in SETTLE_FROM and is_settled_here(desk.db, state):
            settled = {"kind": "paper", "note": "", "outcome": "result", "at": payload["returned_at"]}
            write_event(desk, dossier_id, EventType.RESULT_RECORDED, settled)
        return write_event(desk, dossier_id, EventType.RESULT_RETURNED, payload)


# a dossier waiting for the citizen's supplement has no result to hand back, even a same-day one
SETTLE_FROM = ALLOWED_FROM[EventType.RESULT_RECORDED] - {Status.SUPPLEMENT_REQUESTED}


def is_settled_here(db: Database, state: DossierState) -> bool:
    """A procedure settled at the point (same day or immediately): the desk itself has the result."""
    version = state.procedure.get("version")
    try:
        ensure_loaded(db.conn)
        proc = get_procedure(
            db.conn, str(state.procedure.get("code") or ""), int(version) if version else None
        )
    except NotFoundError:
        return False
    return proc.processing.kind in ("same_day", "immediate")


def may_hand_back(db: Database, state: DossierState) -> bool:
    """The result may be handed back now: it is there, or the point settles the procedure itself."""
    if state.status in ALLOWED_FROM[EventType.RESULT_RETURNED]:
        return True
    return state.status in SETTLE_FROM and is_settled_here(db, state)


def rate(desk: Desk, dossier_id: str, rating: str) -> DossierState:
    """The citizen's rating: rat_hai_long | hai_long | khong_hai_long."""
    if rating not in RATINGS:
        raise ValidationError(
            f"unknown rating {rating!r}", "Mức đánh giá phải là Rất hài lòng, Hài lòng hoặc Không hài lòng."
        )
    return write_event(desk, dossier_id, EventType.RATED, {"rating": rating})
