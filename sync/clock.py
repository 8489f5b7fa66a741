"""Clock check: how far the desk's clock is from the hub's (the hub stamps every reply)."""

from __future__ import annotations

import logging
import time

from sync.protocol import CLOCK_WARN_SECONDS

logger = logging.getLogger(__name__)


def offset_seconds(hub_time_ms: int, sent_at: float, received_at: float) -> float:
    """Desk clock minus hub clock, taking the hub's stamp as the middle of the round trip."""
    middle = (sent_at + received_at) / 2
    return middle - hub_time_ms / 1000


def is_off(offset_s: float | None) -> bool:
    return offset_s is not None and abs(offset_s) > CLOCK_WARN_SECONDS


IMPLAUSIBLE_S = (
    36 * 3600.0
)  # beyond this (app.domain.hlc.MAX_CORRECTION_MS) a claimed hub time is not believed


def warning_vi(offset_s: float) -> str:
    if abs(offset_s) > IMPLAUSIBLE_S:
        return (
            "Giờ do máy chủ tại địa chỉ Trung tâm báo về không hợp lý nên không được dùng. "
            "Hãy kiểm tra giờ máy tính và báo bộ phận kỹ thuật kiểm tra địa chỉ Trung tâm."
        )
    minutes = round(abs(offset_s) / 60)
    way = "nhanh" if offset_s > 0 else "chậm"
    return f"Đồng hồ máy tính đang {way} khoảng {minutes} phút so với Trung tâm. Hãy chỉnh lại giờ máy."


def now() -> float:
    return time.time()
