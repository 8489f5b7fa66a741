"""`Job`: a QRunnable wrapping one plain core call `fn(..., progress, is_cancelled)` (Orange3 style).

The job reports back only through signals of a QObject created on the UI thread, so slots run on
the UI thread. `JobRunner` owns the pool, keeps live jobs, cancels them and waits for them on quit.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.domain.errors import CancelledError

logger = logging.getLogger(__name__)


class JobCancelled(CancelledError):
    """Raised inside a job's function when it sees `is_cancelled()`; not an error for the clerk.

    A kind of the one cancellation of the code base (`app.domain.errors.CancelledError`, which the
    scanner's and the sync engine's cancellations also are): a job stops the same way whoever saw it."""

    def __init__(self, log_message: str = "job cancelled", user_message: str | None = None) -> None:
        super().__init__(log_message, user_message)


class JobSignals(QObject):
    sig_progress = Signal(int, int)  # done, total
    sig_done = Signal(object)  # the function's return value
    sig_failed = Signal(object)  # the exception
    sig_item = Signal(object)  # a partial result as it arrives (a scanned page...)
    sig_cancelled = Signal()
    sig_finished = Signal()  # always last


class Job(QRunnable):
    """Run `fn(*args, progress=..., is_cancelled=..., **kwargs)` on a pool thread."""

    def __init__(
        self, name: str, fn: Callable[..., Any], *args: Any, emits_items: bool = False, **kwargs: Any
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until sig_finished
        self.name = name
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        if emits_items:
            self._kwargs["emit_item"] = self._emit_item
        self._cancel = threading.Event()
        self._done = threading.Event()
        self.signals = JobSignals()  # created here, on the UI thread

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_finished(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        return self._done.wait(timeout_s)

    def _progress(self, done: int, total: int) -> None:
        self.signals.sig_progress.emit(int(done), int(total))

    def _emit_item(self, item: object) -> None:
        self.signals.sig_item.emit(item)

    def run(self) -> None:
        try:
            result = self._fn(
                *self._args, progress=self._progress, is_cancelled=self.is_cancelled, **self._kwargs
            )
        except CancelledError:  # JobCancelled, or the scanner's or sync engine's own kind
            logger.info("job %s cancelled", self.name)
            self.signals.sig_cancelled.emit()
        except Exception as exc:  # every failure goes back to the UI thread as a message
            logger.warning("job %s failed: %s: %s", self.name, type(exc).__name__, exc)
            self.signals.sig_failed.emit(exc)
        else:
            if self.is_cancelled():
                self.signals.sig_cancelled.emit()
            else:
                self.signals.sig_done.emit(result)
        finally:
            self._done.set()
            self.signals.sig_finished.emit()


class JobRunner(QObject):
    """Starts jobs, tracks the live ones, and cancels + waits for all of them on quit."""

    sig_busy_changed = Signal(bool)
    sig_progress = Signal(str, int, int)  # job name, done, total

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._live: list[Job] = []
        self._shut_down = False

    def _unless_shut_down(self, name: str, callback: Callable[..., None]) -> Callable[..., None]:
        """The callback, dropped once the runner has shut down: a job that finished just before the
        quit delivers its result through the event loop later, when the store may be closed."""

        def deliver(*args: Any) -> None:
            if self._shut_down:
                logger.info("job %s: its result came after shutdown and was dropped", name)
                return
            callback(*args)

        return deliver

    def start(
        self,
        job: Job,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_item: Callable[[Any], None] | None = None,
    ) -> Job:
        """Queue a job; callbacks run on the UI thread."""
        sig = job.signals
        if on_done:
            sig.sig_done.connect(self._unless_shut_down(job.name, on_done))
        if on_failed:
            sig.sig_failed.connect(self._unless_shut_down(job.name, on_failed))
        if on_progress:
            sig.sig_progress.connect(self._unless_shut_down(job.name, on_progress))
        if on_item:
            sig.sig_item.connect(self._unless_shut_down(job.name, on_item))
        sig.sig_progress.connect(partial(self._on_job_progress, job.name))
        sig.sig_finished.connect(partial(self._on_job_finished, job))
        self._live.append(job)
        if len(self._live) == 1:
            self.sig_busy_changed.emit(True)
        logger.info("job %s started", job.name)
        self._pool.start(job)
        return job

    def live_jobs(self) -> list[Job]:
        return list(self._live)

    def is_busy(self) -> bool:
        return bool(self._live)

    def _on_job_progress(self, name: str, done: int, total: int) -> None:
        self.sig_progress.emit(name, done, total)

    def _on_job_finished(self, job: Job) -> None:
        # Break the job <-> slots reference cycle here, on the UI thread: left to the garbage
        # collector, the cycle could be freed on a pool thread, destroying Qt objects there.
        sig = job.signals
        with warnings.catch_warnings():  # PySide warns when a signal had no slot to disconnect
            warnings.simplefilter("ignore", RuntimeWarning)
            for signal in (sig.sig_progress, sig.sig_done, sig.sig_failed, sig.sig_item, sig.sig_cancelled):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect()
        if job in self._live:
            self._live.remove(job)
            if not self._live:
                self.sig_busy_changed.emit(False)

    def cancel_all(self) -> None:
        for job in self._live:
            job.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel every live job and wait for the pool; True when all stopped in time. Results that
        reach the UI thread afterwards are dropped (the store they would be shown from may be closed)."""
        self._shut_down = True
        self.cancel_all()
        ok = self._pool.waitForDone(timeout_ms)
        if not ok:
            logger.error("jobs still running after %d ms at shutdown", timeout_ms)
        return ok
