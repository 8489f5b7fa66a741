"""A desk and a real hub process, on SQLite and PostgreSQL: push, files, agency, pull."""

from __future__ import annotations

import json
from pathlib import Path

from app.storage.db import open_db
from app.storage.events import load_state
from sync.engine import SyncConfig, run_once
from tests.sync.hubkit import Hub, enroll_desk, local_event_ids, make_dossier, outbox_empty, run_py


def sync(home: Path):
    return run_once(SyncConfig(home=home, chunk_size=16 * 1024), lambda d, t: None, lambda: False)


def test_dossier_reaches_hub_with_files_and_agency_result_comes_back(hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    dossier_id, code, shas = make_dossier(home, "P01", 1, pages=3)
    report = sync(home)
    assert report.outcome == "ok", report.log_message
    assert report.pushed == 1 and report.files_uploaded == 3
    [row] = hub.dossiers("P01")
    assert (row["code"], row["state"], row["files_expected"], row["files_complete"]) == (
        code,
        "received",
        3,
        True,
    )
    assert all(hub.blob_ok(s) for s in shas)
    assert outbox_empty(home)

    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(b"%PDF-1.4 result " * 100)
    hub.agency_post(code, "accepted", "--note", "ok")
    hub.agency_post(code, "result_ready", "--file", str(result))
    report = sync(home)
    assert report.outcome == "ok" and report.pulled == 2 and report.files_downloaded == 1
    db = open_db(home / "desk.db")
    state = load_state(db, dossier_id)
    db.close()
    assert state.status.value == "result_ready"
    assert state.result_files[0]["name"] == "ket-qua.pdf"
    assert (home / "blobs").rglob(state.result_files[0]["sha256"])
    assert [r["state"] for r in hub.dossiers("P01")] == ["result_ready"]


def test_second_pass_sends_and_receives_nothing_new(hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    make_dossier(home, "P01", 1)
    assert sync(home).pushed == 1
    again = sync(home)
    assert (again.outcome, again.pushed, again.files_uploaded, again.pulled) == ("ok", 0, 0, 0)
    assert len(hub.events()) == 1 and local_event_ids(home) == {e[0] for e in hub.events()}


def test_catalog_and_calendar_publications_reach_every_desk(hub: Hub, tmp_path: Path):
    homes = [tmp_path / "d1", tmp_path / "d2"]
    enroll_desk(hub, homes[0], "P01", 1)
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"version": 7, "procedures": [{"code": "1.001"}]}))
    hub.cli("catalog", "publish", str(catalog))
    enroll_desk(hub, homes[1], "P02", 1)  # a point created after publishing still gets it
    calendar = tmp_path / "calendar.json"
    calendar.write_text(json.dumps({"year": 2027, "holidays": ["2027-01-01"]}))
    hub.cli("calendar", "publish", str(calendar))
    for home in homes:
        assert sync(home).outcome == "ok"
        db = open_db(home / "desk.db")
        assert json.loads(db.get_value("sync.catalog") or "{}")["version"] == 7
        assert json.loads(db.get_value("sync.calendar") or "{}")["year"] == 2027
        db.close()


def test_status_json_has_the_documented_fields(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    make_dossier(home, "P01", 1, pages=2, page_size=1000)
    out = json.loads(run_py("-m", "sync", "status", "--json", home=home).stdout)
    assert out["pending_events"] == 1 and out["pending_files"] == 2 and out["pending_bytes"] == 2 * 992
    assert {"last_success", "last_error", "clock_offset_s"} <= out.keys()
    run_py("-m", "sync", "run", "--once", home=home)
    out = json.loads(run_py("-m", "sync", "status", "--json", home=home).stdout)
    assert (out["pending_events"], out["pending_files"], out["pending_bytes"]) == (0, 0, 0)
    assert out["last_success"] and out["last_error"] is None and abs(out["clock_offset_s"]) < 5


def test_an_extension_request_declined_or_withdrawn_at_the_desk_is_accepted_and_folded_by_the_hub(
    sqlite_hub: Hub, tmp_path: Path
):
    """The hub admits and folds the new desk events: nothing refused, nothing flagged, nothing pending."""
    from sqlalchemy import text

    from app.storage.events import append_event

    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    dossier_id, _code, _shas = make_dossier(home, "P01", 1, pages=1)
    db = open_db(home / "desk.db")
    with db.transaction():
        asked = {"reason": "Chậm xác minh", "new_due_date": "2026-12-04"}
        append_event(db, dossier_id, "extension_requested", asked, "clerk1")
        append_event(db, dossier_id, "extension_declined", {"reason": "Chưa đủ căn cứ"}, "head1")
        append_event(db, dossier_id, "extension_requested", asked, "clerk1")
        append_event(db, dossier_id, "extension_withdrawn", {"reason": ""}, "clerk1")
    db.close()
    report = sync(home)
    assert report.outcome == "ok" and report.pushed == 5, report.log_message
    assert outbox_empty(home)  # none refused
    types = [t for _id, d, t in sqlite_hub.events() if d == dossier_id]
    assert types.count("extension_declined") == 1 and types.count("extension_withdrawn") == 1
    engine = sqlite_hub.engine()
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT flags, state_json FROM dossiers WHERE id = :id"), {"id": dossier_id}
        ).one()
    engine.dispose()
    state = json.loads(row[1])
    assert row[0] == 0 and state["pending_extension"] is None
    assert [o["outcome"] for o in state["extension_outcomes"]] == ["declined", "withdrawn"]
