"""Hồ sơ: filters, search (code, name, ID number, OCR text), a lazily loaded table, and the detail."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSplitter,
    QTableView,
    QWidget,
)

from ui.adapters.dossier import list_dossiers
from ui.context import DeskContext
from ui.models.dossier_table import DossierTableModel
from ui.views.base import ViewPage
from ui.views.dossier_detail import DossierDetail

FILTERS = [
    ("all", "Tất cả"),
    ("today", "Nhận hôm nay"),
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
    ("awaiting", "Đang chờ kết quả"),
    ("returned", "Đã trả kết quả"),
    ("refused", "Từ chối"),
    ("unsynced", "Chưa đồng bộ"),
]


class DossiersView(ViewPage):
    title = "Hồ sơ"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Tìm theo mã hồ sơ, họ tên, số giấy tờ, số điện thoại hoặc nội dung tài liệu (OCR)"
        )
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.filter)
        bar.addWidget(self.search, 1)
        self.root.addLayout(bar)
        self.model = DossierTableModel(partial(list_dossiers, ctx))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(False)
        for col, width in enumerate((180, 210, 160, 90, 90)):
            self.table.setColumnWidth(col, width)
        self.detail = DossierDetail(ctx)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self._split = split
        self._sized = False
        self.root.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.detail.sig_changed.connect(lambda _id: self.model.reload())
        self.detail.sig_message.connect(lambda text, err: (self.show_error if err else self.show_info)(text))

    def refresh(self) -> None:
        if not self._sized and self.width() > 400:  # the list gets the larger share once laid out
            self._split.setSizes([int(self.width() * 0.6), int(self.width() * 0.4)])
            self._sized = True
        self.apply_filter()

    def apply_filter(self) -> None:
        self.clear_message()
        try:
            self.model.set_query(str(self.filter.currentData()), self.search.text().strip())
        except Exception as exc:
            self.show_error(exc)

    def select_code(self, code: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_data(row)["code"] == code:
                self.table.selectRow(row)
                return True
        return False

    def _on_selection(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            try:
                self.detail.show_dossier(self.model.row_data(rows[0].row())["id"])
            except Exception as exc:
                self.show_error(exc)
