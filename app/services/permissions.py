"""Who may do what (roles: clerk = cán bộ tiếp nhận, head = trưởng điểm, admin = quản trị).

    action              clerk  head  admin
    receive, correct, add_documents, request_supplement (02), record_fee, return_result, rate
                          x     x     x      day-to-day desk work: every active account
    refuse (03), extension_requested (form 04 asked for, pending the head), extension_withdrawn
                          x     x     -      decisions for the point; admin is a technical account
    apology (04), stop (05), cancel.approve, extension_declined
                          -     x     -      signed for / approved by the head of the unit
    handed_off, result_recorded, postal_updated, cancelled (with a head's approval)
                          x     x     x
    clerk.manage          -     -     x      add accounts, (de)activate them, set another's password
    store.restore         -     -     x      restore a backup / replace the store
A deactivated account may do nothing (checked inside each write's transaction, so an account
deactivated while a Desk is open is stopped at its next action). An actor that is not a clerk
account ('system', 'cli', a test) is a process with direct access to the desk's files, not a
logged-in person, and is not checked.
"""

from __future__ import annotations

import logging

from app.domain.errors import PermissionDenied
from app.domain.events import EventType
from app.storage import Database

logger = logging.getLogger(__name__)

ANY = ("clerk", "head", "admin")
RULES: dict[str, tuple[str, ...]] = {
    "receive": ANY,
    EventType.CORRECTED.value: ANY,
    EventType.DOCUMENTS_ADDED.value: ANY,
    EventType.SUPPLEMENT_REQUESTED.value: ANY,
    EventType.FEE_COLLECTED.value: ANY,
    EventType.RESULT_RETURNED.value: ANY,
    EventType.RATED.value: ANY,
    EventType.REFUSED.value: ("clerk", "head"),
    EventType.EXTENSION_REQUESTED.value: ("clerk", "head"),  # asked for; the head signs (apology_issued)
    EventType.EXTENSION_WITHDRAWN.value: ("clerk", "head"),  # the request is taken back before a decision
    EventType.HANDED_OFF.value: ANY,
    EventType.RESULT_RECORDED.value: ANY,
    EventType.POSTAL_UPDATED.value: ANY,
    # signed for the head of the unit (TT 03/2025 forms 04 and 05), or approved by the head
    EventType.APOLOGY_ISSUED.value: ("head",),
    EventType.STOPPED.value: ("head",),
    EventType.EXTENSION_DECLINED.value: ("head",),  # the head's decision, with a reason
    EventType.CANCELLED.value: ANY,  # written by the clerk who entered it ...
    "cancel.approve": ("head",),  # ... with the head's approval
    "clerk.manage": ("admin",),
    "store.restore": ("admin",),
    # the cash desk (app.services.cashdesk, receipts, cash_report)
    EventType.RECEIPT_VOIDED.value: ("clerk", "head"),
    EventType.CASH_REPORTED.value: ("clerk", "head"),
    "receipt.ranges": ("head", "admin"),
    "cash.every_desk": ("head",),
    EventType.COMPLAINT_RECORDED.value: (
        "clerk",
        "head",
    ),  # read every clerk's and every desk's end-of-day cash report
}
ACTION_VI = {
    "receive": "tiếp nhận hồ sơ",
    EventType.REFUSED.value: "từ chối tiếp nhận hồ sơ (mẫu 03)",
    EventType.APOLOGY_ISSUED.value: "lập văn bản xin lỗi và đề nghị gia hạn (mẫu 04)",
    EventType.EXTENSION_REQUESTED.value: "đề nghị gia hạn thời gian giải quyết",
    EventType.EXTENSION_DECLINED.value: "không duyệt đề nghị gia hạn",
    EventType.EXTENSION_WITHDRAWN.value: "rút đề nghị gia hạn",
    EventType.STOPPED.value: "lập thông báo dừng giải quyết hồ sơ (mẫu 05)",
    "cancel.approve": "duyệt hủy hồ sơ nhập nhầm",
    "clerk.manage": "quản lý tài khoản cán bộ",
    "store.restore": "khôi phục dữ liệu",
    EventType.RECEIPT_VOIDED.value: "hủy biên lai",
    EventType.CASH_REPORTED.value: "lập báo cáo thu tiền cuối ngày",
    "receipt.ranges": "cấp dải số biên lai",
    "cash.every_desk": "xem báo cáo thu tiền của mọi bàn",
    EventType.COMPLAINT_RECORDED.value: "ghi nhận phản ánh, kiến nghị",
}
ROLE_VI = {"clerk": "cán bộ tiếp nhận", "head": "trưởng điểm", "admin": "quản trị"}


def is_clerk(db: Database, actor: str) -> bool:
    return db.conn.execute("SELECT 1 FROM clerks WHERE id = ?", (actor,)).fetchone() is not None


def may(db: Database, clerk_id: str, action: str) -> bool:
    """Whether the active account `clerk_id` may do `action` (a read that narrows, never a refusal)."""
    row = db.conn.execute("SELECT role, is_active FROM clerks WHERE id = ?", (clerk_id,)).fetchone()
    return row is not None and bool(row[1]) and row[0] in RULES[action]


def authorize(db: Database, clerk_id: str, action: str) -> None:
    """PermissionDenied unless the account `clerk_id` is active and its role may do `action`."""
    roles = RULES[action]
    row = db.conn.execute("SELECT role, is_active FROM clerks WHERE id = ?", (clerk_id,)).fetchone()
    what = ACTION_VI.get(action, "thực hiện thao tác này")
    if row is None or not row[1]:
        logger.warning("denied %s to inactive or unknown clerk %s", action, clerk_id)
        raise PermissionDenied(
            f"clerk {clerk_id} is inactive or unknown: {action} denied",
            f"Tài khoản đã bị khóa hoặc không tồn tại, không thể {what}.",
        )
    if row[0] not in roles:
        logger.warning("denied %s to clerk %s with role %s", action, clerk_id, row[0])
        allowed = ", ".join(ROLE_VI[r] for r in roles)
        raise PermissionDenied(
            f"clerk {clerk_id} with role {row[0]} may not {action} (needs {roles})",
            f"Tài khoản {ROLE_VI.get(row[0], row[0])} không được {what}; chỉ {allowed} được làm việc này.",
        )


def authorize_actor(db: Database, actor: str, action: str) -> None:
    """`authorize` when `actor` is a clerk account; a non-clerk process actor passes."""
    if is_clerk(db, actor):
        authorize(db, actor, action)
