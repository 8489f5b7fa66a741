"""The receive screen's pages, driven like a clerk: "Dùng ảnh gốc" puts back the page as scanned, and
the clerk types the applicant's details while real pages are still being read."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.config import blobs_dir
from app.services.queries import get_dossier
from app.storage import BlobStore
from bench.ocr.real import REAL_DIR
from scanner.processing.geometry import rotate
from tests.scanner.corpus_helper import make_page, save_png
from tests.ui.conftest import type_text, wait_job
from ui.ops.digitize import thumbnail_png
from ui.views.receive import APPLICANT, DOCUMENTS, DONE

APPLICANT_DATA = {
    "full_name": "Nguyễn Thị Hồng Nhung",
    "id_kind": "cccd",
    "id_number": "001190012345",
    "birth_date": "1990-05-14",
    "gender": "female",
    "address": "Số 12 ngõ 34 phố Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "phone": "0912345678",
}
TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def askew_scan(folder: Path) -> tuple[Path, np.ndarray]:
    """A gray 300 dpi page fed 2.5° askew, so the clean-up turns it."""
    page = make_page("clean", n_lines=3, seed=6)
    gray = np.ascontiguousarray(rotate(cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY), 2.5))
    return save_png(folder / "quet-lech.png", gray), gray


def to_documents(qtbot, view) -> None:
    """Procedure 1.001193 chosen, the applicant filled in, on step 3."""
    view.procedure_step.choose("1.001193")
    assert view.next_step() and view.stack.currentIndex() == APPLICANT
    view.applicant_step.set_applicant(APPLICANT_DATA)
    assert view.next_step() and view.stack.currentIndex() == DOCUMENTS


def check_others_on_paper(steps, view, keep: int) -> None:
    """Every other mandatory component checked on paper, as the clerk ticks it."""
    for row, comp in enumerate(view.draft.components):
        if comp.mandatory and row != keep:
            steps.checklist.setCurrentRow(row)
            steps.paper_check.setChecked(True)
            type_text(steps.paper_note, "Bản giấy đã kiểm tra")


def decode(blobs: BlobStore, sha256: str) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(blobs.read_bytes(sha256), np.uint8), cv2.IMREAD_UNCHANGED)


def test_use_original_shows_rereads_and_saves_the_page_as_scanned(qtbot, desk, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    to_documents(qtbot, view)
    steps = view.documents_step
    row = next(i for i, c in enumerate(view.draft.components) if c.mandatory)
    steps.checklist.setCurrentRow(row)
    path, scan = askew_scan(tmp_path)
    wait_job(qtbot, ctx, steps.import_files([path]))
    [cleaned] = view.draft.components[row].pages
    assert cleaned.meta["steps"][0]["step"] == "deskew" and cleaned.meta.get("original")
    blobs = BlobStore(blobs_dir(ctx.home))
    assert not np.array_equal(decode(blobs, cleaned.meta["sha256"]), scan)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    steps.pages.setCurrentRow(0)
    steps.pages.setFocus()
    qtbot.keyClick(steps.pages, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # its own key, Alt+D
    qtbot.waitUntil(lambda: view.draft.components[row].pages[0] is not cleaned, timeout=90_000)
    [page] = view.draft.components[row].pages
    assert np.array_equal(decode(blobs, page.meta["sha256"]), scan)  # the page is the scan again
    assert page.meta["steps"] == [] and page.meta["original"] == cleaned.meta["original"]
    assert page.thumb == QImage.fromData(thumbnail_png(scan)) != cleaned.thumb  # and shows it
    # read again on the scan as it was: a new text layer, placed on the unturned words
    assert page.text_pdf and page.text_pdf != cleaned.text_pdf and TITLE in page.text
    assert steps.pages.currentRow() == 0 and steps.ocr_text.toPlainText() == page.text
    window.grab().save(str(tmp_path / "dung-anh-goc.png"))

    check_others_on_paper(steps, view, row)
    wait_job(qtbot, ctx, view.save())
    assert view.stack.currentIndex() == DONE, view.banner.text()
    doc = next(d for d in get_dossier(ctx.db, view.result.id).documents if d["pages"])
    [saved] = doc["pages"]
    assert saved["sha256"] == page.meta["sha256"] and saved["steps"] == []
    assert saved["original"]["sha256"] == cleaned.meta["original"]["sha256"]


def test_the_clerk_types_the_applicant_while_real_pages_are_read(qtbot, desk):
    ctx, window = desk
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.show_view("receive")
    to_documents(qtbot, view)
    steps = view.documents_step
    row = next(i for i, c in enumerate(view.draft.components) if c.mandatory)
    steps.checklist.setCurrentRow(row)
    comp = view.draft.components[row]
    scans = sorted(REAL_DIR.glob("*.jpg"))[:6]  # real scans: seconds of OCR each, in worker processes
    job = steps.import_files(scans)
    qtbot.waitUntil(lambda: len(comp.pages) >= 1, timeout=180_000)  # the reading has begun

    view.go_to(APPLICANT)  # the clerk goes back to the applicant's fields meanwhile
    phone, email = view.applicant_step.edits["phone"], view.applicant_step.edits["email"]
    phone.clear()
    phone.setFocus()
    qtbot.keyClicks(phone, "0987654321")
    email.setFocus()
    qtbot.keyClicks(email, "nhung.nguyen@example.vn")
    assert phone.text() == "0987654321" and email.text() == "nhung.nguyen@example.vn"
    assert job in ctx.runner.live_jobs() and len(comp.pages) < len(scans)  # typed while pages were read

    wait_job(qtbot, ctx, job)
    assert len(comp.pages) == len(scans) and all(p.text.strip() for p in comp.pages)
    assert view.stack.currentIndex() == APPLICANT  # pages arriving never pulled the clerk away
    assert QApplication.focusWidget() is email  # nor took the focus from the field being typed in
    assert view.next_step() and view.draft.applicant["phone"] == "0987654321"
