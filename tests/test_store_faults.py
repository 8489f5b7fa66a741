"""Fault injection: SIGKILL while `app demo` is receiving, and a full disk (a 2 MB tmpfs)."""

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from app.domain.errors import DiskFullError
from app.services import intake
from app.services.integrity import run as check
from tests.store_helpers import make_desk, request

ROOT = Path(__file__).resolve().parent.parent


def _app(home: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "MOTCUA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kw
    )


@pytest.mark.slow
def test_sigkill_while_receiving_loses_nothing_committed_and_doubles_no_code(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "MOTCUA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    rng = random.Random(7)
    for round_no in range(5):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "demo",
                "--dossiers",
                "500",
                "--pages",
                "1",
                "--seed",
                str(round_no),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the first dossier is committed: it is receiving now
        assert first.startswith("received 1/"), first
        time.sleep(rng.uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL

    result = _app(home, "check", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    dossiers = json.loads(_app(home, "dossiers", "--json", timeout=120).stdout)
    codes = [d["code"] for d in dossiers]
    assert len(dossiers) >= 5 and len(set(codes)) == len(codes)
    assert all(d["state"] != "new" and d["flag_count"] == 0 for d in dossiers)
    # every committed dossier has its received event, its outbox row and every page file
    desk = make_desk(home)
    q = desk.db.conn.execute
    assert q("SELECT count(*) FROM events WHERE type = 'received'").fetchone()[0] == len(dossiers)
    assert q("SELECT count(*) FROM events").fetchone()[0] == q("SELECT count(*) FROM outbox").fetchone()[0]
    desk.db.close()


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _assert_whole(desk, before):
    assert all(r.ok for r in check(desk.db, desk.blobs)), [r for r in check(desk.db, desk.blobs) if not r.ok]
    count = desk.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    assert count == before
    assert desk.db.conn.execute("SELECT count(*) FROM events WHERE type='received'").fetchone()[0] == before
    assert not list(desk.blobs.root.rglob("*.tmp")), "a partial blob was left behind"


def test_full_disk_while_storing_pages_gives_a_clear_error_and_no_partial_dossier(small_disk):
    desk = make_desk(small_disk)
    received = 0
    with pytest.raises(DiskFullError) as info:
        for _ in range(40):
            req = request(desk, pages=0)
            ref = desk.blobs.put_bytes(os.urandom(200_000))  # incompressible "scan"
            req["documents"][0]["pages"] = [{"sha256": ref.sha256, "size": ref.size, "mime": "image/png"}]
            intake.receive(desk, req)
            received += 1
    assert "Ổ đĩa đã đầy" in info.value.user_message
    assert received >= 1
    _assert_whole(desk, received)


def test_full_disk_while_committing_rolls_back_and_the_desk_recovers(small_disk):
    desk = make_desk(small_disk)
    intake.receive(desk, request(desk))
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # take every free byte, so the next SQLite write fails
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    req = request(desk, pages=0, allow_incomplete=True)
    req["applicant"]["address"] = "x" * 50_000 + str(uuid.uuid4())  # bigger than any free page
    with pytest.raises(DiskFullError):
        intake.receive(desk, req)
    filler.unlink()
    _assert_whole(desk, 1)
    assert intake.receive(desk, request(desk)).code.endswith("-1002")  # the failed one burnt no code
