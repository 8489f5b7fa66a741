import shutil
from pathlib import Path

import pytest

from app.storage import open_db
from app.storage import outbox as ob
from app.storage.audit import verify_chain
from app.storage.events import load_state, projection_row
from app.storage.migrations import LATEST, all_migrations, schema_version

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def test_there_is_a_fixture_database_for_every_schema_version():
    assert sorted(p.name for p in FIXTURES.glob("schema_*.db")) == [
        f"schema_{v}.db" for v in range(1, LATEST + 1)
    ]
    assert [m.version for m in all_migrations()] == list(range(1, LATEST + 1))


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_upgrade_from_each_schema_version_keeps_every_event(tmp_path, version):
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURES / f"schema_{version}.db", path)
    with open_db(path) as db:
        assert schema_version(db.conn) == LATEST
        assert db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
        assert len(ob.pending_events(db, 10)) == 2
        assert [f.sha256 for f in ob.pending_files(db)] == [
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        ]
        state = load_state(db, "0190e1a0-0000-7000-8000-0000000000d1")
        assert state.code == "000.00.00.H26-251124-1001" and state.status.value == "received"
        assert verify_chain(db).is_intact
        if version < LATEST:  # upgraded: the stale projection was rebuilt from the log
            row = db.conn.execute("SELECT state FROM dossiers WHERE id = ?", (state.id,)).fetchone()
            assert row[0] == projection_row(state)["state"]
            hits = db.conn.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'duc'").fetchall()
            assert len(hits) == 1


def test_a_fresh_database_opens_at_the_latest_schema_twice(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        assert schema_version(db.conn) == LATEST
    with open_db(tmp_path / "desk.db") as db:
        assert schema_version(db.conn) == LATEST
