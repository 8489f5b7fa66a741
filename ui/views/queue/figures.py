"""Two cards for the dashboard: satisfaction this month (QĐ 766 index) and today's average wait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.domain.vocabulary import vn_decimal
from app.reports.dashboard import PointFigures, point_figures
from ui.views.base import card
from ui.views.queue.common import in_job
from ui.workers.jobs import JobRunner


def figures_job(home: Path, queue_url: str, today: Any) -> PointFigures:
    """Off the UI thread: its own store connection, and the queue service's tickets when it answers."""
    from sync.queue_client import QueueClient, QueueUnavailable
    from ui.ops.store import open_store

    tickets: list[dict[str, Any]] = []
    if queue_url:
        try:
            tickets = QueueClient(queue_url).tickets()
        except QueueUnavailable:
            tickets = []
    db = open_store(home)
    try:
        return point_figures(db, today, tickets)
    finally:
        db.close()


class PointFiguresStrip(QWidget):
    def __init__(self, home: Path, queue_url: str, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home, self.queue_url, self.runner = home, queue_url, runner
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        frame, self.satisfaction = card("Mức độ hài lòng tháng này (QĐ 766)", "–")
        lay.addWidget(frame)
        frame, self.wait = card("Thời gian chờ trung bình hôm nay (mục tiêu 15 phút)", "–")
        lay.addWidget(frame)
        lay.addStretch(0)

    def refresh(self, today: Any) -> None:
        in_job(self.runner, "point.figures", lambda: figures_job(self.home, self.queue_url, today), self.show_figures,
               lambda _e: None)  # fmt: skip

    def show_figures(self, f: PointFigures) -> None:
        self.satisfaction.setText("–" if f.satisfaction is None else f"{vn_decimal(f.satisfaction)}%")
        self.satisfaction.setToolTip(f"{f.rated} lượt đánh giá trên {f.handled} hồ sơ đã trả")
        self.wait.setText("–" if f.avg_wait_min is None else f"{vn_decimal(f.avg_wait_min)} phút")
        self.wait.setToolTip(f"{f.called} lượt đã gọi hôm nay")


def point_figures_strip(ctx: Any) -> PointFiguresStrip:
    """The strip for a desk context (`queue_url` in the settings names the point's queue service)."""
    return PointFiguresStrip(ctx.home, str(ctx.settings.extra.get("queue_url") or ""), ctx.runner)
