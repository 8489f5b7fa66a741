"""Dossiers saved before phone search existed are found by phone: an idempotent re-index at store open
(and from `python -m app check --repair`), no schema migration, tried on the old store fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.services.integrity import check_search_index
from app.services.queries import list_dossiers
from app.storage import open_db, search_index
from app.storage.events import load_state, projection_row, search_terms
from app.storage.migrations import LATEST, schema_version
from tests.fixtures.db.make_fixtures import FIXTURE_KEY

FIXTURE = Path(__file__).parent / "fixtures" / "db" / f"schema_{LATEST}.db"
DUC = "0190e1a0-0000-7000-8000-0000000000d1"  # applicant phone 0912345678 in the fixture
MAI = "0190e1a0-0000-7000-8000-0000000000d2"  # 0987654321


def found(db, query: str) -> set[str]:
    return {d["id"] for d in list_dossiers(db, "all", query, limit=50).items}


def as_the_earlier_desk_left_it(tmp_path: Path) -> Path:
    """The latest-schema fixture with its projection written, and its index rows holding the terms the
    desk wrote before phone search existed (code, name, ID number, procedure), no layout recorded."""
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURE, path)
    with open_db(path, keys=FIXTURE_KEY, migrate=False) as db, db.transaction() as conn:
        for dossier_id in (DUC, MAI):
            row = projection_row(load_state(db, dossier_id))
            sets = ", ".join(f"{c} = ?" for c in row if c != "id")
            conn.execute(
                f"UPDATE dossiers SET {sets} WHERE id = ?",
                [*(v for c, v in row.items() if c != "id"), dossier_id],
            )
            rid = conn.execute("SELECT rid FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()[0]
            conn.execute("DELETE FROM dossier_fts WHERE rowid = ?", (rid,))
            conn.execute("INSERT INTO dossier_fts (rowid, terms) VALUES (?, ?)", (rid, search_terms(row)))
        assert db.get_value(search_index.VERSION_KEY) is None
        assert found(db, "0912 345 678") == set() and found(db, "duc") == {DUC}  # the bug, as it was
    return path


def test_dossiers_indexed_before_phone_search_are_found_by_phone_once_the_store_opens(tmp_path):
    path = as_the_earlier_desk_left_it(tmp_path)
    with open_db(path, keys=FIXTURE_KEY) as db:
        assert schema_version(db.conn) == LATEST  # no migration ran: the repair is not one
        assert found(db, "0912 345 678") == {DUC} and found(db, "+84 987 654 321") == {MAI}
        assert found(db, "duc") == {DUC}  # what was findable stays findable
        assert db.get_value(search_index.VERSION_KEY) == str(search_index.TERMS_VERSION)
        assert check_search_index(db).ok


def test_the_reindex_is_idempotent_and_the_check_reports_what_it_would_fix(tmp_path):
    path = as_the_earlier_desk_left_it(tmp_path)
    with open_db(path, keys=FIXTURE_KEY, migrate=False) as db:
        assert not check_search_index(db).ok and "2 dossiers" in check_search_index(db).detail
        assert search_index.reindex(db) == 2
        before = db.conn.execute("SELECT rowid, terms FROM dossier_fts ORDER BY rowid").fetchall()
        assert search_index.reindex(db) == 0  # layout recorded: one key read, nothing written
        assert search_index.reindex(db, force=True) == 0  # `check --repair`: every row already right
        assert db.conn.execute("SELECT rowid, terms FROM dossier_fts ORDER BY rowid").fetchall() == before
        assert check_search_index(db).ok and found(db, "0987654321") == {MAI}


def test_a_projection_left_stale_is_refolded_and_found_by_phone(tmp_path):
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURE, path)  # its projection rows are deliberately stale ('{}'), no index rows
    with open_db(path, keys=FIXTURE_KEY) as db:
        assert found(db, "0912345678") == {DUC}
        row = db.conn.execute("SELECT state FROM dossiers WHERE id = ?", (DUC,)).fetchone()
        assert row[0] == projection_row(load_state(db, DUC))["state"]


def test_check_finds_a_lost_index_row_and_check_repair_restores_it(tmp_path):
    import os
    import subprocess
    import sys

    from app.services import intake
    from tests.store_helpers import make_desk, request

    home = tmp_path / "home"
    desk = make_desk(home)
    state = intake.receive(desk, request(desk))
    with desk.db.transaction() as conn:  # the layout is recorded, yet this dossier's row is gone
        conn.execute(
            "DELETE FROM dossier_fts WHERE rowid = (SELECT rid FROM dossiers WHERE id = ?)", (state.id,)
        )
    desk.db.close()
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "MOTCUA_HOME": str(home), "PYTHONPATH": str(root)}

    def app(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "app", "check", *args]
        return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120)

    broken = app()
    assert (
        broken.returncode == 1
        and "Search index" in broken.stdout
        and "1 dossiers not findable" in broken.stdout
    )
    repaired = app("--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "Search index: 1 dossiers re-indexed" in repaired.stdout
    again = app("--repair")
    assert again.returncode == 0 and "Search index sound" in again.stdout
    with open_db(home / "desk.db") as db:
        assert found(db, "0912345678") == {state.id}
