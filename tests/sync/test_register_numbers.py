"""Register numbers (form 07) given by 3 desks of one point receiving offline stay unique on the hub."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from app.config import load_settings
from app.services import intake
from sync.engine import SyncConfig, run_once
from tests.store_helpers import make_desk, request
from tests.sync.hubkit import Hub, enroll_desk


def test_three_desks_offline_then_synced_never_share_a_register_number(sqlite_hub: Hub, tmp_path: Path):
    given: list[tuple[str, int]] = []
    homes = []
    for n in (1, 2, 3):
        home = tmp_path / f"desk{n}"
        enroll_desk(sqlite_hub, home, "P01", n)
        desk = make_desk(home, desk_no=n)
        desk = replace(desk, settings=load_settings(home))  # the point and desk number from enrollment
        assert desk.settings.desk == n
        for _ in range(3):  # offline: nobody talks to anybody
            state = intake.receive(desk, request(desk))
            given.append((state.register["book"], state.register["no"]))
        desk.db.close()
        homes.append(home)
    for home in homes:
        report = run_once(SyncConfig(home=home, chunk_size=16 * 1024), lambda d, t: None, lambda: False)
        assert report.outcome == "ok", report.log_message
    from sqlalchemy import text

    engine = sqlite_hub.engine()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM events WHERE type = 'received'")).all()
    engine.dispose()
    on_hub = [(p["register"]["book"], p["register"]["no"]) for p in (json.loads(r[0]) for r in rows)]
    assert len(on_hub) == 9 and sorted(on_hub) == sorted(given)
    assert len(set(on_hub)) == 9  # unique across the point without any link between the desks
