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
from ui import backend, backend_dossiers
from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.theme import apply_theme
from ui.workers.jobs import JobRunner

logger = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m app", description="Một Cửa Desk")
    p.add_argument("--demo", action="store_true", help="seed demo data and log in a demo clerk")
    p.add_argument("--smoke", action="store_true", help="show the main window and exit 0")
    p.add_argument("--screenshot", type=Path, help="with --smoke: save the window to this PNG")
    p.add_argument("--screenshots", type=Path, help="render every view and receive step to DIR")
    return p.parse_args(list(argv))


def build_views(ctx: DeskContext) -> list[tuple[str, str, object]]:
    """The navigation entries, in order: (key, Vietnamese label, view)."""
    from ui.views.dossiers import DossiersView
    from ui.views.home import HomeView
    from ui.views.procedures import ProceduresView
    from ui.views.receive import ReceiveView
    from ui.views.returns import ReturnsView
    from ui.views.settings import SettingsView
    from ui.views.sync import SyncView

    return [
        ("home", "Trang chủ", HomeView(ctx)),
        ("procedures", "Thủ tục", ProceduresView(ctx)),
        ("receive", "Tiếp nhận", ReceiveView(ctx)),
        ("dossiers", "Hồ sơ", DossiersView(ctx)),
        ("returns", "Trả kết quả", ReturnsView(ctx)),
        ("sync", "Đồng bộ", SyncView(ctx)),
        ("settings", "Cài đặt", SettingsView(ctx)),
    ]


def build_window(ctx: DeskContext) -> MainWindow:
    from ui.workers.upkeep import Upkeep

    window = MainWindow(ctx, build_views(ctx))  # type: ignore[arg-type]
    window.set_sync_text(backend_dossiers.sync_status_text(ctx))
    upkeep = Upkeep(ctx, parent=window)  # started with the session (ui.session), after login
    upkeep.sig_message.connect(window.show_status_message)
    window.upkeep = upkeep
    window.views["settings"].attach_upkeep(upkeep)  # type: ignore[attr-defined]
    from ui.views.base import show_keys

    show_keys(window)
    return window


def make_context(home: Path, *, demo: bool) -> DeskContext:
    settings = load_settings(home)
    ctx = DeskContext(home=home, settings=settings, runner=JobRunner())
    ctx.db = backend.open_store(home)
    if demo:
        try:
            backend.seed_demo(ctx)
            ctx.settings = load_settings(home)
            ctx.clerk = backend.demo_clerk(ctx)
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
        window.views["receive"].confirm_discard = lambda: True  # type: ignore[attr-defined]
        window.close()
        return 0
    from ui.session import start_session

    return start_session(app, window, ctx)
