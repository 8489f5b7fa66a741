"""A working session at the desk: login, the inactivity lock, the event loop, a clean quit."""

from __future__ import annotations

import logging
from functools import partial

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


def start_session(app: QApplication, window: MainWindow, ctx: DeskContext) -> int:
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
