"""Events received today are counted from the tail of each point's feed, widening only when needed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from app.domain.ids import new_id
from central.console import index
from central.console.index import TZ
from central.console.lag import events_today, start_of_day_ms
from central.core.db import Database, migrate
from central.crud import ensure_point
from central.ingest import store_events
from central.models import EventRow
from tests.console.test_index import received


def hub_with_events(tmp_path: Path, yesterday: int, today: int) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(db.engine)
    index.install()
    with db.session() as s:
        ensure_point(s, "P01")
        store_events(s, "P01", [received(new_id()) for _ in range(yesterday)], "dev1")
        s.execute(update(EventRow).values(stored_at=start_of_day_ms(datetime.now(TZ)) - 60_000))
    with db.session() as s:
        store_events(s, "P01", [received(new_id()) for _ in range(today)], "dev1")
    return db


def test_a_window_full_of_todays_events_is_widened_until_it_reaches_yesterday(tmp_path: Path):
    db = hub_with_events(tmp_path, yesterday=5, today=7)
    start = start_of_day_ms(datetime.now(TZ))
    with db.session() as s:
        assert events_today(s, ["P01"], start, windows=(2, 4, 100)) == ({("P01", "dev1"): 7}, set())


def test_a_count_beyond_the_last_window_is_marked_as_a_floor(tmp_path: Path):
    db = hub_with_events(tmp_path, yesterday=5, today=7)
    start = start_of_day_ms(datetime.now(TZ))
    with db.session() as s:
        assert events_today(s, ["P01"], start, windows=(2, 4)) == ({("P01", "dev1"): 4}, {"P01"})
