"""Fixtures for desk UI tests: a real data folder, the real store and catalog, the main window."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.vocabulary import VN_TZ
from ui.adapters import session
from ui.main import build_window, make_context
from ui.samples import sample_page
from ui.theme import apply_theme
from ui.workers.collector import UiThreadCollector

CARD_QR = "001190012345|012345678|Nguyễn Thị Hồng Nhung|14051990|Nữ|Số 12 ngõ 34 phố Hàng Bạc, Hoàn Kiếm, Hà Nội|01072021"


def type_text(widget: QWidget, text: str) -> None:
    """Type Vietnamese text the way an input method (Unikey, ibus) commits it; keyClicks is ASCII-only."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.Type.KeyPress, key, modifiers))
    QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.Type.KeyRelease, key, modifiers))


def make_card_image(path: Path, payload: str = CARD_QR) -> Path:
    """A photo-like scan of a card's QR code (white margin around it)."""
    img = qrcode.make(payload, box_size=6, border=6)
    img.save(path)
    return path


@pytest.fixture
def clock_in_another_zone():
    """The machine's clock set to a zone whose date is not Hanoi's right now (UTC-12 until 18:00 Hanoi
    time, UTC+14 after it), as on a desk left on UTC opened after midnight Hanoi time: a screen that
    takes the system date for today shows the wrong day."""
    before = os.environ.get("TZ")
    zone = "Etc/GMT+12" if datetime.now(VN_TZ).hour < 18 else "Etc/GMT-14"
    os.environ["TZ"] = zone
    time.tzset()
    assert datetime.now().date() != datetime.now(VN_TZ).date(), zone  # the fault is really there
    yield zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def desk(qtbot, motcua_home):
    """(ctx, window): the desk on an empty store with the demo point settings and a logged-in clerk."""
    yield from open_desk(qtbot, motcua_home)


@pytest.fixture(autouse=True)
def ui_thread_gc(qapp):
    """Collect cycles only on the UI thread, as the app does (ui.workers.collector)."""
    collector = UiThreadCollector(parent=qapp)
    yield collector
    collector.stop()
    collector.deleteLater()


def open_desk(qtbot, home):
    app = QApplication.instance()
    apply_theme(app)
    ctx = make_context(home, demo=False)
    for key, value in session.DEMO_POINT.items():
        setattr(ctx.settings, key, value)
    ctx.settings.scanner_device = "sane:test:0"
    ctx.settings.scan_dpi = 150
    ctx.clerk = session.demo_clerk(ctx.db)
    window = build_window(ctx)
    window.views["receive"].confirm_discard = lambda: True  # pytest-qt closes the window at teardown
    qtbot.addWidget(window)
    window.show()
    yield ctx, window
    window.views["receive"].confirm_discard = lambda: True
    window.sync.stop()  # as the app does at quit (ui.session): no pass starts while jobs are waited for
    ctx.runner.shutdown()
    window.close()
    ctx.db.close()


@pytest.fixture
def seeded(desk):
    """The desk with a few demo dossiers received through the real services."""
    ctx, window = desk
    from app.config import blobs_dir
    from app.services.demo import seed_demo
    from app.storage import BlobStore

    seed_demo(ctx.db, BlobStore(blobs_dir(ctx.home)), ctx.settings, dossiers=6, pages=1, seed=3)
    return ctx, window


@pytest.fixture
def pages_dir(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    return folder


def sample(folder: Path, name: str, title: str) -> Path:
    return sample_page(folder / name, title, dpi=120)


def wait_job(qtbot, ctx, job, timeout=180_000):
    """Wait until a started job has finished and its done/failed slots ran on the UI thread."""
    if job is None:
        raise AssertionError("no job was started")
    qtbot.waitUntil(lambda: job not in ctx.runner.live_jobs(), timeout=timeout)


def wait_idle(qtbot, ctx, timeout=180_000):
    qtbot.waitUntil(lambda: not ctx.runner.is_busy(), timeout=timeout)
