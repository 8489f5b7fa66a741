"""The desk's main window: navigation, header, views and status bar. Layout and wiring only."""

from __future__ import annotations

import logging
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.adapters.sync import SYNC_NOT_CONFIGURED, UNENCRYPTED_MARK
from ui.context import DeskContext
from ui.views.base import ViewPage
from ui.workers.sync_scheduler import SyncScheduler
from ui.workers.upkeep import Upkeep

logger = logging.getLogger(__name__)
V = TypeVar("V", bound=ViewPage)


class MainWindow(QMainWindow):
    """Sidebar navigation on the left, the current view on the right, status bar at the bottom."""

    sig_lock_requested = Signal()  # the Khóa button or Ctrl+L

    def __init__(
        self,
        ctx: DeskContext,
        views: list[tuple[str, str, ViewPage]],
        upkeep: Upkeep,
        sync: SyncScheduler,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Một Cửa Desk")
        self.resize(1280, 800)
        self.views: dict[str, ViewPage] = {}
        self._keys: list[str] = []
        self.upkeep = upkeep  # started with the session (ui.session), after login
        self.sync = sync  # the one sync scheduler; started with the session
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_sidebar(views))
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self._build_header())
        self.stack = QStackedWidget()
        for key, _label, view in views:
            self.views[key] = view
            self.stack.addWidget(view)
        right.addWidget(self.stack, 1)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self.nav.currentRowChanged.connect(self._on_nav_changed)
        for i, _ in enumerate(views[:9]):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self).activated.connect(
                lambda i=i: self.nav.setCurrentRow(i)
            )
        ctx.runner.sig_busy_changed.connect(self._on_runner_busy)
        ctx.runner.sig_progress.connect(self._on_runner_progress)
        self._connect_background(upkeep, sync)
        self.nav.setCurrentRow(0)

    def _connect_background(self, upkeep: Upkeep, sync: SyncScheduler) -> None:
        upkeep.setParent(self)
        sync.setParent(self)
        upkeep.sig_message.connect(self.show_status_message)
        upkeep.sig_enrolled.connect(sync.on_enrolled)  # enrolled while a clerk works: sync starts
        sync.sig_status.connect(self.set_sync_text)

    # ----- layout -----
    def _build_sidebar(self, views: list[tuple[str, str, ViewPage]]) -> QWidget:
        box = QFrame()
        box.setObjectName("Sidebar")
        box.setFixedWidth(230)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        brand = QLabel("Một Cửa")
        brand.setObjectName("Brand")
        sub = QLabel("Tiếp nhận và trả kết quả")
        sub.setObjectName("BrandSub")
        lay.addWidget(brand)
        lay.addWidget(sub)
        self.nav = QListWidget()
        self.nav.setObjectName("Sidebar")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for key, label, _view in views:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self._keys.append(key)
        lay.addWidget(self.nav, 1)
        return box

    def _build_header(self) -> QWidget:
        head = QFrame()
        head.setObjectName("Header")
        lay = QHBoxLayout(head)
        lay.setContentsMargins(22, 10, 16, 10)
        self.title_label = QLabel()
        self.title_label.setObjectName("HeaderTitle")
        lay.addWidget(self.title_label)
        lay.addStretch(1)
        self.user_label = QLabel()
        self.user_label.setObjectName("HeaderUser")
        lay.addWidget(self.user_label)
        self.lock_button = QPushButton("Khóa màn hình")
        self.lock_button.setToolTip("Khóa màn hình (Ctrl+L)")
        self.lock_button.clicked.connect(self._on_lock_clicked)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self._on_lock_clicked)
        lay.addWidget(self.lock_button)
        self.update_identity()
        return head

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.sync_label = QLabel(SYNC_NOT_CONFIGURED)
        self.job_label = QLabel()
        self.job_progress = QProgressBar()
        self.job_progress.setFixedWidth(160)
        self.job_cancel = QPushButton("Hủy")
        self.job_cancel.clicked.connect(self.ctx.runner.cancel_all)
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.hide()
            bar.addWidget(w)
        bar.addPermanentWidget(self.sync_label)

    # ----- behaviour -----
    def update_identity(self) -> None:
        point = self.ctx.settings.point_name
        desk = self.ctx.settings.desk
        who = self.ctx.clerk_name
        text = f"{point} · Quầy {desk}"
        if who:
            text += f" · Cán bộ: {who}"
        self.user_label.setText(text)

    def set_sync_text(self, text: str) -> None:
        self.sync_label.setText(text)
        name = "Error" if UNENCRYPTED_MARK in text else ""  # red while the link is plain http
        if self.sync_label.objectName() != name:
            self.sync_label.setObjectName(name)
            self.sync_label.style().unpolish(self.sync_label)
            self.sync_label.style().polish(self.sync_label)

    def show_status_message(self, text: str) -> None:
        """A passing note in the status bar (enrollment, backup), kept for a minute."""
        self.statusBar().showMessage(text, 60_000)

    def show_view(self, key: str) -> ViewPage:
        self.nav.setCurrentRow(self._keys.index(key))
        return self.views[key]

    def view_as(self, key: str, kind: type[V]) -> V:
        """The view under `key`, typed (the composition root chose its class)."""
        view = self.views[key]
        if not isinstance(view, kind):
            raise TypeError(f"view {key} is a {type(view).__name__}, not a {kind.__name__}")
        return view

    def show_view_as(self, key: str, kind: type[V]) -> V:
        self.show_view(key)
        return self.view_as(key, kind)

    def _on_nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        view = self.views[key]
        self.stack.setCurrentWidget(view)
        self.title_label.setText(view.title or self.nav.item(row).text())
        try:
            view.refresh()
        except Exception as exc:  # a failed read shows in the view, the window stays usable
            logger.exception("refresh of view %s failed", key)
            view.show_error(exc)

    def _on_lock_clicked(self) -> None:
        self.sig_lock_requested.emit()  # the session locks the desk (ui.session.install_lock)

    def _on_runner_busy(self, busy: bool) -> None:
        for w in (self.job_label, self.job_progress, self.job_cancel):
            w.setVisible(busy)
        if busy:
            self.job_label.setText("Đang xử lý…")
            self.job_progress.setRange(0, 0)

    def _on_runner_progress(self, name: str, done: int, total: int) -> None:
        self.job_label.setText(f"{name}: {done}/{total}" if total else name)
        self.job_progress.setRange(0, max(total, 0))
        self.job_progress.setValue(done)

    def closeEvent(self, event: QCloseEvent) -> None:
        for view in self.views.values():
            can_close = getattr(view, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        if self.ctx.runner.is_busy():
            self.statusBar().showMessage("Đang chờ các công việc đang chạy dừng lại…")
        self.ctx.runner.shutdown()
        QTimer.singleShot(0, lambda: None)
        event.accept()
