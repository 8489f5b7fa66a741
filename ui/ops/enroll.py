"""Enroll the desk with the hub: save the point's settings and redeem a one-time code.

Works offline: without a link to the hub the code is kept (`pending_enrollment` in config.toml) and
redeemed later by `complete_pending` (the desk at start-up, `motcua setup --retry-enrollment`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.config import Settings, load_settings, save_settings
from app.domain.errors import ValidationError
from sync.enroll import enroll
from sync.errors import EnrollCodeError, OfflineError
from ui.ops.base import IsCancelled, Progress, check_cancelled

logger = logging.getLogger(__name__)

PENDING_KEY = "pending_enrollment"
Outcome = Literal["none", "enrolled", "pending", "refused"]

OUTCOME_VI: dict[Outcome, str] = {
    "none": "Chưa đăng ký với máy chủ trung tâm (không có mã đăng ký).",
    "enrolled": "Đã đăng ký máy với trung tâm.",
    "pending": "Chưa kết nối được trung tâm: mã đăng ký được giữ lại, sẽ đăng ký khi có mạng; máy sẽ thử lại sau.",
    "refused": "Trung tâm từ chối mã đăng ký (sai hoặc đã dùng). Hãy xin mã mới từ bộ phận kỹ thuật.",
}


@dataclass(frozen=True)
class SetupRequest:
    """The fields IT staff gave (None: keep what is saved)."""

    point_code: str | None = None
    point_name: str | None = None
    agency_code: str | None = None
    desk: int | None = None
    hub_url: str | None = None
    enroll_code: str | None = None
    scanner: str | None = None
    printer: str | None = None
    saturday_reception: bool | None = None


def has_pending(settings: Settings) -> bool:
    return bool(settings.extra.get(PENDING_KEY))


def is_enrolled(home: Path) -> bool:
    """The desk holds a hub identity (written by `sync.enroll`)."""
    return (home / "hub.json").exists()


def run(home: Path, request: SetupRequest, progress: Progress, is_cancelled: IsCancelled) -> Outcome:
    """Save the settings (only the fields given), then try the enrollment; returns its outcome."""
    settings = load_settings(home)
    for name in ("point_code", "point_name", "agency_code", "desk", "saturday_reception"):
        value = getattr(request, name)
        if value is not None:
            setattr(settings, name, value.strip() if isinstance(value, str) else value)
    if request.scanner is not None:
        settings.scanner_device = request.scanner
    if request.printer is not None:
        settings.printer = request.printer
    if not settings.point_code.strip() or not settings.agency_code.strip():
        raise ValidationError("point/agency code empty", "Cần nhập mã điểm phục vụ và mã cơ quan.")
    if request.enroll_code:
        if not request.hub_url and not settings.hub_url:
            raise ValidationError(
                "enroll code without hub", "Cần nhập địa chỉ máy chủ trung tâm kèm mã đăng ký."
            )
        hub = (request.hub_url or settings.hub_url).rstrip("/")
        settings.extra[PENDING_KEY] = {"hub_url": hub, "code": request.enroll_code.strip()}
    elif request.hub_url is not None:
        settings.hub_url = request.hub_url.rstrip("/")
    save_settings(settings, home)
    logger.info("setup saved: point %s desk %d", settings.point_code, settings.desk)
    return complete_pending(home, progress, is_cancelled)


def complete_pending(home: Path, progress: Progress, is_cancelled: IsCancelled) -> Outcome:
    """Redeem a stored enrollment code if there is one (the hub is reached over the network)."""
    pending = load_settings(home).extra.get(PENDING_KEY)
    if not pending:
        return "none"
    check_cancelled(is_cancelled, "enrollment")
    try:
        answer = enroll(home, pending["hub_url"], pending["code"])
    except OfflineError as exc:
        logger.info("hub unreachable, enrollment stays pending: %s", exc.log_message)
        return "pending"
    except EnrollCodeError as exc:
        logger.warning("hub refused the enrollment code: %s", exc.log_message)
        _drop_pending(home)
        return "refused"
    _drop_pending(home)
    logger.info("enrolled as device %s (point %s, desk %d)", answer.device_id, answer.point_code, answer.desk)
    return "enrolled"


def _drop_pending(home: Path) -> None:
    settings = load_settings(home)  # enroll() may have rewritten point code, desk and hub
    settings.extra.pop(PENDING_KEY, None)
    save_settings(settings, home)
