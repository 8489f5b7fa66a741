"""The page shown after saving: the code and appointment, the fee as it stands (collected with its biên
lai, or due with the VietQR to pay it and the clerk's confirmation), and the receipt and biên lai to print."""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.vocabulary import PAYMENT_METHOD_VI, vnd
from app.services import cashdesk as cd
from ui.adapters.session import service_desk
from ui.context import DeskContext
from ui.dialogs.collect_fee import bienlai_out, bienlai_pdf_job, qr_pixmap
from ui.messages import user_message
from ui.ops.save_dossier import SavedDossier
from ui.views.base import section
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)


class DoneStep(QWidget):
    sig_message = Signal(str, bool)  # text, is_error
    sig_bienlai = Signal(object)  # the biên lai PDF (Path), to print

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: SavedDossier | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(section("Đã lưu hồ sơ"))
        self.info = QLabel()
        self.info.setObjectName("InfoBanner")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.fee = QLabel()
        self.fee.setWordWrap(True)
        lay.addWidget(self.fee)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.confirmed = QCheckBox("Đã nhận được tiền chuyển khoản (kiểm tra trên tài khoản của Điểm)")
        self.collect_button = QPushButton("&Xác nhận đã nhận tiền và lập biên lai")
        self.collect_button.setToolTip(
            "Tiền chuyển khoản đã về tài khoản của Điểm: thu và lập biên lai (Alt+X)"
        )
        lay.addWidget(self.qr)
        confirm = QHBoxLayout()
        confirm.addWidget(self.confirmed)
        confirm.addWidget(self.collect_button)
        confirm.addStretch(1)
        lay.addLayout(confirm)
        row = QHBoxLayout()
        self.print_button = QPushButton("In giấy tiếp nhận (Ctrl+P)")
        self.print_button.setObjectName("Primary")
        self.print_button.setShortcut("Ctrl+P")
        self.save_pdf_button = QPushButton("&Lưu giấy tiếp nhận (PDF)…")
        self.bienlai_button = QPushButton("In &biên lai")
        self.bienlai_button.setToolTip("In biên lai thu phí, lệ phí (2 liên) (Alt+B)")
        self.new_button = QPushButton("Tiếp nhận hồ sơ &mới")
        for b in (self.print_button, self.save_pdf_button, self.bienlai_button, self.new_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.collect_button.clicked.connect(self.confirm_transfer)
        self.bienlai_button.clicked.connect(self.print_bienlai)

    def show_result(self, result: SavedDossier) -> None:
        self.result = result
        self.info.setText(
            f"Mã hồ sơ: <b>{html.escape(result.code)}</b><br>"
            f"Hẹn trả kết quả: <b>{html.escape(result.due_text or result.due_date)}</b><br>"
            "Hãy in giấy tiếp nhận (2 liên) và giao liên 2 cho công dân."
        )
        self._show_fee()

    def _show_fee(self) -> None:
        r = self.result
        assert r is not None
        transfer_due = r.fees_due > 0 and r.pay_method == "transfer" and bool(r.qr_payload)
        if r.fees_total == 0:
            text = "Hồ sơ không phải nộp phí, lệ phí."
        elif r.fees_due <= 0:
            method = PAYMENT_METHOD_VI.get(r.pay_method, r.pay_method)
            number = f", biên lai <b>{html.escape(r.receipt_text)}</b>" if r.receipt_text else ""
            text = f"Đã thu <b>{vnd(r.fees_collected)}</b> — {method}{number}."
        elif transfer_due:
            text = (f"Mời công dân quét mã VietQR để chuyển <b>{vnd(r.fees_due)}</b>; nội dung chuyển khoản là "
                    f"mã hồ sơ {html.escape(r.code)}. Khi tiền về, xác nhận để lập biên lai.")  # fmt: skip
        else:
            text = (f"Phí, lệ phí <b>{vnd(r.fees_due)}</b> chưa thu: giấy tiếp nhận ghi số tiền và mã VietQR; "
                    "thu sau bằng “Thu phí” trong hồ sơ.")  # fmt: skip
        self.fee.setText(text)
        self.qr.setVisible(transfer_due)
        self.confirmed.setVisible(transfer_due)
        self.collect_button.setVisible(transfer_due)
        self.confirmed.setChecked(False)
        if transfer_due:
            self.qr.setPixmap(qr_pixmap(r.qr_payload))
        self.bienlai_button.setVisible(r.bienlai is not None)

    def confirm_transfer(self) -> cd.Collected | None:
        """The clerk saw the transfer arrive: collect what is due and draw the biên lai's number."""
        r = self.result
        if r is None:
            return None
        if not self.confirmed.isChecked():
            self.sig_message.emit("Hãy đánh dấu đã nhận được tiền chuyển khoản trước.", True)
            return None
        desk = service_desk(self.ctx)
        try:
            got = cd.collect_due(desk, r.id, cd.Payment("transfer", transfer_confirmed=True))
        except Exception as exc:
            self.sig_message.emit(user_message(exc), True)
            return None
        bienlai = cd.printable(desk, got) if got.receipt and got.receipt.kind == "printed" else None
        receipt = got.receipt.text if got.receipt else ""
        self.result = r = replace(r, fees_collected=got.state.fees_collected, receipt_text=receipt,
                                  qr_payload="", bienlai=bienlai)  # fmt: skip
        logger.info("transfer confirmed for dossier %s (event %s)", r.id, got.event_id)
        self._show_fee()
        self.sig_message.emit(
            f"Đã thu {vnd(got.amount)} bằng chuyển khoản, biên lai {r.receipt_text}.", False
        )
        return got

    def print_bienlai(self) -> Job | None:
        r = self.result
        if r is None or r.bienlai is None:
            return None
        job = Job("Tạo biên lai", bienlai_pdf_job, r.bienlai, self.ctx.settings, bienlai_out(r.code or "hs"))
        return self.ctx.runner.start(
            job,
            on_done=lambda pdf: self.sig_bienlai.emit(Path(pdf)),
            on_failed=lambda e: self.sig_message.emit(user_message(e), True),
        )
