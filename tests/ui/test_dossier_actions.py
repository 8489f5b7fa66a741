"""After receipt: a return with the citizen's rating, a supplement request (02) and an apology (04)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from app.services import lifecycle
from app.services.clerks import ensure_clerk
from app.services.queries import get_dossier, list_dossiers
from app.services.returns import may_hand_back
from tests.ui.conftest import press, type_text, wait_idle
from ui.adapters.session import service_desk
from ui.dialogs.actions import ApologyDialog, SupplementDialog


def open_dossier(ctx, window, status="received"):
    items = [d for d in list_dossiers(ctx.db, "all", limit=50).items if d["status"] == status]
    assert items, f"no demo dossier in state {status}"
    view = window.show_view("dossiers")
    assert view.select_code(items[0]["code"])
    return view, items[0]


def test_return_by_typed_code_with_rating(qtbot, seeded):
    ctx, window = seeded
    # a dossier whose result may be handed back: the result is there, or the point settles it itself
    items = [
        *list_dossiers(ctx.db, "result_ready", limit=50).items,
        *list_dossiers(ctx.db, "awaiting_result", limit=50).items,
    ]
    ready = [d for d in items if may_hand_back(ctx.db, get_dossier(ctx.db, d["id"]))]
    if not ready:  # the agency's paper result reached the point (recorded as the desk records it)
        lifecycle.record_result(service_desk(ctx), items[0]["id"], kind="paper")
        ready = items[:1]
    item = ready[0]
    view = window.show_view("returns")
    qtbot.keyClicks(view.code, item["code"])  # a hand-held barcode reader types the code
    press(view.code, Qt.Key.Key_Return)
    assert view.box.isEnabled(), view.banner.text()
    view.receiver.clear()
    type_text(view.receiver, "Trần Văn Đức")
    view.id_checked.setChecked(True)
    view.rating_buttons["rat_hai_long"].setChecked(True)
    qtbot.mouseClick(view.return_button, Qt.MouseButton.LeftButton)
    state = get_dossier(ctx.db, item["id"])
    assert state.status.value == "returned"
    assert state.returned["receiver_name"] == "Trần Văn Đức"
    assert state.rating == "rat_hai_long"
    assert "Đã trả kết quả" in view.banner.text()


def test_supplement_request_records_items_and_makes_form_02(qtbot, seeded):
    ctx, window = seeded
    view, item = open_dossier(ctx, window)
    dialog = SupplementDialog(view.detail.detail["checklist"], view)
    dialog.items.item(0).setCheckState(Qt.CheckState.Checked)
    type_text(dialog.reason, "Bản sao chưa có chứng thực")
    assert dialog.problem() == ""
    job = view.detail.run_action("supplement", dialog.values())
    wait_idle(qtbot, ctx)
    state = get_dossier(ctx.db, item["id"])
    assert state.status.value == "supplement_requested"
    assert state.supplements[-1]["reason"] == "Bản sao chưa có chứng thực"
    assert job is not None and view.detail.last_form_pdf and view.detail.last_form_pdf.stat().st_size > 1000
    assert "Yêu cầu bổ sung" in view.detail.timeline.toPlainText()


def test_apology_sets_a_new_due_date_and_makes_form_04(qtbot, seeded):
    ctx, window = seeded
    ctx.clerk = ensure_clerk(ctx.db, "truongdiem", "Lê Thị Mai", "head")  # form 04 is signed for the head
    view, item = open_dossier(ctx, window)
    before = get_dossier(ctx.db, item["id"]).due_date
    dialog = ApologyDialog(before, view)
    new = QDate.fromString(before, "yyyy-MM-dd").addDays(7)
    while new.dayOfWeek() > 5:
        new = new.addDays(1)
    dialog.new_date.setDate(new)
    type_text(dialog.reason, "Cơ quan chuyên môn cần xác minh thêm")
    assert dialog.problem() == ""
    view.detail.run_action("apology", dialog.values())
    wait_idle(qtbot, ctx)
    state = get_dossier(ctx.db, item["id"])
    assert state.due_date == new.toString("yyyy-MM-dd")
    assert state.apologies[-1]["reason"] == "Cơ quan chuyên môn cần xác minh thêm"
    assert view.detail.last_form_pdf is not None
    assert "Xin lỗi" in view.detail.timeline.toPlainText()
