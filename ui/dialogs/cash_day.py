"""Thu tiền cuối ngày: the day's end-of-day cash reports (biên lai, amounts by method, counted cash and the
difference with its reason). A head of point sees every clerk of this desk and every report the other
desks sent through the hub; a clerk sees only their own. The chosen report is printed for signature."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import vnd
from app.services.cash_report import CashDayReport, DeskDay
from ui import printing
from ui.adapters import cash
from ui.context import DeskContext
from ui.messages import user_message
from ui.qdates import qdate_today
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)

COLUMNS = ["Bàn", "Cán bộ thu", "Biên lai", "Tổng thu", "Tiền mặt theo biên lai", "Tiền mặt kiểm đếm",
           "Chênh lệch", "Lý do chênh lệch"]  # fmt: skip


def cash_pdf_job(report: CashDayReport, settings: Any, out: Path, progress: Any, is_cancelled: Any) -> Path:
    """Render one clerk's day off the UI thread (the same form as `python -m app cash report`)."""
    from app.forms.cash_day import render_cash_day

    out.write_bytes(render_cash_day(report, settings))
    return out


def _difference(row: DeskDay) -> str:
    d = row.clerk.difference
    if d is None:
        return "Chưa kiểm đếm"
    return "Khớp" if d == 0 else ("+" if d > 0 else "-") + vnd(abs(d))


def _cells(row: DeskDay) -> list[str]:
    c = row.clerk
    who = f"{c.clerk_name} ({c.username})" if c.username else f"tài khoản …{c.clerk_id[-8:]}"
    receipts = f"{len(c.receipts) - len(c.voided)} thu, {len(c.voided)} hủy"
    counted = "" if c.counted_cash is None else vnd(c.counted_cash)
    desk = str(row.desk or "?") + (" (qua trung tâm)" if row.pulled else "")
    return [desk, who, receipts, vnd(c.total), vnd(c.expected_cash), counted, _difference(row),
            c.reason]  # fmt: skip


class CashDayDialog(QDialog):
    sig_pdf = Signal(object)  # the printed report's PDF (Path)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[DeskDay] = []
        self.setWindowTitle("Báo cáo thu tiền cuối ngày")
        self.setMinimumSize(1180, 420)
        root = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.day = QDateEdit(qdate_today())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setAccessibleName("Ngày báo cáo thu tiền")
        label = QLabel("&Ngày:")
        label.setBuddy(self.day)
        bar.addWidget(label)
        bar.addWidget(self.day)
        self.scope = QLabel()
        bar.addWidget(self.scope, 1)
        root.addLayout(bar)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        root.addWidget(self.table, 1)
        self.total = QLabel()
        root.addWidget(self.total)
        self.status = QLabel()
        self.status.setWordWrap(True)
        root.addWidget(self.status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&In báo cáo đã chọn")
        self.print_button.setObjectName("Primary")
        self.close_button = QPushButton("Đóng")
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        root.addLayout(buttons)
        self.day.dateChanged.connect(self.load)
        self.print_button.clicked.connect(self.print_selected)
        self.close_button.clicked.connect(self.reject)
        self.load()

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def load(self, *_a: object) -> None:
        """Read the day's reports (a short read) and show them, one row per clerk and desk."""
        every = cash.sees_every_desk(self.ctx)
        self.scope.setText(
            "Trưởng điểm: báo cáo của mọi cán bộ, mọi bàn (bàn khác: qua trung tâm, đến lần đồng bộ gần nhất)"
            if every
            else "Báo cáo thu tiền của bạn"
        )
        try:
            self.rows = cash.day_rows(self.ctx, self.chosen_day())
        except Exception as exc:
            self.rows = []
            self.status.setText(user_message(exc))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(_cells(row)):
                item = QTableWidgetItem(text)
                if 3 <= c <= 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        if self.rows:
            self.table.selectRow(0)
        self.print_button.setEnabled(bool(self.rows))
        self.total.setText(f"Tổng thu trong ngày: <b>{vnd(sum(r.clerk.total for r in self.rows))}</b>")

    def print_selected(self) -> Job | None:
        """Render the selected clerk's day to PDF off the UI thread, then print it with a preview."""
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            self.status.setText("Hãy chọn một dòng để in.")
            return None
        row = self.rows[index]
        report = CashDayReport(self.chosen_day().isoformat(), [row.clerk])
        out = Path(tempfile.mkdtemp(prefix="motcua-cash-")) / f"thu-tien-{report.day}-ban-{row.desk or 0}.pdf"
        job = Job("Tạo báo cáo thu tiền", cash_pdf_job, report, self.ctx.settings, out)
        return self.ctx.runner.start(job, on_done=self._on_pdf,
                                     on_failed=lambda e: self.status.setText(user_message(e)))  # fmt: skip

    def _on_pdf(self, pdf: Any) -> None:
        path = Path(pdf)
        logger.info("cash report printed to %s", path.name)
        self.sig_pdf.emit(path)
        try:
            printing.print_with_preview(path, self, self.ctx.settings.printer)
            self.status.setText("Đã gửi báo cáo tới máy in.")
        except printing.PrinterMissingError as exc:
            self.status.setText(f"Đã tạo báo cáo {path.name}. {exc.user_message}")
