"""Trả kết quả: find the dossier by the receipt's QR code or its typed code, hand back, record the rating."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QWidget,
)

from app.domain.vocabulary import RATING_LABELS_VI
from ui.adapters import dossier
from ui.adapters.dossier import DossierInfo
from ui.context import DeskContext
from ui.messages import user_message
from ui.ops import read_idcard
from ui.ops.scan_source import PageFrom
from ui.views.base import ViewPage, hint
from ui.workers.jobs import Job


class ReturnsView(ViewPage):
    title = "Trả kết quả"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dossier: DossierInfo | None = None
        find = QHBoxLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText("Mã hồ sơ trên giấy tiếp nhận (hoặc quét mã QR)")
        self.find_button = QPushButton("&Tìm")
        self.find_button.setObjectName("Primary")
        self.qr_file_button = QPushButton("Đọc QR từ ảnh giấy tiếp &nhận…")
        self.qr_scan_button = QPushButton("&Quét giấy tiếp nhận")
        for w in (self.code, self.find_button, self.qr_scan_button, self.qr_file_button):
            find.addWidget(w, 1 if w is self.code else 0)
        self.root.addLayout(find)
        self.root.addWidget(hint("Máy đọc mã vạch cầm tay gõ mã rồi Enter: con trỏ đặt sẵn ở ô mã hồ sơ."))
        self.summary = QTextBrowser()
        self.root.addWidget(self.summary, 1)
        box = QGroupBox("Giao kết quả")
        form = QFormLayout(box)
        self.receiver = QLineEdit()
        self.id_checked = QCheckBox("Đã kiểm tra Liên 2 giấy tiếp nhận hoặc giấy tờ tùy thân của người nhận")
        rating_row = QHBoxLayout()
        self.rating_group = QButtonGroup(self)
        self.rating_buttons: dict[str, QRadioButton] = {}
        for value, label in RATING_LABELS_VI.items():
            rb = QRadioButton(label)
            self.rating_group.addButton(rb)
            self.rating_buttons[value] = rb
            rating_row.addWidget(rb)
        rating_row.addStretch(1)
        self.return_button = QPushButton("Trả &kết quả và ghi đánh giá")
        self.return_button.setObjectName("Primary")
        form.addRow("Người nhận *", self.receiver)
        form.addRow("", self.id_checked)
        form.addRow("Công dân đánh giá", rating_row)
        form.addRow("", self.return_button)
        self.root.addWidget(box)
        box.setEnabled(False)
        self.box = box
        self.code.returnPressed.connect(self.find)
        self.find_button.clicked.connect(self.find)
        self.qr_file_button.clicked.connect(self._on_qr_file_clicked)
        self.qr_scan_button.clicked.connect(self._on_qr_scan_clicked)
        self.return_button.clicked.connect(self.hand_back)

    def refresh(self) -> None:
        self.code.setFocus()

    def find(self) -> bool:  # type: ignore[override]  # the page's own "Tìm" (by code), not QWidget.find
        self.clear_message()
        try:
            self.dossier = dossier.dossier_detail_by_code(self.ctx, self.code.text())
        except Exception as exc:
            self.dossier = None
            self.box.setEnabled(False)
            self.summary.clear()
            self.show_error(exc)
            return False
        d = self.dossier
        self.summary.setHtml(d["overview_html"])
        self.receiver.setText(d.get("applicant_name", ""))
        can_return = "return" in d["allowed_actions"]
        self.box.setEnabled(can_return)
        if not can_return:
            self.show_info(f"Hồ sơ đang ở trạng thái “{d['status_label']}”: không trả kết quả được.")
        return True

    def read_qr_file(self, path: Path) -> Job:
        job = Job("Đọc mã QR giấy tiếp nhận", read_idcard.run_receipt, PageFrom.file(path))
        return self.ctx.runner.start(job, on_done=self._on_code_read, on_failed=self.show_error)

    def _on_qr_file_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Ảnh giấy tiếp nhận", "", "Ảnh (*.png *.jpg *.jpeg *.tif *.pdf)"
        )
        if name:
            self.read_qr_file(Path(name))

    def _on_qr_scan_clicked(self) -> None:
        job = Job("Quét giấy tiếp nhận", read_idcard.run_receipt, PageFrom.scanner(self.ctx.settings))
        self.ctx.runner.start(job, on_done=self._on_code_read, on_failed=self.show_error)

    def _on_code_read(self, code: str) -> None:
        self.code.setText(code)
        self.find()

    def hand_back(self) -> bool:
        if not self.dossier:
            return False
        rating = next((v for v, b in self.rating_buttons.items() if b.isChecked()), None)
        values = {
            "receiver_name": self.receiver.text().strip(),
            "id_checked": self.id_checked.isChecked(),
            "by_post": False,
            "rating": rating,
        }
        if not values["receiver_name"] or not values["id_checked"]:
            self.show_error("Hãy nhập tên người nhận và kiểm tra giấy tờ tùy thân trước khi trả.")
            return False
        try:
            dossier.perform_action(self.ctx, "return", self.dossier["id"], values)
        except Exception as exc:
            self.show_error(user_message(exc))
            return False
        code = self.dossier["code"]
        self.find()
        self.show_info(f"Đã trả kết quả hồ sơ {code}" + (" và ghi đánh giá." if rating else "."))
        return True
