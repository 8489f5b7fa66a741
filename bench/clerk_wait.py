"""The clerk's wait: 5 pages at 300 dpi from the SANE test device in the real desk window (offscreen).

    QT_QPA_PLATFORM=offscreen python bench/clerk_wait.py [--pages 5] [--profile]

Prints the time from pressing "Quét trang" until the last page shows its OCR badge (the desk's
shared OCR worker processes read the pages while the next ones scan), and the time from Ctrl+Enter
(save) until the receipt PDF is written, its print asked for as soon as the save is done. Goal of issue 9: <= 10 s for the two together on 2 cores.
The SANE test device draws a grid, not text: Tesseract's time on a text page is higher (see
bench/ocr/compare.py for per-page OCR times on real scans). Figures are printed, never asserted.
The Ctrl+Enter figure is split into the save job, the receipt job and the rest (the UI thread and
the jobs' hand-over); `--profile` prints where each of the two jobs and the UI thread spend it
(pyinstrument).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class JobClock:
    """Wall time of each call of a job function (in the job's thread), profiled with `profile`."""

    def __init__(self, profile: bool) -> None:
        self.profile = profile
        self.seconds: dict[str, float] = {}
        self.reports: list[tuple[str, str]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            profiler = self._start()
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self._stop(name, profiler)

        return timed

    def _start(self) -> Any:
        if not self.profile:
            return None
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        return profiler

    def _stop(self, name: str, profiler: Any) -> None:
        if profiler is not None:
            profiler.stop()
            text = profiler.output_text(unicode=False, color=False, show_all=False)
            self.reports.append((f"{name} ({threading.current_thread().name})", text))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="where the Ctrl+Enter path spends its time")
    args = parser.parse_args()
    os.environ.setdefault("MOTCUA_HOME", tempfile.mkdtemp(prefix="motcua-wait-"))
    from PySide6.QtWidgets import QApplication

    from scanner.sources import sane
    from ui.main import build_window, make_context
    from ui.ops import digitize, print_form, save_dossier
    from ui.screenshots import DEMO_APPLICANT, settle, wait_jobs
    from ui.session import warm_forms
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)  # type: ignore[arg-type]
    ctx = make_context(Path(os.environ["MOTCUA_HOME"]), demo=True)
    ctx.settings.scanner_device, ctx.settings.scan_dpi, ctx.settings.scan_mode = "sane:test:0", 300, "color"
    original = sane.SaneSource.__init__

    def grid(self: sane.SaneSource, device: str | None = None, options: dict | None = None) -> None:
        original(self, device, {"test_picture": "Grid", **(options or {})})

    sane.SaneSource.__init__ = grid  # type: ignore[method-assign]
    digitize.shared_pool()  # the desk starts its workers before the first scan
    warm_forms()  # and parses the forms' fonts while the clerk logs in (ui.session)
    clock = JobClock(args.profile)  # the views look the job functions up at each save and print
    save_dossier.run = clock.wrap("save job", save_dossier.run)  # type: ignore[method-assign]
    print_form.run = clock.wrap("receipt job", print_form.run)  # type: ignore[method-assign]
    window = build_window(ctx)
    window.resize(1366, 820)
    window.show()
    view = window.show_view("receive")
    view.procedure_step.search.query.setText("khai sinh")
    settle(400)  # the search runs 120 ms after typing stops: choosing before it would be undone by it
    view.next_step()
    view.applicant_step.set_applicant(DEMO_APPLICANT)
    view.next_step()
    steps = view.documents_step
    # every mandatory component gets a page (the first gets the rest), as a clerk scans a short dossier
    mandatory = [row for row, comp in enumerate(view.draft.components) if comp.mandatory]
    rows = [mandatory[min(i, len(mandatory) - 1)] for i in range(args.pages)][::-1]
    settle()
    start = time.perf_counter()
    for row in rows:  # one page per press on the platen
        steps.checklist.setCurrentRow(row)
        steps.scan()
    wait_jobs(ctx)
    badges = time.perf_counter() - start
    pages = sum(len(comp.pages) for comp in view.draft.components)
    receipt: list[float] = []  # when the receipt PDF was written
    # the print starts as the save ends (the clerk's next press) and the clock stops when the PDF is
    # written: the figure holds the two jobs and the UI thread's part, no polling
    view.sig_saved.connect(lambda _saved: view.make_receipt(lambda _pdf: receipt.append(time.perf_counter())))
    ui_profiler = clock._start()
    start = time.perf_counter()
    view.save()
    wait_jobs(ctx)
    ready = (receipt[0] if receipt else time.perf_counter()) - start
    clock._stop("UI thread, Ctrl+Enter to receipt", ui_profiler)
    jobs = clock.seconds.get("save job", 0.0) + clock.seconds.get("receipt job", 0.0)
    print(f"pages scanned and read: {pages} at 300 dpi (SANE test device, grid picture)")
    print(f"scan press -> last OCR badge: {badges:.2f} s")
    print(f"Ctrl+Enter -> receipt PDF ready: {ready:.2f} s ({'ok' if receipt else 'no receipt'})")
    print(f"  of which save job {clock.seconds.get('save job', 0.0):.2f} s, receipt job "
          f"{clock.seconds.get('receipt job', 0.0):.2f} s, the rest {ready - jobs:.2f} s")  # fmt: skip
    print(f"together: {badges + ready:.2f} s (goal <= 10 s on 2 cores)")
    window.views["receive"].confirm_discard = lambda: True  # type: ignore[attr-defined]
    window.close()
    for name, text in clock.reports:
        print(f"\n## profile: {name}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
