"""Phản ánh, kiến nghị: record one (the day it came, how, its subject, the dossier it names) and, later,
the day it was answered. The recent ones are listed: choosing one loads it to record its answer.
The point's report counts them (app.reports.point, sheet “Phản ánh”)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import COMPLAINT_CHANNEL_VI, vn_date
from app.services.complaints import Complaint
from ui.adapters import complaints
from ui.context import DeskContext
from ui.messages import user_message
from ui.qdates import qdate


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ComplaintDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or complaints.today(ctx)
        self.editing = ""  # the id of the complaint loaded from the list ("" = a new one)
        self.items: list[Complaint] = []
        self.setWindowTitle("Phản ánh, kiến nghị")
        self.setMinimumSize(860, 560)
        root = QVBoxLayout(self)
        form = QFormLayout()
        self.received = QDateEdit(qdate(self.today))
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("dd/MM/yyyy")
        self.channel = QComboBox()
        for code, label in COMPLAINT_CHANNEL_VI.items():
            self.channel.addItem(label, code)
        self.subject = QPlainTextEdit()
        self.subject.setTabChangesFocus(True)  # Tab goes on to the next field
        self.subject.setPlaceholderText("Nội dung phản ánh, kiến nghị (không ghi số định danh cá nhân)")
        self.subject.setFixedHeight(90)
        self.dossier = QLineEdit(placeholderText="Mã hồ sơ liên quan (nếu có)")
        self.answered = QCheckBox("Đã trả lời ngà&y")
        self.answered_on = QDateEdit(qdate(self.today))
        self.answered_on.setCalendarPopup(True)
        self.answered_on.setDisplayFormat("dd/MM/yyyy")
        self.answered_on.setEnabled(False)
        self.answered.toggled.connect(self.answered_on.setEnabled)
        answer = QHBoxLayout()
        answer.addWidget(self.answered)
        answer.addWidget(self.answered_on)
        answer.addStretch(1)
        for label, widget in (("Ngày &tiếp nhận", self.received), ("&Hình thức", self.channel),
                              ("&Nội dung", self.subject), ("&Mã hồ sơ", self.dossier)):  # fmt: skip
            lab = QLabel(label)
            lab.setBuddy(widget)
            form.addRow(lab, widget)
        form.addRow("Trả lời", answer)
        root.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        root.addWidget(self.error)
        root.addWidget(QLabel("Phản ánh, kiến nghị 90 ngày gần đây (chọn một dòng để ghi ngày trả lời):"))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Ngày nhận", "Hình thức", "Nội dung", "Mã hồ sơ", "Ngày trả lời"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        root.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Phản ánh &mới")
        self.save_button = QPushButton("&Lưu")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        close = QPushButton("Đóng")
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        root.addLayout(buttons)
        self.new_button.clicked.connect(self.clear)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.load()

    def load(self) -> None:
        self.items = complaints.recent(self.ctx, self.today)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.items))
        for r, c in enumerate(self.items):
            cells = [vn_date(date.fromisoformat(c.received_on)), COMPLAINT_CHANNEL_VI.get(c.channel, c.channel),
                     c.subject, c.dossier_code,
                     vn_date(date.fromisoformat(c.answered_on)) if c.answered_on else "Chưa trả lời"]  # fmt: skip
            for col, text in enumerate(cells):
                self.table.setItem(r, col, QTableWidgetItem(text))
        self.table.blockSignals(False)

    def clear(self) -> None:
        self.editing = ""
        self.table.clearSelection()
        self.received.setDate(qdate(self.today))
        self.channel.setCurrentIndex(0)
        self.subject.clear()
        self.dossier.clear()
        self.answered.setChecked(False)
        self.error.clear()
        self.subject.setFocus()

    def _on_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            return
        c = self.items[row]
        self.editing = c.id
        self.error.clear()
        self.received.setDate(qdate(date.fromisoformat(c.received_on)))
        self.channel.setCurrentIndex(max(self.channel.findData(c.channel), 0))
        self.subject.setPlainText(c.subject)
        self.dossier.setText(c.dossier_code)
        self.answered.setChecked(bool(c.answered_on))
        self.answered_on.setDate(qdate(date.fromisoformat(c.answered_on) if c.answered_on else self.today))

    def complaint(self) -> Complaint:
        """The complaint as the form stands."""
        answered = _pydate(self.answered_on.date()).isoformat() if self.answered.isChecked() else ""
        return Complaint(_pydate(self.received.date()).isoformat(), str(self.channel.currentData()),
                         self.subject.toPlainText(), self.dossier.text().strip(), answered, self.editing)  # fmt: skip

    def save(self) -> Complaint | None:
        try:
            saved = complaints.save(self.ctx, self.complaint())
        except Exception as exc:  # the clerk sees why; nothing was written
            self.error.setText(user_message(exc))
            return None
        self.load()
        self.clear()
        self.error.setText("Đã ghi nhận phản ánh, kiến nghị.")
        return saved
