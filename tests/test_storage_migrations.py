import shutil
import sqlite3
from pathlib import Path

import pytest

from app.catalog import ensure_loaded, ensure_schema, get_procedure, search
from app.domain.errors import StorageError
from app.services.queries import status_counts
from app.storage import open_db
from app.storage import outbox as ob
from app.storage.audit import verify_chain
from app.storage.cipher import is_plaintext
from app.storage.events import load_state, projection_row
from app.storage.migrations import LATEST, all_migrations, schema_version
from tests.fixtures.db.make_fixtures import FIRST_SEALED, FIXTURE_KEY

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def test_there_is_a_fixture_database_for_every_schema_version():
    assert sorted((p.name for p in FIXTURES.glob("schema_*.db")), key=lambda n: int(n[7:-3])) == [
        f"schema_{v}.db" for v in range(1, LATEST + 1)
    ]
    assert [m.version for m in all_migrations()] == list(range(1, LATEST + 1))


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_upgrade_from_each_schema_version_keeps_every_event(tmp_path, version):
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURES / f"schema_{version}.db", path)
    sealed = version >= FIRST_SEALED
    assert is_plaintext(path) != sealed
    with open_db(path, keys=FIXTURE_KEY if sealed else None) as db:
        assert not is_plaintext(path)  # a plaintext store is sealed in place at its first open
        assert schema_version(db.conn) == LATEST
        assert db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
        assert len(ob.pending_events(db, 10)) == 2
        assert [f.sha256 for f in ob.pending_files(db)] == [
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        ]
        state = load_state(db, "0190e1a0-0000-7000-8000-0000000000d1")
        assert state.code == "000.00.00.H26-251124-1001" and state.status.value == "received"
        assert verify_chain(db).is_intact
        # schema 5: the dashboard counters match the (rebuilt) projection
        assert {k: n for k, n in status_counts(db).items() if n} == {"received": 2}
        # schema 6: the catalog tables are part of the store
        assert ensure_loaded(db.conn) > 0 and search(db.conn, "khai sinh")[0].code == "1.001193"
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


CATALOG_DDL = (Path(__file__).parents[1] / "app" / "storage" / "migrations" / "0006_catalog.sql").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize("version", [4, 5])
def test_a_store_whose_catalog_was_made_outside_the_migrations_upgrades_and_keeps_it(tmp_path, version):
    """Before schema 6, app.catalog.schema.ensure_schema created the catalog tables with the same DDL."""
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURES / f"schema_{version}.db", path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(CATALOG_DDL)
    assert schema_version(conn) == version
    ensure_loaded(conn)  # already has the tables: imports the shipped catalog without migrating
    conn.execute("UPDATE catalog_meta SET value = 'kept' WHERE key = 'last_import'")
    conn.close()
    with open_db(path) as db:
        assert schema_version(db.conn) == LATEST
        assert (
            db.conn.execute("SELECT value FROM catalog_meta WHERE key = 'last_import'").fetchone()[0]
            == "kept"
        )
        assert get_procedure(db.conn, "1.004222").name.startswith("Đăng ký thường trú")
        assert "1.004222" in [h.code for h in search(db.conn, "thuong tru")]


def test_ensure_schema_migrates_a_bare_connection_and_refuses_inside_a_transaction(tmp_path):
    conn = sqlite3.connect(tmp_path / "bare.db", isolation_level=None)
    conn.execute("BEGIN")
    with pytest.raises(StorageError):
        ensure_schema(conn)
    conn.execute("ROLLBACK")
    ensure_schema(conn)
    assert schema_version(conn) == LATEST
    assert ensure_loaded(conn) > 0
    conn.close()
