"""The PyInstaller bundle on a machine without Tesseract on PATH (runs when MOTCUA_FROZEN is set)."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.installer.seed import seed

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.frozen


def frozen(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    exe = (ROOT / os.environ["MOTCUA_FROZEN"]).resolve()
    env = {
        "PATH": "/usr/local/bin:/bin",  # no /usr/bin: the system Tesseract is out of reach
        "HOME": str(home.parent),
        "MOTCUA_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [str(exe), *args], env=env, cwd=home.parent, capture_output=True, text=True, timeout=timeout
    )


def test_frozen_self_test_passes_with_the_bundled_tesseract(tmp_path: Path) -> None:
    done = frozen(tmp_path / "home", "self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(bundled:" in done.stdout
    assert "SQLCipher 4." in done.stdout and "migrates sealed" in done.stdout  # a sealed scratch store opened
    assert "9/9 checks passed" in done.stdout or "checks passed" in done.stdout.splitlines()[-1]


def test_frozen_backup_and_diagnostics_commands_work(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed(home)
    assert frozen(home, "backup", "--out", str(tmp_path / "b.tar")).returncode == 0
    assert frozen(tmp_path / "new", "restore", str(tmp_path / "b.tar")).returncode == 0
    assert (tmp_path / "new" / "desk.db").exists()
    diag = frozen(home, "diagnostics", "--out", str(tmp_path / "d.zip"))
    assert diag.returncode == 0, diag.stderr
    with zipfile.ZipFile(tmp_path / "d.zip") as zf:
        assert "checks passed" in zf.read("self-test.txt").decode()


def test_frozen_bundle_seals_the_store_it_makes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert frozen(home, "demo", "--dossiers", "2", "--pages", "1").returncode == 0
    assert (home / "desk.db").read_bytes()[:16] != b"SQLite format 3\x00"
    assert frozen(home, "check").returncode == 0
    assert frozen(home, "audit", "verify").returncode == 0


def test_frozen_desk_starts_offscreen_with_demo_data(tmp_path: Path) -> None:
    home, shot = tmp_path / "home", tmp_path / "desk.png"
    assert frozen(home, "demo", "--dossiers", "5", "--pages", "1").returncode == 0
    done = frozen(home, "--demo", "--smoke", "--screenshot", str(shot))
    assert done.returncode == 0, done.stdout + done.stderr
    assert shot.read_bytes().startswith(b"\x89PNG")
