"""The desk's one sync scheduler: its policy (pure), and the Qt scheduler against a real hub."""

from __future__ import annotations

import json
import random
import threading

import pytest

from app.config import save_settings
from sync.backoff import Backoff
from sync.engine import SyncReport
from sync.enroll import enroll
from tests.sync.hubkit import Hub
from tests.ui.conftest import wait_idle, wait_job
from ui.ops import sync_schedule
from ui.ops.enroll import PENDING_KEY
from ui.ops.sync_schedule import INTERVAL_S, MIN_RETRY_S, SyncPolicy


def test_policy_waits_the_interval_after_a_good_pass_and_forgets_failures():
    policy = SyncPolicy(backoff=Backoff(rng=random.Random(1)))
    policy.after(SyncReport(outcome="offline"))
    policy.after(SyncReport(outcome="offline"))
    assert policy.after(SyncReport(outcome="ok")) == INTERVAL_S
    assert policy.backoff.failures == 0


def test_policy_backs_off_with_growing_ceilings_while_the_hub_is_unreachable():
    policy = SyncPolicy(backoff=Backoff(base_s=5, cap_s=600, rng=random.Random(4)))
    delays = [policy.after(SyncReport(outcome="offline")) for _ in range(12)]
    assert all(d is not None and MIN_RETRY_S <= d <= 600 for d in delays)
    assert max(delays[6:]) > 60  # ceilings of 320 s and then 600 s are reached
    assert policy.backoff.failures == 12 and policy.stopped is None


@pytest.mark.parametrize("outcome", ["auth", "protocol"])
def test_policy_stops_when_retrying_cannot_help_until_asked_again(outcome):
    policy = SyncPolicy()
    assert policy.after(SyncReport(outcome=outcome)) is None
    assert policy.stopped == outcome
    policy.resume()
    assert policy.stopped is None and policy.backoff.failures == 0


def test_policy_stops_quietly_when_the_pass_was_cancelled():
    policy = SyncPolicy()
    assert policy.after(SyncReport(outcome="cancelled")) is None
    assert policy.stopped is None


def test_a_pass_that_raises_is_retried_with_backoff():
    policy = SyncPolicy(backoff=Backoff(base_s=5, cap_s=600, rng=random.Random(5)))
    assert MIN_RETRY_S <= policy.after_error(RuntimeError("boom")) <= 600
    assert policy.backoff.failures == 1


@pytest.fixture
def hub(tmp_path):
    h = Hub(data=tmp_path / "hub")
    h.data.mkdir()
    h.start()
    yield h
    h.stop()


def test_a_desk_enrolled_while_a_clerk_works_starts_syncing(qtbot, desk, hub):
    ctx, window = desk
    window.sync.start()  # what the session does after login: not enrolled yet, no pass
    qtbot.wait(50)
    assert window.sync.passes == 0 and window.sync.is_scheduled()  # it looks again later
    ctx.settings.extra[PENDING_KEY] = {"hub_url": hub.url, "code": hub.enroll_code("HK", 1)}
    save_settings(ctx.settings, ctx.home)  # as the Cài đặt page or `motcua setup` would
    wait_job(qtbot, ctx, window.upkeep.enroll())
    qtbot.waitUntil(lambda: window.sync.passes >= 1, timeout=30_000)
    wait_idle(qtbot, ctx)
    assert window.sync.is_scheduled()  # the next pass, a minute later
    assert "đã kết nối" in window.sync_label.text()


def test_sync_now_while_a_pass_runs_gets_that_pass_never_a_second(qtbot, desk, hub, monkeypatch):
    ctx, window = desk
    enroll(ctx.home, hub.url, hub.enroll_code("HK", 1))
    running, most, release = [0], [0], threading.Event()
    lock = threading.Lock()
    real = sync_schedule.run

    def held(home, progress, is_cancelled):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            assert release.wait(60)
            return real(home, progress, is_cancelled)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(sync_schedule, "run", held)
    first = window.sync.run_now()
    view = window.show_view("sync")
    again = [view.sync_now(), window.sync.run_now()]
    window.sync.timer.start(0)  # the timer firing meanwhile starts nothing either
    qtbot.wait(50)
    release.set()
    wait_job(qtbot, ctx, first)
    wait_idle(qtbot, ctx)
    assert again == [first, first] and window.sync.passes == 1 and most[0] == 1
    assert "Đồng bộ xong" in view.banner.text()


def test_a_revoked_desk_stops_syncing_until_the_clerk_asks(qtbot, desk, hub):
    ctx, window = desk
    enroll(ctx.home, hub.url, hub.enroll_code("HK", 1))
    device = json.loads((ctx.home / "hub.json").read_text())["device_id"]
    hub.cli("revoke-device", "--device", device)
    wait_job(qtbot, ctx, window.sync.run_now())
    assert window.sync.policy.stopped == "auth" and not window.sync.is_scheduled()
    wait_job(qtbot, ctx, window.sync.run_now())  # "Đồng bộ ngay" tries once more, and stops again
    assert window.sync.passes == 2 and not window.sync.is_scheduled()


def test_a_desk_enrolled_from_the_command_line_is_picked_up_at_the_next_look(qtbot, desk, hub):
    ctx, window = desk
    window.sync.policy.interval_s = 0.2
    window.sync.start()
    qtbot.wait(300)
    assert window.sync.passes == 0
    enroll(ctx.home, hub.url, hub.enroll_code("HK", 1))  # what `python -m sync enroll` does
    qtbot.waitUntil(lambda: window.sync.passes >= 1, timeout=30_000)
    window.sync.stop()
    wait_idle(qtbot, ctx)
