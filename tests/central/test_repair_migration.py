"""Migration 0002 on a hub that already holds poisoned stamps and doubled codes (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from central.core.db import MIGRATIONS, migrate
from tests.sync.hubkit import Postgres, received_payload


def _at_0001(url: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    pg: Postgres = request.getfixturevalue("postgres")
    return pg.new_database()


def test_upgrade_restamps_future_events_and_keeps_the_first_holder_of_a_code(url: str):
    _at_0001(url)
    now = time.time_ns() // 1_000_000
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO points (code, next_seq) VALUES ('PA', 1), ('PB', 1)"))
        for i, (point, at) in enumerate(
            [("PA", f"{now - 5000:015d}-000000"), ("PB", "999999999999999-000000")]
        ):
            payload = json.dumps(received_payload("C-1", point, 1, []))
            conn.execute(
                text(
                    "INSERT INTO events (id, dossier_id, type, at, actor, device, payload, stored_at) "
                    "VALUES (:id, :d, 'received', :at, 'c', 'dev', :p, :s)"
                ),
                {"id": f"e{i}", "d": f"d{i}", "at": at, "p": payload, "s": now - 1000 * (2 - i)},
            )
            conn.execute(
                text(
                    "INSERT INTO dossiers (id, point_code, code, state, flags, state_json, updated_at) "
                    "VALUES (:d, :p, 'C-1', 'received', 0, '{}', :u)"
                ),
                {"d": f"d{i}", "p": point, "u": i},
            )
    migrate(engine)
    with engine.connect() as conn:
        stamps = {r[0]: r[1] for r in conn.execute(text("SELECT id, at FROM events"))}
        holders = [tuple(r) for r in conn.execute(text("SELECT code, dossier_id FROM dossier_codes"))]
        state = conn.execute(text("SELECT state_json FROM dossiers WHERE id = 'd1'")).scalar_one()
    engine.dispose()
    assert stamps["e0"] == f"{now - 5000:015d}-000000"  # a sane stamp is left alone
    assert stamps["e1"] == f"{now - 1000:015d}-000000"  # the poisoned one: when the hub stored it
    assert holders == [("C-1", "d0")]
    assert json.loads(state)["last_event_at"] == stamps["e1"]
