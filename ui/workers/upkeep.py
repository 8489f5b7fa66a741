"""Background upkeep started with the session: a pending enrollment code, the daily local backup.

Both run as jobs (never on the UI thread); their outcome goes to the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.config import load_settings
from ui.adapters.upkeep import enroll_status_text
from ui.context import DeskContext
from ui.messages import user_message
from ui.ops import backup, enroll
from ui.ops.enroll import Outcome
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)

BACKUP_CHECK_S = 3600  # the job backs up at most once a day; the timer only asks whether it is due


class Upkeep(QObject):
    sig_message = Signal(str)  # a Vietnamese line for the status bar
    sig_enrolled = Signal()  # the desk now holds a hub identity: the sync scheduler starts
    sig_backup_started = Signal()
    sig_backup_progress = Signal(int, int)  # done, total (files written)
    sig_backup_finished = Signal()  # the Cài đặt page refreshes its "last backup" line

    def __init__(
        self, ctx: DeskContext, interval_s: int = BACKUP_CHECK_S, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._backup: Job | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_s * 1000)
        self.timer.timeout.connect(self.backup_if_due)

    def start(self) -> None:
        """At start-up: redeem a pending enrollment code; check the backup now, then every hour."""
        self.enroll()
        self.backup_if_due()
        self.timer.start()

    # ----- enrollment -----
    def enroll(self) -> Job | None:
        if not enroll.has_pending(self.ctx.settings):
            return None
        job = Job("Đăng ký máy với trung tâm", enroll.complete_pending, self.ctx.home)
        return self.ctx.runner.start(job, on_done=self._on_enrolled, on_failed=self._on_failed)

    def _on_enrolled(self, outcome: Outcome) -> None:
        self.ctx.settings = load_settings(self.ctx.home)  # enroll() may have set point, desk and hub
        text = enroll_status_text(outcome)
        if text:
            self.sig_message.emit(text)
        if outcome == "enrolled":
            self.sig_enrolled.emit()

    # ----- backup -----
    def backup_if_due(self) -> Job | None:
        if not self.ctx.settings.backup_dir:
            return None
        return self._start_backup("Sao lưu tự động", backup.run_scheduled, self.ctx.home)

    def backup_now(self) -> Job | None:
        return self._start_backup("Sao lưu", backup.run_now, self.ctx.home, self.ctx.settings)

    def _start_backup(self, name: str, fn: Callable[..., Any], *args: object) -> Job | None:
        if self._backup is not None and not self._backup.is_finished():
            return None  # one backup at a time
        self._backup = Job(name, fn, *args)
        self.sig_backup_started.emit()
        return self.ctx.runner.start(
            self._backup,
            on_done=self._on_backed_up,
            on_failed=self._on_backup_failed,
            on_progress=self.sig_backup_progress.emit,
        )

    def _on_backed_up(self, info: object) -> None:
        if info is not None:
            self.sig_message.emit("Đã sao lưu dữ liệu vào thư mục sao lưu.")
        self.sig_backup_finished.emit()

    def _on_backup_failed(self, exc: BaseException) -> None:
        self.sig_message.emit("Sao lưu không thành công: " + user_message(exc))
        self.sig_backup_finished.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.sig_message.emit(user_message(exc))
