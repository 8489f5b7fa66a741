"""Small dialogs for the actions on a dossier: supplement (02), refuse (03), fee, apology (04), return, rating."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import QT_DATE_FORMAT, RATING_LABELS_VI
from ui.qdates import qdate_today

RATINGS = list(RATING_LABELS_VI.items())  # (value, label), in the order the form shows them


class ActionDialog(QDialog):
    """A form with OK/Cancel; `values()` gives what the clerk entered; `problem()` blocks OK."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Đồng ý")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def values(self) -> dict[str, Any]:
        return {}

    def _on_ok(self) -> None:
        text = self.problem()
        if text:
            self.error.setText(text)
            return
        self.accept()


def _reason_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(80)
    edit.setTabChangesFocus(True)
    return edit


class SupplementDialog(ActionDialog):
    def __init__(self, checklist: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__("Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)", parent)
        self.items = QListWidget()
        for c in checklist:
            item = QListWidgetItem(str(c.get("name", "")))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, c)
            self.items.addItem(item)
        self.other = QLineEdit()
        self.other.setPlaceholderText("Giấy tờ khác cần bổ sung (nếu có)")
        self.reason = _reason_edit("Lý do cần bổ sung")
        self.form.addRow("Giấy tờ cần bổ sung", self.items)
        self.form.addRow("Khác", self.other)
        self.form.addRow("Lý do *", self.reason)

    def values(self) -> dict[str, Any]:
        items = []
        for i in range(self.items.count()):
            it = self.items.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                c = it.data(Qt.ItemDataRole.UserRole)
                items.append(
                    {"component": c.get("component"), "name": c.get("name"), "copy_kind": c.get("copy_kind")}
                )
        if self.other.text().strip():
            items.append({"component": None, "name": self.other.text().strip(), "copy_kind": "copy"})
        return {"items": items, "reason": self.reason.toPlainText().strip()}

    def problem(self) -> str:
        v = self.values()
        if not v["items"]:
            return "Hãy chọn ít nhất một giấy tờ cần bổ sung."
        return "" if v["reason"] else "Hãy ghi lý do."


class RefuseDialog(ActionDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Từ chối tiếp nhận hồ sơ (mẫu 03)", parent)
        self.reason = _reason_edit("Lý do từ chối, căn cứ quy định")
        self.form.addRow("Lý do *", self.reason)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText().strip()}

    def problem(self) -> str:
        return "" if self.values()["reason"] else "Hãy ghi lý do từ chối."


class FeeDialog(ActionDialog):
    def __init__(self, due: int, parent: QWidget | None = None) -> None:
        super().__init__("Thu phí, lệ phí", parent)
        self.amount = QSpinBox()
        self.amount.setRange(0, 100_000_000)
        self.amount.setSingleStep(1000)
        self.amount.setSuffix(" đ")
        self.amount.setGroupSeparatorShown(True)
        self.amount.setValue(max(due, 0))
        self.note = QLineEdit()
        self.form.addRow("Số tiền thu *", self.amount)
        self.form.addRow("Ghi chú (số biên lai)", self.note)

    def values(self) -> dict[str, Any]:
        return {"amount": self.amount.value(), "note": self.note.text().strip()}

    def problem(self) -> str:
        return "" if self.amount.value() > 0 else "Số tiền phải lớn hơn 0."


class ApologyDialog(ActionDialog):
    def __init__(self, current_due: str | None, parent: QWidget | None = None) -> None:
        super().__init__("Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)", parent)
        self.current = QDate.fromString(current_due or "", "yyyy-MM-dd")
        self.new_date = QDateEdit()
        self.new_date.setDisplayFormat(QT_DATE_FORMAT)
        self.new_date.setCalendarPopup(True)
        start = self.current if self.current.isValid() else qdate_today()
        self.new_date.setDate(start.addDays(3))
        self.reason = _reason_edit("Lý do chậm trả kết quả")
        self.form.addRow(
            "Hẹn trả cũ", QLabel(self.current.toString(QT_DATE_FORMAT) if self.current.isValid() else "—")
        )
        self.form.addRow("Ngày hẹn mới *", self.new_date)
        self.form.addRow("Lý do *", self.reason)

    def values(self) -> dict[str, Any]:
        return {
            "new_due_date": self.new_date.date().toString("yyyy-MM-dd"),
            "reason": self.reason.toPlainText().strip(),
        }

    def problem(self) -> str:
        if self.current.isValid() and self.new_date.date() <= self.current:
            return "Ngày hẹn mới phải sau ngày hẹn cũ."
        return "" if self.values()["reason"] else "Hãy ghi lý do."


class ReturnDialog(ActionDialog):
    """Hand the result back: who received it, ID checked, and the citizen's rating (optional)."""

    def __init__(self, applicant_name: str, parent: QWidget | None = None) -> None:
        super().__init__("Trả kết quả", parent)
        self.receiver = QLineEdit(applicant_name)
        self.id_checked = QCheckBox("Đã kiểm tra Liên 2 giấy tiếp nhận hoặc giấy tờ tùy thân của người nhận")
        self.by_post = QCheckBox("Trả qua bưu chính")
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText("Số hiệu bưu gửi (khi trả qua bưu chính)")
        self.rating = QComboBox()
        self.rating.addItem("(chưa đánh giá)", None)
        for value, label in RATINGS:
            self.rating.addItem(label, value)
        self.form.addRow("Người nhận *", self.receiver)
        self.form.addRow("", self.id_checked)
        self.form.addRow("", self.by_post)
        self.form.addRow("Số hiệu bưu gửi", self.tracking)
        self.form.addRow("Đánh giá của công dân", self.rating)

    def values(self) -> dict[str, Any]:
        return {
            "receiver_name": self.receiver.text().strip(),
            "id_checked": self.id_checked.isChecked(),
            "by_post": self.by_post.isChecked(),
            "tracking_no": self.tracking.text().strip(),
            "rating": self.rating.currentData(),
        }

    def problem(self) -> str:
        v = self.values()
        if not v["receiver_name"]:
            return "Hãy nhập tên người nhận kết quả."
        if not v["id_checked"] and not v["by_post"]:
            return "Hãy kiểm tra giấy tờ tùy thân của người nhận trước khi trả."
        return ""


class RatingDialog(ActionDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Đánh giá mức độ hài lòng", parent)
        self.rating = QComboBox()
        for value, label in RATINGS:
            self.rating.addItem(label, value)
        self.form.addRow("Công dân đánh giá", self.rating)

    def values(self) -> dict[str, Any]:
        return {"rating": self.rating.currentData()}
