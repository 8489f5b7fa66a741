"""The dashboard's satisfaction (QĐ 766, month to date) and today's average wait from the queue service."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from app.calendar import TZ
from app.reports.dashboard import point_figures, wait_minutes
from sync.queue_client import QueueClient
from tests.queue.test_queue_service import Service
from ui.views.queue.figures import PointFiguresStrip


def test_wait_minutes_of_called_tickets_only():
    rows = [{"issued_at": "2026-12-01T09:00:00+07:00", "called_at": "2026-12-01T09:12:00+07:00"},
            {"issued_at": "2026-12-01T09:01:00+07:00", "called_at": None}]  # fmt: skip
    assert wait_minutes(rows) == [12.0]


def test_home_shows_satisfaction_and_the_days_wait(qtbot, seeded, tmp_path: Path):
    ctx, window = seeded
    svc = Service(tmp_path, datetime.now(TZ).replace(hour=9, minute=0, second=0, microsecond=0))
    svc.run()
    try:
        client = QueueClient(svc.url)
        client.issue("ho_tich")
        client.call_next(1, ["ho_tich"])
        strip = PointFiguresStrip(ctx.home, svc.url, ctx.runner)
        qtbot.addWidget(strip)
        today = datetime.now(TZ).date()
        strip.refresh(today)
        qtbot.waitUntil(lambda: "phút" in strip.wait.text(), timeout=20_000)
        expected = point_figures(ctx.db, today, client.tickets())
        assert expected.called == 1
        shown = "–" if expected.satisfaction is None else f"{expected.satisfaction:.1f}%".replace(".", ",")
        assert strip.satisfaction.text() == shown
        home = window.show_view("home")
        assert home.figures.satisfaction is not None  # the strip is on the dashboard
    finally:
        svc.stop()
    assert isinstance(today, date)
