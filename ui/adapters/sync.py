"""The link with the centre as the status bar and the Đồng bộ page show it (sync.status)."""

from __future__ import annotations

from typing import Any

from app.domain.vocabulary import event_label_vi, vn_local_stamp, vn_size
from sync.status import status
from ui.context import DeskContext
from ui.ops.enroll import is_enrolled as has_identity

SYNC_NOT_CONFIGURED = "Đồng bộ: chưa kết nối trung tâm"
AUDIT_WARNING_SHORT = "⚠ Trung tâm cảnh báo nhật ký kiểm tra (xem trang Đồng bộ)"


def is_enrolled(ctx: DeskContext) -> bool:
    return has_identity(ctx.home)


def sync_status_text(ctx: DeskContext) -> str:
    """One line for the status bar; the placeholder until the desk is enrolled with a hub."""
    if not is_enrolled(ctx):
        return SYNC_NOT_CONFIGURED
    info = sync_overview(ctx)
    text = f"Đồng bộ: {info['state']} · {info.get('pending_events', 0)} sự kiện, {info.get('pending_files', 0)} tệp chờ gửi"
    if info.get("audit_warning"):
        text += f" · {AUDIT_WARNING_SHORT}"
    return text


def _audit_warning(stored: str | None) -> str | None:
    """ "Cảnh báo (since <local time>): <message>" from what sync.audit_head keeps ("<UTC stamp> <message>")."""
    if not stored:
        return None
    stamp, _, message = stored.partition(" ")
    return f"Cảnh báo (từ {vn_local_stamp(stamp)}): {message}"


def sync_overview(ctx: DeskContext) -> dict[str, Any]:
    """What the Đồng bộ page shows (sync.status); before enrollment, what waits in the outbox."""
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
        "pending_files": f"{st.get('pending_files', 0)} ({vn_size(int(st.get('pending_bytes', 0)))})",
        "last_success": vn_local_stamp(st.get("last_success")),
        "last_error": st.get("last_error"),
        "audit_warning": _audit_warning(st.get("audit_warning")),
    }
    rows = ctx.db.conn.execute(
        "SELECT d.code, e.type, e.stored_at FROM outbox o JOIN events e ON e.id = o.event_id "
        "LEFT JOIN dossiers d ON d.id = e.dossier_id WHERE o.sent_at IS NULL AND o.rejected_reason IS NULL "
        "ORDER BY o.seq LIMIT 200"
    ).fetchall()
    info["pending"] = [
        {"code": r[0], "label": event_label_vi(r[1]), "when": vn_local_stamp(r[2])} for r in rows
    ]
    return info
