"""Báo cáo: the point's numbers for a day, a month or a quarter, on screen with charts, and exported to
XLSX or PDF. The report is computed in a job on its own store connection (app.reports.point)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from app.domain.vocabulary import vn_date
from app.reports import period as periods
from app.reports.point import PointReport, Table, cell_text
from ui.messages import user_message
from ui.qdates import qdate_today
from ui.views.base import ViewPage, section
from ui.workers.jobs import Job

KINDS = [("day", "Ngày"), ("month", "Tháng"), ("quarter", "Quý")]


def report_job(home: Path, kind: str, day: date, progress: Any, is_cancelled: Any) -> PointReport:
    from app.config import load_settings
    from app.reports.point import compute
    from ui.ops.store import open_store

    p = _period(kind, day)
    db = open_store(home)
    try:
        return compute(db, p, load_settings(home).point_name)
    finally:
        db.close()


def export_job(report: PointReport, settings: Any, out: Path, progress: Any, is_cancelled: Any) -> Path:
    from app.reports.pdf import render_pdf
    from app.reports.xlsx import render_xlsx

    out.write_bytes(render_xlsx(report) if out.suffix.lower() == ".xlsx" else render_pdf(report, settings))
    return out


def _period(kind: str, day: date) -> periods.Period:
    if kind == "day":
        return periods.day(day.isoformat())
    if kind == "month":
        return periods.month(f"{day:%Y-%m}")
    return periods.quarter(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


class BarChart(QWidget):
    """Horizontal bars: one per (label, value)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[tuple[str, float]] = []
        self.setMinimumHeight(160)

    def set_bars(self, bars: list[tuple[str, float]]) -> None:
        self.bars = bars
        self.setMinimumHeight(24 * max(1, len(bars)) + 44)
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = max((v for _, v in self.bars), default=0) or 1
        label_w, y = 220, 8
        bar_w = max(10, self.width() - label_w - 80)
        if self.title:
            p.setPen(QColor("#12263f"))
            p.drawText(
                QRectF(0, 0, self.width(), 20),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.title,
            )
            y = 28
        metrics = p.fontMetrics()
        for label, value in self.bars:
            p.setPen(QColor("#12263f"))
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 12)
            p.drawText(
                QRectF(0, y, label_w - 8, 20),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            p.fillRect(QRectF(label_w, y + 3, max(1.0, bar_w * value / top), 14), QColor("#0b5cad"))
            number = cell_text(int(value)) if float(value).is_integer() else cell_text(value)
            p.drawText(
                QRectF(label_w + bar_w * value / top + 6, y, 70, 20), Qt.AlignmentFlag.AlignVCenter, number
            )
            y += 24
        p.end()


class ReportView(ViewPage):
    title = "Báo cáo"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: PointReport | None = None
        bar = QHBoxLayout()
        self.kind = QComboBox()
        for code, label in KINDS:
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(1)
        self.day = QDateEdit(qdate_today())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton("&Xem báo cáo")
        self.show_button.setObjectName("Primary")
        self.show_button.clicked.connect(self.run)
        self.xlsx = QPushButton("Xuất &Excel (XLSX)…")
        self.pdf = QPushButton("Xuất &PDF…")
        self.xlsx.clicked.connect(lambda: self.export(".xlsx"))
        self.pdf.clicked.connect(lambda: self.export(".pdf"))
        self.cash = QPushButton("&Thu tiền cuối ngày…")
        self.cash.setToolTip("Báo cáo thu phí, lệ phí cuối ngày của từng cán bộ (trưởng điểm: mọi bàn)")
        self.cash.clicked.connect(self.open_cash_day)
        self.complaints = QPushButton("Phản ánh, &kiến nghị…")
        self.complaints.setToolTip("Ghi nhận phản ánh, kiến nghị và ngày trả lời (tính vào báo cáo)")
        self.complaints.clicked.connect(self.open_complaints)
        for w in (
            QLabel("Kỳ:"),
            self.kind,
            QLabel("Trong kỳ có ngày:"),
            self.day,
            self.show_button,
            self.xlsx,
            self.pdf,
            self.cash,
            self.complaints,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        self.root.addLayout(bar)
        self.heading = section("")
        self.root.addWidget(self.heading)
        charts = QHBoxLayout()
        self.by_field = BarChart("Hồ sơ tiếp nhận theo lĩnh vực")
        self.on_time = BarChart("Kết quả trả đúng hạn, trễ hạn")
        charts.addWidget(self.by_field, 3)
        charts.addWidget(self.on_time, 2)
        self.root.addLayout(charts)
        self.tabs = QTabWidget()
        self.root.addWidget(self.tabs, 1)
        self._set_exports(False)

    def open_cash_day(self) -> None:
        from ui.dialogs.cash_day import CashDayDialog

        CashDayDialog(self.ctx, self).exec()

    def open_complaints(self) -> None:
        from ui.dialogs.complaint import ComplaintDialog

        ComplaintDialog(self.ctx, self).exec()

    def _set_exports(self, on: bool) -> None:
        self.xlsx.setEnabled(on)
        self.pdf.setEnabled(on)

    def refresh(self) -> None:
        if self.report is None:
            self.run()

    def run(self) -> Job:
        self.clear_message()
        self.show_button.setEnabled(False)
        day = self.day.date().toPython()
        job = Job("Tính báo cáo", report_job, self.ctx.home, str(self.kind.currentData()), day)
        return self.ctx.runner.start(job, on_done=self.show_report, on_failed=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.show_button.setEnabled(True)
        self.show_error(user_message(exc))

    def show_report(self, report: PointReport) -> None:
        self.report = report
        self.show_button.setEnabled(True)
        self._set_exports(True)
        p = report.period
        self.heading.setText(f"{p.label_vi}: từ {vn_date(p.start)} đến {vn_date(p.end)}")
        fields = report.table("Theo lĩnh vực")
        self.by_field.set_bars([(str(r[0]), float(r[1] or 0)) for r in fields.rows])
        on_time = report.table("Đúng hạn")
        self.on_time.set_bars([(str(r[0]), float(r[1] or 0)) for r in on_time.rows])
        self.tabs.clear()
        for table in report.tables:
            self.tabs.addTab(self._grid(table), table.key)

    def _grid(self, table: Table) -> QTableWidget:
        rows = [table.total, *table.rows]
        grid = QTableWidget(len(rows), len(table.header))
        grid.setHorizontalHeaderLabels(list(table.header))
        grid.verticalHeader().hide()
        grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(cell_text(value))
                if not isinstance(value, str):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                grid.setItem(r, c, item)
        grid.resizeColumnsToContents()
        grid.horizontalHeader().setStretchLastSection(True)
        return grid

    def export(self, suffix: str, target: Path | None = None) -> Job | None:
        if self.report is None:
            return None
        if target is None:
            name = f"bao-cao-{self.report.period.start}{suffix}"
            chosen, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo", str(Path.home() / name))
            if not chosen:
                return None
            target = Path(chosen)
        job = Job("Xuất báo cáo", export_job, self.report, self.ctx.settings, target)
        return self.ctx.runner.start(job, on_done=lambda out: self.show_info(f"Đã lưu {out.name}."),
                                     on_failed=lambda e: self.show_error(user_message(e)))  # fmt: skip
