"""Shared test setup. In CI (CI=true) a skipped test fails the run: a missing tool is an install step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SANE_CONFIG_DIR"] = str(ROOT / "resources" / "sane")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# the behaviour tests written against the first, hand-written catalog keep it (also in subprocesses)
os.environ["MOTCUA_SHIPPED_CATALOG"] = str(
    ROOT / "tests" / "fixtures" / "catalog" / "handwritten_2026-11-01.json"
)


@pytest.fixture
def motcua_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data folder used as $MOTCUA_HOME for this test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MOTCUA_HOME", str(home))
    return home


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; in CI nothing may be skipped.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
