"""Trang chủ: today's figures at a glance, what is due and overdue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QTableWidget, QTableWidgetItem

from app.services.context import vn_now
from ui.adapters.dossier import dashboard
from ui.theme import DANGER
from ui.views.base import ViewPage, card, section
from ui.views.queue.figures import point_figures_strip

CARDS = [
    ("received_today", "Tiếp nhận hôm nay", False),
    ("due_today", "Đến hạn trả hôm nay", False),
    ("overdue", "Quá hạn", True),
    ("awaiting_result", "Đang chờ kết quả", False),
    ("returned_today", "Đã trả kết quả hôm nay", False),
    ("on_time_rate", "Tỉ lệ đúng hạn", False),
    ("pending_extension", "Chờ duyệt gia hạn", False),  # form 04 asked for by a clerk, not yet signed
]


PROCEDURE_WIDTH = 380


class HomeView(ViewPage):
    title = "Trang chủ"

    def __init__(self, ctx, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.values = {}
        for i, (key, label, danger) in enumerate(CARDS):
            frame, value = card(label, "–", danger)
            self.values[key] = value
            grid.addWidget(frame, i // 4, i % 4)
        self.root.addLayout(grid)
        self.figures = point_figures_strip(ctx)  # satisfaction and today's wait (ui.views.queue.figures)
        self.root.addWidget(self.figures)
        self.root.addWidget(section("Hồ sơ cần chú ý (đến hạn hôm nay và quá hạn)"))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Mã hồ sơ", "Thủ tục", "Người nộp", "Hẹn trả", "Tình trạng"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.root.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.clear_message()
        data = dashboard(self.ctx)
        self.figures.refresh(vn_now().date())
        for key, label in self.values.items():
            value = data.get(key)
            if key == "on_time_rate":
                label.setText("–" if value is None else f"{value:.0%}".replace(".", ","))
            else:
                label.setText(str(value if value is not None else 0))
        rows = data.get("attention", [])
        self.table.setRowCount(len(rows))
        for r, item in enumerate(rows):
            cells = [item["code"], item["procedure"], item["applicant"], item["due_date"], item["label"]]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(str(text or ""))
                if item.get("overdue"):
                    cell.setForeground(QColor(DANGER))
                cell.setData(Qt.ItemDataRole.UserRole, item.get("id"))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        if self.table.columnWidth(1) > PROCEDURE_WIDTH:  # a long name is elided, the state stays in view
            self.table.setColumnWidth(1, PROCEDURE_WIDTH)
