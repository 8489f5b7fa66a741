"""`python -m app queue-screen (kiosk | hall) --url URL [--token T] [--printer P] [--window] [--screenshot F]`: the queue's
kiosk touch screen or the hall's TV display, full screen, talking to the point's queue service."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.config import data_home
from app.logs import setup_logging


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app queue-screen", description=__doc__)
    parser.add_argument("screen", choices=("kiosk", "hall"))
    parser.add_argument("--url", required=True, help="the queue service, e.g. http://192.168.1.10:8765")
    parser.add_argument("--token", default=os.environ.get("MOTCUA_QUEUE_TOKEN", ""))
    parser.add_argument("--window", action="store_true", help="a window instead of full screen")
    parser.add_argument(
        "--printer", help="kiosk: print each ticket slip on this printer ('' = the default one)"
    )
    parser.add_argument("--screenshot", type=Path, help="render once offscreen to this PNG and exit")
    args = parser.parse_args(argv)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    setup_logging(data_home())
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from sync.queue_client import QueueClient
    from ui.theme import apply_theme
    from ui.views.queue.hall import HallDisplay
    from ui.views.queue.kiosk import KioskView
    from ui.workers.jobs import JobRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    runner = JobRunner()
    client = QueueClient(args.url, args.token)
    from app.config import load_settings

    point = load_settings(data_home()).point_name
    kiosk = args.screen == "kiosk"
    screen = KioskView(client, runner, args.printer, point) if kiosk else HallDisplay(client, runner)
    screen.setWindowTitle("Lấy số thứ tự" if args.screen == "kiosk" else "Màn hình gọi số")
    if isinstance(screen, HallDisplay):
        screen.start()
    if args.screenshot:
        screen.resize(1280, 720)
        screen.show()

        def shoot() -> None:
            screen.grab().save(str(args.screenshot))
            app.quit()

        QTimer.singleShot(2500, shoot)
    elif args.window:
        screen.resize(1280, 720)
        screen.show()
    else:
        screen.showFullScreen()
    code = app.exec()
    runner.shutdown(5000)
    return int(code)
