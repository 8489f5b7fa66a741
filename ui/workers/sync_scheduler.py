"""Background sync: one pass at a time, on a timer and on "Đồng bộ ngay", never on the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ui.context import DeskContext
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)


class SyncScheduler(QObject):
    sig_status = Signal(str)

    def __init__(
        self,
        ctx: DeskContext,
        run: Callable[..., Any],
        status_text: Callable[[DeskContext], str],
        interval_s: int = 60,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._run = run
        self._status_text = status_text
        self._job: Job | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_s * 1000)
        self.timer.timeout.connect(self.run_now)

    def start(self) -> None:
        self.timer.start()

    def run_now(self) -> Job | None:
        """Start a pass unless one is running (the engine itself is idempotent, but one at a time)."""
        if self._job is not None and not self._job.is_finished():
            return None
        self._job = Job("Đồng bộ", self._run, self.ctx.home)
        return self.ctx.runner.start(self._job, on_done=self._on_done, on_failed=self._on_done)

    def _on_done(self, _result: object) -> None:
        self.sig_status.emit(self._status_text(self.ctx))
