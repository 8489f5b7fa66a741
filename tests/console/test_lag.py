"""Events received today are counted per device and day as the hub stores them, never read back from
the feed: each stored event once, an event sent again not at all, another day on its own row."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.domain.ids import new_id
from central.console import index
from central.console.index import TZ
from central.console.lag import lags
from central.console.models import DeviceDay
from central.core.db import Database, migrate
from central.crud import ensure_point
from central.ingest import store_events
from central.models import Device
from tests.console.test_index import received


def hub(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(db.engine)
    index.install()
    with db.session() as s:
        ensure_point(s, "P01")
        for desk in (1, 2):
            s.add(Device(id=f"dev{desk}", point_code="P01", desk=desk, secret_hash="x", created_at=0))
    return db


def test_each_stored_event_is_counted_once_for_the_device_that_pushed_it(tmp_path: Path):
    db = hub(tmp_path)
    sent = [received(new_id()) for _ in range(7)]
    with db.session() as s:
        store_events(s, "P01", sent[:5], "dev1")
    with db.session() as s:
        store_events(s, "P01", sent, "dev1")  # five again (a retried batch) and two new
        store_events(s, "P01", [received(new_id()) for _ in range(3)], "dev2")
    with db.session() as s:
        [row] = lags(s, "admin", None)
        assert [(d.desk, d.events_today) for d in row.desks] == [(1, 7), (2, 3)]
        assert row.events_today == 10


def test_yesterdays_count_is_not_todays(tmp_path: Path):
    db = hub(tmp_path)
    with db.session() as s:
        store_events(s, "P01", [received(new_id()) for _ in range(4)], "dev1")
    yesterday = (datetime.now(TZ) - timedelta(days=1)).date().isoformat()
    with db.session() as s:  # as if those four had been stored yesterday
        row = s.scalar(select(DeviceDay).where(DeviceDay.device_id == "dev1"))
        assert row is not None and row.events == 4
        row.day = yesterday
    with db.session() as s:
        store_events(s, "P01", [received(new_id())], "dev1")
        [point] = lags(s, "admin", None)
        assert point.desks[0].events_today == 1
        assert lags(s, "admin", None, now=datetime.now(TZ) - timedelta(days=1))[0].desks[0].events_today == 4
