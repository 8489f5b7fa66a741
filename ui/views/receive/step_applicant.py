"""Step 2 — người nộp: from the ID card's QR (scanner, camera, image file), by hand, or a returning one."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import QT_DATE_FORMAT
from scanner.idcard import IdCardData
from ui.adapters import receive
from ui.context import DeskContext
from ui.ops import read_idcard
from ui.ops.scan_source import PageFrom
from ui.views.base import hint, section, tab_chain
from ui.views.receive.filer_fields import FilerFields
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)

ID_KINDS = [("cccd", "Căn cước / CCCD (12 số)"), ("cmnd", "CMND (9 số)"), ("passport", "Hộ chiếu")]
GENDERS = [(None, "—"), ("male", "Nam"), ("female", "Nữ")]
TEXT_FIELDS = [
    ("full_name", "Họ và tên *"),
    ("id_number", "Số giấy tờ *"),
    ("address", "Địa chỉ"),
    ("phone", "Điện thoại"),
    ("email", "Thư điện tử"),
]


class ApplicantStep(QWidget):
    sig_message = Signal(str, bool)  # text, is_error

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(section("Đọc mã QR trên căn cước"))
        qr = QHBoxLayout()
        self.scan_qr_button = QPushButton("Quét căn cước bằng &máy quét")
        self.scan_qr_button.setToolTip("Đọc mã QR trên căn cước bằng máy quét (Alt+M)")
        self.camera_qr_button = QPushButton("Chụp bằng &camera")
        self.camera_qr_button.setToolTip("Đọc mã QR trên căn cước bằng camera (Alt+C)")
        self.file_qr_button = QPushButton("Đọc QR từ tệp ả&nh…")
        self.file_qr_button.setToolTip("Đọc mã QR từ ảnh chụp căn cước (Alt+N)")
        for b in (self.scan_qr_button, self.camera_qr_button, self.file_qr_button):
            qr.addWidget(b)
        qr.addStretch(1)
        lay.addLayout(qr)
        lay.addWidget(hint("Hoặc nhập bằng tay. Người đã từng nộp: nhập số giấy tờ để điền lại thông tin."))
        self.returning = QLabel()
        self.returning.setObjectName("InfoBanner")
        self.returning.hide()
        self.fill_button = QPushButton("&Dùng thông tin đã lưu")
        self.fill_button.setToolTip("Điền lại thông tin của người đã từng nộp (Alt+D)")
        self.fill_button.hide()
        ret = QHBoxLayout()
        ret.addWidget(self.returning, 1)
        ret.addWidget(self.fill_button)
        lay.addLayout(ret)
        form = QFormLayout()
        form.setVerticalSpacing(4)
        self.edits: dict[str, QLineEdit] = {}
        self.id_kind = QComboBox()
        for value, label in ID_KINDS:
            self.id_kind.addItem(label, value)
        self.birth = QDateEdit()
        self.birth.setDisplayFormat(QT_DATE_FORMAT)
        self.birth.setCalendarPopup(True)
        self.birth.setDate(QDate(1990, 1, 1))
        self.gender = QComboBox()
        for gender, label in GENDERS:
            self.gender.addItem(label, gender)
        for key, _label in TEXT_FIELDS:
            self.edits[key] = QLineEdit()
        labels = dict(TEXT_FIELDS)
        form.addRow(labels["full_name"], self.edits["full_name"])
        form.addRow("Loại giấy tờ", self.id_kind)
        form.addRow(labels["id_number"], self.edits["id_number"])
        form.addRow("Ngày sinh *", self.birth)
        form.addRow("Giới tính", self.gender)
        for key in ("address", "phone", "email"):
            form.addRow(labels[key], self.edits[key])
        self.filer = FilerFields()
        self.filer.add_to(form)
        lay.addLayout(form)
        tab_chain(*self.tab_sequence())
        self.problems = QLabel()
        self.problems.setObjectName("Error")
        self.problems.setWordWrap(True)
        self.problems.hide()
        lay.addWidget(self.problems)
        self._card_warnings: list[str] = []
        self.warnings = QLabel()
        self.warnings.setObjectName("Warning")
        self.warnings.setWordWrap(True)
        lay.addWidget(self.warnings)
        lay.addStretch(1)
        self._found: dict[str, Any] | None = None
        for edit in self.edits.values():
            edit.textChanged.connect(self.validate)
        self.id_kind.currentIndexChanged.connect(self.validate)
        self.birth.dateChanged.connect(self.validate)
        self.gender.currentIndexChanged.connect(self.validate)
        for line in (self.filer.org_name, self.filer.tax_code, self.filer.authorisation):
            line.textChanged.connect(self.validate)
        self.filer.role.currentIndexChanged.connect(self.validate)
        self.edits["id_number"].editingFinished.connect(self._on_id_number_finished)
        self.fill_button.clicked.connect(self._on_fill_clicked)
        self.file_qr_button.clicked.connect(self._on_file_qr_clicked)
        self.scan_qr_button.clicked.connect(self._on_scan_qr_clicked)
        self.camera_qr_button.clicked.connect(self._on_camera_qr_clicked)

    def tab_sequence(self) -> list[QWidget]:
        """The intended Tab order: the QR readers, then the form top to bottom as it is shown."""
        e = self.edits
        return [
            self.scan_qr_button,
            self.camera_qr_button,
            self.file_qr_button,
            self.fill_button,
            e["full_name"],
            self.id_kind,
            e["id_number"],
            self.birth,
            self.gender,
            e["address"],
            e["phone"],
            e["email"],
            *self.filer.widgets(),
        ]

    # ----- data -----
    def applicant(self) -> dict[str, Any]:
        return {
            "full_name": self.edits["full_name"].text().strip(),
            "id_kind": self.id_kind.currentData(),
            "id_number": self.edits["id_number"].text().strip(),
            "birth_date": self.birth.date().toString("yyyy-MM-dd"),
            "gender": self.gender.currentData(),
            "address": self.edits["address"].text().strip(),
            "phone": self.edits["phone"].text().strip(),
            "email": self.edits["email"].text().strip(),
            **self.filer.values(),
        }

    def set_applicant(self, data: dict[str, Any]) -> None:
        for key, edit in self.edits.items():
            if data.get(key) is not None:
                edit.setText(str(data[key]))
        kind = self.id_kind.findData(data.get("id_kind") or "cccd")
        self.id_kind.setCurrentIndex(max(kind, 0))
        if data.get("birth_date"):
            self.birth.setDate(QDate.fromString(str(data["birth_date"]), "yyyy-MM-dd"))
        self.gender.setCurrentIndex(max(self.gender.findData(data.get("gender")), 0))
        self.validate()

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.clear()
        self.returning.hide()
        self.fill_button.hide()
        self.warnings.clear()
        self._card_warnings = []
        self.problems.hide()

    def validate(self, *_a: object) -> bool:
        """Live validation by the core's applicant rules: problems in red, warnings in amber."""
        data = self.applicant()
        problems, warnings = receive.validate_applicant(self.ctx, data)
        touched = any(self.edits[k].text().strip() for k in self.edits)
        self.problems.setText("\n".join(f"• {p}" for p in problems) if touched else "")
        self.problems.setVisible(bool(touched and problems))
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings + self._card_warnings) if touched else "")
        bad_id = any(("CCCD" in p or "CMND" in p or "hộ chiếu" in p or "giấy tờ" in p) for p in problems)
        edit = self.edits["id_number"]
        edit.setProperty("invalid", bool(bad_id and edit.text()))
        edit.style().unpolish(edit)
        edit.style().polish(edit)
        return not problems

    # ----- returning applicant -----
    def _on_id_number_finished(self) -> None:
        number = self.edits["id_number"].text().strip()
        self._found = receive.find_applicant(self.ctx, number) if number else None
        if self._found:
            self.returning.setText("Người nộp này đã từng nộp hồ sơ tại điểm.")
            self.returning.show()
            self.fill_button.show()
        else:
            self.returning.hide()
            self.fill_button.hide()

    def _on_fill_clicked(self) -> None:
        if self._found:
            self.set_applicant(self._found)

    # ----- ID card QR -----
    def read_qr_file(self, path: Path) -> Job:
        job = Job("Đọc mã QR căn cước", read_idcard.run, PageFrom.file(path))
        return self.ctx.runner.start(job, on_done=self._on_idcard, on_failed=self._on_idcard_failed)

    def _on_file_qr_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Chọn ảnh căn cước", "", "Ảnh (*.png *.jpg *.jpeg *.tif *.tiff *.pdf)"
        )
        if name:
            self.read_qr_file(Path(name))

    def _on_scan_qr_clicked(self) -> None:
        job = Job("Quét căn cước", read_idcard.run, PageFrom.scanner(self.ctx.settings))
        self.ctx.runner.start(job, on_done=self._on_idcard, on_failed=self._on_idcard_failed)

    def _on_camera_qr_clicked(self) -> None:
        job = Job("Chụp căn cước", read_idcard.run, PageFrom.camera())
        self.ctx.runner.start(job, on_done=self._on_idcard, on_failed=self._on_idcard_failed)

    def _on_idcard(self, data: IdCardData) -> None:
        card = data.to_json()
        self._card_warnings = [str(w) for w in data.warnings]
        self.set_applicant({**card, "id_kind": "cccd"})
        self.sig_message.emit(
            "Đã đọc thông tin từ căn cước. Hãy đối chiếu với thẻ trước khi tiếp tục.", False
        )

    def _on_idcard_failed(self, exc: BaseException) -> None:
        from ui.messages import user_message

        self.sig_message.emit(user_message(exc), True)
