"""Login at the start of the day, and the lock screen after inactivity (the same password check)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.clerks import Clerk
from ui.messages import user_message

logger = logging.getLogger(__name__)

Authenticate = Callable[[str, str], Clerk | None]  # (username, password) -> clerk, raises AuthError


class LoginDialog(QDialog):
    """Username and password; `clerk` is set when accepted."""

    def __init__(
        self,
        authenticate: Authenticate,
        point_name: str,
        parent: QWidget | None = None,
        *,
        username: str = "",
        locked: bool = False,
    ) -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self.clerk: Clerk | None = None
        self.setWindowTitle("Mở khóa màn hình" if locked else "Đăng nhập")
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 24, 28, 24)
        lay.setSpacing(10)
        title = QLabel("Màn hình đã khóa" if locked else "Một Cửa — Đăng nhập")
        title.setObjectName("HeaderTitle")
        sub = QLabel(point_name)
        sub.setObjectName("Hint")
        sub.setWordWrap(True)
        lay.addWidget(title)
        lay.addWidget(sub)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("tên đăng nhập")
        self.username.setReadOnly(locked)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("mật khẩu")
        form.addRow("Tên đăng nhập", self.username)
        form.addRow("Mật khẩu", self.password)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.ok = QPushButton("Mở khóa" if locked else "Đăng nhập")
        self.ok.setObjectName("Primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._on_ok_clicked)
        lay.addWidget(self.ok)
        (self.password if locked or username else self.username).setFocus()
        if locked:
            self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

    def _on_ok_clicked(self) -> None:
        try:
            self.clerk = self._authenticate(self.username.text().strip(), self.password.text())
        except Exception as exc:
            self.error.setText(user_message(exc))
            self.password.clear()
            self.password.setFocus()
            return
        logger.info("clerk %s logged in", self.clerk.id if self.clerk else "?")
        self.accept()

    def reject(self) -> None:
        if self.username.isReadOnly():  # a lock screen cannot be dismissed without the password
            return
        super().reject()


class InactivityWatcher(QObject):
    """Emits `sig_idle` after `minutes` without a key press or mouse action anywhere in the app."""

    sig_idle = Signal()
    _ACTIVITY = frozenset(
        {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}
    )

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.timeout.connect(self.sig_idle)
        self.timer.start()
        self.paused = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._ACTIVITY and not self.paused:
            self.timer.start()
        return False
