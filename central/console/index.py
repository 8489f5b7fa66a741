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
from collections.abc import Collection, Mapping
from datetime import datetime
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, event, func, insert, select
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
    """Add the deltas to the day counters: one upsert for every (point, day) cell they touch."""
    table = cast(Table, PointDay.__table__)
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for (point, day, name), n in delta.items():
        if n:
            cells.setdefault((point, day), {})[name] = n
    if not cells:
        return
    rows = [
        {"point_code": point, "day": day, **dict.fromkeys(_COUNTERS, 0), **changes}
        for (point, day), changes in sorted(cells.items())
    ]
    conn.execute(_add_counts(conn.dialect.name, table, ("point_code", "day"), _COUNTERS), rows)


@cache
def _add_counts(dialect: str, table: Table, key: tuple[str, ...], counts: tuple[str, ...]) -> Any:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n: a counter row made on first use
    (built once per table and dialect)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    stmt = dialect_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: table.c[c] + stmt.excluded[c] for c in counts}
    )


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
    rows = [{"device_id": d, "day": day, "events": n} for d, n in sorted(pushed.items()) if n]
    if rows:
        conn.execute(_add_counts(conn.dialect.name, table, ("device_id", "day"), ("events",)), rows)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    touched = [o for o in (*session.new, *session.dirty) if isinstance(o, Dossier)]
    if not touched:
        return
    conn = session.connection()
    for d in sorted(touched, key=lambda o: o.id):
        if d.state_json:
            reindex(conn, d.id, d.point_code, d.state_json)


def index_created(
    conn: Connection,
    rows: list[dict[str, Any]],
    secrets: Mapping[str, str] | None = None,
    with_files: Collection[str] | None = None,
) -> None:
    """Index dossiers `central.ingest` created with one Core INSERT (no ORM flush for the hook to
    see): rows of `dossiers` ({id, point_code, state_json}). Nothing when the index is not installed.

    A dossier new to the hub has no index row yet (its row and its index row are written in one
    transaction), so all are indexed in one INSERT and the counters move in one upsert per cell.
    `secrets`: each dossier's status secret as its `received` carried it (else read from its events);
    `with_files`: the dossiers whose events name a file (else all are counted at the database)."""
    if not installed() or not rows:
        return
    rows = sorted(rows, key=lambda r: str(r["id"]))
    ids = [str(r["id"]) for r in rows]
    counted = ids if with_files is None else [d for d in ids if d in with_files]
    pending = _missing_files_of(conn, counted)
    index_rows, delta = [], Counter[tuple[str, str, str]]()
    for row in rows:
        dossier_id = str(row["id"])
        if secrets is None:
            secret = _secret_of(conn, dossier_id)
        else:
            secret = hash_secret(secrets[dossier_id]) if secrets.get(dossier_id) else ""
        new_row = row_for(dossier_id, str(row["point_code"]), json.loads(str(row["state_json"])), secret)
        new_row["files_pending"] = pending.get(dossier_id, 0)
        index_rows.append(new_row)
        delta.update(contribution(new_row))
    conn.execute(insert(cast(Table, DossierIndex.__table__)), index_rows)
    apply_counters(conn, delta)


def _missing_files_of(conn: Connection, dossier_ids: list[str]) -> dict[str, int]:
    """`missing_files` of several dossiers in one statement (those with none are left out)."""
    if not dossier_ids:
        return {}
    q = (
        select(DossierFile.dossier_id, func.count())
        .outerjoin(Blob, Blob.sha256 == DossierFile.sha256)
        .where(DossierFile.dossier_id.in_(dossier_ids), Blob.sha256.is_(None))
        .group_by(DossierFile.dossier_id)
    )
    return {str(d): int(n) for d, n in conn.execute(q)}


def installed() -> bool:
    """Whether this process keeps the index (`install`)."""
    return event.contains(Session, "before_flush", _before_flush)


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
