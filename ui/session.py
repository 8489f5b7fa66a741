"""A working session at the desk: login, the inactivity lock, the event loop, a clean quit."""

from __future__ import annotations

import logging
import threading
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog

from ui.adapters.session import authenticate, has_clerks
from ui.context import DeskContext
from ui.dialogs.login import InactivityWatcher, LoginDialog
from ui.main_window import MainWindow

logger = logging.getLogger(__name__)


NO_CLERKS = (
    "Máy này chưa có tài khoản cán bộ. Bộ phận kỹ thuật tạo tài khoản bằng lệnh: "
    'python -m app clerk add TÊN_ĐĂNG_NHẬP --name "Họ và tên".'
)


def login(ctx: DeskContext, window: MainWindow | None = None) -> bool:
    dialog = LoginDialog(partial(authenticate, ctx), ctx.settings.point_name, window)
    if not has_clerks(ctx):
        dialog.error.setText(NO_CLERKS)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    ctx.clerk = dialog.clerk
    return True


def unlock_store(home: Path, point_name: str) -> tuple[bool, Any]:
    """A sealed store opens at a clerk's login: the password unwraps the store key, then logs in.
    Returns (opened, clerk); clerk is None when the store opened unattended (demo, keyring)."""
    from app import keys
    from app.config import db_path
    from app.services.clerks import login as clerk_login
    from app.storage import open_db

    if keys.load_file(home) is None or keys.unlock_unattended(home) is not None:
        return True, None  # a new home (its key is made at the first open), demo, keyring

    def authenticate(username: str, password: str) -> Any:
        keys.unlock_with_password(home, username, password)  # WrongSecretError: nothing touched
        with open_db(db_path(home)) as db:
            return clerk_login(db, username, password)

    dialog = LoginDialog(authenticate, point_name)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False, None
    return True, dialog.clerk


def lock(ctx: DeskContext, window: MainWindow, watcher: InactivityWatcher | None = None) -> None:
    """Cover the desk until the same clerk types the password again."""
    if watcher:
        watcher.paused = True
    username = ctx.clerk.username if ctx.clerk else ""
    dialog = LoginDialog(
        partial(authenticate, ctx), ctx.settings.point_name, window, username=username, locked=True
    )
    central = window.centralWidget()
    if central is not None:
        central.setVisible(False)  # hide citizens' data behind the lock
    dialog.exec()
    if central is not None:
        central.setVisible(True)
    if watcher:
        watcher.paused = False
        watcher.timer.start()


def install_lock(ctx: DeskContext, window: MainWindow, app: QApplication) -> InactivityWatcher:
    watcher = InactivityWatcher(ctx.settings.lock_minutes, window)
    app.installEventFilter(watcher)
    watcher.sig_idle.connect(lambda: lock(ctx, window, watcher))
    window.sig_lock_requested.connect(lambda: lock(ctx, window, watcher))
    return watcher


def warm_forms() -> threading.Thread:
    """The forms' fonts parsed in the background (app.forms.base.warm_up) while the clerk logs in, so
    the first receipt of the day does not wait for them."""

    def run() -> None:
        from app.forms.base import warm_up

        try:
            warm_up()
        except Exception:  # the first form printed says what is wrong
            logger.exception("forms warm-up failed")

    thread = threading.Thread(target=run, name="forms-warm-up", daemon=True)
    thread.start()
    return thread


def start_session(app: QApplication, window: MainWindow, ctx: DeskContext) -> int:
    warm_forms()
    if ctx.clerk is None and not login(ctx):
        return 0
    window.update_identity()
    install_lock(ctx, window, app)
    window.upkeep.start()  # a pending enrollment code, the daily backup: jobs, outcome in the status bar
    window.sync.start()  # syncs now if enrolled; else from the moment an enrollment succeeds
    window.show()
    code = app.exec()
    window.sync.stop()  # no new pass while the live jobs are cancelled and waited for
    ctx.runner.shutdown()
    return int(code)
