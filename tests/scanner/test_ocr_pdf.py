"""Real Tesseract (vie) on small pages, the worker pool, and the searchable PDF."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest

from scanner.errors import CancelledError
from scanner.ocr import OcrOptions, ocr_pages
from scanner.pdf import PdfPage, build_pdf
from tests.scanner.corpus_helper import cer, make_page


@pytest.fixture(scope="module")
def pages():
    return {k: make_page(k, n_lines=5, seed=7) for k in ("clean", "phone", "stamp")}


@pytest.fixture(scope="module")
def results(pages):
    """One pool run for the module: clean, phone photo, stamp, and an upside-down page, 2 workers."""
    upside = np.ascontiguousarray(pages["clean"].image[::-1, ::-1])
    items = [(p.image, p.dpi) for p in pages.values()] + [(upside, 300)]
    return ocr_pages(items, OcrOptions(), workers=2)


def test_vietnamese_text_is_read_with_diacritics_in_order(pages, results):
    for kind, result in zip(pages, results, strict=False):
        assert cer(pages[kind].text, result.ocr.text) < 0.05, kind
        assert result.ocr.confidence > 80
    assert results[0].ocr.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def test_upside_down_page_is_turned_and_read(pages, results):
    assert results[3].page.rotation == 180
    assert cer(pages["clean"].text, results[3].ocr.text) < 0.05


def test_page_timeout_keeps_the_page_without_text(pages):
    [result] = ocr_pages([(pages["clean"].image, 300)], OcrOptions(timeout=0.05, want_pdf=False), workers=0)
    assert result.ocr.error == "timeout" and result.ocr.confidence is None


def test_cancel_stops_the_pool(pages):
    items = [(pages["clean"].image, 300)] * 4
    with pytest.raises(CancelledError):
        ocr_pages(items, OcrOptions(want_pdf=False), is_cancelled=lambda: True, workers=1)


def test_pdf_is_searchable_small_and_keeps_the_stamp_red(pages, results):
    pdf_pages = [
        PdfPage(r.page.gray, r.page.dpi, r.page.color, r.page.is_photo, r.ocr.text_pdf) for r in results[:3]
    ]
    data = build_pdf(pdf_pages, title="Giấy khai sinh")
    doc = pdfium.PdfDocument(data)
    assert len(doc) == 3
    assert doc.get_metadata_dict()["Title"] == "Giấy khai sinh"
    text = doc[0].get_textpage().get_text_range()
    assert cer(pages["clean"].text, text) < 0.05
    assert results[2].page.is_color and not results[0].page.is_color
    stamp = np.asarray(doc[2].render(scale=50 / 72).to_pil().convert("RGB")).astype(int)
    red = (stamp[..., 0] > 150) & (stamp[..., 1] < 90) & (stamp[..., 2] < 90)
    assert red.sum() > 200
    single = [len(build_pdf([p])) for p in pdf_pages]
    assert single[0] < 100_000 and single[2] < 200_000


def test_g4_mask_decodes_to_the_same_bits():
    """The 1-bit image the PDF carries is the ink mask exactly: ink black, paper white, no pixel moved."""
    import pikepdf
    from pikepdf import PdfImage

    from scanner.pdf import g4_stream

    rng = np.random.default_rng(9)
    ink = rng.random((157, 211)) < 0.2  # odd sizes: no row padding may shift a bit
    ink[:, :3] = True
    pdf = pikepdf.new()
    image = PdfImage(g4_stream(pdf, ink[:, 5:]))  # a strided view, as a crop of a page gives
    decoded = np.asarray(image.as_pil_image().convert("L")) < 128
    assert decoded.shape == (157, 206)
    assert np.array_equal(decoded, ink[:, 5:])


def test_cancelling_one_run_leaves_the_other_run_of_the_shared_pool_alone(pages):
    """Two documents read through one pool at once (two scan jobs): the clerk cancels one, the other
    is still read to the end."""
    import threading

    from scanner.ocr import OcrPool

    clean = pages["clean"]
    outcome: dict[str, object] = {}
    with OcrPool(2) as pool:
        submitted = threading.Event()

        def items():
            yield from [(clean.image, clean.dpi)] * 2
            submitted.set()  # the pool asks for a third page once both are on their way

        def kept() -> None:
            outcome["kept"] = list(pool.run(items(), OcrOptions()))

        thread = threading.Thread(target=kept)
        thread.start()
        assert submitted.wait(60)
        with pytest.raises(CancelledError):
            list(pool.run([(clean.image, clean.dpi)] * 2, OcrOptions(), is_cancelled=lambda: True))
        thread.join(180)
    results = outcome["kept"]
    assert isinstance(results, list) and len(results) == 2
    assert all(
        r.ocr is not None and r.ocr.error is None and cer(clean.text, r.ocr.text) < 0.1 for r in results
    )


def test_a_page_without_any_word_is_read_once_without_osd(monkeypatch):
    """A ruled grid with no text (what the SANE test device draws): Tesseract finds no word, and no
    second run asks OSD for an orientation it could not find on a page without text either."""
    import cv2

    from scanner.ocr import process_page, worker

    asked: list[int] = []
    real = worker.detect_rotation

    def spy(gray, dpi, *args, **kwargs):
        asked.append(dpi)
        return real(gray, dpi, *args, **kwargs)

    monkeypatch.setattr(worker, "detect_rotation", spy)
    grid = np.full((1200, 900), 255, np.uint8)
    for x in range(60, 900, 120):
        cv2.line(grid, (x, 60), (x, 1140), 0, 3)
    for y in range(60, 1200, 120):
        cv2.line(grid, (60, y), (840, y), 0, 3)
    result = process_page(0, grid, 150, OcrOptions(want_pdf=False))
    assert result.ocr is not None and result.ocr.error is None and result.ocr.words == 0
    assert asked == []
