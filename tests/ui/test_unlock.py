"""A sealed desk opens at a clerk's login: the password unwraps the store key, then the clerk logs in."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app import keys
from app.services import clerks
from app.storage import open_db
from ui.dialogs.login import LoginDialog
from ui.session import unlock_store


def _answer(qtbot, attempts: list[tuple[str, str]], seen: list[str]) -> None:
    """Type each (username, password) into the modal login dialog as it comes up; note its errors."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, step)
            return
        user, password = attempts.pop(0)
        dialog.username.setText(user)
        dialog.password.setText(password)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        seen.append(dialog.error.text())
        if attempts:
            QTimer.singleShot(20, step)

    QTimer.singleShot(20, step)


def test_a_sealed_store_unlocks_at_login_and_a_wrong_password_says_so(qtbot, tmp_path):
    home = tmp_path / "home"
    with open_db(home / "desk.db") as db:
        clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
        keys.seal(home, db.keys)
    keys.forget(home)
    seen: list[str] = []
    _answer(qtbot, [("lan", "sai-mat-khau"), ("lan", "mat-khau-1")], seen)
    opened, clerk = unlock_store(home, "Điểm thử")
    assert opened and clerk.full_name == "Nguyễn Thị Lan"
    assert "không đúng" in seen[0]
    assert keys.remembered(home) is not None  # the desk's jobs (sync, backup) open the store now
    keys.forget(home)


def test_a_demo_or_new_home_opens_without_a_login(tmp_path):
    assert unlock_store(tmp_path / "new", "Điểm thử") == (True, None)
    with open_db(tmp_path / "demo" / "desk.db"):
        pass
    assert unlock_store(tmp_path / "demo", "Điểm thử") == (True, None)
