"""`python -m app audit verify` against every way of rewriting history: one test each, plus a clean
store that still verifies. Each tamper is done with the store's own key (a person who can open the
database) but without the audit key's HMAC, which is what a forger lacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.storage import open_db
from app.storage.events import refresh_projection

ROOT = Path(__file__).resolve().parents[1]


def _app(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("seeded") / "home"
    assert _app(home, "demo", "--dossiers", "12", "--pages", "1", "--seed", "5").returncode == 0
    return home


@pytest.fixture
def home(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    subprocess.run(["cp", "-a", str(seeded), str(copy)], check=True)
    return copy


def _verify(home: Path) -> subprocess.CompletedProcess[str]:
    return _app(home, "audit", "verify")


def _sql(home: Path, *statements: str) -> None:
    with open_db(home / "desk.db") as db:
        for sql in statements:
            db.conn.execute(sql)


def test_a_clean_store_verifies(home):
    result = _verify(home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every event sealed" in result.stdout
    assert _app(home, "check").returncode == 0


def test_an_edited_event_payload_is_detected(home):
    _sql(
        home, "UPDATE events SET payload = json_set(payload, '$.rating', 'rat_hai_long') WHERE type = 'rated'"
    )
    result = _verify(home)
    assert result.returncode == 1 and "changed after it was stored" in result.stdout


def test_the_issue_attack_rewrite_a_rating_and_a_name_then_refold_is_detected(home):
    with open_db(home / "desk.db") as db:
        did = db.conn.execute("SELECT dossier_id FROM events WHERE type = 'rated' LIMIT 1").fetchone()[0]
        db.conn.execute(
            "UPDATE events SET payload = json_set(payload, '$.rating', 'rat_hai_long') WHERE type = 'rated' AND dossier_id = ?",
            (did,),
        )
        db.conn.execute(
            "UPDATE events SET payload = json_set(payload, '$.applicant.full_name', 'Người Khác')"
            " WHERE type = 'received' AND dossier_id = ?",
            (did,),
        )
        refresh_projection(db, did)  # the projection now agrees with the forged log
    assert _verify(home).returncode == 1
    check = _app(home, "check")
    assert check.returncode == 1 and "changed after it was stored" in check.stdout


def test_an_edited_projection_is_detected(home):
    _sql(
        home, "UPDATE dossiers SET applicant_name = 'Người Khác' WHERE rid = (SELECT min(rid) FROM dossiers)"
    )
    result = _verify(home)
    assert result.returncode == 1 and "projection" in result.stdout


def test_an_edited_audit_row_is_detected(home):
    _sql(home, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    result = _verify(home)
    assert result.returncode == 1 and "row 3" in result.stdout


def test_a_deleted_audit_row_is_detected(home):
    _sql(home, "DELETE FROM audit_log WHERE seq = 5")
    result = _verify(home)
    assert result.returncode == 1 and "row 5 is missing" in result.stdout


def test_a_deleted_tail_is_detected(home):
    with open_db(home / "desk.db") as db:
        last = db.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        # the last rows seal events: drop those events too, so only the chain can tell
        sealed = [
            json.loads(d)["event_id"]
            for (d,) in db.conn.execute("SELECT detail FROM audit_log WHERE seq > ?", (last - 2,))
            if "event_id" in json.loads(d)
        ]
        db.conn.execute("PRAGMA foreign_keys = OFF")
        for event_id in sealed:
            for table in ("outbox", "event_files"):
                db.conn.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
            db.conn.execute("DELETE FROM events WHERE id = ?", (event_id,))
        db.conn.execute("DELETE FROM audit_log WHERE seq > ?", (last - 2,))
        db.conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", (last - 2,))
    result = _verify(home)
    assert result.returncode == 1 and "tail deleted" in result.stdout


def test_a_reset_sqlite_sequence_is_detected(home):
    _sql(home, "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'audit_log'")
    result = _verify(home)
    assert result.returncode == 1 and "sqlite_sequence" in result.stdout


def test_an_inserted_event_that_no_audit_row_seals_is_detected(home):
    with open_db(home / "desk.db") as db:
        row = db.conn.execute("SELECT * FROM events WHERE type = 'rated' LIMIT 1").fetchone()
        cols = [c[1] for c in db.conn.execute("PRAGMA table_info(events)")]
        forged = dict(zip(cols, row, strict=True), id="0190ffff-0000-7000-8000-000000000099")
        db.conn.execute(
            f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            list(forged.values()),
        )
    result = _verify(home)
    assert result.returncode == 1 and "not sealed" in result.stdout


def test_a_sanctioned_rewrite_is_resealed_and_the_chain_says_so(home):
    from app.storage.audit import reseal_event, verify_chain

    with open_db(home / "desk.db") as db:
        event_id = db.conn.execute("SELECT id FROM events WHERE type = 'rated' LIMIT 1").fetchone()[0]
        with db.transaction():
            db.conn.execute(
                "UPDATE events SET stored_at = '2026-12-01T00:00:00.000+00:00' WHERE id = ?", (event_id,)
            )
            assert not verify_chain(db).is_intact
            reseal_event(db, event_id, "hlc_repair")
        assert verify_chain(db).is_intact
        assert (
            db.conn.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'event.resealed.hlc_repair'"
            ).fetchone()[0]
            == 1
        )
