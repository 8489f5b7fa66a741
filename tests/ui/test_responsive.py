"""The UI thread keeps processing events while pages are OCR'd (the work runs as a job)."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer

from tests.ui.conftest import sample, wait_job


def test_timer_keeps_ticking_while_ten_pages_are_ocrd(qtbot, desk, pages_dir):
    ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("2.000815")
    view.go_to(2)
    files = [sample(pages_dir, f"trang-{i}.png", f"BẢN SAO SỐ {i + 1}") for i in range(10)]
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    arrived: list[float] = []
    job = view.documents_step.import_files(files)
    job.signals.sig_item.connect(lambda _item: arrived.append(time.monotonic()))
    wait_job(qtbot, ctx, job, timeout=300_000)
    timer.stop()
    pages = view.draft.components[0].pages
    assert len(pages) == 10
    assert all(p.meta["ocr_confidence"] is not None for p in pages)
    # the timer ticked between pages arriving: the event loop never stalled for a whole page
    gaps = [sum(1 for t in ticks if a < t < b) for a, b in itertools.pairwise(arrived)]
    assert len(arrived) == 10 and min(gaps) >= 1, gaps
    assert len(ticks) >= 20


def test_quit_cancels_running_jobs_and_waits_for_them(qtbot, desk, pages_dir):
    ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("2.000815")
    view.go_to(2)
    files = [sample(pages_dir, f"q-{i}.png", f"TRANG {i}") for i in range(6)]
    job = view.documents_step.import_files(files)
    qtbot.waitSignal(job.signals.sig_item, timeout=120_000).wait()
    window.close()  # closeEvent: cancel every live job and wait for the pool
    assert job.is_finished() and job.is_cancelled()
    assert ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
