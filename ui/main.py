"""Composition root of the desk: `python -m app [--demo] [--smoke] [--screenshot FILE] [--screenshots DIR]`.

Builds the services and the window and passes them in; nothing global.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.config import data_home, load_settings
from app.logs import setup_logging
from ui.adapters import session
from ui.adapters.sync import sync_status_text
from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.theme import apply_theme
from ui.views.base import ViewPage
from ui.workers.jobs import JobRunner
from ui.workers.sync_scheduler import SyncScheduler
from ui.workers.upkeep import Upkeep

logger = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m app", description="Một Cửa Desk")
    p.add_argument("--demo", action="store_true", help="seed demo data and log in a demo clerk")
    p.add_argument("--smoke", action="store_true", help="show the main window and exit 0")
    p.add_argument("--screenshot", type=Path, help="with --smoke: save the window to this PNG")
    p.add_argument("--screenshots", type=Path, help="render every view and receive step to DIR")
    return p.parse_args(list(argv))


def build_views(ctx: DeskContext, upkeep: Upkeep, sync: SyncScheduler) -> list[tuple[str, str, ViewPage]]:
    """The navigation entries, in order: (key, Vietnamese label, view)."""
    from ui.views.accounts import AccountsView
    from ui.views.dossiers import DossiersView
    from ui.views.home import HomeView
    from ui.views.procedures import ProceduresView
    from ui.views.receive import ReceiveView
    from ui.views.report_view import ReportView
    from ui.views.returns import ReturnsView
    from ui.views.settings import SettingsView
    from ui.views.sync import SyncView

    return [
        ("home", "Trang chủ", HomeView(ctx)),
        ("procedures", "Thủ tục", ProceduresView(ctx)),
        ("receive", "Tiếp nhận", ReceiveView(ctx)),
        ("dossiers", "Hồ sơ", DossiersView(ctx)),
        ("returns", "Trả kết quả", ReturnsView(ctx)),
        ("sync", "Đồng bộ", SyncView(ctx, sync)),
        ("settings", "Cài đặt", SettingsView(ctx, upkeep)),
        ("accounts", "Tài khoản", AccountsView(ctx)),
        ("report", "Báo cáo", ReportView(ctx)),  # the point's numbers (ui.views.report_view)
    ]


def build_window(ctx: DeskContext) -> MainWindow:
    """The window with its views and the session's background work (started after login)."""
    upkeep = Upkeep(ctx)
    sync = SyncScheduler(ctx, sync_status_text)
    window = MainWindow(ctx, build_views(ctx, upkeep, sync), upkeep, sync)
    window.set_sync_text(sync_status_text(ctx))
    from ui.views.queue.callbar import attach_call_bar

    attach_call_bar(window, ctx)  # only when the point runs a queue service (setting queue_url)
    from ui.views.base import show_keys

    show_keys(window)
    return window


def make_context(home: Path, *, demo: bool) -> DeskContext:
    """The whole context: settings, the job runner, the UI thread's store (and with `demo`, the demo
    point, dossiers and clerk)."""
    ctx = DeskContext(
        home=home, settings=load_settings(home), runner=JobRunner(), db=session.open_ui_store(home)
    )
    if demo:
        try:
            session.seed_demo(ctx)
            ctx.settings = load_settings(home)
            ctx.clerk = session.demo_clerk(ctx.db)
        except Exception:  # the desk still opens; the log says what is missing
            logger.exception("demo data could not be seeded")
    return ctx


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if (args.demo or args.screenshots) and not os.environ.get("MOTCUA_HOME"):
        os.environ["MOTCUA_HOME"] = tempfile.mkdtemp(prefix="motcua-demo-")
    home = data_home()
    setup_logging(home)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Một Cửa Desk")
    apply_theme(app)
    from ui.workers.collector import UiThreadCollector

    collector = UiThreadCollector(parent=app)  # noqa: F841 (lives as long as the app)
    from ui.session import unlock_store

    opened, clerk = unlock_store(home, load_settings(home).point_name)  # a sealed store: clerk login
    if not opened:
        return 0
    ctx = make_context(home, demo=args.demo or bool(args.screenshots))
    ctx.clerk = ctx.clerk or clerk
    window = build_window(ctx)
    if args.screenshots:
        from ui.screenshots import render_all

        return render_all(window, ctx, args.screenshots)
    if args.smoke:
        window.show()
        app.processEvents()
        if args.screenshot:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.screenshot))
        from ui.views.receive import ReceiveView

        window.view_as("receive", ReceiveView).confirm_discard = lambda: True
        window.close()
        return 0
    from ui.session import start_session

    return start_session(app, window, ctx)
