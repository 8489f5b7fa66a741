"""Desk migration 8 (catalog format 2) on a store at schema 7 that already holds a catalog."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from app.catalog import ensure_loaded, get_procedure, search
from app.storage import open_db
from app.storage.cipher import key_pragma, sqlcipher
from app.storage.migrations import migrate, schema_version
from tests.fixtures.db.make_fixtures import FIXTURE_KEY

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def connect_sealed(path: Path) -> Any:
    """A raw SQLCipher connection to a fixture (sealed from schema 7 on) under its key."""
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(key_pragma(FIXTURE_KEY.db_key))
    return conn


def test_migration_8_keeps_format_1_procedures_and_reloads_the_shipped_catalog(tmp_path: Path):
    path = tmp_path / "desk.db"
    shutil.copy(FIXTURES / "schema_7.db", path)
    conn = connect_sealed(path)
    ensure_loaded(conn)  # a schema-7 desk with the (format 1) catalog it shipped with
    conn.execute("UPDATE catalog_procedure SET name = 'Thủ tục đăng ký khai sinh', "
                 "name_folded = 'thu tuc dang ky khai sinh' WHERE code = '1.001193'")  # fmt: skip
    assert conn.execute("SELECT value FROM catalog_meta WHERE key = 'shipped_sha256'").fetchone()
    conn.close()
    with open_db(path, keys=FIXTURE_KEY) as db:
        assert schema_version(db.conn) >= 8
        meta = dict(db.conn.execute("SELECT key, value FROM catalog_meta").fetchall())
        assert meta["schema_version"] == "2" and "shipped_sha256" not in meta
        row = db.conn.execute("SELECT name_folded FROM catalog_procedure WHERE code = '1.001193'").fetchone()
        assert row[0] == "dang ky khai sinh"
        assert get_procedure(db.conn, "1.001193", 1).processing.kind == "working_days"  # format 1 still reads
        ensure_loaded(db.conn)  # re-imports the shipped catalog once, then remembers it
        assert db.conn.execute("SELECT value FROM catalog_meta WHERE key = 'shipped_sha256'").fetchone()
        assert search(db.conn, "dang ky khai sinh")[0].code == "1.001193"
    assert migrate(connect_sealed(path)) == []
