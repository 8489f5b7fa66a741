"""The desk's upkeep in the background: redeem a pending enrollment code, the daily local backup.

Job functions (`*_job`, run off the UI thread) and the Vietnamese lines the status bar and the
Cài đặt page show. The work itself is the installer's: `ui.cli.setup.complete_pending_enrollment`
and `app.backup_schedule`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app.config import Settings

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

ENROLL_TEXT = {
    "enrolled": "Đã đăng ký máy với trung tâm.",
    "pending": "Chưa kết nối được trung tâm: mã đăng ký được giữ lại, sẽ thử lại sau.",
    "refused": "Trung tâm từ chối mã đăng ký. Hãy xin mã mới từ bộ phận kỹ thuật.",
    "none": "",
}


def has_pending_enrollment(settings: Settings) -> bool:
    from ui.cli.setup import PENDING_KEY

    return bool(settings.extra.get(PENDING_KEY))


def enrollment_job(home: Path, *, progress: Progress, is_cancelled: IsCancelled) -> str:
    """ "enrolled" | "pending" | "refused" | "none" (the hub is reached over the network: a job)."""
    from ui.cli.setup import complete_pending_enrollment

    return complete_pending_enrollment(home)


def scheduled_backup_job(home: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Any:
    """The daily backup if one is due (None when not due or no folder is set); the outcome is recorded."""
    from app.backup_schedule import run_scheduled_backup

    return _recorded(home, lambda: run_scheduled_backup(home, progress=progress, is_cancelled=is_cancelled))


def backup_now_job(home: Path, *, progress: Progress, is_cancelled: IsCancelled) -> Any:
    """ "Sao lưu ngay": a backup into the configured folder now, then rotation; the outcome is recorded."""
    from app.backup_schedule import backup_to_dir
    from app.config import load_settings
    from app.domain.errors import ValidationError

    settings = load_settings(home)
    if not settings.backup_dir:
        raise ValidationError("no backup folder", "Hãy chọn thư mục sao lưu và lưu cài đặt trước.")
    folder = Path(settings.backup_dir)
    return _recorded(
        home, lambda: backup_to_dir(folder, settings.backup_keep, home, None, progress, is_cancelled)
    )


def _recorded(home: Path, run: Callable[[], Any]) -> Any:
    from app.backup_schedule import record_status
    from ui.messages import user_message

    try:
        info = run()
    except InterruptedError:  # cancelled (the desk is closing): not a failure, nothing recorded
        from ui.workers.jobs import JobCancelled

        raise JobCancelled() from None
    except Exception as exc:
        record_status(home, False, user_message(exc))
        raise
    if info is not None:
        record_status(home, True, f"{info.path.name} ({size_text(info.size)}, {info.files} tệp)")
    return info


def size_text(size: int) -> str:
    mb = size / 1_000_000
    return f"{mb:.1f} MB".replace(".", ",") if mb >= 0.1 else f"{max(size // 1000, 1)} kB"


def backup_status_text(home: Path, settings: Settings) -> str:
    """Last backup time and result, in Vietnamese, for the Cài đặt page."""
    from app.backup_schedule import last_status

    if not settings.backup_dir:
        return "Chưa chọn thư mục sao lưu: máy chưa được sao lưu tự động."
    status = last_status(home)
    if status is None:
        return "Chưa sao lưu lần nào."
    at = datetime.fromisoformat(str(status["at"]))
    when = f"{at:%H:%M} ngày {at:%d/%m/%Y}"
    if status.get("ok"):
        return f"Lần sao lưu gần nhất: {when} — thành công: {status.get('detail', '')}"
    return f"Lần sao lưu gần nhất: {when} — không thành công: {status.get('detail', '')}"
