"""A backup taken while dossiers are being received restores cleanly (real processes, real store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from app.keys import StoreLockedError
from app.storage.cipher import DB_ERRORS, OperationalError
from app.storage.db import connect_store

ROOT = Path(__file__).resolve().parents[2]
N = 60


def app(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def dossier_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = connect_store(db)
    except (*DB_ERRORS, StoreLockedError):  # being created by the demo
        return 0
    try:
        return int(con.execute("SELECT count(DISTINCT dossier_id) FROM events").fetchone()[0])
    except OperationalError:  # schema not created yet
        return 0
    finally:
        con.close()


def manifest_of(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]


def test_backup_while_receiving_restores_with_check_clean_and_every_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    demo = subprocess.Popen(
        [sys.executable, "-m", "app", "demo", "--dossiers", str(N), "--pages", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    backups = []
    try:
        for i, threshold in enumerate((3, 12)):
            deadline = time.monotonic() + 120
            while dossier_count(home / "desk.db") < threshold and time.monotonic() < deadline:
                time.sleep(0.05)
            out = tmp_path / f"live-{i}.tar"
            app(home, "backup", "--out", str(out))
            backups.append(out)
        still_receiving = demo.poll() is None
    finally:
        assert demo.wait(300) == 0, demo.stderr.read() if demo.stderr else ""
    assert still_receiving, "the demo finished before the backups: raise N"

    for i, archive in enumerate(backups):
        marker = manifest_of(archive)["marker"]
        assert 0 < marker["dossiers"] < N  # taken mid-run
        fresh = tmp_path / f"fresh-{i}"
        app(fresh, "restore", str(archive))
        check = app(fresh, "check", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        listed = json.loads(app(fresh, "dossiers", "--json").stdout)
        assert len(listed) == marker["dossiers"]
        con = connect_store(fresh / "desk.db")
        shas = {r[0] for r in con.execute("SELECT sha256 FROM event_files")}
        con.close()
        assert shas and all((fresh / "blobs" / s[:2] / s[2:4] / s).is_file() for s in shas)

    assert app(home, "check", check=False).returncode == 0  # the source is untouched by the backups
