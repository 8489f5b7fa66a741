"""The SQLite hub's database sealed at rest (SQLCipher 4), its key derived from the blob key.

A new hub.db is sealed, WAL kept, the key never in the engine's URL nor in the data folder; an older
hub's plaintext hub.db is sealed in place at start, and `python -m central` killed -9 at several moments
of that loses nothing (the next start finishes it); a hub started with another key stops with a clear
message naming the key file, and changes nothing.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import text

from central.blob_key import default_key_file, load_or_create
from central.core import sealed_db
from central.core.config import HubSettings
from central.core.db import Database, migrate, open_database
from tests.sync.hubkit import ROOT, env, free_port, run_py

NAME = "Nguyễn Thị Kín Đáo"
ID_NUMBER = "001299887766"


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {"i": i, "body": f"{NAME} {ID_NUMBER} " + hashlib.sha256(str(i).encode()).hexdigest() * 8}
        for i in range(n)
    ]


def plaintext_hub(data: Path, rows: int) -> Path:
    """An older hub's data folder: hub.db in clear (WAL mode), schema at head, `rows` filler rows."""
    data.mkdir(parents=True)
    path = data / "hub.db"
    db = Database(f"sqlite:///{path}")  # no key: as an older hub made it
    migrate(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE filler (i INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
        conn.execute(text("INSERT INTO filler VALUES (:i, :body)"), _rows(rows))
    db.engine.dispose()
    assert sealed_db.is_plaintext(path) and NAME.encode() in path.read_bytes()
    return path


def count_filler(data: Path) -> int:
    database = open_database(HubSettings(data_dir=data))
    with database.engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM filler")).scalar_one())
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    database.engine.dispose()
    return n


def test_a_new_hub_db_is_sealed_in_wal_mode_and_its_key_is_nowhere_in_clear(tmp_path: Path):
    data = tmp_path / "hub"
    data.mkdir()
    settings = HubSettings(data_dir=data)
    database = open_database(settings)
    migrate(database.engine)
    db_key = sealed_db.database_key(load_or_create(settings.key_file))
    with database.engine.begin() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        conn.execute(text("CREATE TABLE probe (v TEXT)"))
        conn.execute(text("INSERT INTO probe VALUES (:v)"), {"v": f"{NAME} {ID_NUMBER}"})
    assert db_key.hex() not in repr(database.engine.url) and db_key.hex() not in str(database.engine.url)
    raw = b"".join(p.read_bytes() for p in data.iterdir() if p.name.startswith("hub.db"))
    database.engine.dispose()
    assert not raw.startswith(sealed_db.PLAIN_HEADER) and (data / "hub.db").stat().st_size > 0
    assert NAME.encode() not in raw and ID_NUMBER.encode() not in raw
    assert not any(db_key.hex().encode() in p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert settings.key_file.parent != data and data not in settings.key_file.parents


def test_an_older_hubs_plaintext_db_is_sealed_at_start_and_the_commands_still_run(tmp_path: Path):
    data = tmp_path / "hub"
    path = plaintext_hub(data, 200)
    listed = run_py("-m", "central", "dossiers", "--data", str(data), "--json")
    assert listed.stdout.strip() == "[]", listed.stderr
    assert not sealed_db.is_plaintext(path) and not (data / "hub.db.sealing").exists()
    raw = b"".join(p.read_bytes() for p in data.iterdir() if p.name.startswith("hub.db"))
    assert NAME.encode() not in raw and ID_NUMBER.encode() not in raw
    assert count_filler(data) == 200


def test_sealing_in_place_killed_9_at_several_moments_loses_nothing(tmp_path: Path):
    data = tmp_path / "hub"
    rows = 40_000  # ~25 MB: the export takes long enough to be killed in the middle
    path = plaintext_hub(data, rows)
    size = path.stat().st_size
    sealing = data / "hub.db.sealing"
    targets = [0.1, 0.3, 0.5, 0.7, 0.9]
    kills_mid_way = 0
    for target in targets:
        proc = subprocess.Popen(
            [sys.executable, "-m", "central", "dossiers", "--data", str(data)],
            cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if sealing.stat().st_size >= size * target:
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.002)
        proc.kill()  # SIGKILL
        proc.wait(10)
        mid_way = proc.returncode == -9 and sealing.exists() and sealed_db.is_plaintext(path)
        kills_mid_way += mid_way
        if sealed_db.is_plaintext(path):  # not sealed yet: the plaintext file is whole
            plain = Database(f"sqlite:///{path}")
            with plain.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM filler")).scalar_one() == rows
            plain.engine.dispose()
        else:
            break
    print(f"kill -9 landed mid-way {kills_mid_way} times of {len(targets)}")
    assert kills_mid_way >= 3, f"only {kills_mid_way} kills landed mid-way"
    done = run_py("-m", "central", "dossiers", "--data", str(data), check=False)
    assert done.returncode == 0, done.stderr
    assert not sealed_db.is_plaintext(path) and not sealing.exists()
    assert count_filler(data) == rows


def test_a_hub_started_with_another_key_stops_clearly_and_changes_nothing(tmp_path: Path):
    data = tmp_path / "hub"
    data.mkdir()
    assert run_py("-m", "central", "dossiers", "--data", str(data)).returncode == 0
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    other = tmp_path / "other-keys" / "blob.key"
    load_or_create(other)
    for args in (["dossiers"], ["serve", "--port", "1"]):
        done = run_py("-m", "central", *args, "--data", str(data), "--blob-key", str(other), check=False)
        assert done.returncode != 0
        assert "Traceback" not in done.stderr, done.stderr
        assert (
            f"hub database {data.resolve() / 'hub.db'} does not open with the key in {other}" in done.stderr
        )
        assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
    assert default_key_file(data).is_file()
    assert run_py("-m", "central", "dossiers", "--data", str(data)).returncode == 0  # its own key


def test_serve_with_two_workers_seals_an_older_hub_db_and_both_workers_read_it(tmp_path: Path):
    data = tmp_path / "hub"
    path = plaintext_hub(data, 50)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--workers", "2", "--port", str(port), "--data", str(data)],
        cwd=ROOT, env=env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline, seen = time.monotonic() + 60, 0
        while time.monotonic() < deadline and seen < 20:
            try:  # the enroll route reads the database: a bad code is refused by whichever worker
                answer = requests.post(
                    f"http://127.0.0.1:{port}/api/v1/enroll",
                    json={"code": "KHONG-CO", "name": "x"},
                    timeout=2,
                )
                assert answer.status_code in (400, 401, 403, 404, 422), answer.text
                seen += 1
            except requests.ConnectionError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert seen == 20, (tmp_path / "serve.log").read_text()
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
    assert not sealed_db.is_plaintext(path) and count_filler(data) == 50
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
