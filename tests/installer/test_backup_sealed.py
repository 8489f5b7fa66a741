"""Backups of a sealed desk: opened only by the store key (recovery key), verified before anything is
replaced, and carrying the centre's calendar and digitization-profile publications."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from app import keys
from app.backup import create_backup
from app.digitization import installed_profile
from app.restore import restore_backup
from app.services import clerks
from app.storage import open_db
from tests.installer.seed import PEOPLE, seed


def _sealed(home: Path) -> str:
    seed(home)
    with open_db(home / "desk.db") as db:
        clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
        text = keys.seal(home, db.keys)
    (home / "calendar").mkdir()
    (home / "calendar" / "2027.json").write_text('{"year": 2027, "days_off": []}', encoding="utf-8")
    (home / "digitization.json").write_text('{"mode": "color", "min_dpi": 300}', encoding="utf-8")
    return text


def test_a_sealed_backup_restores_on_a_new_machine_only_with_its_recovery_key(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    text = _sealed(src)
    info = create_backup(tmp_path / "b.tar", src)
    keys.forget(src)
    with tarfile.open(info.path) as tar:
        assert {"calendar/2027.json", "keys.json", "digitization.json"} <= set(tar.getnames())
    raw = info.path.read_bytes()
    assert PEOPLE[0].id_number.encode() not in raw and b"SQLite format 3" not in raw

    with pytest.raises(keys.StoreLockedError):
        restore_backup(info.path, dst)
    with pytest.raises(keys.WrongSecretError):
        restore_backup(info.path, dst, keys=keys.StoreKeys(os.urandom(32)))
    assert not (dst / "desk.db").exists() and not (dst / "keys.json").exists()

    restore_backup(info.path, dst, keys=keys.parse_recovery(text))
    keys.forget(dst)
    assert (dst / "calendar" / "2027.json").is_file()
    assert installed_profile(dst).mode == "color"  # the centre's digitization profile travelled too
    opened = keys.unlock_with_password(dst, "lan", "mat-khau-1")  # the clerk's wrap travelled too
    with open_db(dst / "desk.db", keys=opened) as db:
        assert db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == len(PEOPLE)


def test_restore_checks_the_sealed_database_before_replacing_anything(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    text = _sealed(src)
    info = create_backup(tmp_path / "b.tar", src)
    # a backup whose members match its manifest but whose database is not this store's: rebuilt by hand
    bad = tmp_path / "bad.tar"
    other = tmp_path / "other"
    seed(other, PEOPLE[:1])
    with tarfile.open(info.path) as tar_in, tarfile.open(bad, "w") as tar_out:
        for member in tar_in:
            data = tar_in.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "desk.db":
                data = (other / "desk.db").read_bytes()
            if member.name == "manifest.json":
                import hashlib
                import json

                manifest = json.loads(data)
                manifest["files"]["desk.db"] = hashlib.sha256((other / "desk.db").read_bytes()).hexdigest()
                data = json.dumps(manifest).encode()
            member.size = len(data)
            import io

            tar_out.addfile(member, io.BytesIO(data))
    seed(dst, PEOPLE[:1])
    before = (dst / "desk.db").read_bytes()
    with pytest.raises(keys.WrongSecretError):
        restore_backup(bad, dst, keys=keys.parse_recovery(text), force=True)
    assert (dst / "desk.db").read_bytes() == before
    assert not list(dst.glob("*.pre-restore-*"))
