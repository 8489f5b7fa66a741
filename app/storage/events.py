"""Appending events, reading a dossier's log, and the `dossiers` projection (fold of the log).

A local event is written with its outbox row, its file links and its audit row in the caller's
transaction; the projection is refreshed in the same transaction, so the list a clerk sees always
matches the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.events import Event, EventType, files_of
from app.domain.fold import fold
from app.domain.ids import new_id
from app.domain.state import DossierState
from app.domain.text import fold_text
from app.storage.audit import audit_event
from app.storage.db import Database, utc_now

logger = logging.getLogger(__name__)


def append_event(
    db: Database, dossier_id: str, type_: EventType | str, payload: Mapping[str, Any], actor: str
) -> Event:
    """Write a local event + its outbox row + audit row (joins or opens a transaction)."""
    with db.transaction():
        event = Event(
            id=new_id(),
            dossier_id=dossier_id,
            type=EventType(type_),
            at=db.tick(),
            actor=actor,
            device=db.device_id,
            payload=dict(payload),
        )
        insert_event(db, event, "local")
        db.conn.execute("INSERT INTO outbox (event_id, created_at) VALUES (?, ?)", (event.id, utc_now()))
    logger.info("event %s %s appended to dossier %s", event.id, event.type.value, dossier_id)
    return event


def insert_event(db: Database, event: Event, origin: str) -> bool:
    """Insert one event if its id is new (idempotent), sealed by its audit row; True if inserted.
    Call inside a transaction."""
    cur = db.conn.execute(
        "INSERT OR IGNORE INTO events (id, dossier_id, type, at, actor, device, payload, origin, stored_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.id,
            event.dossier_id,
            event.type.value,
            event.at,
            event.actor,
            event.device,
            event.payload_json(),
            origin,
            utc_now(),
        ),
    )
    if cur.rowcount == 0:
        return False
    db.conn.executemany(
        "INSERT OR IGNORE INTO event_files (event_id, sha256) VALUES (?, ?)",
        [(event.id, ref.sha256) for ref in files_of(event.payload)],
    )
    actor = event.actor if origin == "local" else "sync"
    audit_event(db, event.id, actor, f"event.{event.type.value}", event.dossier_id)
    return True


def _row_to_event(row: tuple[Any, ...]) -> Event:
    id_, dossier_id, type_, at, actor, device, payload = row
    return Event(id_, dossier_id, EventType(type_), at, actor, device, json.loads(payload))


EVENT_COLUMNS = "id, dossier_id, type, at, actor, device, payload"


def load_events(db: Database, dossier_id: str) -> list[Event]:
    rows = db.conn.execute(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE dossier_id = ? ORDER BY at, id", (dossier_id,)
    ).fetchall()
    return [_row_to_event(r) for r in rows]


def load_state(db: Database, dossier_id: str) -> DossierState:
    return fold(load_events(db, dossier_id), dossier_id)


def projection_row(state: DossierState) -> dict[str, Any]:
    """The `dossiers` columns for a folded state."""
    applicant = state.applicant or {}
    received_at = state.received_at or ""
    return {
        "id": state.id,
        "code": state.code,
        "status": state.status.value,
        "procedure_code": state.procedure.get("code"),
        "procedure_name": state.procedure.get("name"),
        "applicant_name": applicant.get("full_name"),
        "id_number": applicant.get("id_number"),
        "received_at": state.received_at,
        "received_date": received_at[:10] or None,
        "due_date": state.due_date,
        "returned_at": (state.returned or {}).get("at"),
        "fees_quoted": state.fees_quoted,
        "fees_collected": state.fees_collected,
        "rating": state.rating,
        "flag_count": len(state.flags),
        "event_count": state.event_count,
        "last_event_at": state.last_event_at,
        "state": json.dumps(state.to_dict(), ensure_ascii=False, sort_keys=True),
    }


def update_pending(db: Database, dossier_ids: Iterable[str]) -> None:
    """Refresh `dossiers.pending_events` (local events not yet acknowledged by the hub)."""
    db.conn.executemany(
        "UPDATE dossiers SET pending_events = (SELECT count(*) FROM events e JOIN outbox o ON o.event_id = e.id"
        " WHERE e.dossier_id = dossiers.id AND o.sent_at IS NULL AND o.rejected_reason IS NULL) WHERE id = ?",
        [(d,) for d in dossier_ids],
    )


def search_terms(row: Mapping[str, Any], applicant: Mapping[str, Any] | None = None) -> str:
    """A dossier's indexed words (app.storage.search_index.TERMS_VERSION counts their layout)."""
    parts = [row.get("code"), row.get("applicant_name"), row.get("id_number"), row.get("procedure_code")]
    if applicant is not None:  # the phone number and an organisation's name and tax code are searchable too
        parts += [applicant.get("phone"), applicant.get("org_name"), applicant.get("tax_code")]
    return fold_text(" ".join(str(p) for p in parts if p))


def refresh_projection(db: Database, dossier_id: str) -> DossierState:
    """Re-fold one dossier and upsert its `dossiers` row and search terms (inside a transaction)."""
    state = load_state(db, dossier_id)
    row = projection_row(state)
    columns = list(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    with db.transaction() as conn:
        rid = conn.execute(
            f"INSERT INTO dossiers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates} RETURNING rid",
            [row[c] for c in columns],
        ).fetchone()[0]
        update_pending(db, [dossier_id])
        conn.execute("DELETE FROM dossier_fts WHERE rowid = ?", (rid,))
        conn.execute(
            "INSERT INTO dossier_fts (rowid, terms) VALUES (?, ?)",
            (rid, search_terms(row, state.applicant or {})),
        )
    return state


def refresh_all(db: Database, dossier_ids: Iterable[str] | None = None) -> int:
    """Rebuild the projection of the given dossiers (default: every dossier in the log)."""
    ids = (
        list(dossier_ids)
        if dossier_ids is not None
        else [r[0] for r in db.conn.execute("SELECT DISTINCT dossier_id FROM events")]
    )
    with db.transaction():
        for dossier_id in ids:
            refresh_projection(db, dossier_id)
    return len(ids)
