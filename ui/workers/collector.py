"""Run Python's cycle collector on the UI thread only.

Left automatic, the collector runs in whichever thread allocates at the wrong moment; if that is a
job's pool thread and the garbage holds Qt objects (a closed dialog, a finished job's signals), Qt
destroys them off their thread and the app crashes. So automatic collection is switched off and a
timer on the UI thread collects instead (the approach Anki and calibre use).
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)


class UiThreadCollector(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, as automatic GC would."""
        counts = gc.get_count()
        if counts[0] > self.threshold[0]:
            generation = 0
            if counts[1] > self.threshold[1]:
                generation = 2 if counts[2] > self.threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()
