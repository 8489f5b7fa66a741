"""The console's index and day counters follow the hub's fold, and the migration indexes old dossiers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from app.domain.hlc import HybridClock
from app.domain.ids import new_id
from central.console import index
from central.console.models import DossierIndex, PointDay
from central.core.db import MIGRATIONS, Database, migrate
from central.crud import ensure_point
from central.ingest import store_events
from sync.protocol import WireEvent
from tests.sync.hubkit import received_payload

CLOCK = HybridClock()
TODAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def event(dossier_id: str, type_: str, payload: dict) -> WireEvent:
    return WireEvent(
        id=new_id(),
        dossier_id=dossier_id,
        type=type_,
        at=str(CLOCK.tick()),
        actor="a",
        device="d",
        payload=payload,
    )


def received(dossier_id: str, due_in: int = 2) -> WireEvent:
    p = received_payload(f"P01-01-{dossier_id[-8:]}", "P01", 1, [])
    p["received_at"] = f"{TODAY.isoformat()}T09:00:00+07:00"
    p["due_date"] = (TODAY + timedelta(days=due_in)).isoformat()
    p["status_secret"] = "ABCD2345"
    return event(dossier_id, "received", p)


def counters(db: Database) -> dict[str, tuple[int, ...]]:
    with db.session() as s:
        return {
            r.day: (r.received, r.returned, r.returned_on_time, r.rated, r.satisfied)
            for r in s.scalars(select(PointDay).where(PointDay.point_code == "P01"))
        }


def test_counters_move_with_the_fold_and_never_count_twice(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(db.engine)
    index.install()
    d = new_id()
    with db.session() as s:
        ensure_point(s, "P01")
        store_events(s, "P01", [received(d)], "dev")
    day = TODAY.isoformat()
    assert counters(db) == {day: (1, 0, 0, 0, 0)}
    with db.session() as s:  # a correction refolds the dossier: still one received
        store_events(s, "P01", [event(d, "corrected", {"reason": "x"})], "dev")
        store_events(s, "P01", [event(d, "result_ready", {"files": []})], "hub")
        store_events(s, "P01", [event(d, "result_returned", {"returned_at": f"{day}T10:00:00+07:00"})], "dev")
        store_events(s, "P01", [event(d, "rated", {"rating": "hai_long"})], "dev")
    assert counters(db) == {day: (1, 1, 1, 1, 1)}
    with db.session() as s:
        row = s.get(DossierIndex, d)
        assert row is not None and (row.status, row.is_open, row.on_time) == ("returned", False, True)
        assert row.secret_hash == index.hash_secret("ABCD2345") and row.name_key == "nguyen van a"


def test_upgrade_indexes_the_dossiers_already_at_the_hub(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    state = {
        "status": "processing",
        "code": "P01-01-1",
        "received_at": f"{TODAY}T08:00:00+07:00",
        "due_date": (TODAY - timedelta(days=1)).isoformat(),
        "applicant": {"full_name": "Trần Thị Bình"},
    }
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO points VALUES ('P01', 1)"))
        conn.execute(
            text("INSERT INTO dossiers VALUES ('d1', 'P01', 'P01-01-1', 'processing', 0, :s, 0)"),
            {"s": json.dumps(state)},
        )
    migrate(db.engine)
    with db.session() as s:
        row = s.get(DossierIndex, "d1")
        assert row is not None and (row.is_open, row.due_date, row.name_key) == (
            True,
            state["due_date"],
            "tran thi binh",
        )
    assert counters(db) == {TODAY.isoformat(): (1, 0, 0, 0, 0)}


def test_files_pending_count_until_the_file_arrives(tmp_path: Path):
    from central.console import dashboard
    from central.ingest import insert_blob

    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(db.engine)
    index.install()
    d, sha = new_id(), "ab" * 32
    ev = received(d)
    page = {"sha256": sha, "size": 10, "mime": "image/png"}
    ev = ev.model_copy(
        update={"payload": {**ev.payload, "documents": [{"id": "x", "name": "Tờ khai", "pages": [page]}]}}
    )
    with db.session() as s:
        ensure_point(s, "P01")
        store_events(s, "P01", [ev], "dev")
    with db.session() as s:
        assert [r.files_pending for r in dashboard.rows(s, "admin", None)] == [1]
        insert_blob(s, sha, 10)  # the upload completes: no refold, the dashboard still counts afresh
    with db.session() as s:
        assert [r.files_pending for r in dashboard.rows(s, "admin", None)] == [0]


def test_a_points_desk_pending_sums_what_its_desks_reported_and_is_none_when_none_did():
    from central.console.dashboard import DeskRow, PointRow

    def desk(n: int, outbox: tuple[int, int] | None) -> DeskRow:
        return DeskRow(f"dev{n}", n, None, None, False, outbox=outbox)

    assert PointRow("P01", desks=[desk(1, None), desk(2, None)]).desk_pending is None
    assert PointRow("P01", desks=[desk(1, (3, 1)), desk(2, None), desk(3, (0, 2))]).desk_pending == (3, 3)
