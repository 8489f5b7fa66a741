"""The one path every dossier action takes: check the state machine, append, refresh, return."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from app.domain.errors import NotFoundError, StateError
from app.domain.events import EventType
from app.domain.fold import ALLOWED_FROM
from app.domain.state import STATUS_LABELS_VI, DossierState, Status
from app.services.context import Desk
from app.services.permissions import authorize
from app.storage.events import append_event, load_state, refresh_projection

logger = logging.getLogger(__name__)

ACTION_VI = {
    EventType.CORRECTED: "sửa thông tin",
    EventType.DOCUMENTS_ADDED: "bổ sung tài liệu",
    EventType.SUPPLEMENT_REQUESTED: "yêu cầu bổ sung",
    EventType.REFUSED: "từ chối tiếp nhận",
    EventType.FEE_COLLECTED: "thu phí, lệ phí",
    EventType.EXTENSION_REQUESTED: "đề nghị gia hạn",
    EventType.EXTENSION_DECLINED: "không duyệt đề nghị gia hạn",
    EventType.EXTENSION_WITHDRAWN: "rút đề nghị gia hạn",
    EventType.APOLOGY_ISSUED: "xin lỗi và hẹn lại",
    EventType.RESULT_RETURNED: "trả kết quả",
    EventType.RATED: "ghi nhận đánh giá",
    EventType.CANCELLED: "hủy hồ sơ",
    EventType.STOPPED: "dừng giải quyết",
    EventType.HANDED_OFF: "ghi giao nhận",
    EventType.RESULT_RECORDED: "ghi nhận kết quả",
    EventType.POSTAL_UPDATED: "cập nhật bưu chính",
}


def current_state(desk: Desk, dossier_id: str) -> DossierState:
    """The folded state of an existing dossier; NotFoundError if there is none."""
    state = load_state(desk.db, dossier_id)
    if state.event_count == 0:
        raise NotFoundError(f"dossier {dossier_id} not found", "Không tìm thấy hồ sơ.")
    return state


def ensure_allowed(state: DossierState, type_: EventType) -> None:
    if state.status not in ALLOWED_FROM[type_]:
        raise StateError(
            f"{type_.value} not allowed for dossier {state.id} in state {state.status.value}",
            f"Không thể {ACTION_VI.get(type_, type_.value)}: hồ sơ đang ở trạng thái "
            f"“{STATUS_LABELS_VI[Status(state.status)]}”.",
        )


def write_event(desk: Desk, dossier_id: str, type_: EventType, payload: Mapping[str, Any]) -> DossierState:
    """Append one event for an existing dossier in one transaction and return the new state."""
    with desk.db.transaction():
        authorize(desk.db, desk.clerk_id, type_.value)  # role and is_active as of this transaction
        state = current_state(desk, dossier_id)  # read inside the write lock: no lost update
        ensure_allowed(state, type_)
        append_event(desk.db, dossier_id, type_, payload, desk.clerk_id)
        return refresh_projection(desk.db, dossier_id)
