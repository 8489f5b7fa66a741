"""Thu phí, lệ phí: copies, channel, an exemption with its proof, cash / VietQR transfer / online payment,
the biên lai (printed here, or the number of a pre-printed or electronic one), then the biên lai to print."""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import Any

import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import PAYMENT_METHOD_VI, vnd
from app.forms.bienlai import render_bienlai
from app.services import cashdesk as cd
from app.services.context import Desk
from app.services.receipts import ReceiptNo
from ui.messages import user_message
from ui.views.receipt_fields import receipt_fields

logger = logging.getLogger(__name__)


def qr_pixmap(payload: str, size: int = 220) -> QPixmap:
    buf = io.BytesIO()
    qrcode.make(payload, box_size=8, border=2).save(buf, format="PNG")
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


class CollectFeeDialog(QDialog):
    """Collect a dossier's fees through app.services.cashdesk; `collected` holds the result after OK."""

    def __init__(self, desk: Desk, dossier_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dossier_id = desk, dossier_id
        self.collected: cd.Collected | None = None
        self.setWindowTitle("Thu phí, lệ phí")
        self.setMinimumWidth(640)
        root = QVBoxLayout(self)
        form = QFormLayout()
        state = cd.current_state(desk, dossier_id)
        quoted = state.fees_collected == 0 and cd.asked_at_receipt(desk, state) is not None
        self.owed = cd.owed(desk, state) if quoted else None
        self.as_received = QCheckBox(
            f"Thu theo mức ghi trên giấy tiếp nhận ({vnd(self.owed.total)})" if self.owed else ""
        )
        self.as_received.setChecked(bool(self.owed and self.owed.total))
        self.as_received.setVisible(bool(self.owed and self.owed.total))
        form.addRow(self.as_received)
        self.copies = QSpinBox(minimum=1, maximum=1000)
        self.channel = QComboBox()
        for code in cd.CHANNELS:
            self.channel.addItem(cd.CHANNEL_VI[code], code)
        self.exempt = QCheckBox("Miễn, giảm")
        self.exempt_reason = QLineEdit(placeholderText="Lý do miễn, giảm")
        self.exempt_proof = QLineEdit(placeholderText="Giấy tờ chứng minh (tên, số)")
        if self.owed:
            self.copies.setValue(max(self.owed.copies, 1))
        form.addRow("Số bản *", self.copies)
        form.addRow("Kênh nộp", self.channel)
        form.addRow(self.exempt, self.exempt_reason)
        form.addRow("", self.exempt_proof)
        self.lines = QLabel()
        self.lines.setWordWrap(True)
        form.addRow("Phí, lệ phí", self.lines)
        methods = QHBoxLayout()
        self.method_group = QButtonGroup(self)
        for i, code in enumerate(cd.METHODS):
            button = QRadioButton(PAYMENT_METHOD_VI[code])
            button.setProperty("method", code)
            button.setChecked(i == 0)
            self.method_group.addButton(button)
            methods.addWidget(button)
        form.addRow("Hình thức *", methods)
        self.epay_ref = QLineEdit(placeholderText="Mã giao dịch trên Cổng thanh toán")
        form.addRow("Mã thanh toán trực tuyến", self.epay_ref)
        fields = receipt_fields()
        self.receipt_kind, self.receipt_form = fields.kind, fields.form
        self.receipt_series, self.receipt_number = fields.series, fields.number
        numbers = fields.numbers
        form.addRow("Biên lai", self.receipt_kind)
        form.addRow("Số biên lai ghi tay", numbers)
        root.addLayout(form)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setMinimumSize(230, 230)
        self.qr_note = QLabel()
        self.qr_note.setWordWrap(True)
        self.qr_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirmed = QCheckBox("Đã nhận được tiền chuyển khoản (kiểm tra trên tài khoản của Điểm)")
        for shown in (self.qr, self.qr_note, self.confirmed):
            root.addWidget(shown)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        root.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Thu tiền và lập biên lai")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)
        for signal in (self.as_received.toggled, self.copies.valueChanged, self.channel.currentIndexChanged, self.exempt.toggled,
                       self.method_group.buttonToggled, self.receipt_kind.currentIndexChanged,
                       self.exempt_reason.textChanged, self.exempt_proof.textChanged):  # fmt: skip
            signal.connect(self.refresh)
        self.refresh()

    @property
    def method(self) -> str:
        button = self.method_group.checkedButton()
        return str(button.property("method")) if button else "cash"

    def request(self) -> cd.FeeRequest:
        ex = (
            cd.Exemption(self.exempt_reason.text(), self.exempt_proof.text())
            if self.exempt.isChecked()
            else None
        )
        return cd.FeeRequest(
            copies=self.copies.value(), channel=str(self.channel.currentData()), exemption=ex
        )

    def refresh(self, *_: Any) -> None:
        """Re-quote (a short read of one dossier) and show the VietQR for a transfer."""
        self.error.clear()
        transfer = self.method == "transfer"
        self.epay_ref.setEnabled(self.method == "epay")
        recorded = self.receipt_kind.currentData() != "printed"
        for w in (self.receipt_form, self.receipt_series, self.receipt_number):
            w.setEnabled(recorded)
        received = self.as_received.isChecked()
        terms: tuple[QWidget, ...] = (
            self.copies,
            self.channel,
            self.exempt,
            self.exempt_reason,
            self.exempt_proof,
        )
        for term in terms:
            term.setEnabled(not received)
        try:
            quote = (
                self.owed if received and self.owed else cd.quote(self.desk, self.dossier_id, self.request())
            )
        except Exception as exc:
            self.lines.setText("")
            self.error.setText(user_message(exc))
            quote = None
        if quote:
            self.lines.setText("; ".join(f"{line['label']}: {vnd(int(line['amount']))}" for line in quote.lines)
                               + f" — Tổng: {vnd(quote.total)}")  # fmt: skip
        payload = ""
        if transfer and quote and quote.total:
            try:
                payload = cd.transfer_qr(self.desk, cd.current_state(self.desk, self.dossier_id), quote.total)
            except Exception as exc:
                self.error.setText(user_message(exc))
        self.qr.setVisible(bool(payload))
        self.qr_note.setVisible(bool(payload))
        self.confirmed.setVisible(transfer)
        if payload:
            self.qr.setPixmap(qr_pixmap(payload))
            self.qr_note.setText(f"Mời công dân quét mã VietQR để chuyển {vnd(quote.total if quote else 0)}; "
                                 "nội dung chuyển khoản là mã hồ sơ.")  # fmt: skip
        self.adjustSize()

    def _on_ok(self) -> None:
        kind = str(self.receipt_kind.currentData())
        number = None
        if kind != "printed":
            number = ReceiptNo(self.receipt_form.text().strip(), self.receipt_series.text().strip(),
                               self.receipt_number.value(), kind)  # fmt: skip
        pay = cd.Payment(self.method, self.confirmed.isChecked(), self.epay_ref.text().strip())
        choice = cd.ReceiptChoice(kind, number)
        try:
            if self.as_received.isChecked():  # the quote made at intake, with its reasoned adjustment
                self.collected = cd.collect_due(self.desk, self.dossier_id, pay, choice)
            else:
                self.collected = cd.collect(self.desk, self.dossier_id, self.request(), pay, choice)
        except Exception as exc:
            self.error.setText(user_message(exc))
            return
        self.accept()


def bienlai_pdf_job(bienlai: Any, settings: Any, out: Path, progress: Any, is_cancelled: Any) -> Path:
    """Render the biên lai PDF off the UI thread."""
    out.write_bytes(render_bienlai(bienlai, settings))
    return out


def bienlai_out(code: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="motcua-bienlai-")) / f"bien-lai-{code}.pdf"


def open_collect_fee(view: Any) -> None:
    """From a dossier's view (ui.views.dossier_detail.DossierDetail): collect, refresh, print the biên lai."""
    from ui import printing
    from ui.adapters.session import service_desk
    from ui.workers.jobs import Job

    dossier_id = view.dossier_id
    if not dossier_id:
        return
    dialog = CollectFeeDialog(service_desk(view.ctx), dossier_id, view)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.collected is None:
        return
    got = dialog.collected
    view.show_dossier(dossier_id)
    view.sig_changed.emit(dossier_id)
    if got.receipt is None or got.receipt.kind != "printed":
        view.sig_message.emit(f"Đã thu {vnd(got.amount)}.", False)
        return
    bienlai = cd.printable(dialog.desk, got)

    def ready(pdf: Path) -> None:
        view.sig_message.emit(
            f"Đã thu {vnd(got.amount)}, biên lai {got.receipt.text if got.receipt else ''}.", False
        )
        try:
            printing.print_with_preview(pdf, view, view.ctx.settings.printer)
        except printing.PrinterMissingError as exc:
            view.sig_message.emit(f"Đã tạo biên lai {pdf.name}. {exc.user_message}", True)

    job = Job(
        "Tạo biên lai", bienlai_pdf_job, bienlai, view.ctx.settings, bienlai_out(got.state.code or "hs")
    )
    view.ctx.runner.start(
        job, on_done=ready, on_failed=lambda e: view.sig_message.emit(user_message(e), True)
    )
