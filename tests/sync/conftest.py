"""Fixtures: a PostgreSQL cluster per session, a hub process per test (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.hubkit import Hub, Postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg = Postgres()
    yield pg
    pg.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    """The hub as a real process, once on SQLite and once on PostgreSQL."""
    db_url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    h = Hub(data=tmp_path / "hub", db_url=db_url)
    h.data.mkdir()
    h.start()
    yield h
    h.stop()


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(data=tmp_path / "hub")
    h.data.mkdir()
    h.start()
    yield h
    h.stop()
