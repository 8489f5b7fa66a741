"""Hồ sơ: filters, search (code, name, ID number, phone, OCR text), a lazily loaded table, the detail,
and the register (form 07) of a period printed from here."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

from app.domain.vocabulary import vn_today
from ui import printing
from ui.adapters.dossier import list_dossiers
from ui.context import DeskContext
from ui.dialogs.register import RegisterDialog
from ui.messages import user_message
from ui.models.dossier_table import DossierTableModel
from ui.ops import print_form
from ui.views.base import ViewPage
from ui.views.dossier_detail import DossierDetail
from ui.workers.jobs import Job

FILTERS = [
    ("all", "Tất cả"),
    ("today", "Nhận hôm nay"),
    ("due_soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
    ("pending_extension", "Chờ duyệt gia hạn"),
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
        self.register_button = QPushButton("In sổ theo dõi (0&7)…")
        self.register_button.setToolTip(
            "Sổ theo dõi hồ sơ (mẫu 07) của một ngày, một tháng hoặc một khoảng ngày"
        )
        self.last_register_pdf: Path | None = None
        bar.addWidget(self.filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.register_button)
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
        self.register_button.clicked.connect(self._on_register_clicked)
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

    # ----- the register (form 07) -----
    def _on_register_clicked(self) -> None:
        dialog = RegisterDialog(vn_today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            v = dialog.values()
            self.print_register(v["first"], v["last"])

    def print_register(self, first: date, last: date) -> Job:
        """Build form 07 of `first`..`last` off the UI thread, then offer it for printing."""
        self.clear_message()
        name = f"so-theo-doi-{first.isoformat()}" + ("" if first == last else f"-{last.isoformat()}")
        out = Path(tempfile.mkdtemp(prefix="motcua-form-")) / f"{name}.pdf"
        request = print_form.RegisterSheet(first, last, out, self.ctx.settings)
        job = Job("Tạo sổ theo dõi hồ sơ (mẫu 07)", print_form.run_register, self.ctx.home, request)
        self.register_button.setEnabled(False)
        return self.ctx.runner.start(job, on_done=self._on_register_ready, on_failed=self._on_register_failed)

    def _on_register_ready(self, pdf: Path) -> None:
        self.register_button.setEnabled(True)
        self.last_register_pdf = pdf
        self.show_info(f"Đã tạo sổ theo dõi hồ sơ: {pdf.name}")
        try:
            printing.print_with_preview(pdf, self, self.ctx.settings.printer)
        except printing.PrinterMissingError as exc:
            self.show_error(f"Đã tạo sổ theo dõi hồ sơ {pdf.name}. {exc.user_message}")

    def _on_register_failed(self, exc: BaseException) -> None:
        self.register_button.setEnabled(True)
        self.show_error(user_message(exc))
