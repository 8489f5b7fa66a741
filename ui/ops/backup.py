"""The desk's backups: the daily one when due, and "Sao lưu ngay"; each outcome is recorded."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from app.backup import BackupInfo
from app.backup_schedule import backup_to_dir, record_status, run_scheduled_backup
from app.config import Settings
from app.domain.errors import CancelledError, ValidationError
from app.domain.vocabulary import vn_size
from ui.messages import user_message
from ui.ops.base import IsCancelled, Progress


def run_scheduled(home: Path, progress: Progress, is_cancelled: IsCancelled) -> BackupInfo | None:
    """The daily backup if one is due (None when not due or no folder is set)."""
    return _recorded(home, lambda: run_scheduled_backup(home, progress=progress, is_cancelled=is_cancelled))


def run_now(
    home: Path, settings: Settings, progress: Progress, is_cancelled: IsCancelled
) -> BackupInfo | None:
    """A backup into the configured folder now, then rotation."""
    settings = copy.deepcopy(settings)
    if not settings.backup_dir:
        raise ValidationError("no backup folder", "Hãy chọn thư mục sao lưu và lưu cài đặt trước.")
    folder = Path(settings.backup_dir)
    return _recorded(
        home, lambda: backup_to_dir(folder, settings.backup_keep, home, None, progress, is_cancelled)
    )


def _recorded(home: Path, work: Callable[[], BackupInfo | None]) -> BackupInfo | None:
    try:
        info = work()
    except InterruptedError:  # cancelled (the desk is closing): not a failure, nothing recorded
        raise CancelledError("backup cancelled") from None
    except Exception as exc:
        record_status(home, False, user_message(exc))
        raise
    if info is not None:
        record_status(home, True, f"{info.path.name} ({vn_size(info.size)}, {info.files} tệp)")
    return info
