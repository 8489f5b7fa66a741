"""The desk heals: a poison event is isolated and the rest flows, a pretender's acknowledgements
are undone by reconciliation, a clock an earlier version poisoned is repaired at start-up (and
its dossier views render), events stamped ahead of the hub's clock wait unsent and go by
themselves, IT can re-queue rejected events and re-read the feed."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from types import SimpleNamespace

from app.config import load_settings
from app.domain.hlc import MAX_AHEAD_MS, Hlc, HybridClock, now_ms
from app.domain.ids import new_id
from app.storage.db import open_db
from app.storage.events import append_event, load_state, refresh_projection
from sync.enroll import load_identity
from sync.outbox import CURSOR_KEY, DeskOutbox
from sync.protocol import MAX_RECONCILE, STAMP_AHEAD_REASON, ReconcileResponse
from sync.status import status
from sync.transport import HubTransport
from tests.sync.fakehub import PROTOCOL, Answer, FakeHub, Request, forward, json_answer
from tests.sync.hubkit import Hub, enroll_desk, next_code, received_payload, run_py
from tests.sync.test_hostile_hub import POINT, Desk, against, assert_recovers, push_ok_then


def forwarding(hub: Hub, poison: str) -> FakeHub:
    """A proxy in front of the real hub that answers 500 to any POST carrying `poison`."""

    def behave(request: Request) -> Answer:
        if request.method == "POST" and poison.encode() in request.body:
            return Answer(500, {}, b"Internal Server Error")
        return forward(hub.url, request)

    return FakeHub(behave)


def _poison_desk(hub: Hub, home: Path) -> tuple[Desk, str]:
    enroll_desk(hub, home, POINT, 1)
    d = Desk(home, hub, [])
    for seed in range(5):
        d.new_dossier(seed)
    store = DeskOutbox(home)
    try:
        poison = store.pending_events(1)[0].id
    finally:
        store.close()
    return d, poison


def test_a_poison_event_is_set_aside_and_the_rest_flows(sqlite_hub: Hub, tmp_path: Path):
    desk, poison = _poison_desk(sqlite_hub, tmp_path / "desk")
    proxy = forwarding(sqlite_hub, poison)
    try:
        first = desk.sync(proxy.url, batch_size=10)
        assert first.outcome == "offline" and first.error_code == "hub_unavailable"
        second = desk.sync(proxy.url, batch_size=10)
        assert second.outcome == "ok" and second.held_back == 1 and second.pushed == 4, second.log_message
        assert status(desk.home)["last_error"] and "chưa gửi được" in status(desk.home)["last_error"]
        desk.new_dossier(9)
        third = desk.sync(proxy.url, batch_size=10)  # the poison first again: split at once
        assert third.held_back == 1 and third.pushed == 1 and third.rejected == 0, third.log_message
    finally:
        proxy.close()
    at_hub = {e[0] for e in sqlite_hub.events()}
    assert poison not in at_hub and len(at_hub) == 5
    assert status(desk.home)["pending_events"] == 1 and status(desk.home)["rejected_events"] == 0
    assert_recovers(desk)  # straight to the hub, which takes it: everything exact


def test_a_pretenders_acknowledgements_are_undone_by_reconciliation(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    desk = Desk(home, sqlite_hub, [])
    desk.new_dossier(1)
    desk.drain()
    desk.new_dossier(2)
    desk.new_dossier(3)
    feed = lambda r: json_answer({"changes": [], "cursor": 0, "has_more": False}, **PROTOCOL)  # noqa: E731
    against(desk, push_ok_then(feed))
    assert status(desk.home)["pending_events"] == 0  # it believed the pretender: marked sent
    back = desk.sync()
    assert back.reconciled and back.requeued == 2 and back.pushed == 2, back.log_message
    assert_recovers(desk)


def test_reconcile_on_demand_finds_an_event_the_hub_never_got(hub: Hub, tmp_path: Path):
    """On SQLite and PostgreSQL: the reconcile route answers for the device's point only."""
    home = tmp_path / "desk"
    enroll_desk(hub, home, POINT, 1)
    desk = Desk(home, hub, [])
    desk.new_dossier(1)
    desk.drain()
    desk.new_dossier(2)
    db = open_db(home / "desk.db")
    with db.transaction():  # an older version's silent loss: marked sent, never delivered
        db.conn.execute("UPDATE outbox SET sent_at = '2026-01-01' WHERE sent_at IS NULL")
    db.close()
    check = run_py("-m", "app", "check", home=home, check=False)
    assert check.returncode == 0  # the desk cannot know yet: reconciliation tells
    out = run_py("-m", "sync", "reconcile", home=home)
    assert json.loads(out.stdout.strip().splitlines()[-1])["events_requeued"] == 1
    assert status(home)["pending_events"] == 1
    assert_recovers(desk)
    stranger = tmp_path / "stranger"
    enroll_desk(hub, stranger, "P02", 1)
    url, creds = load_identity(stranger)
    transport = HubTransport(url, creds)
    try:
        mine = sorted(desk.event_ids())
        assert transport.reconcile(mine, sorted(desk.local_shas())) == ReconcileResponse(events=[], files=[])
        longest = [f"{i:04d}" + "x" * 60 for i in range(MAX_RECONCILE)]  # the largest request fits the guard
        shas = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(MAX_RECONCILE)]
        assert transport.reconcile(longest, shas) == ReconcileResponse(events=[], files=[])
        assert set(HubTransport(url, load_identity(home)[1]).reconcile(mine, []).events) == set(mine)
    finally:
        transport.close()


def _dossier_stamped_ahead(desk: Desk, ahead_ms: int) -> tuple[str, str]:
    """A dossier received while the desk's clock ran `ahead_ms` fast; returns (dossier, event) ids."""
    db = open_db(desk.home / "desk.db")
    try:
        db.clock = HybridClock(wall=lambda: now_ms() + ahead_ms)
        dossier_id = new_id()
        payload = received_payload(next_code(POINT, 1), POINT, 1, [])
        event = append_event(db, dossier_id, "received", payload, "clerk1")
        refresh_projection(db, dossier_id)
    finally:
        db.close()
    desk.dossiers.append(dossier_id)
    return dossier_id, event.id


def _refusals_logged(hub: Hub, event_id: str) -> int:
    log = hub.data.parent / f"hub-{hub.port}.log"
    return sum(event_id in line and "rejected" in line for line in log.read_text().splitlines())


def test_events_stamped_ahead_of_the_hub_wait_unsent_and_go_by_themselves(sqlite_hub: Hub, tmp_path: Path):
    """A desk whose clock ran fast before it learned the hub's offset: its events are held (not
    rejected, not resent while ahead) and go on the first pass the hub's clock allows, with no IT."""
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    desk = Desk(home, sqlite_hub, [])
    desk.new_dossier(1)
    ahead, event_id = _dossier_stamped_ahead(desk, MAX_AHEAD_MS + 15_000)
    first = desk.sync()
    assert first.outcome == "ok" and first.pushed == 1, first.log_message
    assert first.held_ahead == 1 and first.rejected == 0
    st = status(home)
    assert st["rejected_events"] == 0 and st["pending_events"] == 1
    assert "held_ahead" in st["last_error"] and "tự gửi khi đến giờ" in st["last_error"]
    assert _refusals_logged(sqlite_hub, event_id) == 1 and ahead not in {e[1] for e in sqlite_hub.events()}
    second = desk.sync()  # the desk now knows the hub's clock: the event is not even sent
    assert second.held_ahead == 1 and second.pushed == 0 and second.rejected == 0, second.log_message
    assert _refusals_logged(sqlite_hub, event_id) == 1
    deadline = time.monotonic() + 90
    while (report := desk.sync()).pushed == 0:  # nobody re-queues it: the hub's clock comes
        assert report.held_ahead == 1 and time.monotonic() < deadline, report.log_message
        time.sleep(1)
    assert report.held_ahead == 0 and report.rejected == 0 and status(home)["last_error"] is None
    assert ahead in {e[1] for e in sqlite_hub.events()}
    assert _refusals_logged(sqlite_hub, event_id) == 1
    assert_recovers(desk)


def test_a_clock_refusal_an_earlier_version_rejected_goes_again_and_a_genuine_one_stays(
    sqlite_hub: Hub, tmp_path: Path
):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    desk = Desk(home, sqlite_hub, [])
    clock_refused, _ = desk.new_dossier(1)
    genuine, _ = desk.new_dossier(2)
    store = DeskOutbox(home)
    try:
        first, second = store.pending_events(2)
        store.reject(first.id, STAMP_AHEAD_REASON)  # as an earlier version left it
        store.reject(second.id, "actor must be a clerk of the point")
    finally:
        store.close()
    report = desk.sync()
    assert report.outcome == "ok" and report.pushed == 1 and report.rejected == 0, report.log_message
    at_hub = {e[1] for e in sqlite_hub.events()}
    assert clock_refused in at_hub and genuine not in at_hub
    assert status(home)["rejected_events"] == 1 and status(home)["pending_events"] == 0


def test_rejected_events_fail_app_check_until_requeued(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    desk = Desk(home, sqlite_hub, [])
    desk.new_dossier(1)
    store = DeskOutbox(home)
    try:
        store.reject(store.pending_events(1)[0].id, "refused by an earlier version on a proxy's 405")
    finally:
        store.close()
    check = run_py("-m", "app", "check", home=home, check=False)
    assert check.returncode == 1 and "rejected by the hub" in check.stdout
    assert "1 sự kiện" in run_py("-m", "sync", "requeue", "--all", home=home).stdout
    assert_recovers(desk)


def test_reset_cursor_reads_the_feed_again_idempotently(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, POINT, 1)
    desk = Desk(home, sqlite_hub, [])
    _, code = desk.new_dossier(1)
    desk.drain()
    sqlite_hub.agency_post(code, "accepted")
    sqlite_hub.agency_post(code, "processing")
    desk.drain()
    store = DeskOutbox(home)
    try:
        store.set(CURSOR_KEY, str(2**62))  # an older version stored a pretender's cursor
    finally:
        store.close()
    assert desk.sync().pulled == 0  # refused at once: read again from 0, nothing new applied
    run_py("-m", "sync", "reset-cursor", home=home)
    assert status(home)["cursor"] == 0
    again = desk.sync()
    assert again.outcome == "ok" and again.pulled == 0 and status(home)["cursor"] >= 3
    assert_recovers(desk)


def _timeline(home: Path, db: object, dossier_id: str) -> list[dict[str, str]]:
    from ui.adapters.dossier import timeline

    ctx = SimpleNamespace(home=home, db=db, settings=load_settings(home), clerk=None)
    return list(timeline(ctx, dossier_id))  # type: ignore[arg-type]


def test_a_clock_poisoned_by_the_previous_version_is_repaired_at_start_up(tmp_path: Path):
    for bad in ("253402300799999-000005", "1000000000000000-000000"):
        home = tmp_path / bad[:4]
        db = open_db(home / "desk.db")
        db.clock = HybridClock(wall=lambda: 253402300799999)  # the year 9999, adopted from the wire
        poisoned = append_event(
            db, "d-poisoned", "received", received_payload("P01-9", POINT, 1, []), "clerk"
        )
        refresh_projection(db, "d-poisoned")
        with db.transaction():  # as the previous version left it: no own-stamp key, the clock stored
            db.conn.execute("DELETE FROM sync_state WHERE key = 'hlc.own'")
            db.set_value("hlc", bad)
        db.close()
        assert poisoned.at.startswith("253402300799999")

        db = open_db(home / "desk.db")  # start-up
        try:
            assert db.clock_repaired == bad
            assert Hlc.parse(db.get_value("hlc") or "").wall_ms <= now_ms() + MAX_AHEAD_MS
            fresh = append_event(db, "d-new", "received", received_payload("P01-10", POINT, 1, []), "clerk")
            refresh_projection(db, "d-new")
            assert Hlc.parse(fresh.at).wall_ms <= now_ms() + MAX_AHEAD_MS
            old_view, new_view = _timeline(home, db, "d-poisoned"), _timeline(home, db, "d-new")
        finally:
            db.close()
        assert old_view[0]["when"].startswith("30/12/9999") and new_view[0]["when"][6:10].isdigit()
        check = run_py("-m", "app", "check", home=home, check=False)
        assert check.returncode == 0, check.stdout
        repair = run_py("-m", "app", "check", "--repair", home=home, check=False)
        assert repair.returncode == 0 and "Device clock sound" in repair.stdout
        assert load_state(open_db(home / "desk.db"), "d-new").status.value == "received"
