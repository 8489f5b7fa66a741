"""One dossier: overview, event timeline, documents with a page viewer and OCR text, and its actions."""

from __future__ import annotations

import html
import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import printing
from ui.adapters import dossier
from ui.adapters.dossier import DossierInfo
from ui.context import DeskContext
from ui.dialogs import actions as dlg
from ui.dialogs.brought_back import BroughtBackDialog
from ui.dialogs.lifecycle import ExtensionRequestDialog, apology_dialog, later_dialog
from ui.messages import user_message
from ui.ops import print_form
from ui.views import dossier_supplement as supplement
from ui.views.receive.draft import DraftPage
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)

ACTIONS = [
    ("supplement", "Yêu cầu &bổ sung (02)"),
    ("refuse", "&Từ chối (03)"),
    ("fee", "Thu &phí"),
    ("apology", "&Xin lỗi, hẹn lại (04)"),
    ("return", "Trả &kết quả"),
    ("rating", "Đánh &giá"),
    ("reprint", "&In lại giấy tiếp nhận"),
    ("correct", "&Sửa thông tin (in lại 01)"),
    ("handoff", "Giao &nhận (06)"),
    ("record_result", "Nhận kết &quả tại điểm"),
    ("stop", "&Dừng giải quyết (05)"),
    ("cancel", "&Hủy hồ sơ nhập nhầm"),
    ("postal", "&Bưu chính"),
    ("add_documents", "Nhận giấy tờ bổ s&ung"),
    ("withdraw_extension", "&Rút đề nghị gia hạn"),
    ("decline_extension", "Không duyệt gi&a hạn"),
]
ACTION_LABELS = dict(ACTIONS)
DONE_VI = {
    "request_extension": "Đã ghi đề nghị gia hạn; văn bản mẫu 04 in sau khi trưởng điểm duyệt, ký.",
    "withdraw_extension": "Đã rút đề nghị gia hạn; ngày hẹn trả không thay đổi.",
    "decline_extension": "Đã ghi trưởng điểm không duyệt đề nghị gia hạn; ngày hẹn trả không thay đổi.",
}
APPROVE_APOLOGY_VI = "Duyệt &xin lỗi, gia hạn (04)"
FORM_OF: dict[str, print_form.FormCode] = {
    "supplement": "02",
    "refuse": "03",
    "apology": "04",
    "reprint": "01",
    "correct": "01",
    "handoff": "06",
    "stop": "05",
    "add_documents": "01",  # a new appointment after the supplement
}


def action_of(action: str, dialog: dlg.ActionDialog) -> str:
    """The action a dialog records: a clerk's form 04 dialog only asks for it (no form yet)."""
    return "request_extension" if isinstance(dialog, ExtensionRequestDialog) else action


class DossierDetail(QWidget):
    sig_changed = Signal(str)  # dossier id
    sig_message = Signal(str, bool)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id: str | None = None
        self.detail: DossierInfo | None = None
        self.last_form_pdf: Path | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel("Chọn một hồ sơ trong danh sách.")
        self.header.setObjectName("SectionTitle")
        self.header.setWordWrap(True)
        lay.addWidget(self.header)
        self.late = QLabel()  # a late dossier: flagged here, with the apology (04) offered
        self.late.setObjectName("Error")
        self.late.setWordWrap(True)
        self.late.hide()
        lay.addWidget(self.late)
        self.pending = QLabel()  # form 04 asked for by a clerk, waiting for the head's signature
        self.pending.setObjectName("InfoBanner")
        self.pending.setWordWrap(True)
        self.pending.hide()
        lay.addWidget(self.pending)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (key, label) in enumerate(ACTIONS):
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, k=key: self.open_action(k))
            b.setEnabled(False)
            self.buttons[key] = b
            grid.addWidget(b, i // 3, i % 3)
        lay.addLayout(grid)
        self.tabs = QTabWidget()
        self.overview = QTextBrowser()
        self.timeline = QTextBrowser()
        docs = QSplitter(Qt.Orientation.Vertical)
        self.documents = QListWidget()
        self.page_view = QLabel()
        self.page_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page_view)
        self.ocr_text = QPlainTextEdit()
        self.ocr_text.setReadOnly(True)
        docs.addWidget(self.documents)
        docs.addWidget(scroll)
        docs.addWidget(self.ocr_text)
        docs.setSizes([120, 300, 120])
        self.tabs.addTab(self.overview, "Tổng quan")
        self.tabs.addTab(self.timeline, "Diễn biến")
        self.tabs.addTab(docs, "Tài liệu")
        lay.addWidget(self.tabs, 1)
        self.documents.currentItemChanged.connect(self._on_page_current)

    # ----- showing -----
    def show_dossier(self, dossier_id: str) -> None:
        self.dossier_id = dossier_id
        self.detail = dossier.dossier_detail(self.ctx, dossier_id)
        d = self.detail
        self.header.setText(f"{d['code']} — {d['procedure_name']} — {d['status_label']}")
        self.overview.setHtml(d["overview_html"])
        self.timeline.setHtml(
            "<table cellpadding='5' width='100%'>"
            + "".join(
                f"<tr><td style='color:#52606d' nowrap>{html.escape(t['when'])}</td>"
                f"<td><b>{html.escape(t['label'])}</b><br>{html.escape(t.get('detail', ''))}</td></tr>"
                for t in d["timeline"]
            )
            + "</table>"
        )
        self.documents.clear()
        for page in d["pages"]:
            item = QListWidgetItem(page["label"])
            item.setData(Qt.ItemDataRole.UserRole, page)
            self.documents.addItem(item)
        self.late.setText(d["late_notice"])
        self.late.setVisible(bool(d["late_notice"]))
        self.pending.setText(d["pending_notice"])
        self.pending.setVisible(bool(d["pending_notice"]))
        allowed = set(d["allowed_actions"])
        for key, b in self.buttons.items():
            b.setEnabled(key in allowed)
        self.buttons["apology"].setText(
            APPROVE_APOLOGY_VI if d["pending_notice"] else ACTION_LABELS["apology"]
        )

    def _on_page_current(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is None:
            return
        page = item.data(Qt.ItemDataRole.UserRole)
        pix = QPixmap()
        pix.loadFromData(dossier.blob_bytes(self.ctx, page["sha256"]))  # decrypted in memory
        self.page_view.setPixmap(pix.scaledToWidth(560, Qt.TransformationMode.SmoothTransformation))
        self.ocr_text.setPlainText(page.get("text") or "(không có văn bản nhận dạng)")

    # ----- actions -----
    def _dialog_for(self, action: str) -> dlg.ActionDialog | None:
        d = self.detail
        if d is None:
            return None
        if action == "supplement":
            return dlg.SupplementDialog(d["checklist"], self)
        if action == "refuse":
            return dlg.RefuseDialog(self)
        if action == "fee":
            return dlg.FeeDialog(d["fees_due"], self)
        if action == "apology":  # a clerk asks (pending); the head approves and signs (form 04)
            return apology_dialog(self.ctx, d, self)
        if action == "return":
            return dlg.ReturnDialog(d["applicant_name"], self)
        if action == "rating":
            return dlg.RatingDialog(self)
        return later_dialog(action, self.ctx, d, self)

    def add_document_files(self, paths: list[Path], name: str) -> Job | None:
        """The papers brought back as files: read as at intake, then added (`add_brought_back`)."""
        if not self.dossier_id:
            return None

        def read_all(read: list[DraftPage]) -> None:
            self.add_brought_back(name, read)

        return supplement.start_import(self.ctx, paths, read_all, self._on_failed)

    def add_brought_back(self, name: str, read: list[DraftPage]) -> Job | None:
        """The pages read (scanned or imported): one searchable PDF, added to the dossier, the time
        counted again, a new slip (01)."""
        if not self.dossier_id or not read:
            return None

        def added(document: dict[str, Any]) -> None:
            self.run_action("add_documents", {"documents": [document]})

        return supplement.start_document(self.ctx, name, read, added, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self.sig_message.emit(user_message(exc), True)

    def brought_back_dialog(self) -> BroughtBackDialog:
        items = self.detail["missing"] if self.detail else []
        missing = [str(i.get("name", "") if isinstance(i, dict) else i) for i in items]
        return BroughtBackDialog(self.ctx, missing, self)

    def open_action(self, action: str) -> None:
        if action == "fee":  # the cash desk: copies, VietQR, biên lai (ui.dialogs.collect_fee)
            from ui.dialogs.collect_fee import open_collect_fee

            open_collect_fee(self)
            return
        if action == "add_documents":  # scanned (F5) or imported as at intake, then added
            papers = self.brought_back_dialog()
            if papers.exec() == QDialog.DialogCode.Accepted:
                v = papers.values()
                self.add_brought_back(v["name"], v["pages"])
            return
        dialog = self._dialog_for(action)
        if dialog is None:
            self.run_action(action, {})
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run_action(action_of(action, dialog), dialog.values())

    def run_action(self, action: str, values: dict[str, Any]) -> Job | None:
        """Record the action through app.services, then make its form (02/03/04) and offer to print."""
        if not self.dossier_id:
            return None
        dossier_id = self.dossier_id
        try:
            if action != "reprint":
                dossier.perform_action(self.ctx, action, dossier_id, values)
        except Exception as exc:
            self.sig_message.emit(user_message(exc), True)
            return None
        self.show_dossier(dossier_id)
        self.sig_changed.emit(dossier_id)
        form = FORM_OF.get(action)
        if not form:
            self.sig_message.emit(DONE_VI.get(action, "Đã ghi nhận."), False)
            return None
        out = (
            Path(tempfile.mkdtemp(prefix="motcua-form-"))
            / f"mau-{form}-{self.detail['code'] if self.detail else dossier_id}.pdf"
        )
        request = print_form.DossierForm(form, dossier_id, out, self.ctx.settings, self.ctx.clerk_name)
        job = Job(f"Tạo mẫu {form}", print_form.run, self.ctx.home, request)
        return self.ctx.runner.start(
            job, on_done=self._on_form_ready, on_failed=lambda e: self.sig_message.emit(user_message(e), True)
        )

    def _on_form_ready(self, pdf: Path) -> None:
        self.last_form_pdf = pdf
        self.sig_message.emit(f"Đã ghi nhận. Phiếu đã tạo: {pdf.name}", False)
        try:
            printing.print_with_preview(pdf, self, self.ctx.settings.printer)
        except printing.PrinterMissingError as exc:
            self.sig_message.emit(f"Đã ghi nhận và tạo phiếu {pdf.name}. {exc.user_message}", True)
