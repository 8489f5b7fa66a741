"""The "Chờ duyệt gia hạn" card and filter read the folded state's JSON: schema 10's partial index must
carry both, or every dashboard refresh scans all open dossiers (bench/store_bench.py)."""

from __future__ import annotations

from app.services import queries
from app.storage import open_db


def _plans(db, run) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    plans = []
    for sql in seen:
        if "pending_extension') IS NOT NULL" in sql and sql.lstrip().upper().startswith("SELECT"):
            rows = db.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
    return plans


def test_the_pending_extension_count_and_list_use_their_index(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        counted = _plans(db, lambda: queries.dashboard(db))
        listed = _plans(db, lambda: queries.list_dossiers(db, filter="pending_extension"))
    assert counted and listed, "the queries were not seen: the test would compare nothing"
    for plan in counted + listed:
        assert "dossiers_pending_extension" in plan, plan
