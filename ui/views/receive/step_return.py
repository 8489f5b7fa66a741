"""Step 5 — nơi trả kết quả: at the desk, or by public post to the address given."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from ui.adapters import receive
from ui.context import DeskContext
from ui.views.base import section
from ui.views.receive.draft import ReceiveDraft
from ui.views.receive.step_base import DraftStep


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
