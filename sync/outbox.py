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
from app.storage.db import Database, open_db
from sync.protocol import WireEvent

logger = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
LAST_SUCCESS_KEY = "sync.last_success"
LAST_ERROR_KEY = "sync.last_error"
CLOCK_OFFSET_KEY = "sync.clock_offset_s"
TUS_URL_PREFIX = "sync.tus."
PUBLICATION_KEYS = {"catalog": "sync.catalog", "calendar": "sync.calendar"}


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
