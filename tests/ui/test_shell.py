"""The shell: login, lock after inactivity, navigation by keyboard, procedure search, the CLI modes."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from app.services.clerks import add_clerk
from tests.ui.conftest import press, type_text
from ui.adapters import session
from ui.dialogs.login import InactivityWatcher, LoginDialog

ROOT = Path(__file__).resolve().parents[2]


def test_login_refuses_a_wrong_password_in_vietnamese_then_accepts(qtbot, desk):
    ctx, _window = desk
    add_clerk(ctx.db, "canbo1", "Đỗ Thị Lan", "clerk", "matkhau-dung-1", "test")
    dialog = LoginDialog(partial(session.authenticate, ctx), ctx.settings.point_name)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "canbo1")
    qtbot.keyClicks(dialog.password, "sai-mat-khau")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "mật khẩu" in dialog.error.text().lower()
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "matkhau-dung-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.clerk.full_name == "Đỗ Thị Lan"


def test_inactivity_emits_idle_and_activity_restarts_the_clock(qtbot, desk):
    _ctx, window = desk
    watcher = InactivityWatcher(minutes=0.002, parent=window)  # 120 ms
    with qtbot.waitSignal(watcher.sig_idle, timeout=2000):
        pass
    assert not watcher.timer.isActive()
    watcher.eventFilter(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier))
    assert watcher.timer.isActive()


def test_lock_screen_cannot_be_dismissed_without_the_password(qtbot, desk):
    ctx, window = desk
    dialog = LoginDialog(lambda u, p: None, ctx.settings.point_name, window, username="demo", locked=True)
    qtbot.addWidget(dialog)
    dialog.show()
    press(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.username.isReadOnly()


def test_alt_number_moves_between_views_and_titles_are_vietnamese(qtbot, desk):
    _ctx, window = desk
    press(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.views["dossiers"]
    assert window.title_label.text() == "Hồ sơ"
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == [
        "Trang chủ",
        "Thủ tục",
        "Tiếp nhận",
        "Hồ sơ",
        "Trả kết quả",
        "Đồng bộ",
        "Cài đặt",
        "Tài khoản",
        "Báo cáo",
    ]
    assert window.sync_label.text() == "Đồng bộ: chưa kết nối trung tâm"


def test_procedure_search_as_you_type_without_diacritics(qtbot, desk):
    _ctx, window = desk
    view = window.show_view("procedures")
    type_text(view.search.query, "chung thuc ban sao")
    qtbot.waitUntil(
        lambda: view.search.results.count() > 0 and "2.000815" in view.search.results.item(0).text()
    )
    assert "Chứng thực" in view.detail.toPlainText()
    assert view.print_button.isEnabled()


def test_settings_saved_and_reloaded(qtbot, desk):
    ctx, window = desk
    view = window.show_view("settings")
    view.saturday.setChecked(True)
    view.point_name.clear()
    type_text(view.point_name, "Điểm Phục vụ hành chính công Ba Đình")
    assert view.save()
    from app.config import load_settings

    saved = load_settings(ctx.home)
    assert saved.saturday_reception and saved.point_name == "Điểm Phục vụ hành chính công Ba Đình"


def test_settings_show_the_digitization_profile_the_centre_published(qtbot, desk, tmp_path):
    import json

    from app.digitization import PROFILE_FILE

    ctx, window = desk
    view = window.show_view("settings")
    assert view.profile.text().startswith("Mặc định của máy (Trung tâm chưa ban hành)")
    profile = {"mode": "color", "min_dpi": 300, "kb_per_page": 250, "name": "Số hóa màu theo NĐ 30"}
    (ctx.home / PROFILE_FILE).write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    view.refresh()
    expected = "Số hóa màu theo NĐ 30 (do Trung tâm ban hành): màu,\ntối thiểu 300 dpi, khoảng 250 KB/trang"
    assert view.profile.text() == expected
    qtbot.waitUntil(lambda: view.profile.height() >= view.profile.sizeHint().height())  # laid out again
    window.grab().save(str(tmp_path / "settings-profile.png"))


def test_settings_show_the_form_template_version_in_force(qtbot, desk, tmp_path):
    import json

    from app.form_templates import template_path

    ctx, window = desk
    view = window.show_view("settings")
    assert view.form_templates.text() == (
        "Mẫu 01–07, phiếu hướng dẫn: phiên bản 2025.1\n(mặc định của máy, áp dụng từ 15/09/2025)"
    )
    path = template_path(ctx.home, "01")
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"form": "01", "version": "2026.1", "effective_date": "2026-01-01"}), "utf-8")
    view.refresh()
    assert view.form_templates.text() == (
        "Mẫu 01: phiên bản 2026.1 (Trung tâm ban hành, từ 01/01/2026)\n"
        "Các mẫu khác: phiên bản 2025.1 (mặc định của máy)"
    )
    qtbot.waitUntil(lambda: view.form_templates.height() >= view.form_templates.sizeHint().height())
    window.grab().save(str(tmp_path / "settings-forms.png"))


def test_demo_screenshots_command_renders_every_screen(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", MOTCUA_HOME=str(tmp_path / "h"))
    out = tmp_path / "shots"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--screenshots", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {p.stem for p in out.glob("*.png")}
    assert len(names) >= 8 and {"home", "receive-3-documents", "dossiers", "settings"} <= names
    assert {"dialog-decline-extension", "dialog-withdraw-extension", "dialog-brought-back"} <= names


def test_smoke_saves_a_screenshot_and_exits_0(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", MOTCUA_HOME=str(tmp_path / "h"))
    shot = tmp_path / "desk.png"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--smoke", "--screenshot", str(shot)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.stat().st_size > 10_000
