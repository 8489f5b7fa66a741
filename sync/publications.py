"""Apply the centre's publications on the desk: a procedure catalog, a holiday-calendar overlay, a
digitization profile.

- A catalog goes through `app.catalog.parse_catalog` + `import_catalog` into the desk's catalog
  (desk.db), all or nothing: new versions become current, dossiers keep the snapshot they were
  received with, and re-applying the same publication changes nothing.
- A calendar overlay is validated with `app.calendar.parse_overlay` and written atomically to
  `$MOTCUA_HOME/calendar/YYYY.json`, where `app.calendar.installed_overlays(home)` finds it.
- A form template is validated with `app.form_templates.parse_template` and written atomically to
  `$MOTCUA_HOME/forms/NN.json`, which the next printed form uses from its effective date.
- A digitization profile is validated with `app.digitization.parse_profile` and written atomically to
  `$MOTCUA_HOME/digitization.json`, which the next scan, import and save use.

A malformed publication is skipped, not retried: it is a whole document that only a corrected
publication (a later feed item) can fix, and stopping the cursor on it would also hold back every
agency decision queued behind it. Nothing of it is applied (both paths validate completely before
writing), the desk keeps its current catalog and calendar, the rejection is logged in English
with the feed position, and its Vietnamese message is kept under `sync.publication_error` (shown
by `sync status`) until a later publication of the same kind applies cleanly.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from app.calendar import parse_overlay
from app.catalog import ensure_loaded, import_catalog, parse_catalog
from app.digitization import PROFILE_FILE, parse_profile
from app.domain.errors import AppError, CalendarError, CatalogError, ValidationError
from app.form_templates import parse_template, template_path
from app.storage.db import Database

logger = logging.getLogger(__name__)
PUBLICATION_ERROR_KEY = "sync.publication_error"


def apply_publication(db: Database, home: Path, kind: str, seq: int, document: dict[str, Any]) -> str | None:
    """Apply one publication; returns None, or the Vietnamese reason it was rejected (and skipped)."""
    text = json.dumps(document, ensure_ascii=False)
    try:
        if kind == "catalog":
            _apply_catalog(db, text, seq)
        elif kind == "calendar":
            _apply_calendar(home, text, seq)
        elif kind == "digitization":
            _apply_profile(home, text, seq)
        elif kind == "forms":
            _apply_form_template(home, text, seq)
        else:
            raise CatalogError(f"unknown publication kind {kind!r}", "Trung tâm gửi một loại dữ liệu lạ.")
    except (CatalogError, CalendarError, ValidationError) as exc:
        logger.error("%s publication at feed #%d rejected and skipped: %s", kind, seq, exc.log_message)
        return _rejection_vi(kind, exc)
    return None


def _apply_catalog(db: Database, text: str, seq: int) -> None:
    catalog = parse_catalog(text, origin=f"hub feed #{seq}")
    ensure_loaded(db.conn)  # the shipped catalog first, so a partial publication does not replace it
    report = import_catalog(db.conn, catalog, source=f"hub:{catalog.source or 'catalog'}#{seq}")
    logger.info("catalog publication #%d applied: %s", seq, report.summary())


def _apply_calendar(home: Path, text: str, seq: int) -> None:
    overlay = parse_overlay(text, origin=f"hub feed #{seq}")
    _write_atomically(home / "calendar" / f"{overlay.year}.json", text)
    logger.info(
        "calendar publication #%d installed for %d (%d days off, %d working days)",
        seq,
        overlay.year,
        len(overlay.days_off),
        len(overlay.working_days),
    )


def _apply_profile(home: Path, text: str, seq: int) -> None:
    profile = parse_profile(text, origin=f"hub feed #{seq}")
    _write_atomically(home / PROFILE_FILE, text)
    logger.info(
        "digitization profile #%d installed: %s, %d dpi or more, %d KB per page",
        seq,
        profile.mode,
        profile.min_dpi,
        profile.kb_per_page,
    )


def _apply_form_template(home: Path, text: str, seq: int) -> None:
    template = parse_template(text, origin=f"hub feed #{seq}")
    _write_atomically(template_path(home, template.form), text)
    logger.info(
        "form %s template #%d installed: version %s, in force from %s",
        template.form,
        seq,
        template.version,
        template.effective_date,
    )


def _write_atomically(target: Path, text: str) -> None:
    """Whole or not at all: a crash leaves the previous file, never half of the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rejection_vi(kind: str, exc: AppError) -> str:
    what = {"catalog": "Danh mục thủ tục", "digitization": "Cấu hình số hóa", "forms": "Mẫu phiếu in"}.get(
        kind, "Lịch ngày làm việc"
    )
    return f"{what} do Trung tâm gửi không hợp lệ nên chưa được áp dụng ({exc.user_message})"
