"""Dialogs for the rest of a dossier's life: correct (reprints 01), cancel an entry made in error
(head's approval), stop (05), hand-off (06 row), result at the point, postal delivery."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.domain.vocabulary import HANDOFF_DIRECTION_VI, POSTAL_STATUS_VI, vn_date
from ui.dialogs.actions import ActionDialog, ApologyDialog, _reason_edit

RESULT_KIND_VI = {"paper": "Bản giấy", "electronic": "Bản điện tử", "both": "Bản giấy và bản điện tử"}


class _HeadApproval:
    """The head of the unit types their own account at the clerk's desk to approve (never stored)."""

    def add_head_fields(self, dialog: ActionDialog) -> None:
        self.head_user = QLineEdit()
        self.head_user.setPlaceholderText("tên đăng nhập của trưởng điểm")
        self.head_password = QLineEdit()
        self.head_password.setEchoMode(QLineEdit.EchoMode.Password)
        dialog.form.addRow("Trưởng điểm duyệt *", self.head_user)
        dialog.form.addRow("Mật khẩu trưởng điểm *", self.head_password)

    def head_values(self) -> dict[str, Any]:
        return {"head_username": self.head_user.text().strip(), "head_password": self.head_password.text()}


class _HeadReasonDialog(ActionDialog, _HeadApproval):
    """A reason the head of the point approves with their own login (cancellation, stop notice)."""

    TITLE = ""
    PLACEHOLDER = ""
    NO_REASON = ""
    NO_HEAD = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.TITLE, parent)
        self.reason = _reason_edit(self.PLACEHOLDER)
        self.form.addRow("Lý do *", self.reason)
        self.add_head_fields(self)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText().strip(), **self.head_values()}

    def problem(self) -> str:
        v = self.values()
        if not v["reason"]:
            return self.NO_REASON
        return "" if v["head_username"] and v["head_password"] else self.NO_HEAD


class CancelDialog(_HeadReasonDialog):
    TITLE = "Hủy hồ sơ nhập nhầm (trong ngày, trưởng điểm duyệt)"
    PLACEHOLDER = "Lý do hủy: nhập nhầm thủ tục, nhập trùng..."
    NO_REASON = "Hãy ghi lý do hủy."
    NO_HEAD = "Cần trưởng điểm đăng nhập để duyệt."


class StopDialog(_HeadReasonDialog):
    TITLE = "Thông báo dừng giải quyết hồ sơ (mẫu 05)"
    PLACEHOLDER = "Lý do dừng giải quyết"
    NO_REASON = "Hãy ghi lý do dừng giải quyết."
    NO_HEAD = "Cần trưởng điểm đăng nhập để ký."


class HandoffDialog(ActionDialog):
    def __init__(self, point_name: str, clerk_name: str, parent: QWidget | None = None) -> None:
        super().__init__("Giao nhận hồ sơ (phiếu kiểm soát, mẫu 06)", parent)
        self.direction = QComboBox()
        for value, label in HANDOFF_DIRECTION_VI.items():
            self.direction.addItem(label, value)
        self.from_unit = QLineEdit(point_name)
        self.to_unit = QLineEdit()
        self.to_unit.setPlaceholderText("Cơ quan, bộ phận nhận (ví dụ Công an xã)")
        self.giver = QLineEdit(clerk_name)
        self.taker = QLineEdit()
        self.note = QLineEdit()
        for label, widget in (
            ("Chiều giao nhận", self.direction),
            ("Bộ phận giao *", self.from_unit),
            ("Cơ quan nhận *", self.to_unit),
            ("Người giao *", self.giver),
            ("Người nhận *", self.taker),
            ("Ghi chú", self.note),
        ):
            self.form.addRow(label, widget)
        self.direction.currentIndexChanged.connect(self._on_direction_changed)
        self._point = point_name

    def _on_direction_changed(self) -> None:
        if self.direction.currentData() == "to_point":  # the result comes back: swap the sides
            self.from_unit.setText(self.to_unit.text())
            self.to_unit.setText(self._point)

    def values(self) -> dict[str, Any]:
        return {
            "direction": self.direction.currentData(),
            "from_unit": self.from_unit.text().strip(),
            "to_unit": self.to_unit.text().strip(),
            "giver": self.giver.text().strip(),
            "taker": self.taker.text().strip(),
            "note": self.note.text().strip(),
        }

    def problem(self) -> str:
        v = self.values()
        missing = [k for k in ("from_unit", "to_unit", "giver", "taker") if not v[k]]
        return "Hãy ghi đủ bộ phận giao, cơ quan nhận, người giao và người nhận." if missing else ""


class ResultDialog(ActionDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Nhận kết quả tại điểm", parent)
        self.kind = QComboBox()
        for value, label in RESULT_KIND_VI.items():
            self.kind.addItem(label, value)
        self.outcome = QComboBox()
        self.outcome.addItem("Có kết quả giải quyết", "result")
        self.outcome.addItem("Văn bản không giải quyết (nêu lý do)", "rejected")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Ví dụ: bản giấy do Công an xã chuyển đến")
        self.form.addRow("Hình thức kết quả", self.kind)
        self.form.addRow("Kết quả", self.outcome)
        self.form.addRow("Ghi chú", self.note)

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "outcome": self.outcome.currentData(),
            "note": self.note.text().strip(),
        }


class PostalDialog(ActionDialog):
    def __init__(self, tracking_no: str, parent: QWidget | None = None) -> None:
        super().__init__("Theo dõi trả kết quả qua bưu chính", parent)
        self.status = QComboBox()
        for value, label in POSTAL_STATUS_VI.items():
            if value != "sent":
                self.status.addItem(label, value)
        self.tracking = QLineEdit(tracking_no)
        self.form.addRow("Tình trạng *", self.status)
        self.form.addRow("Số hiệu bưu gửi", self.tracking)

    def values(self) -> dict[str, Any]:
        return {"status": self.status.currentData(), "tracking_no": self.tracking.text().strip()}


class CorrectDialog(ActionDialog):
    """Correct the applicant's details with a reason; the receipt is printed again (old one replaced)."""

    FIELDS = (
        ("full_name", "Họ và tên"),
        ("address", "Địa chỉ"),
        ("phone", "Số điện thoại"),
        ("email", "Email"),
    )

    def __init__(self, applicant: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__("Sửa thông tin người nộp (in lại giấy tiếp nhận)", parent)
        self.original = {k: str(applicant.get(k) or "") for k, _ in self.FIELDS}
        self.edits: dict[str, QLineEdit] = {}
        for key, label in self.FIELDS:
            self.edits[key] = QLineEdit(self.original[key])
            self.form.addRow(label, self.edits[key])
        self.reason = _reason_edit("Lý do sửa (ví dụ: nhập sai số điện thoại)")
        self.form.addRow("Lý do *", self.reason)

    def values(self) -> dict[str, Any]:
        changed = {k: e.text().strip() for k, e in self.edits.items() if e.text().strip() != self.original[k]}
        return {"applicant": changed, "reason": self.reason.toPlainText().strip()}

    def problem(self) -> str:
        v = self.values()
        if not v["applicant"]:
            return "Chưa có thông tin nào được sửa."
        return "" if v["reason"] else "Hãy ghi lý do sửa."


class HeadApologyDialog(ApologyDialog, _HeadApproval):
    """Form 04 asked for by a clerk: the head of the unit approves and signs with their own login."""

    def __init__(self, current_due: str | None, parent: QWidget | None = None) -> None:
        super().__init__(current_due, parent)
        self.add_head_fields(self)

    def values(self) -> dict[str, Any]:
        return {**super().values(), **self.head_values()}

    def problem(self) -> str:
        v = self.values()
        if not (v["head_username"] and v["head_password"]):
            return "Văn bản xin lỗi và đề nghị gia hạn do trưởng điểm ký: cần trưởng điểm đăng nhập."
        return super().problem()


class ExtensionRequestDialog(ApologyDialog):
    """A clerk asks for form 04: recorded as pending; nothing is printed until the head signs."""

    def __init__(self, current_due: str | None, parent: QWidget | None = None) -> None:
        super().__init__(current_due, parent)
        self.setWindowTitle("Đề nghị gia hạn thời gian giải quyết (mẫu 04, trưởng điểm duyệt)")
        note = QLabel("Đề nghị được ghi lại và chờ trưởng điểm duyệt, ký; ngày hẹn chưa thay đổi.")
        note.setObjectName("Hint")
        note.setWordWrap(True)
        self.form.addRow("", note)


class DeclineExtensionDialog(_HeadReasonDialog):
    """The head declines a clerk's pending request for form 04 (nothing is signed or printed)."""

    TITLE = "Không duyệt đề nghị gia hạn (trưởng điểm)"
    PLACEHOLDER = "Lý do không duyệt: chưa đủ căn cứ, chưa quá hạn..."
    NO_REASON = "Hãy ghi lý do không duyệt đề nghị gia hạn."
    NO_HEAD = "Cần trưởng điểm đăng nhập để quyết định."

    def __init__(
        self, head_logged_in: bool, request: dict[str, Any] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.head_logged_in = head_logged_in
        if head_logged_in:  # the logged-in head decides: no second login
            for field in (self.head_user, self.head_password):
                self.form.setRowVisible(field, False)
        if request:
            asked = QLabel(
                f"Đề nghị gia hạn đến {vn_date(request.get('new_due_date'))}; "
                f"lý do: {request.get('reason', '')}"
            )
            asked.setWordWrap(True)
            self.form.insertRow(0, "Đề nghị", asked)

    def values(self) -> dict[str, Any]:
        if self.head_logged_in:
            return {"reason": self.reason.toPlainText().strip()}
        return super().values()

    def problem(self) -> str:
        if self.head_logged_in:
            return "" if self.values()["reason"] else self.NO_REASON
        return super().problem()


class WithdrawExtensionDialog(ActionDialog):
    """The clerk takes back a pending request for form 04 before the head decides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rút đề nghị gia hạn", parent)
        self.reason = _reason_edit("Lý do rút (không bắt buộc): đã có kết quả đúng hẹn...")
        self.form.addRow("Lý do", self.reason)
        note = QLabel("Ngày hẹn trả không thay đổi.")
        note.setObjectName("Hint")
        self.form.addRow("", note)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText().strip()}

    def problem(self) -> str:
        return ""


def _with_request(dialog: ApologyDialog, request: dict[str, Any] | None) -> ApologyDialog:
    """The head's dialog filled in with the clerk's request (the head may still change the date)."""
    if request:
        dialog.new_date.setDate(QDate.fromString(str(request.get("new_due_date", "")), "yyyy-MM-dd"))
        dialog.reason.setPlainText(str(request.get("reason", "")))
        dialog.setWindowTitle("Duyệt đề nghị gia hạn: văn bản xin lỗi và đề nghị gia hạn (mẫu 04)")
    return dialog


def apology_dialog(ctx: Any, d: Any, parent: QWidget) -> ApologyDialog:
    """Form 04: the logged-in head signs; at a clerk's desk the clerk asks, then the head approves
    the pending request with their own login (as for a cancellation or a stop notice)."""
    request = d.get("pending_extension")
    if ctx.clerk is not None and ctx.clerk.role == "head":
        return _with_request(ApologyDialog(d["due_date"], parent), request)
    if request:
        return _with_request(HeadApologyDialog(d["due_date"], parent), request)
    return ExtensionRequestDialog(d["due_date"], parent)


def later_dialog(action: str, ctx: Any, d: Any, parent: QWidget) -> ActionDialog | None:
    """The dialog of one of the later actions (None: the action needs none)."""
    if action == "correct":
        return CorrectDialog(dict(d.get("applicant") or {}), parent)
    if action == "cancel":
        return CancelDialog(parent)
    if action == "stop":
        return StopDialog(parent)
    if action == "handoff":
        return HandoffDialog(ctx.settings.point_name, ctx.clerk_name, parent)
    if action == "record_result":
        return ResultDialog(parent)
    if action == "postal":
        return PostalDialog(str(d.get("tracking_no") or ""), parent)
    if action == "decline_extension":
        is_head = ctx.clerk is not None and ctx.clerk.role == "head"
        return DeclineExtensionDialog(is_head, d.get("pending_extension"), parent)
    if action == "withdraw_extension":
        return WithdrawExtensionDialog(parent)
    return None
