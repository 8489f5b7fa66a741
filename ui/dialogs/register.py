"""Choose the days of the register (form 07) to print: today, this month, or any range of days."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QPushButton, QWidget

from app.domain.vocabulary import QT_DATE_FORMAT
from ui.dialogs.actions import ActionDialog
from ui.qdates import qdate

MAX_DAYS = 366  # a year's book at most: a longer register is an export, not a print


def _date_edit(day: QDate) -> QDateEdit:
    edit = QDateEdit(day)
    edit.setDisplayFormat(QT_DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


class RegisterDialog(ActionDialog):
    """`values()` gives `first` and `last` (dates, both included)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__("In sổ theo dõi hồ sơ (mẫu 07)", parent)
        self.today = qdate(today)
        self.first = _date_edit(self.today)
        self.last = _date_edit(self.today)
        quick = QHBoxLayout()
        self.today_button = QPushButton("&Hôm nay")
        self.month_button = QPushButton("&Tháng này")
        self.last_month_button = QPushButton("Tháng &trước")
        for b in (self.today_button, self.month_button, self.last_month_button):
            quick.addWidget(b)
        quick.addStretch(1)
        self.form.addRow("Chọn nhanh", quick)
        self.form.addRow("Từ ngày *", self.first)
        self.form.addRow("Đến ngày *", self.last)
        self.today_button.clicked.connect(lambda: self.set_range(self.today, self.today))
        self.month_button.clicked.connect(self._on_month_clicked)
        self.last_month_button.clicked.connect(self._on_last_month_clicked)

    def set_range(self, first: QDate, last: QDate) -> None:
        self.first.setDate(first)
        self.last.setDate(last)

    def _on_month_clicked(self) -> None:
        start = QDate(self.today.year(), self.today.month(), 1)
        self.set_range(start, start.addMonths(1).addDays(-1))

    def _on_last_month_clicked(self) -> None:
        start = QDate(self.today.year(), self.today.month(), 1).addMonths(-1)
        self.set_range(start, start.addMonths(1).addDays(-1))

    def values(self) -> dict[str, Any]:
        return {"first": self.first.date().toPython(), "last": self.last.date().toPython()}

    def problem(self) -> str:
        first, last = self.first.date(), self.last.date()
        if last < first:
            return "Ngày cuối phải từ ngày đầu trở đi."
        if first.daysTo(last) >= MAX_DAYS:
            return "Mỗi lần in tối đa một năm sổ."
        return ""
