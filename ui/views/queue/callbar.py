"""The desk's call bar: "Gọi số tiếp theo", the number being served, and how it ended (a dossier, guidance
only, or the citizen did not come). When the queue service is gone the bar says so and the desk goes on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from sync.queue_client import QueueClient, QueueUnavailable
from ui.messages import user_message
from ui.views.queue.common import in_job
from ui.workers.jobs import JobRunner

STYLE = """
#CallBar { background: #eaf1fb; border: 1px solid #c5d6ee; border-radius: 8px; }
#CallNumber { font-size: 20pt; font-weight: bold; color: #0b5cad; min-width: 90px; }
#CallState { color: #34495e; } #CallOffline { color: #b3261e; }
"""


class CallBar(QFrame):
    """One line at the top of the desk's window."""

    sig_serving = Signal(object)  # the ticket now at the desk (a dict), or None

    def __init__(self, client: QueueClient, runner: JobRunner, desk: int, fields: list[str],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.client, self.runner, self.desk, self.fields = client, runner, desk, fields
        self.ticket: dict[str, Any] | None = None
        self.setObjectName("CallBar")
        self.setStyleSheet(STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 6)
        lay.addWidget(QLabel(f"Quầy {desk}"))
        self.number = QLabel("—")
        self.number.setObjectName("CallNumber")
        lay.addWidget(self.number)
        self.state = QLabel("Chưa gọi số")
        self.state.setObjectName("CallState")
        lay.addWidget(self.state, 1)
        self.call = QPushButton("&Gọi số tiếp theo")
        self.call.setObjectName("Primary")
        self.call.clicked.connect(self.call_next)
        self.guidance = QPushButton("Chỉ &hướng dẫn")
        self.guidance.clicked.connect(lambda: self.finish("guidance"))
        self.absent = QPushButton("&Vắng mặt")
        self.absent.clicked.connect(lambda: self.finish("no_show"))
        for b in (self.guidance, self.absent, self.call):
            lay.addWidget(b)
        self._show(None)

    def _show(self, ticket: dict[str, Any] | None, text: str = "") -> None:
        self.ticket = ticket
        self.number.setText(str(ticket["number"]) if ticket else "—")
        self.state.setObjectName("CallState")
        self.state.setText(text or ("Đang phục vụ" if ticket else "Không có người chờ"))
        self.state.style().polish(self.state)
        self.guidance.setEnabled(ticket is not None)
        self.absent.setEnabled(ticket is not None)
        self.sig_serving.emit(ticket)

    def call_next(self) -> None:
        self.call.setEnabled(False)
        in_job(
            self.runner,
            "queue.call",
            lambda: self.client.call_next(self.desk, self.fields),
            self._called,
            self._failed,
        )

    def _called(self, ticket: dict[str, Any] | None) -> None:
        self.call.setEnabled(True)
        self._show(ticket)

    def finish(self, outcome: str, dossier_code: str = "") -> None:
        """End the current ticket: "dossier" (with the code just received), "guidance" or "no_show"."""
        if self.ticket is None:
            return
        ticket_id = int(self.ticket["id"])
        in_job(self.runner, "queue.finish",
               lambda: self.client.finish(ticket_id, self.desk, outcome, dossier_code),
               lambda _t: self._show(None, "Đã xong, mời gọi số tiếp theo"), self._failed)  # fmt: skip

    def dossier_received(self, code: str) -> None:
        """The desk received a dossier while serving a ticket: the ticket led to it."""
        if self.ticket is not None:
            self.finish("dossier", code)

    def _failed(self, exc: BaseException) -> None:
        self.call.setEnabled(True)
        self.state.setObjectName("CallOffline" if isinstance(exc, QueueUnavailable) else "CallState")
        self.state.setText(user_message(exc))
        self.state.style().polish(self.state)


def attach_call_bar(window: Any, ctx: Any) -> CallBar | None:
    """Put the call bar on the desk's window when the point runs a queue service (setting `queue_url`);
    a dossier saved while a ticket is served is recorded as that ticket's outcome."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QToolBar

    url = str(ctx.settings.extra.get("queue_url") or "")
    if not url:
        return None
    fields = list(
        ctx.settings.extra.get("queue_fields") or ["ho_tich", "chung_thuc", "cu_tru", "kinh_doanh", "khac"]
    )
    client = QueueClient(url, str(ctx.settings.extra.get("queue_token") or ""))
    bar = CallBar(client, ctx.runner, int(ctx.settings.desk), [str(f) for f in fields])
    tools = QToolBar("Xếp hàng", window)
    tools.setMovable(False)
    tools.addWidget(bar)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, tools)
    receive = window.views.get("receive")
    if receive is not None and hasattr(receive, "sig_saved"):
        receive.sig_saved.connect(lambda saved: bar.dossier_received(saved.code))  # a SavedDossier
    window.call_bar = bar
    return bar
