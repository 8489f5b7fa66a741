"""The desk's audit chain head goes to a real hub each pass; a desk rolled back to an older copy is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.storage.audit import chain_head
from app.storage.db import open_db
from sync.audit_head import AUDIT_WARNING_VI
from sync.engine import SyncConfig, SyncReport, run_once
from sync.enroll import load_identity
from sync.status import status
from tests.sync.hubkit import Hub, enroll_desk, make_dossier


def sync(home: Path) -> SyncReport:
    report = run_once(SyncConfig(home=home, chunk_size=16 * 1024), lambda d, t: None, lambda: False)
    assert report.outcome == "ok", report.log_message
    return report


def head(home: Path) -> tuple[int, str]:
    db = open_db(home / "desk.db")
    try:
        return chain_head(db)
    finally:
        db.close()


def copy_of(home: Path, to: Path) -> Path:
    """The whole desk home as a backup would keep it (no connection open)."""
    shutil.copytree(home, to)
    return to


def restore(copy: Path, home: Path) -> None:
    shutil.rmtree(home)
    shutil.copytree(copy, home)


def hub_log(hub: Hub) -> str:
    return "".join(p.read_text(errors="replace") for p in hub.data.parent.glob("hub-*.log"))


def device_of(home: Path) -> str:
    _url, creds = load_identity(home)
    return creds.device_id


def a_desk_with_an_older_copy(hub: Hub, tmp_path: Path) -> tuple[Path, Path]:
    """A desk that synced, was copied (a backup), then wrote and synced once more: (home, copy)."""
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    make_dossier(home, "P01", 1, pages=1)
    sync(home)
    older = copy_of(home, tmp_path / "usb-copy")
    make_dossier(home, "P01", 1, pages=1, seed=1)
    assert sync(home).audit_warning is None
    return home, older


def test_a_desk_that_keeps_going_gets_no_warning(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    for seed in range(3):
        make_dossier(home, "P01", 1, pages=1, seed=seed)
        assert sync(home).audit_warning is None
    assert sync(home).audit_warning is None  # the same head again: nothing new, nothing wrong
    assert status(home)["audit_warning"] is None
    assert sqlite_hub.cli("audit-forks").strip().endswith("no audit chain warnings")
    assert "audit chain" not in hub_log(sqlite_hub)


def test_a_desk_restored_from_an_older_copy_is_warned_and_the_hub_records_it(hub: Hub, tmp_path: Path):
    home, older = a_desk_with_an_older_copy(hub, tmp_path)
    seq_at_hub = head(home)[0]

    restore(older, home)
    assert head(home)[0] < seq_at_hub
    report = sync(home)
    assert report.audit_warning == AUDIT_WARNING_VI
    assert "khôi phục từ bản sao lưu cũ" in (status(home)["audit_warning"] or "")
    device = device_of(home)
    listing = hub.cli("audit-forks")
    assert f"device {device}: backwards, hub had seq {seq_at_hub}" in listing
    log = hub_log(hub)
    assert f"audit chain of device {device} (point P01) went backwards" in log
    assert "Nguyễn" not in log and "001099000001" not in log


def test_a_restored_desk_that_wrote_past_the_recorded_head_is_still_caught(sqlite_hub: Hub, tmp_path: Path):
    home, older = a_desk_with_an_older_copy(sqlite_hub, tmp_path)
    seq_at_hub = head(home)[0]

    restore(older, home)
    for seed in (2, 3, 4):  # the restored desk works on: its chain grows past the hub's record
        make_dossier(home, "P01", 1, pages=1, seed=seed)
    assert head(home)[0] > seq_at_hub
    assert sync(home).audit_warning == AUDIT_WARNING_VI
    assert f"device {device_of(home)}: forked, hub had seq {seq_at_hub}" in sqlite_hub.cli("audit-forks")


def test_the_warning_stays_until_the_centre_clears_it(sqlite_hub: Hub, tmp_path: Path):
    home, older = a_desk_with_an_older_copy(sqlite_hub, tmp_path)
    restore(older, home)
    assert sync(home).audit_warning == AUDIT_WARNING_VI
    make_dossier(home, "P01", 1, pages=1, seed=2)
    assert sync(home).audit_warning == AUDIT_WARNING_VI  # extends the new record, but not yet looked into
    assert "1 warning" in sqlite_hub.cli("audit-forks", "--clear", device_of(home))
    assert sync(home).audit_warning is None
    assert status(home)["audit_warning"] is None
    assert sqlite_hub.cli("audit-forks").strip().endswith("no audit chain warnings")
    assert "(cleared)" in sqlite_hub.cli("audit-forks", "--all")


def test_a_hub_from_before_audit_heads_does_not_stop_the_desks_passes(sqlite_hub: Hub, tmp_path: Path):
    """Desks may be upgraded before their hub: a hub without the route answers its own 404 (with its
    protocol header), and the pass still ends ok with everything delivered. A 404 from a stranger (no
    protocol header) is still not believed."""
    import json

    from tests.sync.fakehub import PROTOCOL, Answer, FakeHub, Request, forward

    def older_hub(stranger: bool) -> FakeHub:
        def behave(request: Request) -> Answer:
            if request.path.startswith("/api/v1/audit/head"):
                headers = {"Content-Type": "application/json", **({} if stranger else PROTOCOL)}
                return Answer(404, headers, json.dumps({"detail": "Not Found"}).encode())
            return forward(sqlite_hub.url, request)

        return FakeHub(behave)

    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    dossier_id, _, _ = make_dossier(home, "P01", 1, pages=1, seed=5)
    _url, creds = load_identity(home)
    for stranger in (False, True):
        fake = older_hub(stranger)
        try:
            report = run_once(
                SyncConfig(home=home, hub_url=fake.url, credentials=creds), lambda d, t: None, lambda: False
            )
        finally:
            fake.close()
        if stranger:
            assert report.outcome != "ok" and "audit/head" in (report.log_message or "")
        else:
            assert report.outcome == "ok" and report.audit_warning is None, report.log_message
            assert dossier_id in {d["id"] for d in sqlite_hub.dossiers("P01")}
