"""The two gaps of the digitization profile, closed on real pages (bench/ocr/real):

- a page whose picture holds less than the profile's minimum dpi (an imported image, the scan inside
  a PDF) keeps its true dpi on record and the clerk is told in Vietnamese, on the page;
- a 1-bit page over the profile's KB budget is fitted (Flate, then a lower dpi where text still reads)
  and the clerk is told when even that does not fit.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from app.services.quality import document_warnings, page_notes
from app.services.queries import get_dossier
from bench.ocr.real import REAL_DIR, line_cer, load
from scanner.ocr import recognize
from scanner.pdf import PdfPage, build_pdf, fit_bw_page
from sync.publications import apply_publication
from tests.ui.conftest import wait_job
from tests.ui.test_receive_pages import check_others_on_paper, to_documents
from ui.ops import digitize
from ui.ops.base import never_cancelled, no_progress
from ui.ops.digitize import DigitizeInput
from ui.ops.store import blob_store, open_store

PROFILE = {"mode": "bw", "min_dpi": 200, "kb_per_page": 150}


@pytest.fixture
def home(motcua_home: Path) -> Path:
    """$MOTCUA_HOME with the centre's profile: 200 dpi at least, 150 KB a page."""
    db = open_store(motcua_home)
    try:
        assert apply_publication(db, motcua_home, "digitization", 1, PROFILE) is None
    finally:
        db.close()
    return motcua_home


def _real(name: str) -> np.ndarray:
    [page] = load((name,))
    return page.image()


def _at(image: np.ndarray, dpi: int) -> np.ndarray:
    """The 200 dpi corpus page as a picture of `dpi` (fewer pixels: less detail, truly)."""
    return cv2.resize(image, None, fx=dpi / 200, fy=dpi / 200, interpolation=cv2.INTER_AREA)


def _noisy(image: np.ndarray) -> np.ndarray:
    """A real 1-bit page with scanner dust on it (3% black specks): far over 150 KB in G4."""
    out = image.copy()
    out[np.random.default_rng(1).random(image.shape[:2]) < 0.03] = 0
    return out


def _import(home: Path, path: Path) -> dict:
    items: list[dict] = []
    digitize.run(DigitizeInput(home, paths=(path,), workers=0), no_progress, never_cancelled, items.append)
    [item] = items
    return item["meta"]


@pytest.mark.parametrize(
    ("file_dpi", "dpi_from", "said"),
    [
        ((96, 96), "page_size", "Ảnh khoảng 96 dpi (tệp không ghi độ phân giải, tính theo khổ A4)"),
        (None, "page_size", "Ảnh khoảng 96 dpi (tệp không ghi độ phân giải, tính theo khổ A4)"),
        ((120, 120), "file", "Ảnh 120 dpi"),
    ],
)
def test_an_imported_image_below_the_minimum_keeps_its_true_dpi_and_is_flagged(
    home: Path, tmp_path: Path, file_dpi: tuple[int, int] | None, dpi_from: str, said: str
) -> None:
    dpi = file_dpi[0] if file_dpi else 96  # 96 dpi is a screen's default, not a scan's: A4 decides
    path = tmp_path / "anh.png"
    Image.fromarray(_at(_real("ct16-4"), dpi)).save(path, **({"dpi": file_dpi} if file_dpi else {}))
    meta = _import(home, path)
    [note] = meta["notes"]
    assert note == {"note": "low_dpi", "dpi": dpi, "min_dpi": 200, "dpi_from": dpi_from}
    # the OCR copy is upscaled (recorded as a step), but the record keeps what the picture holds
    assert {"step": "upscale", "from_dpi": dpi, "to_dpi": 300} in meta["steps"]
    [(warn, text)] = page_notes(meta)
    assert warn and text == f"{said}, thấp hơn mức tối thiểu 200 dpi của hồ sơ số hóa — nên quét lại."
    [warning] = document_warnings([{"name": "Tờ khai", "pages": [meta]}])
    assert warning == f"Tờ khai, trang 1: {text}"


def test_a_scanned_pdf_is_flagged_by_the_dpi_of_the_scan_inside_it(home: Path, tmp_path: Path) -> None:
    low = tmp_path / "ban-quet-150.pdf"
    Image.fromarray(_at(_real("ct2352-2"), 150)).save(low, resolution=150)
    meta = _import(home, low)
    assert meta["dpi"] == 300  # drawn at the dpi asked for: the pixels are interpolated …
    assert meta["notes"] == [{"note": "low_dpi", "dpi": 150, "min_dpi": 200, "dpi_from": "pdf"}]  # … said so
    assert "Bản quét trong tệp PDF chỉ 150 dpi" in page_notes(meta)[0][1]
    # a published PDF scanned at 300 dpi is above the minimum: nothing to say
    single = tmp_path / "ct2352-1.pdf"
    with pikepdf.open(REAL_DIR / "ct2352.pdf") as src:
        del src.pages[1:]
        src.save(single)
    assert "notes" not in _import(home, single)


def test_a_noisy_1bit_page_over_its_budget_is_fitted_and_its_text_still_reads() -> None:
    [real] = load(("ct16-4-bw",))
    noisy = _noisy(real.image())
    page = PdfPage(noisy, real.dpi)
    assert len(build_pdf([page])) > 200 * 1024  # as the desk kept it before: only a log line
    fitted, fit = fit_bw_page(page, 150)
    assert fit.fits and fit.full_kb > 250 and fit.kb <= 150
    assert (fit.dpi, fit.encoding) == (150, "flate")
    pdf = build_pdf([page], kb_per_page=150)
    assert len(pdf) <= 150 * 1024
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        [image] = doc.pages[0].obj.Resources.XObject.values()
        assert (image.Width, image.Filter, image.ColorSpace) == (1242, "/FlateDecode", "/DeviceGray")
        assert [round(float(v)) for v in doc.pages[0].mediabox] == [0, 0, 596, 846]  # same paper size
    # legible: Tesseract reads the kept 150 dpi image about as well as the 200 dpi page
    kept = fitted.gray  # the 1-bit image the PDF keeps
    full = np.where(noisy < 165, 0, 255).astype(np.uint8)
    cer_kept = line_cer(real.lines, recognize(kept, 150, want_pdf=False).text)
    cer_full = line_cer(real.lines, recognize(full, 200, want_pdf=False).text)
    assert cer_kept <= cer_full + 0.005, (cer_kept, cer_full)


def test_a_1bit_page_that_cannot_fit_is_flagged_and_the_note_is_saved(qtbot, desk, tmp_path: Path) -> None:
    ctx, window = desk
    assert apply_publication(ctx.db, ctx.home, "digitization", 1, PROFILE) is None
    view = window.show_view("receive")
    to_documents(qtbot, view)
    steps = view.documents_step
    row = next(i for i, c in enumerate(view.draft.components) if c.mandatory)
    steps.checklist.setCurrentRow(row)
    dusty, low = tmp_path / "bui.png", tmp_path / "anh-96.png"
    Image.fromarray(_noisy(_real("ct16-4-bw"))).save(dusty, dpi=(200, 200))
    Image.fromarray(_at(_real("ct16-4"), 96)).save(low, dpi=(96, 96))
    wait_job(qtbot, ctx, steps.import_files([dusty, low]))
    first, second = view.draft.components[row].pages
    assert second.meta["notes"][0]["note"] == "low_dpi"
    [note] = first.meta["notes"]  # the profile's 200 dpi floor: Flate at 200 dpi is still too big
    assert note["note"] == "kb_budget" and not note["fits"] and note["stored_dpi"] == 200
    assert note["stored_kb"] > 150 and note["encoding"] == "flate"

    steps.pages.setCurrentRow(0)
    assert steps.page_note.isVisible()
    assert steps.page_note.text().startswith("⚠ Trang đen trắng vẫn ")
    assert "vượt mức 150 KB/trang của hồ sơ số hóa" in steps.page_note.text()
    steps.pages.setCurrentRow(1)
    assert "⚠ Ảnh khoảng 96 dpi" in steps.page_note.text()
    assert "thấp hơn mức tối thiểu 200 dpi" in steps.warnings.text()  # and before the save
    window.grab().save(str(tmp_path / "trang-thap-dpi.png"))

    check_others_on_paper(steps, view, row)
    wait_job(qtbot, ctx, view.save())
    doc = next(d for d in get_dossier(ctx.db, view.result.id).documents if d["pages"])
    assert [p["notes"][0]["note"] for p in doc["pages"]] == ["kb_budget", "low_dpi"]  # in the event
    assert blob_store(ctx.home).has(doc["pdf"]["sha256"])
