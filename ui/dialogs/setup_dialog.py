"""First-run setup for IT staff: point, desk, hub enrollment, scanner and printer (with tests).

The same steps as `motcua setup` (ui/cli/setup.py); saving and enrolling, the test scan and the
test print run off the UI thread, and their outcome comes back through signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings
from app.domain.errors import AppError
from ui.cli import setup as setup_core
from ui.ops import enroll
from ui.ops.base import never_cancelled, no_progress

logger = logging.getLogger(__name__)


class _Signals(QObject):
    sig_done = Signal(str)
    sig_failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], str], signals: _Signals) -> None:
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            self.signals.sig_done.emit(self.fn())
        except AppError as exc:
            logger.error("setup job failed: %s", exc.log_message)
            self.signals.sig_failed.emit(exc.user_message)
        except Exception as exc:  # a scanner or printer error: show it plainly to IT staff
            logger.exception("setup job failed")
            self.signals.sig_failed.emit(f"{type(exc).__name__}: {exc}")


class SetupDialog(QDialog):
    """Fields of the first-run setup; `sig_saved(outcome)` after a successful save."""

    sig_saved = Signal(str)

    def __init__(self, home: Path, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.setWindowTitle("Cài đặt ban đầu")
        self.point_code = QLineEdit(settings.point_code)
        self.point_name = QLineEdit(settings.point_name)
        self.agency_code = QLineEdit(settings.agency_code)
        self.desk = QSpinBox(minimum=1, maximum=99, value=settings.desk)
        self.saturday = QCheckBox("Điểm nhận hồ sơ sáng thứ Bảy")
        self.saturday.setChecked(settings.saturday_reception)
        self.hub_url = QLineEdit(settings.hub_url, placeholderText="https://…")
        self.enroll_code = QLineEdit(placeholderText="mã đăng ký một lần do trung tâm cấp")
        self.scanner = QComboBox(editable=True)
        self.printer = QComboBox(editable=True)
        self.status = QLabel(wordWrap=True)
        self._fill_devices(settings)

        form = QFormLayout()
        form.addRow("Mã điểm phục vụ", self.point_code)
        form.addRow("Tên điểm phục vụ", self.point_name)
        form.addRow("Mã cơ quan (đầu mã hồ sơ)", self.agency_code)
        form.addRow("Số bàn", self.desk)
        form.addRow("", self.saturday)
        form.addRow("Địa chỉ máy chủ trung tâm", self.hub_url)
        form.addRow("Mã đăng ký", self.enroll_code)
        form.addRow("Máy quét", self._with_button(self.scanner, "Quét thử", self._on_test_scan_clicked))
        form.addRow("Máy in", self._with_button(self.printer, "In thử", self._on_test_print_clicked))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._signals: list[_Signals] = []  # keep them alive while their job runs

    def _with_button(self, field: QWidget, label: str, slot: Callable[[], None]) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        button = QPushButton(label)
        button.clicked.connect(slot)
        row.addWidget(button)
        return box

    def _fill_devices(self, settings: Settings) -> None:
        try:
            for dev_id, name in setup_core.list_scanners():
                self.scanner.addItem(f"{name} ({dev_id})", dev_id)
        except Exception as exc:  # no SANE on this machine: the field stays editable
            logger.warning("listing scanners failed: %s", exc)
        self.printer.addItems(QPrinterInfo.availablePrinterNames())
        self._select(self.scanner, settings.scanner_device)
        self._select(self.printer, settings.printer)

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0:
            index = combo.findText(value)
        if index >= 0:
            combo.setCurrentIndex(index)
        elif value:
            combo.setEditText(value)

    def scanner_id(self) -> str:
        data = self.scanner.currentData()
        return (
            str(data)
            if data and self.scanner.currentText() == self.scanner.itemText(self.scanner.currentIndex())
            else self.scanner.currentText()
        )

    def request(self) -> enroll.SetupRequest:
        return enroll.SetupRequest(
            point_code=self.point_code.text(),
            point_name=self.point_name.text(),
            agency_code=self.agency_code.text(),
            desk=self.desk.value(),
            hub_url=self.hub_url.text(),
            enroll_code=self.enroll_code.text() or None,
            scanner=self.scanner_id(),
            printer=self.printer.currentText(),
            saturday_reception=self.saturday.isChecked(),
        )

    def _start(self, fn: Callable[[], str], on_done: Callable[[Any], None]) -> None:
        signals = _Signals()
        signals.sig_done.connect(on_done)
        signals.sig_failed.connect(self.status.setText)
        self._signals.append(signals)
        self.status.setText("Đang xử lý…")
        QThreadPool.globalInstance().start(_Job(fn, signals))

    def save(self) -> None:
        request = self.request()
        self._start(lambda: enroll.run(self.home, request, no_progress, never_cancelled), self._on_saved)

    def _on_saved(self, outcome: enroll.Outcome) -> None:
        self.status.setText(enroll.OUTCOME_VI[outcome])
        self.sig_saved.emit(outcome)

    def _on_test_scan_clicked(self) -> None:
        device = self.scanner_id()
        self._start(lambda: setup_core.test_scan(device), self.status.setText)

    def _on_test_print_clicked(self) -> None:
        # Qt printing belongs to the UI thread: a one-page test sheet is quick.
        try:
            self.status.setText(setup_core.test_print(self.printer.currentText()))
        except Exception as exc:
            logger.warning("test print failed: %s", exc)
            self.status.setText(f"In thử không được: {exc}")
