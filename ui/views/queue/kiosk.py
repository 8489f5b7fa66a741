"""Máy lấy số: a touch screen in the hall. A field button prints a ticket; "Ưu tiên" for the elderly,
people with disabilities and pregnant women; a booked number from iHanoi is checked in by its code."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.forms.ticket import HEIGHT_MM, WIDTH_MM, render_ticket
from app.queue.rules import DEFAULT_FIELDS
from sync.queue_client import QueueClient
from ui.messages import user_message
from ui.views.queue.common import FIELD_NAMES, in_job
from ui.workers.jobs import JobRunner

STYLE = """
#Kiosk { background: #f3f6fa; }
#KioskTitle { font-size: 26pt; font-weight: bold; color: #0b5cad; }
#KioskHint { font-size: 14pt; color: #34495e; }
QPushButton#FieldButton { font-size: 22pt; font-weight: bold; min-height: 110px; background: #0b5cad; color: white;
    border-radius: 14px; }
QPushButton#FieldButton:disabled { background: #9bb7d6; }
#Ticket { font-size: 64pt; font-weight: bold; color: #12263f; background: white; border: 3px dashed #0b5cad;
    border-radius: 14px; padding: 12px; }
#TicketNote { font-size: 14pt; color: #34495e; }
QCheckBox#Priority { font-size: 16pt; } QLineEdit#BookingCode { font-size: 18pt; min-height: 48px; }
QPushButton#CheckIn { font-size: 16pt; min-height: 48px; }
"""


class KioskView(QWidget):
    """The kiosk's one screen."""

    def __init__(self, client: QueueClient, runner: JobRunner, printer: str | None = None,
                 point_name: str = "", parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.client, self.runner = client, runner
        self.printer, self.point_name = printer, point_name  # printer None: show the number only
        self.printed: list[Path] = []
        self.setObjectName("Kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        root = QVBoxLayout(self)
        root.setContentsMargins(40, 30, 40, 30)
        root.setSpacing(18)
        title = QLabel("LẤY SỐ THỨ TỰ")
        title.setObjectName("KioskTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(title)
        hint = QLabel("Chạm vào lĩnh vực cần giải quyết để nhận số thứ tự.")
        hint.setObjectName("KioskHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        root.addWidget(hint)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.buttons: list[QPushButton] = []
        for i, field in enumerate(DEFAULT_FIELDS):
            button = QPushButton(field.name)
            button.setObjectName("FieldButton")
            button.clicked.connect(lambda _=False, f=field.code: self._issue(f))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons.append(button)
        root.addLayout(grid)
        self.priority = QCheckBox("Ưu tiên: người cao tuổi, người khuyết tật, phụ nữ mang thai")
        self.priority.setObjectName("Priority")
        root.addWidget(self.priority, alignment=Qt.AlignmentFlag.AlignCenter)
        booking = QHBoxLayout()
        booking.addStretch(1)
        lab = QLabel("Đã đặt lịch trên iHanoi? Nhập mã:")
        lab.setObjectName("KioskHint")
        self.code = QLineEdit()
        self.code.setObjectName("BookingCode")
        self.code.setPlaceholderText("Mã đặt lịch")
        self.code.setMaxLength(20)
        check_in = QPushButton("Lấy số đặt trước")
        check_in.setObjectName("CheckIn")
        check_in.clicked.connect(self._check_in)
        for w in (lab, self.code, check_in):
            booking.addWidget(w)
        booking.addStretch(1)
        root.addLayout(booking)
        self.ticket = QLabel("")
        self.ticket.setObjectName("Ticket")
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket.hide()
        self.note = QLabel("")
        self.note.setObjectName("TicketNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        root.addWidget(self.ticket, alignment=Qt.AlignmentFlag.AlignCenter)
        root.addWidget(self.note)
        root.addStretch(1)
        self._clear = QTimer(self, singleShot=True, interval=15_000)
        self._clear.timeout.connect(self._reset)

    def _busy(self, busy: bool) -> None:
        for b in self.buttons:
            b.setEnabled(not busy)

    def _issue(self, field: str) -> None:
        priority = self.priority.isChecked()
        self._busy(True)
        in_job(
            self.runner,
            "queue.issue",
            lambda: self.client.issue(field, priority),
            self.show_ticket,
            self._failed,
        )

    def _check_in(self) -> None:
        code = self.code.text().strip()
        if code:
            self._busy(True)
            in_job(
                self.runner,
                "queue.checkin",
                lambda: self.client.check_in(code),
                self.show_ticket,
                self._failed,
            )

    def show_ticket(self, ticket: dict[str, Any]) -> None:
        self._busy(False)
        self.ticket.setText(str(ticket["number"]))
        self.ticket.show()
        kind = "Số ưu tiên. " if ticket.get("priority") else "Số đặt trước. " if ticket.get("booking") else ""
        self.note.setText(f"{kind}Vui lòng nhận phiếu và chờ gọi số trên màn hình.")
        self.priority.setChecked(False)
        self.code.clear()
        self._clear.start()
        if self.printer is not None:
            in_job(
                self.runner, "queue.ticket", lambda: self._print(ticket), self.printed.append, self._failed
            )

    def _print(self, ticket: dict[str, Any]) -> Path:
        """Off the UI thread: the slip as PDF, then to the kiosk's printer ("pdf:PATH" writes a file)."""
        kind = "priority" if ticket.get("priority") else "booked" if ticket.get("booking") else ""
        issued = datetime.fromisoformat(str(ticket["issued_at"]))
        data = render_ticket(str(ticket["number"]), FIELD_NAMES.get(str(ticket["field"]), ""), self.point_name,
                             issued, None, kind)  # fmt: skip
        out = Path(tempfile.mkdtemp(prefix="motcua-ticket-")) / f"so-{ticket['number']}.pdf"
        out.write_bytes(data)
        print_slip(out, self.printer or "")
        return out

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.ticket.hide()
        self.note.setText(user_message(exc))
        self._clear.start()

    def _reset(self) -> None:
        self.ticket.hide()
        self.note.clear()


def print_slip(pdf: Path, printer_name: str) -> None:
    """Print the 80 mm slip without a dialog; "pdf:PATH" prints into a PDF file (tests, no printer)."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from ui.printing import PrinterMissingError, has_printer, paint_pages, render_pdf_pages

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    size = QPageSize(QSizeF(WIDTH_MM, HEIGHT_MM), QPageSize.Unit.Millimeter, "Ticket")
    printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, printer.pageLayout().margins()))
    if printer_name.startswith("pdf:"):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(printer_name[4:])
    else:
        if not has_printer(printer_name):
            raise PrinterMissingError(f"no ticket printer available (configured: {bool(printer_name)})")
        if printer_name:
            printer.setPrinterName(printer_name)
    paint_pages(printer, render_pdf_pages(pdf, dpi=200))
