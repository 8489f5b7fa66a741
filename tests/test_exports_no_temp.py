"""The exports IT names with --out (`app cash report`, `app report`, `app forms print`, `app forms
register`) are the only files in clear those commands write: no temporary file anywhere else.

Each command runs as a real process on a demo desk with Python's audit hooks recording every file it
opens for writing and everything it touches in its TMPDIR (tests/central/tmp_spy). Allowed: the --out
file, its own `.part`/`.tmp` beside it (renamed into place), and the desk's log. openpyxl's save wrote
every worksheet to an `openpyxl.*` temporary file (the register's applicant names in clear); it is now
built in memory (app.xlsx).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.vocabulary import vn_today
from tests.sync.hubkit import ROOT

SPY = ROOT / "tests" / "central" / "tmp_spy"


def run(home: Path, tmp: Path, log: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MOTCUA_HOME": str(home),
        "PYTHONPATH": f"{SPY}{os.pathsep}{ROOT}",
        "TMPDIR": str(tmp),
        "MOTCUA_TEST_TMP_SPY": str(log),
        "MOTCUA_TEST_SPY_WRITES": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("exports")
    home = root / "home"
    done = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--dossiers", "3"],
        cwd=ROOT, env={**os.environ, "MOTCUA_HOME": str(home), "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    from app.storage import open_db

    with open_db(home / "desk.db") as db:
        code = str(db.conn.execute("SELECT code FROM dossiers ORDER BY code LIMIT 1").fetchone()[0])
    return home, code


MONTH = f"{vn_today():%Y-%m}"
COMMANDS = {
    "cash_pdf": ("cash", "report", "--day", vn_today().isoformat(), "--out", "{out}.pdf"),
    "report_pdf": ("report", "--month", MONTH, "--out", "{out}.pdf"),
    "report_xlsx": ("report", "--month", MONTH, "--out", "{out}.xlsx"),
    "form_01": ("forms", "print", "--dossier", "{code}", "--form", "01", "--out", "{out}.pdf"),
    "register_xlsx": ("forms", "register", "--month", MONTH, "--out", "{out}.xlsx"),
    "register_pdf": ("forms", "register", "--month", MONTH, "--out", "{out}.pdf"),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_export_writes_only_its_out_file(demo: tuple[Path, str], tmp_path: Path, name: str):
    home, code = demo
    tmp, log, exports = tmp_path / "tmp", tmp_path / "spy.log", tmp_path / "exports"
    tmp.mkdir()
    exports.mkdir()
    args = [a.format(out=exports / name, code=code) for a in COMMANDS[name]]
    done = run(home, tmp, log, *args)
    assert done.returncode == 0, done.stderr
    out = Path(args[-1])
    assert out.is_file() and out.stat().st_size > 0
    allowed = {str(out), f"{out}.part", f"{out}.tmp"}
    written = set()
    for line in log.read_text().splitlines():
        event, path = line.split(" ", 1)
        if event != "write":
            written.add(f"{event} {path}")  # anything at all in the temporary folder
        elif path not in allowed and not path.startswith(str(home / "logs")) and "__pycache__" not in path:
            written.add(path)
    assert written == set(), f"{name} wrote beside its export: {sorted(written)}"
    assert not list(tmp.iterdir())
    assert sorted(p.name for p in exports.iterdir()) == [out.name]
