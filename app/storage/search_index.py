"""The dossier search index (`dossier_fts`) kept in step with today's search terms, without a migration.

Dossiers saved before a kind of term was indexed (the phone number, an organisation's name and tax
code came after schema 9) are not found by it until their index row is rewritten. `reindex` does
that once per layout: at store open when the store's recorded layout (`sync_state`
'search_terms_version') is older than `TERMS_VERSION`, and on demand from `python -m app check --repair`.
It is idempotent: a row already right is left alone, and running it twice changes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from app.storage.db import Database
from app.storage.events import refresh_projection, search_terms

logger = logging.getLogger(__name__)

TERMS_VERSION = 2  # 1: code, name, ID number, procedure; 2: + phone, organisation name, tax code
VERSION_KEY = "search_terms_version"


@dataclass(frozen=True)
class StaleRow:
    rid: int
    dossier_id: str
    terms: str | None  # today's terms, or None when the projection itself is stale (re-fold it)


def stale_rows(db: Database) -> list[StaleRow]:
    """Every dossier whose index row is missing or differs from the terms it would be given today."""
    rows = db.conn.execute(
        "SELECT d.rid, d.id, d.code, d.applicant_name, d.id_number, d.procedure_code, d.state, f.terms "
        "FROM dossiers d LEFT JOIN dossier_fts f ON f.rowid = d.rid"
    ).fetchall()
    stale = []
    for rid, dossier_id, code, name, id_number, procedure_code, state_json, stored in rows:
        try:
            state = json.loads(state_json or "{}")
        except ValueError:
            state = {}
        if not isinstance(state, dict) or not isinstance(state.get("applicant"), dict):
            stale.append(StaleRow(int(rid), str(dossier_id), None))
            continue
        columns = {
            "code": code,
            "applicant_name": name,
            "id_number": id_number,
            "procedure_code": procedure_code,
        }
        terms = search_terms(columns, state["applicant"])
        if terms != stored:
            stale.append(StaleRow(int(rid), str(dossier_id), terms))
    return stale


def recorded_version(db: Database) -> int:
    value = db.get_value(VERSION_KEY)
    return int(value) if value and value.isdigit() else 1


def reindex(db: Database, force: bool = False) -> int:
    """Rewrite the index rows that differ from today's terms; the number rewritten (0: all current).

    Without `force` it does nothing once the store records today's layout (one key read at open)."""
    if not force and recorded_version(db) >= TERMS_VERSION:  # every open after the first: no write lock
        return 0
    with db.transaction() as conn:
        if not force and recorded_version(db) >= TERMS_VERSION:  # another opening did it meanwhile
            return 0
        stale = stale_rows(db)
        for row in stale:
            has_events = conn.execute("SELECT 1 FROM events WHERE dossier_id = ? LIMIT 1", (row.dossier_id,))
            if row.terms is None:
                if has_events.fetchone():  # a projection row without events is the check's to report
                    refresh_projection(db, row.dossier_id)
                continue
            conn.execute("DELETE FROM dossier_fts WHERE rowid = ?", (row.rid,))
            conn.execute("INSERT INTO dossier_fts (rowid, terms) VALUES (?, ?)", (row.rid, row.terms))
        db.set_value(VERSION_KEY, str(TERMS_VERSION))
    if stale:
        logger.info("search index: %d dossiers re-indexed (terms layout %d)", len(stale), TERMS_VERSION)
    return len(stale)


def mark_current(db: Database) -> None:
    """Record that every index row has today's layout (a store just created or just re-folded)."""
    with db.transaction():
        db.set_value(VERSION_KEY, str(TERMS_VERSION))
