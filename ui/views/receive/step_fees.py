"""Step 4 — lệ phí: the cash desk's quote (app.services.fees.quote_procedure) for the dossier as entered:
copies of each component whose pages count, the channel, an exemption with the paper seen, a changed
total with its reason; then how it is paid (cash, VietQR transfer, online, or later) and the biên lai.

The save quotes again from the same `FeeRequest`, so the screen, the `received` event and the biên lai agree.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import PAYMENT_METHOD_VI
from app.domain.vocabulary import vnd as money  # one amount format, on screen and on the forms
from ui.adapters import receive
from ui.context import DeskContext
from ui.messages import user_message
from ui.views.base import hint, section
from ui.views.receipt_fields import receipt_fields
from ui.views.receive.draft import OTHER_EXEMPTION, ReceiveDraft
from ui.views.receive.step_base import DraftStep

PAY_VI = {**PAYMENT_METHOD_VI, "later": "Thu sau"}
PAY_HINT = {
    "cash": "Thu tiền mặt khi lưu hồ sơ; số biên lai lấy từ dải số của bàn.",
    "transfer": "Sau khi lưu, mã VietQR (nội dung là mã hồ sơ) hiện trên màn hình và in trên giấy tiếp nhận; "
    "xác nhận khi tiền về để lập biên lai.",
    "epay": "Ghi mã giao dịch trên Cổng thanh toán quốc gia; biên lai lập khi lưu hồ sơ.",
    "later": "Chưa thu: giấy tiếp nhận ghi số tiền phải nộp và in mã VietQR để chuyển khoản.",
}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    return table


class FeesStep(DraftStep):
    sig_changed = Signal()

    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(ctx, draft, parent)
        self.proofs: dict[str, str] = {}
        self.quote_error = ""
        self.lay.addWidget(section("Phí, lệ phí theo quy định của thủ tục"))
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.table = _table(["Khoản thu", "Cách tính", "Số tiền"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        left.addWidget(self.table, 2)
        left.addWidget(QLabel("Số bản tính phí theo trang của từng thành phần (0: không tính):"))
        self.parts = _table(["Thành phần hồ sơ", "Số trang", "Số bản"])
        self.parts.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.parts.setColumnWidth(2, 96)
        left.addWidget(self.parts, 1)
        row.addLayout(left, 3)
        row.addLayout(self._terms_form(), 2)
        self.lay.addLayout(row, 1)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.lay.addWidget(self.error)
        self.lay.addWidget(
            hint("Mức phí lấy từ danh mục thủ tục (theo số trang, số bản). Chỉ sửa khi có căn cứ.")
        )

    def _terms_form(self) -> QFormLayout:
        form = QFormLayout()
        self.channel = QComboBox()
        self.channel.addItem("Trực tiếp tại Điểm", "truc_tiep")
        self.channel.addItem("Qua dịch vụ bưu chính công ích", "buu_chinh")
        self.channel.addItem("Trực tuyến (hồ sơ nộp trên Cổng dịch vụ công)", "truc_tuyen")
        self.channel.setAccessibleName("Hình thức nộp hồ sơ")
        self.copies = QSpinBox(minimum=1, maximum=1000)
        self.copies.setAccessibleName("Số bản xin cấp")
        self.copies.setToolTip("Số bản công dân xin cấp: phí tính theo bản nhân với số này")
        self.exemption = QComboBox()
        self.exemption.setAccessibleName("Đối tượng miễn, giảm phí")
        self.proof = QLabel()
        self.proof.setWordWrap(True)
        self.exempt_reason = QLineEdit(placeholderText="Lý do miễn, giảm (khi chọn “Khác”)")
        self.exempt_proof = QLineEdit(placeholderText="Giấy tờ đã xem: tên, số (bắt buộc khi miễn, giảm)")
        self.total = QSpinBox()
        self.total.setRange(0, 100_000_000)
        self.total.setSingleStep(1000)
        self.total.setSuffix(" đ")
        self.total.setGroupSeparatorShown(True)
        self.total.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))  # 12.000 đ
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Bắt buộc khi sửa số tiền khác với mức tính theo quy định")
        self.method_group = QButtonGroup(self)
        methods = QVBoxLayout()
        for code, label in PAY_VI.items():
            button = QRadioButton(label)
            button.setProperty("method", code)
            self.method_group.addButton(button)
            methods.addWidget(button)
        self.pay_hint = QLabel()
        self.pay_hint.setWordWrap(True)
        self.pay_hint.setObjectName("Hint")
        self.epay_ref = QLineEdit(placeholderText="Mã giao dịch trên Cổng thanh toán")
        fields = receipt_fields()
        self.receipt_kind, self.receipt_form = fields.kind, fields.form
        self.receipt_series, self.receipt_number = fields.series, fields.number
        numbers = fields.numbers
        for label, widget in (("Hình thức nộp", self.channel), ("Số bản xin cấp", self.copies),
                              ("Miễn, giảm phí", self.exemption),
                              ("", self.proof), ("Lý do miễn, giảm", self.exempt_reason),
                              ("Giấy tờ đã xem", self.exempt_proof), ("Tổng số tiền thu", self.total),
                              ("Lý do điều chỉnh", self.reason)):  # fmt: skip
            form.addRow(label, widget)
        form.addRow("Thanh toán", methods)
        form.addRow("", self.pay_hint)
        form.addRow("Mã thanh toán trực tuyến", self.epay_ref)
        form.addRow("Biên lai", self.receipt_kind)
        form.addRow("Số biên lai ghi tay", numbers)
        self.channel.currentIndexChanged.connect(self._on_terms_changed)
        self.copies.valueChanged.connect(self._on_terms_changed)
        self.exemption.currentIndexChanged.connect(self._on_terms_changed)
        self.exempt_reason.textChanged.connect(self._on_terms_changed)
        self.exempt_proof.textChanged.connect(self._on_terms_changed)
        self.total.valueChanged.connect(self._on_total_changed)
        self.reason.textChanged.connect(self._on_total_changed)
        self.method_group.buttonToggled.connect(self._on_payment_changed)
        for edit in (self.epay_ref, self.receipt_form, self.receipt_series):
            edit.textChanged.connect(self._on_payment_changed)
        self.receipt_kind.currentIndexChanged.connect(self._on_payment_changed)
        self.receipt_number.valueChanged.connect(self._on_payment_changed)
        return form

    def _load_terms(self) -> None:
        """The channel and the exemptions the procedure's fee rules list (with the proof they ask)."""
        self.proofs = dict(receive.fee_exemptions(self.ctx, *self.draft.procedure_ref()))
        boxes = (self.channel, self.copies, self.exemption, self.exempt_reason, self.exempt_proof)
        for box in boxes:
            box.blockSignals(True)
        self.exemption.clear()
        self.exemption.addItem("Không", "")
        for who in self.proofs:
            self.exemption.addItem(who[:90], who)
        self.exemption.addItem("Khác (ghi lý do)", OTHER_EXEMPTION)
        self.channel.setCurrentIndex(max(self.channel.findData(self.draft.channel), 0))
        self.copies.setValue(self.draft.copies)
        self.copies.setEnabled(receive.counts_copies(self.ctx, *self.draft.procedure_ref()))
        self.exemption.setCurrentIndex(max(self.exemption.findData(self.draft.exemption), 0))
        self.exempt_reason.setText(self.draft.exemption_reason)
        self.exempt_proof.setText(self.draft.exemption_proof)
        for box in boxes:
            box.blockSignals(False)
        proof = self.proofs.get(self.draft.exemption, "")
        short = proof if len(proof) <= 220 else proof[:219].rsplit(" ", 1)[0] + "…"
        self.proof.setText(f"Giấy tờ chứng minh: {short}" if proof else "")
        self.proof.setToolTip(proof)
        self.exempt_reason.setEnabled(self.draft.exemption == OTHER_EXEMPTION)
        self.exempt_proof.setEnabled(bool(self.draft.exemption))

    def _load_parts(self) -> None:
        """One row per component with pages (or counted): its pages and the copies the fee counts."""
        shown = [c for c in self.draft.components if c.pages or self.draft.copies_of(c)]
        self.parts.setRowCount(len(shown))
        for r, c in enumerate(shown):
            self.parts.setItem(r, 0, QTableWidgetItem(c.name))
            pages = QTableWidgetItem(str(len(c.pages)))
            pages.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.parts.setItem(r, 1, pages)
            spin = QSpinBox(minimum=0, maximum=1000)
            spin.setValue(self.draft.copies_of(c))
            spin.setAccessibleName(f"Số bản tính phí: {c.name}")
            spin.valueChanged.connect(lambda n, comp=c.component: self._on_copies_changed(comp, n))
            self.parts.setCellWidget(r, 2, spin)
        self.parts.resizeRowsToContents()

    def _on_copies_changed(self, component: str, copies: int) -> None:
        self.draft.fee_copies[component] = copies
        self._quote()

    def _on_terms_changed(self, *_a: object) -> None:
        self.draft.channel = str(self.channel.currentData() or "truc_tiep")
        self.draft.copies = self.copies.value()
        self.draft.exemption = str(self.exemption.currentData() or "")
        self.draft.exemption_reason = self.exempt_reason.text().strip()
        self.draft.exemption_proof = self.exempt_proof.text().strip()
        self._load_terms()
        self._quote()

    def load(self) -> None:
        """Quote the fees for the pages entered so far and show how they are paid."""
        if self.draft.procedure is None:
            return
        self._load_terms()
        self._load_parts()
        if not self.draft.pay_method:  # cash needs a biên lai number: a desk without a range leaves it due
            self.draft.pay_method = "cash" if receive.has_receipt_numbers(self.ctx) else "later"
        button = next(b for b in self.method_group.buttons() if b.property("method") == self.draft.pay_method)
        button.setChecked(True)
        self._quote()

    def _quote(self) -> None:
        d = self.draft
        overridden = d.fees_total != d.fees_computed_total
        try:
            q = receive.quote_fees(self.ctx, *d.procedure_ref(), d.fee_documents(), d.fee_request())
        except Exception as exc:  # a short read: the clerk sees why, the step stays
            self.quote_error = user_message(exc)
            self._on_total_changed()
            return
        self.quote_error = ""
        d.fees, d.fees_computed_total = q.lines, q.total
        if not overridden:
            d.fees_total = q.total
        self.table.setRowCount(len(q.lines))
        for r, f in enumerate(q.lines):
            for c, text in enumerate([f["label"], f.get("basis", ""), money(int(f["amount"]))]):
                item = QTableWidgetItem(str(text))
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.total.blockSignals(True)
        self.total.setValue(d.fees_total)
        self.total.blockSignals(False)
        self._on_total_changed()

    def problem(self) -> str:
        """What stops the step (Vietnamese), or ""."""
        d = self.draft
        if self.quote_error:
            return self.quote_error
        if d.fees_total != d.fees_computed_total and not d.fee_override_reason:
            return "Hãy ghi lý do khi thu khác mức quy định."
        if d.fees_total and d.pay_method == "epay" and len(d.epay_ref.strip()) < 4:
            return "Hãy nhập mã giao dịch thanh toán trực tuyến."
        if d.fees_total and d.payment() and d.receipt_kind != "printed":
            form, series, number = d.receipt_no
            if not form.strip() or not series.strip() or number < 1:
                return "Hãy nhập mẫu số, ký hiệu và số biên lai."
        return ""

    def clear(self) -> None:
        """A new dossier: nothing of the last one's payment stays on the screen."""
        for edit in (self.reason, self.epay_ref, self.receipt_form, self.receipt_series):
            edit.clear()
        self.receipt_number.setValue(0)
        self.receipt_kind.setCurrentIndex(0)

    def is_valid(self) -> bool:
        return not self.problem()

    def _on_payment_changed(self, *_a: object) -> None:
        d = self.draft
        button = self.method_group.checkedButton()
        d.pay_method = str(button.property("method")) if button else "cash"
        d.epay_ref = self.epay_ref.text().strip()
        d.receipt_kind = str(self.receipt_kind.currentData() or "printed")
        d.receipt_no = (self.receipt_form.text(), self.receipt_series.text(), self.receipt_number.value())
        hint_text = PAY_HINT[d.pay_method]
        if d.pay_method == "cash" and not receive.has_receipt_numbers(self.ctx):
            hint_text = "Bàn này chưa có dải số biên lai: chọn biên lai đặt in (ghi số) hoặc “Thu sau”."
        self.pay_hint.setText(hint_text)
        self.epay_ref.setEnabled(d.pay_method == "epay")
        paid_now = d.pay_method in ("cash", "epay")
        self.receipt_kind.setEnabled(paid_now)
        for w in (self.receipt_form, self.receipt_series, self.receipt_number):
            w.setEnabled(paid_now and d.receipt_kind != "printed")
        self._on_total_changed()

    def _on_total_changed(self, *_a: object) -> None:
        self.draft.fees_total = self.total.value()
        self.draft.fee_override_reason = self.reason.text().strip()
        self.error.setText(self.problem())
        self.sig_changed.emit()
