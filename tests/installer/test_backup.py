"""Backup, restore and scheduled backups on a real desk store (no build needed)."""

from __future__ import annotations

import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.backup import create_backup, verify_backup
from app.backup_schedule import backup_to_dir, list_backups, run_scheduled_backup
from app.config import Settings, save_settings
from app.domain.errors import IntegrityError, StorageError
from app.restore import RestoreRefusedError, restore_backup
from app.storage.db import connect_store
from tests.installer.seed import PEOPLE, seed


def event_ids(home: Path) -> set[str]:
    con = connect_store(home / "desk.db")
    try:
        return {r[0] for r in con.execute("SELECT id FROM events")}
    finally:
        con.close()


def blob_names(home: Path) -> set[str]:
    return {p.name for p in (home / "blobs").glob("??/??/*") if not p.name.startswith(".")}


def test_backup_restores_every_event_file_and_setting_on_a_fresh_home(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    seed(src)
    save_settings(Settings(point_code="HN-CG", desk=3), src)
    info = create_backup(tmp_path / "b.tar", src)
    assert info.marker.dossiers == len(PEOPLE) and info.marker.events == len(PEOPLE)

    restore_backup(info.path, dst)

    assert event_ids(dst) == event_ids(src)
    assert blob_names(dst) == blob_names(src)
    assert "desk = 3" in (dst / "config.toml").read_text(encoding="utf-8")
    con = connect_store(dst / "desk.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_a_newer_store_unless_forced(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed(home, PEOPLE[:1])
    old = create_backup(tmp_path / "old.tar", home).path
    seed(home, PEOPLE[1:])  # the machine received more after the backup

    with pytest.raises(RestoreRefusedError):
        restore_backup(old, home)
    assert len(event_ids(home)) == len(PEOPLE)  # nothing touched

    info = restore_backup(old, home, force=True)
    assert len(event_ids(home)) == 1
    assert info.kept_previous is not None and info.kept_previous.exists()


def test_restore_over_an_older_copy_of_the_same_store_needs_no_force(tmp_path: Path) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    seed(home, PEOPLE[:1])
    restore_backup(create_backup(tmp_path / "a.tar", home).path, other)
    seed(home, PEOPLE[1:])
    restore_backup(create_backup(tmp_path / "b.tar", home).path, other)
    assert event_ids(other) == event_ids(home)


def test_a_tampered_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed(home)
    good = create_backup(tmp_path / "b.tar", home).path
    bad = tmp_path / "bad.tar"
    with tarfile.open(good) as src, tarfile.open(bad, "w") as out:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("blobs/"):
                data = b"X" + data[1:]
            out.addfile(member, __import__("io").BytesIO(data))
    with pytest.raises(IntegrityError):
        verify_backup(bad)
    target = tmp_path / "fresh"
    target.mkdir()
    with pytest.raises(IntegrityError):
        restore_backup(bad, target)
    assert not (target / "desk.db").exists()


def test_backup_to_a_folder_keeps_the_newest_n(tmp_path: Path) -> None:
    home, usb = tmp_path / "home", tmp_path / "usb"
    usb.mkdir()
    seed(home, PEOPLE[:1])
    start = datetime(2026, 11, 22, 17, 0, 0)
    for day in range(5):
        backup_to_dir(usb, keep=3, home=home, now=start + timedelta(days=day))
    kept = list_backups(usb)
    assert [t.day for t, _ in kept] == [24, 25, 26]
    assert not list(usb.glob("*.partial"))


def test_scheduled_backup_runs_once_a_day_into_the_configured_folder(tmp_path: Path) -> None:
    home, usb = tmp_path / "home", tmp_path / "usb"
    usb.mkdir()
    seed(home, PEOPLE[:1])
    save_settings(Settings(backup_dir=str(usb), backup_keep=2), home)
    now = datetime(2026, 11, 22, 17, 0, 0)
    assert run_scheduled_backup(home, now) is not None
    assert run_scheduled_backup(home, now + timedelta(hours=3)) is None
    assert run_scheduled_backup(home, now + timedelta(days=1)) is not None
    assert len(list_backups(usb)) == 2


def test_backup_to_an_unplugged_usb_disk_says_so(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as err:
        backup_to_dir(tmp_path / "no-usb", keep=3, home=tmp_path / "home")
    assert "USB" in err.value.user_message
