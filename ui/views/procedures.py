"""Thủ tục: search as you type (with or without diacritics), the procedure's detail, its guidance sheet."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import printing
from ui.adapters.catalog import ProcedureView, procedure_detail, search_procedures
from ui.context import DeskContext
from ui.ops import print_form
from ui.views.base import ViewPage, hint
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)


class ProcedureSearch(QWidget):
    """A search box and its hit list; shared by Thủ tục and the first step of Tiếp nhận."""

    sig_selected = Signal(str)  # procedure code
    sig_activated = Signal(str)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.query = QLineEdit()
        self.query.setPlaceholderText(
            "Tìm thủ tục: tên (có hoặc không dấu) hoặc mã, ví dụ “khai sinh”, “1.001193”"
        )
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setSpacing(2)
        lay.addWidget(self.query)
        lay.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self._on_query_return)
        self.results.currentItemChanged.connect(self._on_results_current)
        self.results.itemActivated.connect(
            lambda it: self.sig_activated.emit(it.data(Qt.ItemDataRole.UserRole))
        )

    def search(self) -> None:
        self._timer.stop()  # this search answers the typing a pending one would
        hits = search_procedures(self.ctx, self.query.text().strip(), limit=50)
        # clear() moves the current item through the rows it removes: without blocking, every one of
        # them was announced as selected, and a receive draft was reset to each in turn
        self.results.blockSignals(True)
        self.results.clear()
        for code, name in hits:
            item = QListWidgetItem(f"{name}\n{code}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.results.addItem(item)
        self.results.blockSignals(False)
        if self.results.count():  # the first hit is announced once
            if self.results.currentRow() == 0:
                self._on_results_current(self.results.currentItem(), None)
            else:
                self.results.setCurrentRow(0)

    def cancel_pending(self) -> None:
        """Forget typing not yet searched (the clerk has moved on: a late search must not choose)."""
        self._timer.stop()

    def current_code(self) -> str | None:
        item = self.results.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _on_query_return(self) -> None:
        self._timer.stop()
        self.search()
        code = self.current_code()
        if code:
            self.sig_activated.emit(code)

    def _on_results_current(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is not None:
            self.sig_selected.emit(str(item.data(Qt.ItemDataRole.UserRole)))


class ProceduresView(ViewPage):
    title = "Thủ tục hành chính"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search = ProcedureSearch(ctx)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.print_button = QPushButton("&In phiếu hướng dẫn")
        self.print_button.setObjectName("Primary")
        self.save_button = QPushButton("&Lưu phiếu hướng dẫn (PDF)…")
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        rl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.search)
        split.addWidget(right)
        split.setSizes([380, 640])
        self.root.addWidget(hint("Gõ để tìm; Enter hoặc ↑↓ để chọn. Tìm được cả khi gõ không dấu."))
        self.root.addWidget(split, 1)
        self.code: str | None = None
        self.search.sig_selected.connect(self.show_procedure)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)

    def refresh(self) -> None:
        if not self.search.results.count():
            self.search.search()
        self.search.query.setFocus()

    def show_procedure(self, code: str) -> None:
        self.clear_message()
        try:
            proc = procedure_detail(self.ctx, code)
        except Exception as exc:
            self.show_error(exc)
            return
        self.code = code
        self.detail.setHtml(procedure_html(proc))
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _make_guidance(self, on_done: Any) -> None:
        assert self.code
        out = Path(tempfile.mkdtemp(prefix="motcua-guide-")) / f"huong-dan-{self.code}.pdf"
        sheet = print_form.GuidanceSheet(self.code, out, self.ctx.settings)
        job = Job("Tạo phiếu hướng dẫn", print_form.run_guidance, self.ctx.home, sheet)
        self.ctx.runner.start(job, on_done=on_done, on_failed=self.show_error)

    def _on_print_clicked(self) -> None:
        def done(pdf: Path) -> None:
            try:
                printing.print_with_preview(pdf, self, self.ctx.settings.printer)
            except Exception as exc:
                self.show_error(exc)

        self._make_guidance(done)

    def _on_save_clicked(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Lưu phiếu hướng dẫn", f"huong-dan-{self.code}.pdf", "PDF (*.pdf)"
        )
        if target:
            self._make_guidance(lambda pdf: self._saved(printing.save_pdf_copy(pdf, Path(target))))

    def _saved(self, path: Path) -> None:
        self.show_info(f"Đã lưu phiếu hướng dẫn: {path}")


def procedure_html(proc: ProcedureView) -> str:
    """The procedure's detail as simple HTML (components, fees, time)."""
    comps = "".join(
        f"<tr><td>{c['name']}</td><td>{c.get('copy_label', '')}</td><td align='center'>{c.get('count', 1)}</td>"
        f"<td align='center'>{'✔' if c.get('mandatory') else ''}</td></tr>"
        for c in proc.get("components", [])
    )
    fees = "".join(f"<li>{f}</li>" for f in proc.get("fee_lines", [])) or "<li>Không thu phí</li>"
    return (
        f"<h2 style='color:#12263f'>{proc['name']}</h2>"
        f"<p><b>Mã:</b> {proc['code']} &nbsp; <b>Lĩnh vực:</b> {proc.get('field', '')}</p>"
        f"<p><b>Thời hạn giải quyết:</b> {proc.get('time_text', '')}<br>"
        f"<b>Cơ quan giải quyết:</b> {proc.get('agency', '')}<br><b>Kết quả:</b> {proc.get('result', '')}</p>"
        "<h3>Thành phần hồ sơ</h3><table border='0' cellspacing='0' cellpadding='5' width='100%'>"
        "<tr style='background:#eef2f6'><th align='left'>Giấy tờ</th><th align='left'>Loại</th>"
        f"<th>Số lượng</th><th>Bắt buộc</th></tr>{comps}</table>"
        f"<h3>Phí, lệ phí</h3><ul>{fees}</ul>"
    )
