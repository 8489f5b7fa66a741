"""Step 4 — lệ phí (computed from the catalog's rules, editable with a reason) and step 5 — nơi trả kết quả."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.vocabulary import vnd as money  # one amount format, on screen and on the forms
from ui.adapters import receive
from ui.context import DeskContext
from ui.views.base import hint, section
from ui.views.receive.draft import ReceiveDraft
from ui.views.receive.step_base import DraftStep


class FeesStep(DraftStep):
    sig_changed = Signal()

    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(ctx, draft, parent)
        lay = self.lay
        lay.addWidget(section("Phí, lệ phí theo quy định của thủ tục"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Khoản thu", "Cách tính", "Số tiền"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        lay.addWidget(self.table, 1)
        form = QFormLayout()
        self.total = QSpinBox()
        self.total.setRange(0, 100_000_000)
        self.total.setSingleStep(1000)
        self.total.setSuffix(" đ")
        self.total.setGroupSeparatorShown(True)
        self.total.setMaximumWidth(260)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Bắt buộc khi sửa số tiền khác với mức tính theo quy định")
        self.reason_error = QLabel()
        self.reason_error.setObjectName("Error")
        self.channel = QComboBox()
        self.channel.addItem("Trực tiếp tại Điểm", "truc_tiep")
        self.channel.addItem("Qua dịch vụ bưu chính công ích", "buu_chinh")
        self.exemption = QComboBox()
        self.exemption.setAccessibleName("Đối tượng miễn, giảm phí")
        self.proof = QLabel()
        self.proof.setWordWrap(True)
        self.proof.setMinimumHeight(self.proof.fontMetrics().lineSpacing() * 2 + 4)
        form.addRow("Hình thức nộp", self.channel)
        form.addRow("Miễn, giảm phí", self.exemption)
        form.addRow("", self.proof)
        form.addRow("Tổng số tiền thu", self.total)
        form.addRow("Lý do điều chỉnh", self.reason)
        form.addRow("", self.reason_error)
        lay.addLayout(form)
        lay.addWidget(hint("Mức phí lấy từ danh mục thủ tục (theo số trang, số bản). Chỉ sửa khi có căn cứ."))
        self.channel.currentIndexChanged.connect(self._on_terms_changed)
        self.exemption.currentIndexChanged.connect(self._on_terms_changed)
        self.total.valueChanged.connect(self._on_total_changed)
        self.reason.textChanged.connect(self._on_total_changed)

    def _load_terms(self) -> None:
        """The channel and the exemptions the procedure's fee rules list (with the proof they ask)."""
        self.proofs = dict(receive.fee_exemptions(self.ctx, *self.draft.procedure_ref()))
        for box in (self.channel, self.exemption):
            box.blockSignals(True)
        self.exemption.clear()
        self.exemption.addItem("Không" if self.proofs else "Thủ tục không có đối tượng miễn, giảm", "")
        for who in self.proofs:
            self.exemption.addItem(who[:90], who)
        self.exemption.setEnabled(bool(self.proofs))
        self.channel.setCurrentIndex(max(self.channel.findData(self.draft.channel), 0))
        self.exemption.setCurrentIndex(max(self.exemption.findData(self.draft.exemption), 0))
        for box in (self.channel, self.exemption):
            box.blockSignals(False)
        proof = self.proofs.get(self.draft.exemption, "")
        short = proof if len(proof) <= 220 else proof[:219].rsplit(" ", 1)[0] + "…"
        self.proof.setText(f"Giấy tờ chứng minh: {short}" if proof else "")
        self.proof.setToolTip(proof)

    def _on_terms_changed(self, _index: int) -> None:
        self.draft.channel = str(self.channel.currentData() or "truc_tiep")
        self.draft.exemption = str(self.exemption.currentData() or "")
        self.load()

    def load(self) -> None:
        """Compute the fee lines from the catalog rules for the pages entered so far."""
        if self.draft.procedure is None:
            return
        self._load_terms()
        lines = receive.compute_fees(
            self.ctx,
            *self.draft.procedure_ref(),
            self.draft.page_count(),
            channel=self.draft.channel,
            exemption=self.draft.exemption,
        )
        overridden = self.draft.fees_total != self.draft.fees_computed_total
        self.draft.fees = lines
        self.draft.fees_computed_total = sum(int(f["amount"]) for f in lines)
        if not overridden:
            self.draft.fees_total = self.draft.fees_computed_total
        self.table.setRowCount(len(lines))
        for r, f in enumerate(lines):
            for c, text in enumerate([f["label"], f.get("basis", ""), money(int(f["amount"]))]):
                item = QTableWidgetItem(str(text))
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.total.blockSignals(True)
        self.total.setValue(self.draft.fees_total)
        self.total.blockSignals(False)
        self._on_total_changed()

    def is_valid(self) -> bool:
        return not self.reason_error.text()

    def _on_total_changed(self, *_a: object) -> None:
        self.draft.fees_total = self.total.value()
        self.draft.fee_override_reason = self.reason.text().strip()
        changed = self.draft.fees_total != self.draft.fees_computed_total
        missing = changed and not self.draft.fee_override_reason
        self.reason_error.setText("Hãy ghi lý do khi thu khác mức quy định." if missing else "")
        self.sig_changed.emit()


class ReturnStep(DraftStep):
    sig_changed = Signal()

    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(ctx, draft, parent)
        lay = self.lay
        lay.addWidget(section("Công dân nhận kết quả ở đâu?"))
        self.desk = QRadioButton("Nhận trực tiếp tại điểm phục vụ")
        self.post = QRadioButton("Nhận qua dịch vụ bưu chính công ích")
        self.desk.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.desk)
        group.addButton(self.post)
        row = QHBoxLayout()
        row.addWidget(self.desk)
        row.addWidget(self.post)
        row.addStretch(1)
        lay.addLayout(row)
        self.post_box = QGroupBox("Địa chỉ nhận qua bưu chính")
        form = QFormLayout(self.post_box)
        self.recipient = QLineEdit()
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.service = QComboBox()
        self.service.addItems(["Bưu điện Việt Nam (VNPost)", "Khác"])
        self.post_error = QLabel()
        self.post_error.setObjectName("Error")
        form.addRow("Người nhận *", self.recipient)
        form.addRow("Địa chỉ *", self.address)
        form.addRow("Điện thoại *", self.phone)
        form.addRow("Dịch vụ", self.service)
        form.addRow("", self.post_error)
        lay.addWidget(self.post_box)
        lay.addStretch(1)
        self.post_box.setEnabled(False)
        self.post.toggled.connect(self._on_kind_toggled)
        for w in (self.recipient, self.address, self.phone):
            w.textChanged.connect(self._update)

    def load(self) -> None:
        """Offer the applicant's own details as the postal recipient."""
        a = self.draft.applicant
        for edit, key in ((self.recipient, "full_name"), (self.address, "address"), (self.phone, "phone")):
            if not edit.text() and a.get(key):
                edit.setText(str(a[key]))
        self._update()

    def _on_kind_toggled(self, is_post: bool) -> None:
        self.post_box.setEnabled(is_post)
        self._update()

    def _update(self, *_a: object) -> None:
        if self.post.isChecked():
            self.draft.return_method = {
                "kind": "post",
                "recipient_name": self.recipient.text().strip(),
                "address": self.address.text().strip(),
                "phone": self.phone.text().strip(),
                "service": self.service.currentText(),
            }
        else:
            self.draft.return_method = {"kind": "desk"}
        problems = receive.validate_return_method(self.ctx, self.draft.return_method)
        self.post_error.setText(" ".join(problems))
        self.sig_changed.emit()

    def is_valid(self) -> bool:
        return not self.post_error.text()
