"""Shared test setup. In CI (CI=true) a skipped test fails the run: a missing tool is an install step."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def _sigpipe_ignored() -> bool:
    """Read from the kernel, not from Python's cached handler (a C library can change it under us)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("SigIgn:"):
                return bool(int(line.split()[1], 16) & (1 << (13 - 1)))  # SIGPIPE is signal 13
    return True


@pytest.fixture(autouse=True)
def _sigpipe_stays_ignored() -> Iterator[None]:
    """A test that leaves SIGPIPE at its default action fails here, by name. Otherwise the next
    write to a closed socket, in any later test, kills the whole run with no report at all."""
    yield
    if not _sigpipe_ignored():
        from scanner.sources.sane import keep_sigpipe_ignored

        keep_sigpipe_ignored()
        pytest.fail(
            "SIGPIPE was left at its default action (kill): a write to a closed socket would end the process"
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """A keyring backend defined in a test module must never be one the keyring may pick by itself:
    it would become the whole run's keyring, and enrollments would keep device secrets in it."""
    import keyring.backend

    stray = [
        type(ring).__qualname__
        for ring in keyring.backend.get_all_keyring()
        if type(ring).__module__.startswith("tests") and ring.priority > 0
    ]
    if stray:
        raise pytest.UsageError(f"test keyring backends with a positive priority: {stray}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; in CI nothing may be skipped.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
