"""Housekeeping of unfinished tus uploads: how many a device holds, and removal of abandoned ones.

tuspyserver keeps `<tus>/<uid>` and `<uid>.info` (JSON, rewritten on every PATCH, so its modification
time is the upload's last activity). An upload silent for `max_age_s` is removed; a desk that comes
back later starts that file again from zero (its `HEAD` gets 404)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def _infos(tus_dir: Path) -> list[Path]:
    return list(tus_dir.glob("*.info")) if tus_dir.exists() else []


def open_uploads(tus_dir: Path, device_id: str) -> int:
    """Unfinished uploads created by this device."""
    count = 0
    for info in _infos(tus_dir):
        try:
            meta = json.loads(info.read_text()).get("metadata") or {}
        except (OSError, ValueError):
            continue
        count += isinstance(meta, dict) and meta.get("device") == device_id
    return count


def expire_uploads(tus_dir: Path, max_age_s: float, now: float | None = None) -> int:
    """Remove uploads silent for longer than `max_age_s`; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    for info in _infos(tus_dir):
        try:
            if now - info.stat().st_mtime <= max_age_s:
                continue
            (tus_dir / info.stem).unlink(missing_ok=True)
            info.unlink(missing_ok=True)
            removed += 1
        except OSError as exc:
            logger.warning("upload %s: not removed (%s)", info.stem, type(exc).__name__)
    if removed:
        logger.info("%d abandoned uploads removed", removed)
    return removed
