"""The engine's view of the desk store: an adapter over `app.storage` (events, outbox, blobs, sync_state)."""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.config import blobs_dir, db_path
from app.domain.events import Event, FileRef
from app.storage import outbox
from app.storage.blobs import BlobStore, record_blob
from app.storage.db import CLOCK_OFFSET_KEY as DB_CLOCK_OFFSET_KEY
from app.storage.db import Database, open_db
from app.storage.events import update_pending
from sync.protocol import WireEvent

logger = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
CURSOR_HUB_KEY = "sync.cursor_hub"  # the hub address the cursor was read from
LAST_SUCCESS_KEY = "sync.last_success"
LAST_ERROR_KEY = "sync.last_error"
CLOCK_OFFSET_KEY = DB_CLOCK_OFFSET_KEY  # the desk clock's correction reads it (app.storage.db)
RECONCILED_KEY = "sync.reconciled"  # JSON: hub address, time and counts of the last reconciliation
TUS_URL_PREFIX = "sync.tus."
PUBLICATION_KEYS = {
    "catalog": "sync.catalog",
    "calendar": "sync.calendar",
    "digitization": "sync.digitization",
    "forms": "sync.forms",  # the last form template published (one file per form is installed)
}


class DeskOutbox:
    """One desk store, opened by the thread or process that uses it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.db: Database = open_db(db_path(home))
        self.blobs = BlobStore(blobs_dir(home))

    def close(self) -> None:
        self.db.close()

    def pending_events(self, limit: int) -> list[WireEvent]:
        return [WireEvent.model_validate(e.to_dict()) for e in outbox.pending_events(self.db, limit)]

    def acknowledge(self, event_ids: Sequence[str]) -> None:
        if event_ids:
            outbox.mark_sent(self.db, event_ids)

    def reject(self, event_id: str, reason: str) -> None:
        outbox.mark_rejected(self.db, event_id, reason)

    def record_error(self, event_ids: Sequence[str], message: str) -> None:
        if event_ids:
            outbox.record_error(self.db, event_ids, message[:500])

    def attempts(self, event_id: str) -> int:
        row = self.db.conn.execute("SELECT attempts FROM outbox WHERE event_id = ?", (event_id,)).fetchone()
        return int(row[0]) if row else 0

    def has_dossier(self, dossier_id: str) -> bool:
        row = self.db.conn.execute("SELECT 1 FROM events WHERE dossier_id = ? LIMIT 1", (dossier_id,))
        return row.fetchone() is not None

    def sent_event_ids(self) -> list[str]:
        """Local events the hub acknowledged, oldest first (for reconciliation)."""
        rows = self.db.conn.execute("SELECT event_id FROM outbox WHERE sent_at IS NOT NULL ORDER BY seq")
        return [r[0] for r in rows]

    def uploaded_files(self) -> list[FileRef]:
        """Files named by local events that the hub confirmed (for reconciliation)."""
        rows = self.db.conn.execute(
            "SELECT b.sha256, b.size FROM blobs b WHERE b.uploaded_at IS NOT NULL AND EXISTS ("
            " SELECT 1 FROM event_files f JOIN events e ON e.id = f.event_id"
            " WHERE f.sha256 = b.sha256 AND e.origin = 'local') ORDER BY b.created_at, b.sha256"
        )
        return [FileRef(r[0], int(r[1])) for r in rows]

    def requeue_sent(self, event_ids: Sequence[str]) -> None:
        """The hub does not hold these acknowledged events: send them again."""
        if not event_ids:
            return
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET sent_at = NULL, attempts = 0 WHERE event_id = ?", [(e,) for e in event_ids]
            )
            update_pending(self.db, _dossiers_of(self.db, event_ids))

    def requeue_files(self, sha256s: Sequence[str]) -> None:
        """The hub does not hold these confirmed files (or holds another size): upload them again."""
        if sha256s:
            with self.db.transaction() as conn:
                conn.executemany(
                    "UPDATE blobs SET uploaded_at = NULL WHERE sha256 = ?", [(s,) for s in sha256s]
                )

    def requeue_rejected(self, event_ids: Sequence[str] | None = None) -> int:
        """IT re-queues rejected events once the cause is fixed (all of them if `event_ids` is None)."""
        with self.db.transaction() as conn:
            if event_ids is None:
                ids = [
                    r[0]
                    for r in conn.execute("SELECT event_id FROM outbox WHERE rejected_reason IS NOT NULL")
                ]
            else:
                ids = list(event_ids)
            cur = conn.executemany(
                "UPDATE outbox SET rejected_reason = NULL, attempts = 0 WHERE event_id = ?"
                " AND rejected_reason IS NOT NULL",
                [(e,) for e in ids],
            )
            update_pending(self.db, _dossiers_of(self.db, ids))
        return int(cur.rowcount)

    def release_rejected(self, reason_prefix: str) -> int:
        """Queue again the rejected events whose reason starts with `reason_prefix`."""
        rows = self.db.conn.execute(
            "SELECT event_id FROM outbox WHERE substr(rejected_reason, 1, ?) = ?",
            (len(reason_prefix), reason_prefix),
        )
        ids = [r[0] for r in rows]
        return self.requeue_rejected(ids) if ids else 0

    def pending_files(self) -> list[FileRef]:
        return outbox.pending_files(self.db)

    def file_uploaded(self, sha256: str) -> None:
        outbox.mark_file_uploaded(self.db, sha256)
        self.set(TUS_URL_PREFIX + sha256, None)

    def apply_remote(self, events: Sequence[WireEvent]) -> int:
        return outbox.apply_remote_events(self.db, [Event.from_dict(e.model_dump()) for e in events])

    def observe(self, stamp: str) -> None:
        with self.db.transaction():
            self.db.observe(stamp)

    def adopt_download(self, data: bytes, ref: dict[str, Any]) -> None:
        """Keep a downloaded (already hash-checked) file, sealed, in the blob store and the blobs table."""
        stored = self.blobs.put_bytes(data)
        mime = str(
            ref.get("mime") or mimetypes.guess_type(str(ref.get("name", "")))[0] or "application/octet-stream"
        )
        with self.db.transaction():
            record_blob(self.db, stored, mime)
            self.db.conn.execute(
                "UPDATE blobs SET uploaded_at = coalesce(uploaded_at, created_at) WHERE sha256 = ?",
                (stored.sha256,),
            )

    def store_publication(self, kind: str, document: dict[str, Any]) -> None:
        self.set(PUBLICATION_KEYS[kind], json.dumps(document, ensure_ascii=False))

    def get(self, key: str) -> str | None:
        return outbox.get_sync_value(self.db, key)

    def set(self, key: str, value: str | None) -> None:
        if value is None:
            with self.db.transaction() as conn:
                conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            outbox.set_sync_value(self.db, key, value)

    def stats(self) -> outbox.OutboxStats:
        return outbox.outbox_stats(self.db)


def _dossiers_of(db: Database, event_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        rows = db.conn.execute(f"SELECT dossier_id FROM events WHERE id IN ({marks})", chunk)
        found.update(r[0] for r in rows)
    return found
