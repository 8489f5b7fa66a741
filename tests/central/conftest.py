"""The hub fixtures of tests/sync (a real hub process; PostgreSQL started by the setup)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.conftest import hub, postgres, sqlite_hub  # noqa: F401
from tests.sync.hubkit import Hub


@pytest.fixture(scope="module")
def shared_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub process for a module of read-only checks."""
    h = Hub(data=tmp_path_factory.mktemp("hub") / "hub")
    h.data.mkdir()
    h.start()
    yield h
    h.stop()


__all__ = ["Path"]
