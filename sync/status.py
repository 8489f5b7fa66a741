"""What the status bar and `python -m sync status --json` show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.audit_head import AUDIT_WARNING_KEY
from sync.outbox import CLOCK_OFFSET_KEY, CURSOR_KEY, LAST_ERROR_KEY, LAST_SUCCESS_KEY, DeskOutbox
from sync.publications import PUBLICATION_ERROR_KEY


def status(home: Path) -> dict[str, Any]:
    """Pending events/files/bytes, last success, last error and audit warning (Vietnamese), clock offset, cursor."""
    store = DeskOutbox(home)
    try:
        stats = store.stats()
        offset = store.get(CLOCK_OFFSET_KEY)
        return {
            "pending_events": stats.pending,
            "pending_files": stats.files_pending,
            "pending_bytes": stats.files_pending_bytes,
            "rejected_events": stats.rejected,
            "sent_events": stats.sent,
            "last_success": store.get(LAST_SUCCESS_KEY),
            "last_error": store.get(LAST_ERROR_KEY),
            "publication_error": store.get(PUBLICATION_ERROR_KEY),
            "audit_warning": store.get(AUDIT_WARNING_KEY),
            "clock_offset_s": float(offset) if offset is not None else None,
            "cursor": int(store.get(CURSOR_KEY) or 0),
            "enrolled": (home / "hub.json").exists(),
        }
    finally:
        store.close()
