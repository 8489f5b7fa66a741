"""Migrations 0002 and 0005 on a hub that already holds poisoned stamps, doubled codes and events stored
with the `device` and `actor` they claimed (SQLite and PostgreSQL)."""

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


def _at_0001(url: str, revision: str = "0001") -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
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


def test_upgrade_gives_events_the_device_that_wrote_them_and_marks_actors_no_clerk_had(url: str):
    _at_0001(url, "0004")
    now = time.time_ns() // 1_000_000
    at = f"{now - 5000:015d}-000000"
    # (event, dossier, type, actor, device as sent, the feed row's writer or None for no feed row)
    planted = [
        ("e-spoof", "dA", "received", "lan", "dev-b", "dev-a"),  # a desk of A stored as B's desk
        ("e-agency", "dA", "rated", "agency:ubnd", "hub", "dev-a"),  # a desk posing as an agency
        ("e-empty", "dB", "received", "", "dev-b", "dev-b"),
        ("e-real", "dA", "result_ready", "agency:so-tu-phap", "hub", "hub"),  # the hub's own: kept
        ("e-fine", "dB", "rated", "minh", "dev-b", "dev-b"),
        ("e-lost", "dB", "rated", "minh", "dev-x", None),  # no feed row: nobody known to mend from
    ]
    as_sent: dict[str, list[str]] = {"dA": [], "dB": []}  # the projections as the old hub folded them
    for _, dossier, _, actor, _, _ in planted:
        as_sent[dossier] += [actor] if actor and actor not in as_sent[dossier] else []
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO points (code, next_seq) VALUES ('PA', 10)"))
        for seq, (event_id, dossier, kind, actor, device, writer) in enumerate(planted, start=1):
            payload = received_payload(f"C-{dossier}", "PA", 1, []) if kind == "received" else {"score": 5}
            conn.execute(
                text(
                    "INSERT INTO events (id, dossier_id, type, at, actor, device, payload, stored_at) "
                    "VALUES (:id, :d, :t, :at, :a, :dev, :p, :s)"
                ),
                {
                    "id": event_id,
                    "d": dossier,
                    "t": kind,
                    "at": at,
                    "a": actor,
                    "dev": device,
                    "p": json.dumps(payload),
                    "s": now - 1000,
                },
            )
            if writer is not None:
                conn.execute(
                    text(
                        "INSERT INTO feed (point_code, seq, kind, event_id, device) "
                        "VALUES ('PA', :seq, 'event', :e, :w)"
                    ),
                    {"seq": seq, "e": event_id, "w": writer},
                )
        for dossier in ("dA", "dB"):
            conn.execute(
                text(
                    "INSERT INTO dossiers (id, point_code, code, state, flags, state_json, updated_at) "
                    "VALUES (:d, 'PA', :c, 'received', 0, :j, 0)"
                ),
                {"d": dossier, "c": f"C-{dossier}", "j": json.dumps({"actors": as_sent[dossier]})},
            )
    migrate(engine)
    with engine.connect() as conn:
        stored = {r[0]: (r[1], r[2]) for r in conn.execute(text("SELECT id, actor, device FROM events"))}
        repairs = {
            (r[0], r[1]): (r[2], r[3])
            for r in conn.execute(text("SELECT event_id, field, sent, reason FROM event_repairs"))
        }
        actors = {
            r[0]: json.loads(r[1])["actors"]
            for r in conn.execute(text("SELECT id, state_json FROM dossiers"))
        }
    engine.dispose()
    assert stored == {
        "e-spoof": ("lan", "dev-a"),
        "e-agency": ("unverified", "dev-a"),
        "e-empty": ("unverified", "dev-b"),
        "e-real": ("agency:so-tu-phap", "hub"),
        "e-fine": ("minh", "dev-b"),
        "e-lost": ("minh", "dev-x"),
    }
    assert repairs == {
        ("e-spoof", "device"): ("dev-b", "feed_writer"),
        ("e-agency", "device"): ("hub", "feed_writer"),
        ("e-agency", "actor"): ("agency:ubnd", "not_a_clerk"),
        ("e-empty", "actor"): ("", "not_a_clerk"),
        ("e-lost", "device"): ("dev-x", "no_writer"),
    }
    # the projections are refolded from the repaired log: the impostor's actor is gone from them
    assert set(actors["dA"]) == {"lan", "unverified", "agency:so-tu-phap"}  # the real decision's actor stays
    assert set(actors["dB"]) == {"unverified", "minh"}
