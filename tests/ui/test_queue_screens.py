"""The queue's screens against the real queue service process: kiosk, desk call bar, hall display."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from app.calendar import TZ
from sync.queue_client import QueueClient
from tests.queue.test_queue_service import Service
from ui.theme import apply_theme
from ui.views.queue.callbar import CallBar
from ui.views.queue.common import write_chime
from ui.views.queue.hall import HallDisplay
from ui.views.queue.kiosk import KioskView
from ui.workers.jobs import JobRunner

FIELDS = ["ho_tich", "chung_thuc", "cu_tru", "kinh_doanh", "khac"]


@pytest.fixture
def service(tmp_path: Path):
    svc = Service(tmp_path, datetime.now(TZ).replace(hour=9, minute=5, second=0, microsecond=0))
    svc.run()
    yield svc
    svc.stop()


def _save(widget, tmp_path: Path, name: str) -> Path:
    from PySide6.QtWidgets import QApplication

    widget.layout().activate()
    QApplication.processEvents()
    path = tmp_path / f"{name}.png"
    assert widget.grab().save(str(path))
    target = os.environ.get("MOTCUA_SCREENSHOTS_DIR")  # `make screenshots`-style refresh of docs/screenshots
    if target:
        shutil.copy(path, Path(target) / path.name)
    return path


def test_kiosk_call_bar_and_hall_display_with_the_service(qtbot, qapp, service: Service, tmp_path: Path):
    apply_theme(qapp)
    runner = JobRunner()
    client = QueueClient(service.url)
    printed = tmp_path / "printed-ticket.pdf"
    kiosk = KioskView(
        client, runner, printer=f"pdf:{printed}", point_name="Điểm Phục vụ hành chính công Hoàn Kiếm"
    )
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 800)
    kiosk.show()
    kiosk.priority.setChecked(True)
    kiosk.buttons[0].click()
    qtbot.waitUntil(lambda: kiosk.ticket.text() == "A001", timeout=10_000)
    assert "ưu tiên" in kiosk.note.text().lower()
    _save(kiosk, tmp_path, "queue-kiosk")
    qtbot.waitUntil(lambda: bool(kiosk.printed) and printed.exists(), timeout=20_000)
    slip = subprocess.run(
        ["pdftotext", str(kiosk.printed[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "A001" in slip and "Hộ tịch" in slip and "Số ưu tiên" in slip
    pages = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", pages) and "227 x 283 pts" in pages  # one 80 x 100 mm slip printed
    for _ in range(3):
        client.issue("chung_thuc")

    bar = CallBar(client, runner, desk=2, fields=FIELDS)
    qtbot.addWidget(bar)
    bar.resize(1100, 60)
    bar.show()
    bar.call_next()
    qtbot.waitUntil(lambda: bar.number.text() == "B001", timeout=10_000)  # priority waits its turn: 1 in 3
    _save(bar, tmp_path, "queue-callbar")

    bar.finish("dossier", "000.00.00.H26-261201-2001")
    qtbot.waitUntil(lambda: bar.number.text() == "—", timeout=10_000)
    assert [t["dossier_code"] for t in client.tickets() if t["number"] == "B001"] == [
        "000.00.00.H26-261201-2001"
    ]
    for expected in ("B002", "A001"):  # two ordinary tickets since the last priority one: now the priority
        if expected == "A001":
            bar.finish("guidance")
            qtbot.waitUntil(lambda: bar.number.text() == "—", timeout=10_000)
        bar.call_next()
        qtbot.waitUntil(lambda e=expected: bar.number.text() == e, timeout=10_000)

    hall = HallDisplay(client, runner, chime=False)
    qtbot.addWidget(hall)
    hall.resize(1280, 720)
    hall.show()
    hall.start()
    qtbot.waitUntil(lambda: hall.now_number.text() == "A001", timeout=10_000)
    assert "QUẦY 2" in hall.now_desk.text() and "B002" in hall.recent[0].text()
    assert "1 người chờ" in hall.waiting_labels["chung_thuc"].text()
    _save(hall, tmp_path, "queue-hall")
    hall.timer.stop()

    service.kill()  # the queue service is gone: the bar says so, the desk is not blocked
    bar.call_next()
    qtbot.waitUntil(lambda: "vẫn tiếp nhận" in bar.state.text(), timeout=10_000)
    assert bar.call.isEnabled() and bar.state.objectName() == "CallOffline"
    _save(bar, tmp_path, "queue-callbar-offline")
    runner.shutdown(5000)


def test_chime_is_a_playable_two_note_wav(tmp_path: Path):
    import wave

    with wave.open(str(write_chime(tmp_path / "chime.wav"))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22_050)
        assert 0.9 < w.getnframes() / w.getframerate() < 1.0


def test_call_bar_on_the_desk_window_links_the_ticket_to_the_saved_dossier(qtbot, desk, service: Service):
    from ui.ops.save_dossier import SavedDossier
    from ui.views.queue.callbar import attach_call_bar

    ctx, window = desk
    assert attach_call_bar(window, ctx) is None  # no queue service configured: no bar, nothing changes
    ctx.settings.extra["queue_url"] = service.url
    bar = attach_call_bar(window, ctx)
    assert bar is not None and window.call_bar is bar
    client = QueueClient(service.url)
    client.issue("cu_tru")
    bar.call_next()
    qtbot.waitUntil(lambda: bar.number.text() == "C001", timeout=10_000)
    saved = SavedDossier(
        id="d1", code="000.00.00.H26-261201-1001", due_date="2026-12-04", due_text="04/12/2026"
    )
    window.views["receive"].sig_saved.emit(saved)
    qtbot.waitUntil(lambda: bar.number.text() == "—", timeout=10_000)
    [ticket] = client.tickets()
    assert (ticket["outcome"], ticket["dossier_code"]) == ("dossier", "000.00.00.H26-261201-1001")
