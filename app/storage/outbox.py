"""The outbox API the sync engine uses (helper `sync`).

An outbox row is written in the same transaction as its local event (`events.append_event`). An
event counts as sent only once the hub acknowledged it (`mark_sent`), so a crash between sending and
acknowledging makes it go again; the hub applies each event id at most once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.events import Event, FileRef
from app.storage.db import Database, utc_now
from app.storage.events import EVENT_COLUMNS, insert_event, refresh_projection, update_pending

logger = logging.getLogger(__name__)


def pending_events(db: Database, limit: int = 100) -> list[Event]:
    """Local events not yet acknowledged nor rejected by the hub, oldest first."""
    cols = ", ".join(f"e.{c.strip()}" for c in EVENT_COLUMNS.split(","))
    rows = db.conn.execute(
        f"SELECT {cols} FROM outbox o JOIN events e ON e.id = o.event_id "
        "WHERE o.sent_at IS NULL AND o.rejected_reason IS NULL ORDER BY o.seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [Event(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]


def mark_sent(db: Database, event_ids: Sequence[str], at: str | None = None) -> int:
    """The hub acknowledged these events; returns how many rows changed."""
    at = at or utc_now()
    with db.transaction() as conn:
        cur = conn.executemany(
            "UPDATE outbox SET sent_at = ?, last_error = NULL WHERE event_id = ? AND sent_at IS NULL",
            [(at, eid) for eid in event_ids],
        )
        changed = cur.rowcount
        update_pending(db, _dossiers_of(db, event_ids))
    return changed


def mark_rejected(db: Database, event_id: str, reason: str) -> None:
    """The hub refused this event for good: keep it, stop sending it, show the reason."""
    with db.transaction() as conn:
        conn.execute("UPDATE outbox SET rejected_reason = ? WHERE event_id = ?", (reason, event_id))
        update_pending(db, _dossiers_of(db, [event_id]))
    logger.warning("event %s rejected by the hub: %s", event_id, reason)


def _dossiers_of(db: Database, event_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        found.update(
            r[0] for r in db.conn.execute(f"SELECT dossier_id FROM events WHERE id IN ({marks})", chunk)
        )
    return found


def record_error(db: Database, event_ids: Sequence[str], message: str) -> None:
    """A send attempt failed (network, server error): count it and keep the last message."""
    with db.transaction() as conn:
        conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE event_id = ?",
            [(message, eid) for eid in event_ids],
        )


def pending_files(db: Database) -> list[FileRef]:
    """Files named by local events that the hub has not confirmed yet, oldest first."""
    rows = db.conn.execute(
        "SELECT b.sha256, b.size FROM blobs b WHERE b.uploaded_at IS NULL AND EXISTS ("
        " SELECT 1 FROM event_files f JOIN events e ON e.id = f.event_id"
        " WHERE f.sha256 = b.sha256 AND e.origin = 'local') ORDER BY b.created_at, b.sha256"
    ).fetchall()
    return [FileRef(r[0], int(r[1])) for r in rows]


def mark_file_uploaded(db: Database, sha256: str, at: str | None = None) -> None:
    with db.transaction() as conn:
        conn.execute(
            "UPDATE blobs SET uploaded_at = ? WHERE sha256 = ? AND uploaded_at IS NULL",
            (at or utc_now(), sha256),
        )


def apply_remote_events(db: Database, events: Iterable[Event | Mapping[str, Any]]) -> int:
    """Insert events pulled from the hub (idempotent, origin 'remote'), observe their clocks and
    refresh the touched dossiers, all in one transaction. Returns how many were new."""
    parsed = [e if isinstance(e, Event) else Event.from_dict(e) for e in events]
    touched: set[str] = set()
    inserted = 0
    with db.transaction():
        for event in parsed:
            db.observe(event.at)
            if insert_event(db, event, "remote"):
                inserted += 1
                touched.add(event.dossier_id)
        for dossier_id in sorted(touched):
            refresh_projection(db, dossier_id)
    if inserted:
        logger.info("applied %d remote events to %d dossiers", inserted, len(touched))
    return inserted


def get_sync_value(db: Database, key: str) -> str | None:
    return db.get_value(key)


def set_sync_value(db: Database, key: str, value: str) -> None:
    with db.transaction():
        db.set_value(key, value)


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    rejected: int
    sent: int
    files_pending: int
    files_pending_bytes: int


def outbox_stats(db: Database) -> OutboxStats:
    pending, rejected, sent = db.conn.execute(
        "SELECT coalesce(sum(sent_at IS NULL AND rejected_reason IS NULL), 0),"
        " coalesce(sum(rejected_reason IS NOT NULL), 0), coalesce(sum(sent_at IS NOT NULL), 0) FROM outbox"
    ).fetchone()
    files = pending_files(db)
    return OutboxStats(int(pending), int(rejected), int(sent), len(files), sum(f.size for f in files))
