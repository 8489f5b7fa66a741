"""Màn hình phòng chờ: the hall's TV, full screen. The newest call large, the last ones beside it, how
many wait in each field; a chime with every new call. It polls the queue service every 2 seconds."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sync.queue_client import QueueClient
from ui.views.queue.common import FIELD_NAMES, in_job, play_chime, write_chime
from ui.workers.jobs import JobRunner

STYLE = """
#Hall { background: #0b2545; }
#HallTitle { color: #ffffff; font-size: 24pt; font-weight: bold; }
#NowNumber { color: #ffd166; font-size: 120pt; font-weight: bold; }
#NowDesk { color: #ffffff; font-size: 44pt; font-weight: bold; }
#RecentRow { color: #dbe7f5; font-size: 26pt; }
#Waiting { color: #dbe7f5; font-size: 16pt; }
#HallOffline { color: #ff8a80; font-size: 16pt; }
"""


class HallDisplay(QWidget):
    def __init__(self, client: QueueClient, runner: JobRunner, chime: bool = True,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.client, self.runner, self.chime = client, runner, chime
        self._last: tuple[str, Any] | None = None
        self._chime_file = write_chime(Path(tempfile.gettempdir()) / "motcua-chime.wav") if chime else None
        self.setObjectName("Hall")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 30, 40, 30)
        title = QLabel("MỜI CÔNG DÂN CÓ SỐ THỨ TỰ")
        title.setObjectName("HallTitle")
        root.addWidget(title, alignment=Qt.AlignmentFlag.AlignCenter)
        body = QHBoxLayout()
        now = QVBoxLayout()
        self.now_number = QLabel("—")
        self.now_number.setObjectName("NowNumber")
        self.now_desk = QLabel("")
        self.now_desk.setObjectName("NowDesk")
        for w in (self.now_number, self.now_desk):
            now.addWidget(w, alignment=Qt.AlignmentFlag.AlignCenter)
        body.addLayout(now, 3)
        recent = QVBoxLayout()
        self.recent = [QLabel("") for _ in range(6)]
        for w in self.recent:
            w.setObjectName("RecentRow")
            recent.addWidget(w)
        recent.addStretch(1)
        body.addLayout(recent, 2)
        root.addLayout(body, 1)
        self.waiting = QGridLayout()
        self.waiting_labels: dict[str, QLabel] = {}
        for i, (code, name) in enumerate(FIELD_NAMES.items()):
            lab = QLabel(f"{name}: –")
            lab.setObjectName("Waiting")
            self.waiting_labels[code] = lab
            self.waiting.addWidget(lab, i // 3, i % 3)
        root.addLayout(self.waiting)
        self.status = QLabel("")
        self.status.setObjectName("HallOffline")
        root.addWidget(self.status)
        self.timer = QTimer(self, interval=2000)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()
        self.timer.start()

    def poll(self) -> None:
        in_job(self.runner, "queue.hall", self.client.hall, self.show_hall, self._offline)

    def show_hall(self, hall: dict[str, Any]) -> None:
        self.status.clear()
        recent = hall.get("recent") or []
        if recent:
            top = recent[0]
            self.now_number.setText(str(top["number"]))
            self.now_desk.setText(f"→ QUẦY {top['desk']}")
            key = (str(top["number"]), top.get("called_at"))
            if key != self._last and self._last is not None and self._chime_file:
                play_chime(self._chime_file)
            self._last = key
        for label, item in zip(self.recent, recent[1:] + [None] * 6, strict=False):
            label.setText(f"{item['number']}   →   Quầy {item['desk']}" if item else "")
        for field, lab in self.waiting_labels.items():
            n = (hall.get("waiting") or {}).get(field)
            lab.setText(f"{FIELD_NAMES[field]}: {'–' if n is None else n} người chờ")

    def _offline(self, exc: BaseException) -> None:
        self.status.setText("Mất kết nối với hệ thống xếp hàng, đang thử lại…")
