"""Background sync: one scheduler per desk, one pass at a time, never on the UI thread.

The timing is `ui.ops.sync_schedule.SyncPolicy` (pure): a pass a minute while all is well, backoff
with jitter while the hub is unreachable, a stop on auth or protocol errors until the clerk presses
"Đồng bộ ngay" or the desk is enrolled again. "Đồng bộ ngay" asks this scheduler: while a pass runs
it gets that pass, never a second one beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from sync.engine import SyncReport
from ui.context import DeskContext
from ui.ops import sync_schedule
from ui.ops.enroll import is_enrolled
from ui.ops.sync_schedule import SyncPolicy
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)
PassFn = Callable[..., SyncReport]


class SyncScheduler(QObject):
    sig_status = Signal(str)  # the status-bar line after each pass
    sig_report = Signal(object)  # the SyncReport of each pass

    def __init__(
        self,
        ctx: DeskContext,
        status_text: Callable[[DeskContext], str],
        policy: SyncPolicy | None = None,
        run: PassFn | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.policy = policy or SyncPolicy()
        self._run = run  # None: ui.ops.sync_schedule.run, looked up at each pass
        self._status_text = status_text
        self._job: Job | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.passes = 0  # passes started (for the Đồng bộ page and tests)
        self._is_stopped = False

    def start(self) -> None:
        """With the session: a first pass now if the desk is enrolled; else it looks again every
        interval (an enrollment by `python -m sync enroll`), and at once on `on_enrolled`."""
        self._is_stopped = False
        self._schedule(0)

    def on_enrolled(self) -> None:
        """The desk was enrolled (also while a clerk is logged in): start syncing now."""
        self.policy.resume()
        self._is_stopped = False
        self._schedule(0)

    def stop(self) -> None:
        """No more passes (the desk is closing); a running one finishes or is cancelled by the runner."""
        self._is_stopped = True
        self.timer.stop()

    def is_running(self) -> bool:
        return self._job is not None and not self._job.is_finished()

    def is_scheduled(self) -> bool:
        return self.timer.isActive()

    def run_now(self) -> Job | None:
        """ "Đồng bộ ngay": the running pass if there is one, else a new pass; None if not enrolled."""
        if self.is_running():
            return self._job
        self.policy.resume()
        return self._start_pass()

    def _on_timer_timeout(self) -> None:
        if self.is_running():
            return
        if not is_enrolled(self.ctx.home):
            self._schedule(self.policy.interval_s)  # a file check, nothing on the network
            return
        self._start_pass()

    def _start_pass(self) -> Job | None:
        self.timer.stop()
        if not is_enrolled(self.ctx.home):
            return None
        self.passes += 1
        self._job = Job("Đồng bộ", self._run or sync_schedule.run, self.ctx.home)
        return self.ctx.runner.start(self._job, on_done=self._on_pass_done, on_failed=self._on_pass_failed)

    def _on_pass_done(self, report: SyncReport) -> None:
        self._schedule(self.policy.after(report))
        self.sig_report.emit(report)
        self.sig_status.emit(self._status_text(self.ctx))

    def _on_pass_failed(self, exc: BaseException) -> None:
        self._schedule(self.policy.after_error(exc))
        self.sig_status.emit(self._status_text(self.ctx))

    def _schedule(self, delay_s: float | None) -> None:
        if delay_s is None or self._is_stopped:
            self.timer.stop()
            return
        self.timer.start(int(delay_s * 1000))
