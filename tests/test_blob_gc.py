"""Orphan blobs: pages stored for a dossier whose transaction failed at commit (a full disk) stay on
disk unreferenced; `check` counts them (information, not a failure) and `app gc` removes them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from app.domain.errors import DiskFullError
from app.services import intake
from app.services.integrity import run as check
from app.storage.blob_gc import collect, find_orphans
from tests.store_helpers import make_desk, request
from tests.test_store_faults import small_disk  # noqa: F401 (fixture: a 2 MB tmpfs)

ROOT = Path(__file__).resolve().parent.parent


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def _gc_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", "gc", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_pages_of_a_failed_receipt_are_reported_then_collected(small_disk):  # noqa: F811
    desk = make_desk(small_disk)
    kept = intake.receive(desk, request(desk))
    req = request(desk, pages=2, allow_incomplete=True)  # its pages reach the disk before the transaction
    orphan_shas = {p["sha256"] for d in req["documents"] for p in d["pages"]}
    req["applicant"]["address"] = "x" * 50_000 + str(uuid.uuid4())  # bigger than any free page
    filler = _fill(small_disk)
    with pytest.raises(DiskFullError):
        intake.receive(desk, req)
    filler.unlink()
    assert all(desk.blobs.has(s) for s in orphan_shas)

    assert find_orphans(desk.db, desk.blobs).orphans == []  # young: may belong to a receipt in progress
    for sha in orphan_shas:
        _age(desk.blobs.path(sha), 2 * 3600)
    for doc in kept.documents:  # an old file that is referenced stays
        for page in doc["pages"]:
            _age(desk.blobs.path(page["sha256"]), 5 * 3600)
    info = next(r for r in check(desk.db, desk.blobs) if r.name.startswith("Orphan"))
    assert info.ok and info.detail.startswith(f"{len(orphan_shas)} unreferenced")

    dry = _gc_cli(small_disk, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert set(dry.stdout.splitlines()[:-1]) == orphan_shas
    assert all(desk.blobs.has(s) for s in orphan_shas)

    report = collect(desk.db, desk.blobs)
    assert report.removed == len(orphan_shas) and not any(desk.blobs.has(s) for s in orphan_shas)
    assert all(r.ok for r in check(desk.db, desk.blobs))  # every referenced file is still there
    assert "0 orphan files" in _gc_cli(small_disk).stdout


def test_storing_the_same_page_again_makes_it_young(tmp_path):
    desk = make_desk(tmp_path)
    ref = desk.blobs.put_bytes(b"a page scanned twice")
    _age(desk.blobs.path(ref.sha256), 2 * 3600)
    assert find_orphans(desk.db, desk.blobs).orphans == [ref.sha256]
    desk.blobs.put_bytes(b"a page scanned twice")
    report = collect(desk.db, desk.blobs)
    assert report.orphans == [] and report.young == 1 and desk.blobs.has(ref.sha256)
