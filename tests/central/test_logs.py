"""No personal data in logs: not in the hub's, not in PostgreSQL's, not in a database error's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from central.core.db import Database, describe_error
from tests.central.hostile_kit import make_victim, new_desk, now_at, push, received_event
from tests.sync.hubkit import Hub, Postgres, next_code

PERSONAL = ("Nguyễn Văn A", "001099000001", "0900000000", "Nguyen Van A")


def test_database_errors_carry_no_statement_parameters(postgres: Postgres, tmp_path: Path):
    sealed_key = bytes(range(32))  # the SQLite hub's own engine: SQLCipher's errors wrapped the same way
    for url, key in (
        (postgres.new_database(), None),
        (f"sqlite:///{tmp_path / 'x.db'}", None),
        (f"sqlite:///{tmp_path / 'sealed.db'}", sealed_key),
    ):
        database = Database(url, db_key=key)
        with database.engine.begin() as conn:
            conn.execute(text("CREATE TABLE people (name VARCHAR(50) CHECK (length(name) <= 5))"))
        with pytest.raises(DBAPIError) as raised, database.engine.begin() as conn:
            conn.execute(text("INSERT INTO people (name) VALUES (:n)"), {"n": "001099000001-too-long"})
        assert "hidden" in str(raised.value)  # SQLAlchemy keeps the parameters out of its text
        assert "001099000001" not in describe_error(raised.value)  # what the hub logs of it
        database.engine.dispose()
    log = (postgres.dir / "pg.log").read_text(encoding="utf-8", errors="replace")
    assert "001099000001-too-long" not in log


def test_hostile_traffic_leaves_no_personal_data_in_the_logs(
    hub: Hub, tmp_path: Path, request: pytest.FixtureRequest
):
    victim = make_victim(hub, tmp_path)
    b = new_desk(hub, tmp_path / "b", "PB", 1)
    for i, extra in enumerate([{"fees": ["x"]}, {"code": "X" * 90}, {"applicant": {"full_name": "a\x00b"}}]):
        push(hub, b, [received_event(f"log-{i}", next_code("PB", 1), "PB", 1, now_at(), extra)])
    push(hub, b, [received_event("log-taken", victim.code, "PB", 1, now_at())])
    logs = [p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.glob("hub-*.log")]
    if hub.db_url:
        pg: Postgres = request.getfixturevalue("postgres")
        logs.append((pg.dir / "pg.log").read_text(encoding="utf-8", errors="replace"))
    assert logs and not [p for p in PERSONAL for log in logs if p in log]
