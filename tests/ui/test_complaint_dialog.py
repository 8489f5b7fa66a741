"""Phản ánh, kiến nghị at the desk (from Báo cáo): typed in with the keyboard, saved as an event, then
chosen from the list to record the day it was answered."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from app.services.complaints import received_between
from tests.ui.conftest import press, type_text
from ui.dialogs.complaint import ComplaintDialog


def test_a_complaint_is_entered_then_answered_from_the_list(qtbot, desk, tmp_path: Path):
    ctx, window = desk
    assert window.views["report"].complaints.text() == "Phản ánh, &kiến nghị…"
    dialog = ComplaintDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    today = dialog.today
    dialog.channel.setFocus()
    press(dialog.channel, Qt.Key.Key_Down)  # Hộp thư góp ý
    press(dialog.channel, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.subject
    type_text(dialog.subject, "Đề nghị bố trí thêm ghế chờ ở sảnh tầng 1")
    press(dialog.subject, Qt.Key.Key_Tab)  # Tab leaves the text box for the dossier code
    assert dialog.focusWidget() is dialog.dossier and "\t" not in dialog.subject.toPlainText()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Đã ghi nhận phản ánh, kiến nghị.", dialog.error.text()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 4).text() == "Chưa trả lời"
    (saved,) = received_between(ctx.db, today, today)
    assert (saved.channel, saved.answered_on) == ("hop_thu", "")

    type_text(dialog.subject, "ngắn")
    dialog.dossier.setText("000.00.00.H26-261120-9999")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Hãy ghi nội dung" in dialog.error.text()
    assert len(received_between(ctx.db, today, today)) == 1

    dialog.table.selectRow(0)
    assert dialog.editing == saved.id and dialog.subject.toPlainText().startswith("Đề nghị bố trí")
    dialog.answered.setChecked(True)
    shot = tmp_path / "complaint.png"
    dialog.grab().save(str(shot))  # looked at
    if os.environ.get("MOTCUA_SCREENSHOTS_DIR"):
        shutil.copy(shot, Path(os.environ["MOTCUA_SCREENSHOTS_DIR"]) / shot.name)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (answered,) = received_between(ctx.db, today, today)
    assert answered.id == saved.id and answered.answered_on == today.isoformat()
    assert dialog.table.item(0, 4).text() != "Chưa trả lời"
