import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.errors import AuthError, ValidationError
from app.services import clerks
from app.storage import open_db
from app.storage.audit import verify_chain

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "desk.db")
    yield database
    database.close()


def _app(home, *args, stdin=""):
    env = {**os.environ, "MOTCUA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_password_is_stored_as_argon2_and_login_works_offline(db):
    clerk = clerks.add_clerk(db, "Lan", "Nguyễn Thị Lan", "head", "mat-khau-1")
    stored = db.conn.execute("SELECT password_hash FROM clerks").fetchone()[0]
    assert stored.startswith("$argon2id$") and "mat-khau-1" not in stored
    assert clerks.login(db, "lan", "mat-khau-1") == clerk
    with pytest.raises(ValidationError):
        clerks.add_clerk(db, "lan", "Another", "clerk", "mat-khau-2")


def test_five_wrong_passwords_lock_the_account_for_a_while(db):
    clerks.add_clerk(db, "minh", "Lê Minh", "clerk", "dung-roi-1")
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for _ in range(clerks.MAX_FAILURES):
        with pytest.raises(AuthError):
            clerks.login(db, "minh", "sai", now)
    with pytest.raises(AuthError, match="locked"):
        clerks.login(db, "minh", "dung-roi-1", now + timedelta(minutes=1))
    assert clerks.login(db, "minh", "dung-roi-1", now + timedelta(minutes=clerks.LOCK_MINUTES + 1))


def test_audit_chain_detects_an_edited_row_and_a_deleted_tail(db):
    clerks.add_clerk(db, "hoa", "Phạm Hoa", "admin", "mat-khau-9")
    for _ in range(3):
        clerks.login(db, "hoa", "mat-khau-9")
    report = verify_chain(db)
    assert report.is_intact and report.rows == 4
    row = db.conn.execute("SELECT detail FROM audit_log WHERE seq = 2").fetchone()[0]
    db.conn.execute("UPDATE audit_log SET action = 'login.failed' WHERE seq = 2")
    assert verify_chain(db).first_broken == 2
    db.conn.execute("UPDATE audit_log SET action = 'login.ok', detail = ? WHERE seq = 2", (row,))
    assert verify_chain(db).is_intact
    db.conn.execute("DELETE FROM audit_log WHERE seq = 4")
    assert verify_chain(db).first_broken == 4


def test_audit_rows_carry_ids_not_personal_data(db):
    clerks.add_clerk(db, "tuan", "Đỗ Văn Tuấn", "clerk", "mat-khau-3")
    text = " ".join(str(r) for r in db.conn.execute("SELECT * FROM audit_log"))
    assert "Tuấn" not in text and "tuan" not in text


def test_clerk_and_audit_commands(tmp_path):
    home = tmp_path / "home"
    added = _app(
        home,
        "clerk",
        "add",
        "mai",
        "--name",
        "Trần Thị Mai",
        "--role",
        "head",
        "--password-stdin",
        stdin="bi-mat-123\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Trần Thị Mai" in _app(home, "clerk", "list").stdout
    assert (
        _app(home, "clerk", "passwd", "mai", "--password-stdin", stdin="ngan\n").returncode == 2
    )  # too short
    assert _app(home, "audit", "verify").returncode == 0
    with open_db(home / "desk.db") as db:
        db.conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
    broken = _app(home, "audit", "verify")
    assert broken.returncode == 1 and "row 1" in broken.stdout


def test_check_command_fails_on_a_corrupt_page(tmp_path):
    home = tmp_path / "home"
    assert _app(home, "demo", "--dossiers", "2", "--pages", "1", "--seed", "3").returncode == 0
    assert _app(home, "check").returncode == 0
    page = next(p for p in (home / "blobs").rglob("*") if p.is_file())
    page.write_bytes(b"scribbled")
    result = _app(home, "check")
    assert result.returncode == 1 and "FAIL" in result.stdout
