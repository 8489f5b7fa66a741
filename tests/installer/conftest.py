"""The frozen-build tests run only when asked for: `MOTCUA_FROZEN=dist/motcua/motcua pytest tests/installer`.

They are deselected (not skipped) otherwise, since building the bundle is its own CI step (`make dist`).
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("MOTCUA_FROZEN"):
        return
    frozen = [item for item in items if item.get_closest_marker("frozen")]
    if frozen:
        config.hook.pytest_deselected(items=frozen)
        items[:] = [item for item in items if not item.get_closest_marker("frozen")]
