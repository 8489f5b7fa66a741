"""The dashboard reads counters kept by triggers (schema 5): same figures as full scans, whatever the
write path (local events, remote events, apologies that move the due date, a deleted row)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from app.domain.events import Event, EventType
from app.domain.hlc import Hlc
from app.domain.ids import new_id
from app.services import integrity, queries
from app.storage import BlobStore, Database, open_db
from app.storage.events import insert_event, refresh_projection
from app.storage.outbox import apply_remote_events

OPEN = "('accepted', 'processing', 'received', 'rejected', 'result_ready', 'supplement_requested')"


def by_scan(db: Database, today: date) -> dict[str, Any]:
    """The dashboard as it was computed before the counters: one full scan per figure."""
    t = today.isoformat()

    def one(sql: str, *a: object) -> int:
        return int(db.conn.execute(sql, a).fetchone()[0] or 0)

    counts: dict[str, Any] = {
        "received_today": one("SELECT count(*) FROM dossiers WHERE received_date = ?", t),
        "due_today": one(f"SELECT count(*) FROM dossiers WHERE status IN {OPEN} AND due_date = ?", t),
        "overdue": one(f"SELECT count(*) FROM dossiers WHERE status IN {OPEN} AND due_date < ?", t),
        "awaiting_result": one(
            "SELECT count(*) FROM dossiers WHERE status IN"
            " ('received', 'supplement_requested', 'accepted', 'processing')"
        ),
        "result_ready": one("SELECT count(*) FROM dossiers WHERE status = 'result_ready'"),
        "returned_today": one(
            "SELECT count(*) FROM dossiers WHERE status = 'returned' AND substr(returned_at, 1, 10) = ?", t
        ),
        "returned": one("SELECT count(*) FROM dossiers WHERE status = 'returned'"),
        "refused": one("SELECT count(*) FROM dossiers WHERE status = 'refused'"),
        "pending_extension": sum(  # every open state read back in Python
            1
            for (state,) in db.conn.execute(f"SELECT state FROM dossiers WHERE status IN {OPEN}")
            if json.loads(state).get("pending_extension")
        ),
    }
    on_time = one(
        "SELECT count(*) FROM dossiers WHERE (status = 'returned' AND substr(returned_at, 1, 10) <= due_date)"
        f" OR (status IN {OPEN} AND due_date >= ?)",
        t,
    )
    judged = one(f"SELECT count(*) FROM dossiers WHERE status = 'returned' OR status IN {OPEN}")
    counts["on_time_rate"] = round(100.0 * on_time / judged, 1) if judged else None
    return counts


def _events(rng: random.Random, did: str, wall: int, day: date) -> list[Event]:
    def ev(n: int, type_: EventType, payload: dict[str, Any]) -> Event:
        return Event(new_id(), did, type_, str(Hlc(wall, n)), "c1", "d1", payload)

    received = {
        "code": f"X-{did[-8:]}",
        "procedure": {"code": "1.001193", "version": 1, "name": "Khai sinh", "field": "Hộ tịch"},
        "applicant": {"full_name": "A", "id_number": "001090012345"},
        "received_at": f"{day}T09:00:00+07:00",
        "counted_from": str(day),
        "due_date": str(day + timedelta(days=3)),
        "due_time": "16:00",
    }
    out = [ev(0, EventType.RECEIVED, received)]
    if rng.random() < 0.3:
        out.append(ev(1, EventType.APOLOGY_ISSUED, {"reason": "x", "new_due_date": str(day + timedelta(7))}))
    if rng.random() < 0.3:  # a clerk's request for form 04, sometimes declined by the head
        out.append(
            ev(1, EventType.EXTENSION_REQUESTED, {"reason": "x", "new_due_date": str(day + timedelta(9))})
        )
        if rng.random() < 0.4:
            out.append(ev(2, EventType.EXTENSION_DECLINED, {"reason": "không duyệt"}))
    kind = rng.choice(["open", "open", "returned", "returned", "refused", "ready", "processing"])
    if kind == "returned":
        back = day + timedelta(days=rng.choice([0, 2, 5, 9]))
        out.append(ev(2, EventType.RESULT_RETURNED, {"returned_at": f"{back}T10:00:00+07:00"}))
    elif kind == "refused":
        out.append(ev(2, EventType.REFUSED, {"reason": "x"}))
    elif kind == "ready":
        out.append(ev(2, EventType.RESULT_READY, {}))
    elif kind == "processing":
        out.append(ev(2, EventType.PROCESSING, {}))
    return out


def test_dashboard_matches_full_scans_through_local_and_remote_writes(tmp_path):
    rng = random.Random(5)
    start = date(2026, 11, 2)
    with open_db(tmp_path / "desk.db") as db:
        later: list[Event] = []
        with db.transaction():
            for i in range(300):
                did, day = new_id(), start + timedelta(days=i // 20)
                events = _events(rng, did, 1_800_000_000_000 + i * 10, day)
                insert_event(db, events[0], "local")
                if i % 2:  # the rest of its life arrives later from the hub
                    later += events[1:]
                else:
                    for e in events[1:]:
                        insert_event(db, e, "local")
                refresh_projection(db, did)
        apply_remote_events(db, later)
        assert by_scan(db, start)["pending_extension"] > 0  # the figure is exercised, not only zero
        for today in (start, start + timedelta(days=5), start + timedelta(days=12), date(2027, 1, 1)):
            assert queries.dashboard(db, today) == by_scan(db, today), today
        with db.transaction():  # a row removed by hand: the delete trigger keeps the counters right
            db.conn.execute("DELETE FROM dossier_fts")
            db.conn.execute("DELETE FROM dossiers WHERE rid IN (SELECT rid FROM dossiers LIMIT 40)")
        assert queries.dashboard(db, start) == by_scan(db, start)


def test_check_reports_counters_that_drift(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        with db.transaction():
            for e in _events(random.Random(1), new_id(), 1_800_000_000_000, date(2026, 11, 2)):
                insert_event(db, e, "local")
                db.conn.execute("INSERT INTO outbox (event_id, created_at) VALUES (?, '')", (e.id,))
            refresh_projection(db, e.dossier_id)
        blobs = BlobStore(tmp_path / "blobs")
        assert next(r for r in integrity.run(db, blobs) if r.name == "Dashboard counters").ok
        db.conn.execute("UPDATE dossier_counts SET n = n + 3 WHERE key = 'returned_on_time'")
        result = next(r for r in integrity.run(db, blobs) if r.name == "Dashboard counters")
        assert not result.ok and "returned_on_time" in result.detail
