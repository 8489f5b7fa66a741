"""When the desk syncs: one pass now and then, backing off while the hub is unreachable, stopping on
what retrying cannot mend (revoked or wrong credentials, another protocol version).

`SyncPolicy` is the whole decision, pure and testable with a seeded `Backoff`; the Qt scheduler
(`ui.workers.sync_scheduler`) only turns its answers into timers. `run` is one pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sync.backoff import Backoff
from sync.engine import SyncConfig, SyncReport, run_once
from ui.ops.base import IsCancelled, Progress

logger = logging.getLogger(__name__)

INTERVAL_S = 60.0  # between passes while all is well (new work is picked up within a minute)
MIN_RETRY_S = 5.0  # full jitter may draw ~0: never hammer the hub
STOPPING = frozenset({"auth", "protocol"})  # retrying cannot help: IT staff must act


def run(home: Path, progress: Progress, is_cancelled: IsCancelled) -> SyncReport:
    """One sync pass (sync.engine); the report says offline/auth/... in plain Vietnamese."""
    return run_once(SyncConfig(home=home), progress, is_cancelled)


@dataclass
class SyncPolicy:
    """Seconds until the next pass after each outcome, or None: stop until asked again."""

    interval_s: float = INTERVAL_S
    backoff: Backoff = field(default_factory=Backoff)
    stopped: str | None = None  # the outcome that stopped the schedule (auth, protocol)

    def after(self, report: SyncReport) -> float | None:
        """The delay after a pass that returned `report`."""
        if report.outcome == "ok":
            self.backoff.reset()
            return self.interval_s
        if report.outcome == "cancelled":
            return None  # the desk is closing
        if report.outcome in STOPPING:
            self.stopped = report.outcome
            logger.warning("background sync stopped: %s (%s)", report.outcome, report.error_code)
            return None
        return self.retry_delay()

    def after_error(self, exc: BaseException) -> float:
        """A pass that raised (it should not): back off as when offline."""
        logger.error("sync pass raised %s: %s", type(exc).__name__, exc)
        return self.retry_delay()

    def retry_delay(self) -> float:
        return min(max(self.backoff.next_delay(), MIN_RETRY_S), max(self.backoff.cap_s, MIN_RETRY_S))

    def resume(self) -> None:
        """The clerk asked ("Đồng bộ ngay") or the desk was enrolled again: start afresh."""
        self.stopped = None
        self.backoff.reset()
