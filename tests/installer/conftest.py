"""The frozen-build tests run the PyInstaller bundle named by `MOTCUA_FROZEN`.

`make test` builds the bundle (`make dist`) and sets `MOTCUA_FROZEN`, so in CI they always run.
A developer running plain `pytest` without a bundle gets them deselected, with a note; in CI
(CI=true) a missing bundle is an error, never a silent deselection.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("MOTCUA_FROZEN"):
        return
    frozen = [item for item in items if item.get_closest_marker("frozen")]
    if not frozen:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise pytest.UsageError("CI: MOTCUA_FROZEN is not set; `make test` builds the bundle and sets it")
    config.hook.pytest_deselected(items=frozen)
    items[:] = [item for item in items if not item.get_closest_marker("frozen")]
