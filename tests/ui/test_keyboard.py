"""Keyboard: Tab walks the applicant step in the order it is shown; actions show their keys."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from tests.ui.conftest import press, type_text
from ui.views.receive import APPLICANT, DOCUMENTS

KEY_IN_TEXT = re.compile(r"\((Esc|Ctrl\+\w+|F\d+)\)$")


def _focused_in(widgets):
    focus = QApplication.focusWidget()
    return next((w for w in widgets if w is focus or w.isAncestorOf(focus)), focus)


def test_tab_walks_the_applicant_step_in_the_visual_order(qtbot, desk):
    _ctx, window = desk
    window.activateWindow()
    view = window.show_view("receive")
    type_text(view.procedure_step.search.query, "dang ky khai sinh")
    qtbot.waitUntil(lambda: view.procedure_step.search.results.count() > 0)
    press(view.procedure_step.search.query, Qt.Key.Key_Return)
    assert view.stack.currentIndex() == APPLICANT
    step = view.applicant_step
    e = step.edits
    intended = [
        step.scan_qr_button,
        step.camera_qr_button,
        step.file_qr_button,
        e["full_name"],
        step.id_kind,
        e["id_number"],
        step.birth,
        step.gender,
        e["address"],
        e["phone"],
        e["email"],
    ]  # "Dùng thông tin đã lưu" only appears for a returning applicant
    intended[0].setFocus()
    qtbot.waitUntil(lambda: _focused_in(intended) is intended[0])
    seen = [intended[0]]
    for _ in range(len(intended) + 2):  # Tab steps through day, month, year inside the date first
        press(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = _focused_in(intended)
        if now is not seen[-1]:
            seen.append(now)
        if len(seen) == len(intended):
            break
    assert seen == intended


def test_every_button_of_every_view_has_a_key_shown_in_its_tooltip(qtbot, desk):
    _ctx, window = desk
    missing = []
    for key, view in window.views.items():
        for button in view.findChildren(QPushButton):
            text, tip = button.text(), button.toolTip()
            shortcut = button.shortcut().toString()
            if KEY_IN_TEXT.search(text):  # a view-wide QShortcut named on the button (Esc, Ctrl+Enter)
                continue
            if not shortcut and "&" not in text:
                missing.append(f"{key}: {text} has no key")
            elif shortcut and shortcut not in tip + text:
                missing.append(f"{key}: {text} does not show {shortcut}")
            elif not shortcut and "(Alt+" not in tip:
                missing.append(f"{key}: {text} does not show its Alt key")
    assert not missing, missing
    assert window.views["receive"].stack.indexOf(window.views["receive"].documents_step) == DOCUMENTS
