"""The pass's last step: give the hub this desk's audit chain head (a keyed hash and its seq).

The hub keeps the last head per device. A head that does not extend it (a lower seq, the same seq with
another MAC, or a longer chain without the recorded row) is a fork: the desk was restored from an older
copy, its chain was rewritten, or another machine uses its enrollment. The hub records a warning for the
centre's operator; the desk shows one in Vietnamese for as long as the hub has it on record.
"""

from __future__ import annotations

import logging

from app.storage.audit import chain_head, mac_at
from sync.errors import HubReplyError
from sync.outbox import DeskOutbox
from sync.protocol import AuditHeadPost
from sync.transport import HubTransport

logger = logging.getLogger(__name__)
AUDIT_WARNING_KEY = "sync.audit_warning"
AUDIT_WARNING_VI = (
    "Trung tâm phát hiện nhật ký kiểm tra của máy này không nối tiếp nhật ký đã gửi trước đó (máy được "
    "khôi phục từ bản sao lưu cũ, dữ liệu bị sửa, hoặc một máy khác dùng cùng đăng ký). "
    "Hãy báo bộ phận kỹ thuật của trung tâm để kiểm tra."
)


def push_audit_head(store: DeskOutbox, transport: HubTransport, stamp: str) -> str | None:
    """Push the head; returns the Vietnamese warning while the hub holds one for this desk, else None."""
    recorded = transport.audit_head()
    if recorded is None:  # a hub from before audit heads: nothing to compare with, nothing lost
        logger.info("the hub takes no audit chain heads (an older hub); step skipped")
        warning = store.get(AUDIT_WARNING_KEY)
        return AUDIT_WARNING_VI if warning else None
    seq, mac = chain_head(store.db)
    seen_mac = mac_at(store.db, recorded.seq) if recorded.seq else None
    answer = transport.push_audit_head(
        AuditHeadPost(seq=seq, mac=mac, seen_seq=recorded.seq, seen_mac=seen_mac)
    )
    if answer.recorded_seq != seq:
        raise HubReplyError(f"audit head: the hub recorded seq {answer.recorded_seq}, the desk sent {seq}")
    if answer.status != "ok":
        logger.warning(
            "the hub found this desk's audit chain %s (hub had seq %d, desk has %d)",
            answer.status,
            recorded.seq,
            seq,
        )
    if not answer.forks:
        store.set(AUDIT_WARNING_KEY, None)
        return None
    if not store.get(AUDIT_WARNING_KEY):  # stamped when first seen, kept until the centre clears it
        store.set(AUDIT_WARNING_KEY, f"{stamp} {AUDIT_WARNING_VI}")
    return AUDIT_WARNING_VI
