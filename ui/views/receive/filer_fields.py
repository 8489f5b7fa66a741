"""Who files: the filer's role (owner, submitter, authorised representative) and, for an organisation,
its name, tax or enterprise code and legal representative (printed on form 01)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

ROLES = [
    ("owner", "Chủ hồ sơ"),
    ("submitter", "Người nộp thay"),
    ("representative", "Người được ủy quyền"),
    ("legal_representative", "Người đại diện theo pháp luật"),
]


class FilerFields:
    """The widgets, added to the applicant form by `add_to`."""

    def __init__(self) -> None:
        self.role = QComboBox()
        for value, label in ROLES:
            self.role.addItem(label, value)
        self.org_name = QLineEdit()
        self.org_name.setPlaceholderText("Để trống nếu cá nhân tự nộp")
        self.tax_code = QLineEdit()
        self.legal_rep = QLineEdit()
        self.authorisation = QLineEdit()
        self.authorisation.setPlaceholderText("Số, ngày giấy ủy quyền (nếu có)")

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("Tư cách người nộp", self.role)
        form.addRow("Tên tổ chức", self.org_name)
        form.addRow("Mã số thuế/mã số DN", self.tax_code)
        form.addRow("Người đại diện theo PL", self.legal_rep)
        form.addRow("Giấy ủy quyền", self.authorisation)

    def widgets(self) -> list[QWidget]:
        return [self.role, self.org_name, self.tax_code, self.legal_rep, self.authorisation]

    def values(self) -> dict[str, Any]:
        """Only what was entered: a person filing for themself adds nothing."""
        out: dict[str, Any] = {}
        if self.role.currentData() != "owner":
            out["role"] = self.role.currentData()
        if self.org_name.text().strip():
            out.update(kind="organisation", org_name=self.org_name.text().strip())
            out["tax_code"] = self.tax_code.text().strip()
            out["legal_rep"] = self.legal_rep.text().strip()
        if self.authorisation.text().strip():
            out["authorisation"] = self.authorisation.text().strip()
        return out
