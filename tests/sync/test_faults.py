"""Fault injection: cut connections, a killed hub, a killed desk, a batch twice, a wrong clock.

After each: every event exactly once at the hub, every file complete with the right hash, the
desk's outbox empty, nothing lost on either side.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from app.domain.hlc import HybridClock, now_ms
from app.storage.db import open_db
from app.storage.events import append_event, load_state
from sync.engine import SyncConfig, SyncReport, run_once
from sync.enroll import load_identity
from sync.transport import HubTransport
from tests.sync.hubkit import ROOT, Hub, enroll_desk, env, local_event_ids, make_dossier, outbox_empty
from tests.sync.proxy import CutPlan, FaultProxy, StallPlan

DAY = 86_400


def sync_via(home: Path, url: str | None = None, **kw) -> SyncReport:
    hub_url, creds = load_identity(home)
    kw.setdefault("timeout", (2.0, 10.0))
    config = SyncConfig(home=home, hub_url=url or hub_url, credentials=creds, **kw)
    return run_once(config, lambda d, t: None, lambda: False)


def sync_until_clean(home: Path, url: str | None = None, passes: int = 80, **kw) -> list[SyncReport]:
    reports = []
    for _ in range(passes):
        reports.append(sync_via(home, url, **kw))
        if reports[-1].outcome == "ok" and outbox_empty(home):
            return reports
    raise AssertionError(f"not clean after {passes} passes: {[r.log_message for r in reports[-3:]]}")


def assert_nothing_lost(hub: Hub, homes: list[Path], shas: list[str]) -> None:
    events = hub.events()
    ids = [e[0] for e in events]
    assert len(ids) == len(set(ids))
    local = set().union(*(local_event_ids(h) for h in homes))
    assert local <= set(ids), "a desk event is missing at the hub"
    assert all(hub.blob_ok(s) for s in shas), "a file is missing or has the wrong hash"
    assert all(d["files_complete"] for d in hub.dossiers())
    assert all(outbox_empty(h) for h in homes)


def test_random_cuts_in_both_directions_lose_and_double_nothing(hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    shas: list[str] = []
    for i in range(6):
        shas += make_dossier(home, "P01", 1, pages=3, page_size=50_000, seed=i)[2]
    proxy = FaultProxy(hub.port, CutPlan(cuts=25, low=1, high=60_000))
    try:
        reports = sync_until_clean(home, proxy.url, chunk_size=32 * 1024, batch_size=2)
        assert proxy.plan.done >= 10 and any(r.outcome == "offline" for r in reports)
        assert_nothing_lost(hub, [home], shas)
        codes = [d["code"] for d in hub.dossiers()]
        for code in codes[:3]:
            hub.agency_post(code, "accepted")
        proxy.plan.cuts += 5
        sync_until_clean(home, proxy.url)
        db = open_db(home / "desk.db")
        remote = db.conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM events WHERE origin='remote'"
        ).fetchone()
        db.close()
        assert tuple(remote) == (3, 3)
    finally:
        proxy.close()


def test_cut_connection_mid_upload_resumes_without_resending(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    _, _, shas = make_dossier(home, "P01", 1, pages=1, page_size=1_000_000)
    proxy = FaultProxy(sqlite_hub.port, CutPlan(cuts=1, low=600_000, high=600_000))
    try:
        sync_until_clean(home, proxy.url, chunk_size=1_000_000)
    finally:
        proxy.close()
    assert_nothing_lost(sqlite_hub, [home], shas)
    assert proxy.wire_bytes < 1.3 * 1_000_000, "the upload started again from zero"


def test_hub_killed_and_restarted_mid_push(hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    shas: list[str] = []
    for i in range(40):
        shas += make_dossier(home, "P01", 1, pages=1, page_size=20_000, seed=i)[2]
    desk = subprocess.Popen(
        [sys.executable, "-m", "sync", "run", "--once", "--batch", "2", "--chunk", "4096"],
        cwd=ROOT,
        env={**env(), "MOTCUA_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(hub.events()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    hub.kill()
    assert 0 < len(hub.events()) < 40 or desk.poll() is None
    desk.wait(60)
    hub.start()
    sync_until_clean(home)
    assert_nothing_lost(hub, [home], shas)
    assert len(hub.events()) == 40


def test_desk_killed_with_sigkill_mid_upload_resumes_from_the_hubs_offset(sqlite_hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(sqlite_hub, home, "P01", 1)
    size = 3_000_000
    _, _, shas = make_dossier(home, "P01", 1, pages=1, page_size=size)
    slow = FaultProxy(sqlite_hub.port, bytes_per_s=400_000)
    code = (home / "hub.json").read_text().replace(sqlite_hub.url, slow.url)
    (home / "hub.json").write_text(code)
    desk = subprocess.Popen(
        [sys.executable, "-m", "sync", "run", "--once", "--chunk", "65536"],
        cwd=ROOT,
        env={**env(), "MOTCUA_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tus = sqlite_hub.data / "tus"
    deadline = time.monotonic() + 120
    # kill only once a third of the file is at the hub, so that "resumed" and "sent from zero" are
    # far apart whatever the HTTP overhead and the one chunk a resume may re-send after a 409
    while time.monotonic() < deadline and _largest_upload(tus) < 1_000_000:
        time.sleep(0.02)
    assert _largest_upload(tus) >= 1_000_000, "the desk never got far enough into the upload"
    desk.send_signal(signal.SIGKILL)
    desk.wait(10)
    slow.close()
    assert not sqlite_hub.blob_ok(shas[0])
    counter = FaultProxy(sqlite_hub.port)
    try:
        sync_until_clean(home, counter.url)
    finally:
        counter.close()
    assert_nothing_lost(sqlite_hub, [home], shas)
    assert counter.wire_bytes < size * 0.85, "the resumed upload sent the file from zero"


def _largest_upload(tus: Path) -> int:
    sizes = [0]
    for p in tus.glob("*"):
        if not p.name.endswith(".info"):
            with contextlib.suppress(FileNotFoundError):  # completed and moved meanwhile
                sizes.append(p.stat().st_size)
    return max(sizes)


def test_batch_delivered_twice_is_stored_once(hub: Hub, tmp_path: Path):
    home = tmp_path / "desk"
    enroll_desk(hub, home, "P01", 1)
    for i in range(5):
        make_dossier(home, "P01", 1, pages=1, page_size=500, seed=i)
    hub_url, creds = load_identity(home)
    db = open_db(home / "desk.db")
    from app.storage.outbox import pending_events
    from sync.protocol import WireEvent

    batch = [WireEvent.model_validate(e.to_dict()) for e in pending_events(db, 100)]
    db.close()
    transports = [HubTransport(hub_url, creds) for _ in range(3)]
    answers: list = []
    threads = [threading.Thread(target=lambda t=t: answers.append(t.push(batch))) for t in transports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(a.stored) for a in answers) == [0, 0, 5]  # three at once: stored once
    report = sync_via(home)  # the desk never saw an ack: it sends the batch once more
    assert report.pushed == 0 and report.duplicates == 5
    assert len(hub.events()) == 5
    assert_nothing_lost(hub, [home], [])


def _shift_desk_clock(home: Path, seconds: int) -> None:
    db = open_db(home / "desk.db")
    db.clock = HybridClock(wall=lambda: now_ms() + seconds * 1000)
    return db  # type: ignore[return-value]


def test_desk_clock_a_day_off_orders_nothing_wrongly_and_warns(sqlite_hub: Hub, tmp_path: Path):
    for skew in (DAY, -DAY):
        home = tmp_path / f"desk{skew}"
        enroll_desk(sqlite_hub, home, "P01", 1 if skew > 0 else 2)
        db = open_db(home / "desk.db")
        db.clock = HybridClock(wall=lambda skew=skew: now_ms() + skew * 1000)
        from tests.sync.hubkit import next_code, received_payload

        dossier_id = f"d{skew}"
        desk = 1 if skew > 0 else 2
        code = next_code("P01", desk)
        append_event(db, dossier_id, "received", received_payload(code, "P01", desk, []), "clerk")
        db.close()
        report = sync_via(home, wall=lambda skew=skew: time.time() + skew)
        assert report.outcome == "ok" and report.clock_warning and "Đồng hồ" in report.clock_warning
        assert abs(report.clock_offset_s - skew) < 60
        if skew > 0:  # stamped a day ahead of the hub: refused (it would outrank every later act)
            assert report.rejected == 0 and report.held_ahead == 1, report.log_message
            assert code not in {d["code"] for d in sqlite_hub.dossiers()}
            db = open_db(home / "desk.db")  # held at the desk, unsent and not rejected (sync.hold)
            held = db.conn.execute("SELECT rejected_reason FROM outbox WHERE sent_at IS NULL").fetchall()
            db.close()
            assert held == [(None,)]
            continue
        sqlite_hub.agency_post(code, "accepted")
        sqlite_hub.agency_post(code, "result_ready", "--note", "xong")
        assert sync_via(home, wall=lambda skew=skew: time.time() + skew).pulled == 2
        db = open_db(home / "desk.db")
        db.clock = HybridClock(wall=lambda skew=skew: now_ms() + skew * 1000)  # the same desk, still off
        assert load_state(db, dossier_id).status.value == "result_ready"
        late = append_event(
            db, dossier_id, "result_returned", {"returned_at": "2026-11-27T10:00:00+07:00"}, "clerk"
        )
        hub_last = db.conn.execute("SELECT max(at) FROM events WHERE origin='remote'").fetchone()[0]
        assert late.at > hub_last  # the HLC observed the hub: a later act sorts later
        db.close()
        assert sync_via(home).outcome == "ok"
        state = {d["code"]: d["state"] for d in sqlite_hub.dossiers()}[code]
        assert state == "returned"
    assert_nothing_lost(sqlite_hub, [tmp_path / f"desk{-DAY}"], [])


def test_half_open_link_mid_upload_times_out_then_resumes(tmp_path: Path):
    """A link that black-holes mid-PATCH: the pass ends (offline) within the desk's timeouts instead
    of hanging; the hub gives up on the silent body, and the next pass resumes from its offset."""
    hub = Hub(data=tmp_path / "hub", extra_env={"MOTCUA_HUB_BODY_IDLE_TIMEOUT_S": "1.5"})
    hub.data.mkdir()
    hub.start()
    home = tmp_path / "desk"
    size = 600_000
    try:
        enroll_desk(hub, home, "P01", 1)
        _, _, shas = make_dossier(home, "P01", 1, pages=1, page_size=size)
        proxy = FaultProxy(hub.port, stall=StallPlan(skip=2, after=50_000))
        try:
            first: list[SyncReport] = []
            runner = threading.Thread(
                target=lambda: first.append(sync_via(home, proxy.url, chunk_size=128 * 1024, timeout=(1, 2)))
            )
            runner.start()
            runner.join(60)
            assert not runner.is_alive(), "the sync pass hung on a half-open connection"
            assert first[0].outcome == "offline" and proxy.stall is not None and proxy.stall.stalled
            assert not hub.blob_ok(shas[0])
            before = proxy.up_bytes
            sync_until_clean(
                home, proxy.url, chunk_size=128 * 1024, timeout=(1, 2)
            )  # stalled link still open
            assert proxy.up_bytes - before < size - 2 * 128 * 1024, "the upload started again from zero"
        finally:
            proxy.close()
        assert_nothing_lost(hub, [home], shas)
    finally:
        hub.stop()
