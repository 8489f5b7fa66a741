"""Scheduled local backups to a chosen folder (a USB disk), keeping the newest N.

The desk UI calls `run_scheduled_backup()` from a timer (e.g. hourly, in a job off the UI thread);
it makes at most one backup a day into `Settings.backup_dir` and keeps `Settings.backup_keep` of
them. IT staff can do the same by hand: `motcua backup --to-dir DIR --keep N`.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

from app.backup import BackupInfo, IsCancelled, Progress, _never, _no_progress, create_backup
from app.config import Settings, data_home, load_settings
from app.domain.errors import StorageError

logger = logging.getLogger(__name__)

PREFIX = "motcua-backup-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
NAME = re.compile(r"^motcua-backup-(?:[\w.-]+-)?(\d{8}-\d{6})\.tar$")
DAILY = timedelta(hours=24)


def backup_name(settings: Settings, now: datetime) -> str:
    point = re.sub(r"[^\w.-]", "_", settings.point_code) or "desk"
    return f"{PREFIX}{point}-d{settings.desk:02d}-{now.strftime(STAMP_FORMAT)}.tar"


def list_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """Our backups in `folder`, oldest first (by the time in their name)."""
    found = []
    for path in folder.glob(f"{PREFIX}*.tar"):
        m = NAME.match(path.name)
        if m:
            found.append((datetime.strptime(m.group(1), STAMP_FORMAT), path))
    return sorted(found)


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (and stale partial files); returns what was deleted."""
    deleted = []
    backups = list_backups(folder)
    for _, path in backups[: max(0, len(backups) - max(keep, 1))]:
        path.unlink(missing_ok=True)
        deleted.append(path)
    for partial in folder.glob(f"{PREFIX}*.tar.partial"):
        partial.unlink(missing_ok=True)
        deleted.append(partial)
    return deleted


def backup_to_dir(
    folder: Path,
    keep: int,
    home: Path | None = None,
    now: datetime | None = None,
    progress: Progress = _no_progress,
    is_cancelled: IsCancelled = _never,
) -> BackupInfo:
    """A new backup in `folder` (which must exist: an unplugged USB disk is an error), then rotation."""
    folder = Path(folder)
    if not folder.is_dir():
        raise StorageError(
            f"backup folder {folder} does not exist",
            "Không tìm thấy thư mục sao lưu. Hãy cắm ổ USB hoặc chọn lại thư mục sao lưu.",
        )
    home = home or data_home()
    now = now or datetime.now()
    info = create_backup(folder / backup_name(load_settings(home), now), home, progress, is_cancelled)
    removed = rotate(folder, keep)
    logger.info("backup to %s done, %d old backup(s) removed", folder, len(removed))
    return info


def is_backup_due(folder: Path, now: datetime, interval: timedelta = DAILY) -> bool:
    backups = list_backups(folder)
    return not backups or now - backups[-1][0] >= interval


def run_scheduled_backup(
    home: Path | None = None,
    now: datetime | None = None,
    progress: Progress = _no_progress,
    is_cancelled: IsCancelled = _never,
) -> BackupInfo | None:
    """Back up into the configured folder if a day has passed since the last one; else None."""
    home = home or data_home()
    settings = load_settings(home)
    if not settings.backup_dir:
        return None
    folder = Path(settings.backup_dir)
    now = now or datetime.now()
    if folder.is_dir() and not is_backup_due(folder, now):
        return None
    return backup_to_dir(folder, settings.backup_keep, home, now, progress, is_cancelled)


STATUS_FILE = "backup-status.json"  # in $MOTCUA_HOME: the last attempt, for the Settings page


def record_status(home: Path, ok: bool, detail: str, at: datetime | None = None) -> None:
    """Remember the last backup attempt (written atomically; no personal data: a path or a message)."""
    data = {"at": (at or datetime.now()).isoformat(timespec="seconds"), "ok": ok, "detail": detail}
    tmp = Path(home) / (STATUS_FILE + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(Path(home) / STATUS_FILE)


def last_status(home: Path) -> dict[str, object] | None:
    """{at (ISO), ok, detail} of the last attempt, or None when there was none (or the file is unreadable)."""
    try:
        data = json.loads((Path(home) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "at" in data else None
