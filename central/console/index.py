"""The console's projection: `console_dossier_index` and the per-point day counters, kept in step with
`dossiers` inside the same flush, so the dashboard adds counters instead of scanning dossiers.

A `before_flush` hook sees every Dossier the hub's fold writes (desk pushes and agency posts alike);
the counters move by the difference between the dossier's old and new contribution.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections import Counter
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.domain.state import OPEN, Status
from central.console.models import DeviceDay, DossierIndex, PointDay
from central.models import Blob, Dossier, DossierFile, EventRow

logger = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATISFIED = frozenset({"rat_hai_long", "hai_long"})
COLUMNS = [c.name for c in DossierIndex.__table__.columns]


def fold_key(text: str) -> str:
    """Lower case without diacritics (đ → d): what name search compares."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(plain.lower().split())[:200]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def today() -> str:
    return datetime.now(TZ).date().isoformat()


def row_for(dossier_id: str, point_code: str, state: dict[str, Any], secret_hash: str) -> dict[str, Any]:
    """The index row of one folded state (plain dict of the JSON the fold wrote)."""
    status = str(state.get("status") or Status.NEW.value)
    returned = state.get("returned") or {}
    due = state.get("due_date")
    returned_day = str(returned.get("at", ""))[:10] or None
    applicant = state.get("applicant") or {}
    return {
        "dossier_id": dossier_id,
        "point_code": point_code,
        "code": state.get("code"),
        "status": status,
        "is_open": status in {s.value for s in OPEN},
        "procedure_code": str((state.get("procedure") or {}).get("code") or "")[:80],
        "received_day": str(state.get("received_at") or "")[:10] or None,
        "due_date": str(due)[:10] if due else None,
        "returned_day": returned_day,
        "on_time": (returned_day <= str(due)) if returned_day and due else None,
        "rating": state.get("rating"),
        "name_key": fold_key(str(applicant.get("full_name") or "")),
        "id_number": str(applicant.get("id_number") or "")[:20],
        "secret_hash": secret_hash,
        "files_pending": 0,
    }


def contribution(row: dict[str, Any] | None) -> Counter[tuple[str, str, str]]:
    """What one dossier adds to the day counters: (point, day, counter) -> 1."""
    out: Counter[tuple[str, str, str]] = Counter()
    if not row:
        return out
    point = row["point_code"]
    if row["received_day"] and row["status"] != Status.NEW.value:
        out[(point, row["received_day"], "received")] += 1
    if row["returned_day"]:
        out[(point, row["returned_day"], "returned")] += 1
        if row["on_time"]:
            out[(point, row["returned_day"], "returned_on_time")] += 1
    if row["rating"] and row["returned_day"]:
        out[(point, row["returned_day"], "rated")] += 1
        if row["rating"] in SATISFIED:
            out[(point, row["returned_day"], "satisfied")] += 1
    return out


def _secret_of(conn: Connection, dossier_id: str) -> str:
    payload = conn.scalar(
        select(EventRow.payload)
        .where(EventRow.dossier_id == dossier_id, EventRow.type == "received")
        .limit(1)
    )
    secret = json.loads(payload).get("status_secret") if payload else None
    return hash_secret(str(secret)) if secret else ""


def missing_files(conn: Connection, dossier_id: str) -> int:
    """Files the dossier's events name that have not arrived (or not matched their SHA-256) yet."""
    return int(
        conn.scalar(
            select(func.count())
            .select_from(DossierFile)
            .outerjoin(Blob, Blob.sha256 == DossierFile.sha256)
            .where(DossierFile.dossier_id == dossier_id, Blob.sha256.is_(None))
        )
        or 0
    )


def apply_counters(conn: Connection, delta: Counter[tuple[str, str, str]]) -> None:
    """Add the deltas to the day counters (row created on first use)."""
    table = cast(Table, PointDay.__table__)
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for (point, day, name), n in delta.items():
        if n:
            cells.setdefault((point, day), {})[name] = n
    for (point, day), changes in sorted(cells.items()):
        where = (table.c.point_code == point) & (table.c.day == day)
        if conn.scalar(select(table.c.point_code).where(where)) is None:
            conn.execute(insert(table).values(point_code=point, day=day, **dict.fromkeys(_COUNTERS, 0)))
        conn.execute(update(table).where(where).values({k: table.c[k] + v for k, v in changes.items()}))


_COUNTERS = ("received", "returned", "returned_on_time", "rated", "satisfied")


def reindex(conn: Connection, dossier_id: str, point_code: str, state_json: str) -> None:
    """Bring one dossier's index row and its counters to its current state."""
    table = cast(Table, DossierIndex.__table__)
    old = conn.execute(select(table).where(table.c.dossier_id == dossier_id)).mappings().first()
    old_row = dict(old) if old else None
    secret = old_row["secret_hash"] if old_row and old_row["secret_hash"] else _secret_of(conn, dossier_id)
    new_row = row_for(dossier_id, point_code, json.loads(state_json), secret)
    new_row["files_pending"] = missing_files(conn, dossier_id)
    if old_row == new_row:
        return
    delta = contribution(new_row)
    delta.subtract(contribution(old_row))
    if old_row:
        conn.execute(delete(table).where(table.c.dossier_id == dossier_id))
    conn.execute(insert(table).values(**new_row))
    apply_counters(conn, delta)


def count_pushed(conn: Connection, pushed: Counter[str], day: str | None = None) -> None:
    """Add each device's newly stored events to its count for `day` (today in Hanoi); called by
    `central.ingest.store_events` for the events it stored (an event already held is not counted)."""
    day = day or today()
    table = cast(Table, DeviceDay.__table__)
    for device, n in sorted(pushed.items()):
        where = (table.c.device_id == device) & (table.c.day == day)
        if conn.scalar(select(table.c.device_id).where(where)) is None:
            conn.execute(insert(table).values(device_id=device, day=day, events=n))
        else:
            conn.execute(update(table).where(where).values(events=table.c.events + n))


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    touched = [o for o in (*session.new, *session.dirty) if isinstance(o, Dossier)]
    if not touched:
        return
    conn = session.connection()
    for d in sorted(touched, key=lambda o: o.id):
        if d.state_json:
            reindex(conn, d.id, d.point_code, d.state_json)


def index_created(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Index dossiers `central.ingest` created with one Core INSERT (no ORM flush for the hook to
    see): rows of `dossiers` ({id, point_code, state_json}). Nothing when the index is not installed."""
    if not event.contains(Session, "before_flush", _before_flush):
        return
    for row in sorted(rows, key=lambda r: str(r["id"])):
        reindex(conn, str(row["id"]), str(row["point_code"]), str(row["state_json"]))


def install() -> None:
    """Keep the index in step with every Session of this process (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def backfill(conn: Connection, batch: int = 1000) -> int:
    """Index every dossier the hub already has (used by the migration); returns how many."""
    done, after = 0, ""
    while True:
        rows = conn.execute(
            select(Dossier.id, Dossier.point_code, Dossier.state_json)
            .where(Dossier.id > after)
            .order_by(Dossier.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        for dossier_id, point, state_json in rows:
            reindex(conn, dossier_id, point, state_json)
        done, after = done + len(rows), rows[-1][0]
