"""Upgrade in place: a plaintext desk of 2,000 dossiers is sealed at the first start of this version,
and kill -9 at random moments of that migration loses nothing; the next start finishes it."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import keys
from app.config import Settings
from app.services.demo import seed_demo
from app.storage import BlobStore, open_db
from app.storage.blobs import MAGIC
from app.storage.cipher import is_plaintext, key_pragma, sqlcipher
from app.storage.db import connect_store

ROOT = Path(__file__).resolve().parents[1]
DOSSIERS = 2000
KILLS = 5


def make_plaintext_desk(home: Path, dossiers: int) -> None:
    """A desk as an older version left it: desk.db and blobs in clear, no keys.json."""
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # set-up speed only: what is measured is the migration, with fsync
    try:
        with open_db(home / "desk.db") as db:
            db.conn.execute("PRAGMA synchronous = OFF")
            seed_demo(
                db,
                BlobStore(home / "blobs"),
                Settings(point_code="HK", agency_code="000.00.01.H26", desk=1),
                dossiers,
                1,
                seed=11,
            )
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            store_keys = db.keys
    finally:
        os.fsync = real_fsync
    con = sqlcipher.connect(str(home / "desk.db"), isolation_level=None)
    con.execute(key_pragma(store_keys.db_key))
    con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(home / "plain.db"),))
    con.execute("SELECT sqlcipher_export('plain')").fetchone()
    con.execute(f"PRAGMA plain.user_version = {version}")
    # an older version's chain had no keyed macs: the upgrade keys it (app.storage.audit.adopt_chain)
    con.execute("UPDATE plain.audit_log SET mac = NULL")
    con.execute("DELETE FROM plain.sync_state WHERE key = 'audit_head'")
    con.close()
    for suffix in ("", "-wal", "-shm"):
        (home / f"desk.db{suffix}").unlink(missing_ok=True)
    (home / "plain.db").rename(home / "desk.db")
    store = BlobStore(home / "blobs", store_keys)
    for sha in list(store.iter_shas()):
        store.path(sha).write_bytes(store.read_bytes(sha))
    (home / "keys.json").unlink()
    keys.forget(home)


def expected(home: Path) -> tuple[set[str], set[str]]:
    import sqlite3

    con = sqlite3.connect(home / "desk.db")
    ids = {r[0] for r in con.execute("SELECT DISTINCT dossier_id FROM events")}
    shas = {r[0] for r in con.execute("SELECT sha256 FROM event_files")}
    con.close()
    return ids, shas


def start(home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "app", "check"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def sealed_blobs(home: Path) -> int:
    count = 0
    for path in (home / "blobs").glob("??/??/*"):
        with open(path, "rb") as fh:
            count += fh.read(4) == MAGIC
    return count


def is_mid_migration(home: Path) -> bool:
    """Killed after the migration began and before it finished."""
    sealing = (home / "desk.db.sealing").exists()
    return is_plaintext(home / "desk.db") and (
        sealing or sealed_blobs(home) > 0 or (home / "keys.json").exists()
    )


@pytest.fixture(scope="module")
def plaintext_desk(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("legacy") / "home"
    make_plaintext_desk(home, DOSSIERS)
    return home


def migration_window(plaintext_desk: Path, tmp_path: Path) -> tuple[float, float]:
    """When the migration starts and ends in an uninterrupted start (seconds after launch)."""
    probe = tmp_path / "probe"
    subprocess.run(["cp", "-a", str(plaintext_desk), str(probe)], check=True)
    t0 = time.monotonic()
    proc = start(probe)
    began = ended = None
    while proc.poll() is None and time.monotonic() - t0 < 300:
        if began is None and (probe / "keys.json").exists():
            began = time.monotonic() - t0
        if began is not None and not is_plaintext(probe / "desk.db"):
            ended = time.monotonic() - t0
            break
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    assert began is not None and ended is not None
    return began, ended


def finish_and_verify(home: Path, ids: set[str], shas: set[str]) -> None:
    """The next start finishes the migration: check passes, every dossier and file is there, sealed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    check = subprocess.run(
        [sys.executable, "-m", "app", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert not is_plaintext(home / "desk.db") and not (home / "desk.db.sealing").exists()
    con = connect_store(home / "desk.db")
    assert {r[0] for r in con.execute("SELECT DISTINCT dossier_id FROM events")} == ids
    assert {r[0] for r in con.execute("SELECT id FROM dossiers")} == ids
    con.close()
    store = BlobStore(home / "blobs")
    for sha in shas:
        assert store.is_sealed(sha) and hashlib.sha256(store.read_bytes(sha)).hexdigest() == sha
    keys.forget(home)


@pytest.mark.slow
def test_kill_9_at_random_moments_of_the_migration_loses_nothing(plaintext_desk, tmp_path):
    ids, shas = expected(plaintext_desk)
    assert len(ids) == DOSSIERS and shas
    began, ended = migration_window(plaintext_desk, tmp_path)
    rng = random.Random(20261201)
    landed = 0
    for trial in range(KILLS):
        home = tmp_path / f"home-{trial}"
        subprocess.run(["cp", "-a", str(plaintext_desk), str(home)], check=True)
        proc = start(home)
        time.sleep(rng.uniform(began, ended))  # a random moment of the migration of a first start
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        landed += is_mid_migration(home)
        finish_and_verify(home, ids, shas)
        subprocess.run(["rm", "-rf", str(home)], check=True)
    print(f"kills: {KILLS}, landed mid-migration: {landed}, migration window {began:.2f}-{ended:.2f} s")
    assert landed >= 3, f"only {landed} of {KILLS} kills landed mid-migration"
