"""Each pass ends with the desk telling a real hub what it still holds; an older hub is skipped."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from sqlalchemy import text

from sync.engine import SyncConfig, run_once
from sync.enroll import load_identity
from sync.outbox import DeskOutbox
from sync.outbox_report import report_outbox
from sync.transport import HubTransport
from tests.central.hostile_kit import new_desk, push_events_only
from tests.sync.hubkit import Hub, make_dossier


def desk_report(hub: Hub, device_id: str) -> dict[str, int | None] | None:
    engine = hub.engine()
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT * FROM console_desk_reports WHERE device_id = :d"), {"d": device_id}
            ).first()
    finally:
        engine.dispose()
    return dict(row._mapping) if row else None


def test_a_pass_reports_what_the_desk_still_holds_and_when_it_pushed(sqlite_hub: Hub, tmp_path: Path):
    desk = new_desk(sqlite_hub, tmp_path / "desk", "P01", 1)
    make_dossier(desk.home, "P01", 1, pages=2, page_size=3000)
    push_events_only(desk)  # events pushed, both pages still here
    row = desk_report(sqlite_hub, desk.device_id)
    assert row is not None and row["last_push"] and row["reported_at"] is None
    url, creds = load_identity(desk.home)
    store, transport = DeskOutbox(desk.home), HubTransport(url, creds)
    try:
        sent = report_outbox(store, transport)
    finally:
        transport.close()
        store.close()
    assert sent is not None and (sent.events, sent.files) == (0, 2)
    row = desk_report(sqlite_hub, desk.device_id)
    assert row is not None and (row["outbox_events"], row["outbox_files"]) == (0, 2) and row["reported_at"]
    report = run_once(SyncConfig(home=desk.home), lambda d, t: None, lambda: False)  # a whole pass
    assert report.outcome == "ok", report.log_message
    after = desk_report(sqlite_hub, desk.device_id)
    assert after is not None and (after["outbox_events"], after["outbox_files"]) == (0, 0)
    assert int(after["reported_at"] or 0) >= int(row["reported_at"] or 0)


def test_the_hub_takes_only_a_small_valid_report_from_an_enrolled_desk(sqlite_hub: Hub, tmp_path: Path):
    desk = new_desk(sqlite_hub, tmp_path / "desk", "P01", 1)
    url = sqlite_hub.url + "/api/v1/outbox/report"
    ok = requests.post(url, json={"events": 3, "files": 1}, auth=desk.auth, timeout=10)
    assert ok.status_code == 200
    for bad in ({"events": -1, "files": 0}, {"events": 10**10, "files": 0}, {"events": "3"}, {}):
        assert requests.post(url, json=bad, auth=desk.auth, timeout=10).status_code == 422, bad
    big = json.dumps({"events": 1, "files": 1, "pad": "x" * 2000})
    headers = {"Content-Type": "application/json"}
    assert requests.post(url, data=big, headers=headers, auth=desk.auth, timeout=10).status_code == 413
    stranger = requests.post(url, json={"events": 9, "files": 9}, auth=(desk.device_id, "x"), timeout=10)
    assert stranger.status_code == 401
    row = desk_report(sqlite_hub, desk.device_id)
    assert row is not None and (row["outbox_events"], row["outbox_files"]) == (3, 1)


def test_a_hub_from_before_outbox_reports_does_not_stop_the_desks_passes(sqlite_hub: Hub, tmp_path: Path):
    """A hub without the route answers its own 404 (with its protocol header): the pass ends ok."""
    from tests.sync.fakehub import PROTOCOL, Answer, FakeHub, Request, forward

    def behave(request: Request) -> Answer:
        if request.path.startswith("/api/v1/outbox/report"):
            headers = {"Content-Type": "application/json", **PROTOCOL}
            return Answer(404, headers, json.dumps({"detail": "Not Found"}).encode())
        return forward(sqlite_hub.url, request)

    desk = new_desk(sqlite_hub, tmp_path / "desk", "P01", 1)
    dossier_id, _, _ = make_dossier(desk.home, "P01", 1, pages=1, seed=5)
    _url, creds = load_identity(desk.home)
    fake = FakeHub(behave)
    try:
        report = run_once(
            SyncConfig(home=desk.home, hub_url=fake.url, credentials=creds), lambda d, t: None, lambda: False
        )
    finally:
        fake.close()
    assert report.outcome == "ok", report.log_message
    assert dossier_id in {d["id"] for d in sqlite_hub.dossiers("P01")}
    row = desk_report(sqlite_hub, desk.device_id)
    assert row is not None and row["reported_at"] is None  # nothing reported, the pass went on
