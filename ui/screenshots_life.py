"""Screenshots of the later actions: a late dossier flagged on its screen, and each new dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.queries import list_dossiers
from ui.dialogs.brought_back import BroughtBackDialog
from ui.dialogs.lifecycle import (
    CancelDialog,
    CorrectDialog,
    DeclineExtensionDialog,
    HandoffDialog,
    PostalDialog,
    ResultDialog,
    StopDialog,
    WithdrawExtensionDialog,
)
from ui.views.dossiers import DossiersView

if TYPE_CHECKING:
    from ui.context import DeskContext
    from ui.screenshots import Shooter


def later_actions(s: Shooter, ctx: DeskContext) -> None:
    """dossier-late.png (the banner offering form 04) and one PNG per new dialog (the head declining
    or the clerk withdrawing a request for form 04, the papers brought back after form 02)."""
    view = s.window.show_view_as("dossiers", DossiersView)
    late = list_dossiers(ctx.db, "overdue", limit=1).items
    if late:
        view.select_code(late[0]["code"])
        view.detail.tabs.setCurrentIndex(0)
        s.shot("dossier-late")
    handoff = HandoffDialog(ctx.settings.point_name, ctx.clerk_name, s.window)
    handoff.to_unit.setText("Công an xã")
    handoff.taker.setText("Phạm Văn Hùng")
    correct = CorrectDialog(
        {"full_name": "Nguyễn Văn Đức", "address": "12 Hàng Bạc", "phone": "0912345678"}, s.window
    )
    correct.edits["phone"].setText("0987654321")
    correct.reason.setPlainText("Nhập sai số điện thoại")
    cancel = CancelDialog(s.window)
    cancel.reason.setPlainText("Nhập nhầm thủ tục")
    cancel.head_user.setText("truongdiem")
    stop = StopDialog(s.window)
    stop.reason.setPlainText("Người nộp đề nghị dừng giải quyết")
    asked = {"new_due_date": "2026-12-04", "reason": "Chờ cơ quan công an xác minh nơi cư trú"}
    decline = DeclineExtensionDialog(True, asked, s.window)  # the head, logged in, decides
    decline.reason.setPlainText("Chưa quá hạn: còn hai ngày làm việc")
    withdraw = WithdrawExtensionDialog(s.window)
    withdraw.reason.setPlainText("Đã có kết quả đúng hẹn")
    brought = BroughtBackDialog(ctx, ["Bản sao giấy khai sinh", "Tờ khai đăng ký thường trú"], s.window)
    dialogs = {
        "dialog-handoff-06": handoff,
        "dialog-correct-01": correct,
        "dialog-cancel": cancel,
        "dialog-stop-05": stop,
        "dialog-result": ResultDialog(s.window),
        "dialog-postal": PostalDialog("EB123456789VN", s.window),
        "dialog-decline-extension": decline,
        "dialog-withdraw-extension": withdraw,
        "dialog-brought-back": brought,
    }
    for name, dialog in dialogs.items():
        dialog.show()
        s.shot(name, dialog)
        dialog.close()
